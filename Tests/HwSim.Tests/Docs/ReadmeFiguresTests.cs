using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// README.md quotes what <c>hwsim report</c> prints for its defaults (ResNet-18 W4A2, fp32 first and
/// last layers, lowbit-default, 45 nm): the summary block verbatim and the first/last share table.
/// Both are recomputed here, so a pricing or counting change that moves them fails until the README
/// is re-measured (issue 13 item 7). The width break-even sentence is not checked (it needs the
/// width sweep, about 10 s).
/// </summary>
public sealed class ReadmeFiguresTests
{
    [Test]
    public void TheReadmeQuotesWhatHwsimReportPrints()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("report", "--no-width", "--quiet", "-o", Path.Combine(dir.Path, "rep"));
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var lines = r.Output.ReplaceLineEndings("\n").Split('\n');

        var summary = lines.Where(l => new[] { "│ energy per inference", "│ latency", "│ throughput", "│ area", "│ average power", "│ efficiency" }
            .Any(p => l.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.That(summary, Has.Count.EqualTo(6), r.Output);

        // The share table's rows, as the README's Markdown table gives them: MACs, bit-ops, cycles,
        // compute energy, energy, area of the kept layers' unit.
        var shares = new List<string>();
        foreach (var keep in new[] { "fp32", "fp16", "int8", "same" })
        {
            var cells = lines.Single(l => l.StartsWith($"│ {keep} │ conv1, fc", StringComparison.Ordinal)).Split('│').Select(c => c.Trim()).ToArray();
            var area = cells[9].Split(' ')[0] + " %";
            shares.Add($"| {(keep == "same" ? "same (W4A2)" : keep)} | {cells[3]} | {cells[4]} | {cells[6]} | {cells[7]} | {cells[8]} | {area} |");
        }
        using (Assert.EnterMultipleScope())
        {
            foreach (var line in summary.Concat(shares))
                Assert.That(readme, Does.Contain(line), "README.md must quote hwsim report");
        }
    }
}
