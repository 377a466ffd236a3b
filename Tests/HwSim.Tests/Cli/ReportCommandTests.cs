using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public partial class ReportCommandTests
{
    [Test]
    public void DefaultsProduceTablesAndACompleteFolder()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "rep");
        var r = CliRunner.Run("report", "-o", folder, "--quiet");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("energy per inference").And.Contain("share of the kept layers").And.Contain("energy break-even"));
        string[] expected =
        [
            "report.md", "energy.json", "energy-per-layer.csv", "first-last.json", "first-last.csv", "area.csv", "width.json", "width.csv",
            "energy-per-layer.png", "energy-per-layer.svg", "first-last.png", "first-last.svg", "width.png", "width.svg",
        ];
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(expected), "exactly these files, no temporaries");
        var md = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.That(md, Does.Contain("# HwSim report: resnet18 on lowbit-default").And.Contain("![energy per layer](energy-per-layer.png)")
            .And.Contain("layers mapped by search (energy)"), "the header names the default mapping policy");
        // The folder's JSON is the energy verb's: same totals as 'hwsim energy' with the report's defaults.
        using var energy = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "energy.json")));
        var verb = CliRunner.Run("energy", "resnet18", "--wbits", "4", "--abits", "2", "--format", "json");
        using var direct = JsonDocument.Parse(verb.Output);
        Assert.That(energy.RootElement.GetProperty("totals").GetProperty("energy_pj").GetDouble(),
            Is.EqualTo(direct.RootElement.GetProperty("totals").GetProperty("energy_pj").GetDouble()));
        Assert.That(File.ReadAllBytes(Path.Combine(folder, "width.png")).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
    }

    [Test]
    public void OptionsOfTheOtherVerbsChangeTheDefaults()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("report", "mobilenet_v2", "--wbits", "2", "--abits", "2", "--no-width", "--mapping", "fixed", "-o", Path.Combine(dir.Path, "m"), "--quiet");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(dir.Path, "m", "report.md")), Does.Contain("mobilenet_v2").And.Not.Contain("Width break-even")
            .And.Contain("layers mapped by fixed;"));
        Assert.That(File.Exists(Path.Combine(dir.Path, "m", "width.png")), Is.False);
    }

    [Test]
    public void BadInputIsOneLineAndWritesNothing()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "bad");
        var r = CliRunner.Run("report", "resnet19", "-o", folder);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(Directory.Exists(folder), Is.False);
    }

    [Test]
    public void JsonPutsEverySectionInOneDocument()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("report", "--format", "json", "-o", Path.Combine(dir.Path, "j"), "--quiet");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("energy").GetProperty("totals").GetProperty("energy_pj").GetDouble(), Is.GreaterThan(0));
            Assert.That(root.GetProperty("first_last").GetProperty("rows").GetArrayLength(), Is.EqualTo(4));
            Assert.That(root.GetProperty("width").GetProperty("break_even").ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(root.GetProperty("area_mm2").GetDouble(), Is.GreaterThan(0));
        });
    }
}
