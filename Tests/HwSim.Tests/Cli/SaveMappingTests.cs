using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>hwsim simulate --save-mapping: the mappings a run used, as a file --mapping reads back to the same figures.</summary>
public class SaveMappingTests
{
    private static readonly string[] ResNet18W4A2 = ["resnet18", "--wbits", "4", "--abits", "2", "--first-last", "fp32"];

    private static string Ok(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return r.Output;
    }

    [TestCase("lowbit-default", "energy")]
    [TestCase("eyeriss-like", "latency")]
    [TestCase("bismo-like", "edp")]
    public void ArrayPicks_ReadBack_GiveTheSameRun(string arch, string objective)
    {
        using var dir = new TempDir();
        var picks = dir.File("picks.yaml");
        string[] common = ["simulate", .. ResNet18W4A2, "--arch", arch, "--objective", objective, "-f", "json", "-q"];
        var searched = Ok(CliRunner.Run([.. common, "--save-mapping", picks]));
        var text = File.ReadAllText(picks);
        var replayed = Ok(CliRunner.Run([.. common, "--mapping", picks]));
        Assert.Multiple(() =>
        {
            Assert.That(replayed, Is.EqualTo(searched), "every layer mapped as saved: the same JSON to the byte");
            Assert.That(text, Does.StartWith("# hwsim simulate resnet18 (").And.Contain($") on {arch}, --mapping search --objective {objective}"));
            Assert.That(text.Split('\n').Count(l => l.StartsWith("  ", StringComparison.Ordinal)),
                Is.EqualTo(JsonDocument.Parse(searched).RootElement.GetProperty("layers").EnumerateArray().Count(l => l.GetProperty("ran").GetBoolean())));
        });
    }

    [Test]
    public void ArrayPicks_FixOtherVerbs_ToTheSameFigures()
    {
        using var dir = new TempDir();
        var picks = dir.File("picks.yaml");
        Ok(CliRunner.Run(["simulate", .. ResNet18W4A2, "--save-mapping", picks, "-q"]));
        static double Uj(string json) => JsonDocument.Parse(json).RootElement.GetProperty("totals").GetProperty("energy_per_inference_uj").GetDouble();
        var searched = Uj(Ok(CliRunner.Run(["energy", .. ResNet18W4A2, "-f", "json", "-q"])));
        var replayed = Uj(Ok(CliRunner.Run(["energy", .. ResNet18W4A2, "--mapping", picks, "-f", "json", "-q"])));
        Assert.That(replayed, Is.EqualTo(searched), "energy at the built-in table picks what simulate picks");
    }

    [Test]
    public void FixedRun_SavesFixedEntries()
    {
        using var dir = new TempDir();
        var picks = dir.File("picks.yaml");
        Ok(CliRunner.Run(["simulate", .. ResNet18W4A2, "--mapping", "fixed", "--save-mapping", picks, "-q"]));
        var entries = File.ReadAllLines(picks).Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.That(entries, Has.Count.EqualTo(21).And.All.EndsWith(": fixed"));
    }

    [Test]
    public void NestDesign_SavesANestMappingFile_ThatReadsBack()
    {
        using var dir = new TempDir();
        var picks = dir.File("picks.yaml");
        string[] common = ["simulate", Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv"), "--arch", "eyeriss-rs", "--wbits", "8", "--abits", "8", "-f", "json", "-q"];
        var searched = JsonDocument.Parse(Ok(CliRunner.Run([.. common, "--save-mapping", picks]))).RootElement;
        var replayed = JsonDocument.Parse(Ok(CliRunner.Run([.. common, "--mapping", picks]))).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(picks), Does.Contain("shared_glb: {"));
            Assert.That(replayed.GetProperty("totals").GetProperty("energy_pj").GetDouble(), Is.EqualTo(searched.GetProperty("totals").GetProperty("energy_pj").GetDouble()));
            Assert.That(replayed.GetProperty("totals").GetProperty("cycles").GetInt64(), Is.EqualTo(searched.GetProperty("totals").GetProperty("cycles").GetInt64()));
            Assert.That(replayed.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("mapping").GetProperty("source").GetString()).Distinct(), Is.EqualTo(new[] { "given" }));
        });
    }

    [Test]
    public void UnwritableFile_IsOneErrorAndExit2()
    {
        var r = CliRunner.Run(["simulate", .. ResNet18W4A2, "--save-mapping", "/nonexistent-dir/picks.yaml", "-q"]);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.Contain("/nonexistent-dir/picks.yaml").And.Not.Contain("   at "));
    }
}
