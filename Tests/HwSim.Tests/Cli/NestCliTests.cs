using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// The nest designs across the verbs: hwsim nest takes the built-in eyeriss-rs; a batch's energy per inference; verbs that need
/// array units name a built-in nest design as such; hwsim archs checks a design file; fan-outs that overflow are refused.
/// </summary>
public sealed class NestCliTests
{
    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", file);

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    [Test]
    public void Nest_TakesTheBuiltInDesign()
    {
        string[] rest = ["--mapping", Example("eyeriss_like.mapping.yaml"), "--tech", "32nm", "-f", "json", "-q"];
        var builtin = Json(CliRunner.Run(["nest", Example("eyeriss_like.csv"), "--arch", "eyeriss-rs", .. rest]));
        var file = Json(CliRunner.Run(["nest", Example("eyeriss_like.csv"), "--arch", Example("eyeriss_like.yaml"), .. rest]));
        Assert.That(builtin.GetProperty("totals").GetProperty("energy_pj").GetDouble(), Is.EqualTo(file.GetProperty("totals").GetProperty("energy_pj").GetDouble()));
    }

    [Test]
    public void Energy_ABatch_GivesEnergyPerInference()
    {
        // Batch 2: the mapper maps N = 2; the totals cover both inferences, energy per inference is half of them.
        string[] args = ["energy", Example("simple_ws.csv"), "--arch", Example("simple_ws.yaml"), "--tech", "45nm", "--batch", "2"];
        var totals = Json(CliRunner.Run([.. args, "-f", "json", "-q"])).GetProperty("totals");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(totals.GetProperty("batch").GetInt32(), Is.EqualTo(2));
            Assert.That(totals.GetProperty("macs").GetInt64(), Is.EqualTo(2 * 10_838_016L));
            Assert.That(totals.GetProperty("energy_per_inference_uj").GetDouble(), Is.EqualTo(totals.GetProperty("energy_pj").GetDouble() * 1e-6 / 2).Within(1e-12).Percent);
        }
        var table = CliRunner.Run([.. args, "-q"]);
        Assert.That(table.Output, Does.Contain("energy (batch of 2)").And.Contain("energy per inference"));
    }

    // first-last, width, sweep and report run nest designs (FirstLastNestCommandTests, WidthNestCommandTests, SweepNestCommandTests,
    // ReportNestCommandTests); area's table is the array units'.
    [TestCase("area")]
    public void ArrayVerbs_NameTheBuiltInNestDesign(string verb)
    {
        var r = CliRunner.Run(verb, "--arch", "eyeriss-rs");
        BadInputTests.AssertOneLineError(r, "--arch", "'eyeriss-rs' is a built-in nest design", "report");
    }

    [Test]
    public void Archs_ChecksAndPrintsADesignFile()
    {
        var r = CliRunner.Run("archs", Example("simple_ws.yaml"));
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Is.EqualTo(File.ReadAllText(Example("simple_ws.yaml"))));
    }

    [Test]
    public void FanoutsThatOverflow_AreRefusedAtTheirLine()
    {
        using var dir = new TempDir();
        var design = dir.File("big.yaml", "version: 1\nname: big\nlevels:\n  - { name: DRAM, class: dram }\n" +
            "  - { name: a, class: sram, depth: 4, width: 16, fanout: { x: 2147483647, y: 2147483647 } }\n" +
            "  - { name: b, class: sram, depth: 4, width: 16, fanout: { x: 2147483647, y: 4 } }\n");
        BadInputTests.AssertOneLineError(CliRunner.Run("energy", Example("simple_ws.csv"), "--arch", design), "big.yaml", "line 6", "fanout", "2^63");
        BadInputTests.AssertOneLineError(CliRunner.Run("compare", Example("simple_ws.csv"), "--arch", design, "--arch", "lowbit-default"), "big.yaml", "line 6", "fanout");
    }

    [Test]
    public void Simulate_TensorsOnANestDesign_IsRefused() =>
        BadInputTests.AssertOneLineError(CliRunner.Run("simulate", Example("simple_ws.csv"), "--arch", Example("simple_ws.yaml"), "--tensors", "/tmp"), "--tensors", "nest design");
}
