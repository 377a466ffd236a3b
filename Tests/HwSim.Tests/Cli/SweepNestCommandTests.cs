using System.Globalization;
using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim sweep</c> over a nest design (--arch, or the grid's base): each point is the nest study of its precision at its node and
/// objective, with the figures <c>hwsim compare</c> gives the design; a grid may vary only 'objective', and every array-architecture
/// key is refused at its line. docs/examples/nest/tiny_cnn.csv keeps each run to seconds.
/// </summary>
public sealed class SweepNestCommandTests
{
    private static readonly string Tiny = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv");

    private static string[][] Rows(string csv) => [.. File.ReadAllLines(csv).Skip(1).Select(l => l.Split(','))];

    [Test]
    public void APoint_HasTheFiguresCompareGivesTheDesign()
    {
        using var dir = new TempDir();
        var csv = Path.Combine(dir.Path, "sweep.csv");
        var r = CliRunner.Run("sweep", "-n", Tiny, "--bits", "8", "--arch", "eyeriss-rs", "--tech", "45nm", "-o", csv, "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var rows = Rows(csv);
        var header = rows[0].ToList();
        var point = rows[1];
        string Cell(string column) => point[header.IndexOf(column)];
        var compare = CliRunner.Run("compare", Tiny, "--arch", "eyeriss-rs", "--arch", "eyeriss-rs", "--wbits", "8", "--abits", "8", "--tech", "45nm", "-f", "json", "-q");
        Assert.That(compare.ExitCode, Is.Zero, compare.ToString());
        var config = JsonDocument.Parse(compare.Output).RootElement.GetProperty("configs")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows, Has.Length.EqualTo(2));
            Assert.That(Cell("arch"), Is.EqualTo("eyeriss-rs"));
            Assert.That(Cell("first_last"), Is.EqualTo("fp32"));
            Assert.That(long.Parse(Cell("cycles")), Is.EqualTo(config.GetProperty("cycles").GetInt64()));
            Assert.That(double.Parse(Cell("energy_uj"), CultureInfo.InvariantCulture), Is.EqualTo(config.GetProperty("energy_uj").GetDouble()));
            Assert.That(double.Parse(Cell("tops_per_w"), CultureInfo.InvariantCulture), Is.EqualTo(config.GetProperty("tops_per_w").GetDouble()));
            Assert.That(double.Parse(Cell("area_mm2"), CultureInfo.InvariantCulture), Is.EqualTo(config.GetProperty("area_mm2").GetDouble()));
            Assert.That(Cell("latency_ms"), Is.Empty, "eyeriss-rs has no clock_mhz");
            Assert.That(Cell("edp_js"), Is.Empty);
            Assert.That(Cell("layers_not_run"), Is.EqualTo("0"));
        }
    }

    [Test]
    public void AGridOverTheDesign_VariesTheObjective()
    {
        using var dir = new TempDir();
        var grid = dir.File("grid.yaml", "version: 1\nbase: eyeriss-rs\nvary:\n  objective: [energy, latency]\n");
        var csv = Path.Combine(dir.Path, "sweep.csv");
        var r = CliRunner.Run("sweep", "-n", Tiny, "--arch-grid", grid, "-o", csv, "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var rows = Rows(csv);
        var objective = rows[0].ToList().IndexOf("objective");
        var cycles = rows[0].ToList().IndexOf("cycles");
        // tiny_cnn as written (fp32) on eyeriss-rs, 2,000 samples, seed 1: the latency search's pick is 512 cycles faster.
        Assert.That(rows.Skip(1).Select(row => (row[objective], long.Parse(row[cycles]))), Is.EqualTo(new[] { ("energy", 13_984L), ("latency", 13_472L) }));
        // The same sweep again: its identity is stable, so nothing is left to compute.
        var again = CliRunner.Run("sweep", "-n", Tiny, "--arch-grid", grid, "-o", csv);
        Assert.That(again.Error, Does.Contain("nothing to compute"));
    }

    [TestCase("units[0].rows: [8, 16]", "'units[0].rows' is a field of an array architecture")]
    [TestCase("buffers.ifmap_kb: [64, 128]", "'buffers.ifmap_kb' is a field of an array architecture")]
    [TestCase("mapping: [fixed, search]", "varies the mapping per point, which on a nest design is one for the whole sweep")]
    public void AnArrayKeyInAGridOverANestDesign_IsRefusedAtItsLine(string key, string rule)
    {
        using var dir = new TempDir();
        var grid = dir.File("grid.yaml", $"version: 1\nbase: eyeriss-rs\nvary:\n  objective: [energy, latency]\n  {key}\n");
        BadInputTests.AssertOneLineError(CliRunner.Run("sweep", "-n", Tiny, "--arch-grid", grid, "-o", Path.Combine(dir.Path, "s.csv")),
            "grid.yaml", "line 5", $"'vary.{key[..key.IndexOf(':')]}'", rule, "eyeriss-rs is a nest design");
    }

    [Test]
    public void AnArrayGridWithANestArch_IsRefusedAtTheGridsLine()
    {
        // --arch overrides the grid's base, so the grid's array keys meet the nest design.
        using var dir = new TempDir();
        var grid = dir.File("grid.yaml", "version: 1\nbase: lowbit-default\nvary:\n  units[0].rows: [8, 16]\n");
        BadInputTests.AssertOneLineError(CliRunner.Run("sweep", "-n", Tiny, "--arch-grid", grid, "--arch", "eyeriss-rs", "-o", Path.Combine(dir.Path, "s.csv")),
            "grid.yaml", "line 4", "units[0].rows");
    }

    [Test]
    public void APlotWithoutAClock_IsRefused()
    {
        using var dir = new TempDir();
        BadInputTests.AssertOneLineError(CliRunner.Run("sweep", "-n", Tiny, "--arch", "eyeriss-rs", "-o", Path.Combine(dir.Path, "s.csv"), "--plot", Path.Combine(dir.Path, "p")),
            "--plot", "no clock_mhz");
    }
}
