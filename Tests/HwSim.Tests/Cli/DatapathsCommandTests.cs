using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim datapaths</c> end to end, in-process: its figures are those of <c>hwsim compare</c>
/// at the same precision, a unit that cannot run a layer is a row with its reason, and bad
/// --precisions is one error line, exit 2, no output file.
/// </summary>
public class DatapathsCommandTests
{
    [Test]
    public void Figures_EqualThoseOfCompare_AndNotRunLayersCarryTheirReason()
    {
        // An XNOR-only machine (finn-like before it became the pipelined CNV-W1A1): binary layers only.
        using var dir = new TempDir();
        var xnor = Path.Combine(dir.Path, "xnor-only.yaml");
        File.WriteAllText(xnor, "version: 1\nname: xnor-only\nclock_mhz: 200\ndram: { bandwidth_bytes_per_cycle: 8 }\nbuffers: { ifmap_kb: 128, weight_kb: 2048, ofmap_kb: 128, word_bits: 32 }\nunits:\n  - { name: mvau, kind: xnor, rows: 1, cols: 16, lanes: 32, max_bits: 1 }\n");
        var r = CliRunner.Run("datapaths", "resnet18", "--precisions", "W1A1,W2A2", "--arch", "loom-like", "--arch", xnor, "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var points = JsonDocument.Parse(r.Output).RootElement.GetProperty("points").EnumerateArray().ToList();
        Assert.That(points.Select(p => $"{p.GetProperty("architecture").GetString()} {p.GetProperty("precision").GetString()}"),
            Is.EqualTo(new[] { "loom-like W1A1", "xnor-only W1A1", "loom-like W2A2", "xnor-only W2A2" }));
        var compare = CliRunner.Run("compare", "resnet18", "--wbits", "2", "--abits", "2", "--first-last", "int8", "--arch", "loom-like", "--arch", xnor, "--format", "json");
        Assert.That(compare.ExitCode, Is.Zero, compare.ToString());
        var loom = JsonDocument.Parse(compare.Output).RootElement.GetProperty("configs")[0];
        using (Assert.EnterMultipleScope())
        {
            // The same simulation priced with the same tables in the same order: identical doubles.
            Assert.That(points[2].GetProperty("cycles").GetInt64(), Is.EqualTo(loom.GetProperty("cycles").GetInt64()));
            Assert.That(points[2].GetProperty("energy_uj").GetDouble(), Is.EqualTo(loom.GetProperty("energy_uj").GetDouble()));
            Assert.That(points[2].GetProperty("area_mm2").GetDouble(), Is.EqualTo(loom.GetProperty("area_mm2").GetDouble()));
            Assert.That(points[3].GetProperty("partial").GetBoolean(), Is.True);
            Assert.That(points[3].GetProperty("not_run").GetArrayLength(), Is.EqualTo(21));
            Assert.That(r.Error, Does.Contain("xnor-only at W1A1 W2A2: conv1, fc: no unit runs int8 x int8"));
        }
    }

    [Test]
    public void PipelinedArchitecture_WithoutUnitsPerLayer_IsRefused()
    {
        var r = CliRunner.Run("datapaths", "resnet18", "--precisions", "W1A1", "--arch", "finn-like");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.Error, Does.Contain("layer_pipelined").And.Contain("unit"));
            Assert.That(r.Error, Does.Not.Contain("   at "), "no stack trace");
        }
    }

    [TestCase("W1A1,W2", "must be W<bits>A<bits>")]
    [TestCase("W1A1,W1A1", "W1A1 is given twice")]
    [TestCase("W32A1", "bits must be 1 to 16")]
    public void BadPrecisions_OneErrorLine_NoOutputFile(string precisions, string rule)
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "out.csv");
        var r = CliRunner.Run("datapaths", "resnet18", "--precisions", precisions, "-o", output);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.Error, Does.Contain("--precisions").And.Contain(rule));
            Assert.That(r.Error, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(File.Exists(output), Is.False);
        }
    }
}
