using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// docs/validation/stripes-vs-dadn.md, "Stripes' fully-connected mode": the whole AlexNet (convolutions
/// and FC layers) on dadn-like and stripes-like with the command the note gives. With stripes-like's
/// fc_mode: multiplex (Simulator/README.md §3) its FC layers at batch 1 use all 16 rows; before, at one
/// row in 16, stripes-like took 280,328 cycles, 1.10x dadn-like's.
/// </summary>
public sealed class StripesFcModeTests
{
    [Test]
    public void WholeAlexNet_StripesLikeWithFcMode_IsFasterThanDadnLike()
    {
        var r = CliRunner.Run("compare", "alexnet", "--wbits", "16", "--abits", "8", "--first-last", "int16", "--arch", "dadn-like", "--arch", "stripes-like", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString);
        using var doc = JsonDocument.Parse(r.Output);
        var cycles = doc.RootElement.GetProperty("configs").EnumerateArray().Select(c => (c.GetProperty("architecture").GetString(), c.GetProperty("cycles").GetInt64())).ToList();
        Assert.That(cycles, Is.EqualTo(new[] { ("dadn-like", 254_163L), ("stripes-like", 171_798L) }), "1.48x faster (280,328 cycles, 1.10x slower, in the window mapping)");
    }
}
