using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.Sweep;
using HwSim.Cli.Sweep;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim sweep</c> and <c>hwsim merge</c> end to end, in-process: a 24-point sweep of AlexNet (8 layers: quick)
/// (2 precisions x 2 array heights x 3 DRAM bandwidths x 2 nodes), its values against
/// <c>hwsim energy</c> and <c>hwsim area</c>, shards merged against the single run byte for byte,
/// resuming, the plot; errors in SweepCommandTests.Errors.cs, the engine's own pieces in Tests/HwSim.Tests/Analyses/Sweep/SweepEngineTests.cs.
/// </summary>
public partial class SweepCommandTests
{
    private const string Grid = HwSim.Tests.Analyses.Sweep.SweepEngineTests.Grid;

    private static readonly string[] SweepArgs = ["sweep", "--network", "alexnet", "--bits", "2,4", "--tech", "45nm,7nm", "--jobs", "2"];

    private static CliResult Sweep(TempDir dir, params string[] extra)
    {
        var grid = dir.File("grid.yaml", Grid);
        return CliRunner.Run([.. SweepArgs, "--arch-grid", grid, .. extra]);
    }

    private static string[] Lines(string path) => File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void SmallSweepHasEveryPointInIdOrderWithTheDocumentedColumns()
    {
        using var dir = new TempDir();
        var output = dir.File("sweep.csv");
        var r = Sweep(dir, "-o", output);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var lines = Lines(output);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.Match(@"^# hwsim-sweep v1 sweep=[0-9a-f]{16} points=24$"));
            Assert.That(lines[1], Is.EqualTo("point_id,network,wbits,abits,first_last,arch,units[0].rows,dram.bandwidth_bytes_per_cycle,tech," +
                                             "cycles,latency_ms,energy_uj,tops_per_w,area_mm2,edp_js,layers_not_run"));
            Assert.That(lines, Has.Length.EqualTo(2 + 24));
            Assert.That(lines.Skip(2).Select(l => long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 24).Select(i => (long)i)));
            Assert.That(r.Output, Is.Empty, "with -o nothing goes to standard output");
            Assert.That(r.Error, Does.Contain("computing 24 of 24"));
        });
        // Cartesian order: precision outermost, then the grid in file order, the node fastest.
        var cells = lines.Skip(2).Select(l => l.Split(',')).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(cells.Select(c => c[2]), Is.EqualTo(Enumerable.Repeat("2", 12).Concat(Enumerable.Repeat("4", 12))));
            Assert.That(cells.Take(6).Select(c => c[6]), Is.All.EqualTo("8"));
            Assert.That(cells.Take(6).Select(c => c[7]), Is.EqualTo(new[] { "8", "8", "16", "16", "unlimited", "unlimited" }));
            Assert.That(cells.Take(4).Select(c => c[8]), Is.EqualTo(new[] { "45nm", "7nm", "45nm", "7nm" }));
            Assert.That(cells.Select(c => c[4]), Is.All.EqualTo("fp32"));
            Assert.That(cells.Select(c => c[^1]), Is.All.EqualTo("0"), "lowbit-default runs every layer");
        });
    }

    [Test]
    public void APointEqualsHwsimEnergyAndAreaOnTheSameArchitecture()
    {
        using var dir = new TempDir();
        var r = Sweep(dir);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[1].Split(',').ToList();
        // Point 21: W4A4, rows 16, DRAM 16 B/cycle, 7nm (4-bit block starts at 12; rows 16 at +6; bandwidth 16 at +2; 7nm at +1).
        var row = lines[2 + 21].Split(',');
        string Cell(string column) => row[header.IndexOf(column)];
        Assert.That(new[] { Cell("wbits"), Cell("units[0].rows"), Cell("dram.bandwidth_bytes_per_cycle"), Cell("tech") }, Is.EqualTo(new[] { "4", "16", "16", "7nm" }));

        // lowbit-default with rows 16, written out: the grid changes nothing else.
        var arch = dir.File("point21.yaml", """
            version: 1
            name: point21
            clock_mhz: 500
            dram: { bandwidth_bytes_per_cycle: 16 }
            buffers: { ifmap_kb: 256, weight_kb: 256, ofmap_kb: 128, word_bits: 64 }
            units:
              - { name: lowbit, kind: bitserial, rows: 16, cols: 16, lanes: 16, serial: activations, max_bits: 8 }
              - { name: fp, kind: systolic, rows: 8, cols: 8, dataflow: os, format: fp32 }
            """);
        var energy = CliRunner.Run("energy", "alexnet", "--wbits", "4", "--abits", "4", "--arch", arch, "--tech", "7nm", "--format", "json");
        var area = CliRunner.Run("area", "--arch", arch, "--tech", "7nm", "--format", "json");
        Assert.That(energy.ExitCode, Is.Zero, energy.ToString());
        Assert.That(area.ExitCode, Is.Zero, area.ToString());
        var totals = JsonDocument.Parse(energy.Output).RootElement.GetProperty("totals");
        double D(string column) => double.Parse(Cell(column), CultureInfo.InvariantCulture);
        // The same counts priced by the same code: equal to the last bit; the relative 1e-12 only absorbs a future change in summation order.
        Assert.Multiple(() =>
        {
            Assert.That(long.Parse(Cell("cycles"), CultureInfo.InvariantCulture), Is.EqualTo(totals.GetProperty("cycles").GetInt64()));
            Assert.That(D("latency_ms"), Is.EqualTo(totals.GetProperty("latency_ms").GetDouble()).Within(1e-12).Percent);
            Assert.That(D("energy_uj"), Is.EqualTo(totals.GetProperty("energy_per_inference_uj").GetDouble()).Within(1e-12).Percent);
            Assert.That(D("tops_per_w"), Is.EqualTo(totals.GetProperty("tops_per_w").GetDouble()).Within(1e-12).Percent);
            Assert.That(D("edp_js"), Is.EqualTo(totals.GetProperty("edp_js").GetDouble()).Within(1e-12).Percent);
            Assert.That(D("area_mm2"), Is.EqualTo(JsonDocument.Parse(area.Output).RootElement.GetProperty("total_mm2").GetDouble()).Within(1e-12).Percent);
            Assert.That(int.Parse(Cell("layers_not_run"), CultureInfo.InvariantCulture), Is.EqualTo(totals.GetProperty("layers_not_run").GetInt32()));
        });
    }

    [Test]
    public void FourShardsMergedAreByteIdenticalToTheSingleRun()
    {
        using var dir = new TempDir();
        var single = dir.File("single.csv");
        Assert.That(Sweep(dir, "-o", single).ExitCode, Is.Zero);
        var parts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var part = dir.File($"part-{i}.csv");
            var r = Sweep(dir, "--shard", $"{i}/4", "-o", part);
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(r.Error, Does.Contain($"computing 6 of 6 (shard {i}/4)"));
            Assert.That(Lines(part).Skip(2).Select(l => long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture) % 4), Is.All.EqualTo(i));
            parts.Add(part);
        }
        var merged = dir.File("merged.csv");
        // Out of order on purpose: merge sorts by point id.
        var m = CliRunner.Run(["merge", parts[2], parts[0], parts[3], parts[1], "-o", merged, "--require-complete"]);
        Assert.That(m.ExitCode, Is.Zero, m.ToString());
        Assert.That(m.Error, Does.Contain("24 of 24 points"));
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(single)));
    }

    [Test]
    public void ResumeComputesOnlyTheMissingPointsAndEndsWithTheSameFile()
    {
        using var dir = new TempDir();
        var output = dir.File("sweep.csv");
        Assert.That(Sweep(dir, "-o", output).ExitCode, Is.Zero);
        var complete = File.ReadAllBytes(output);

        // What an interrupted run leaves: identity, header and some rows (the checkpoint is written in id order, with gaps).
        var lines = Lines(output);
        var dropped = new[] { 3, 4, 10, 17, 23 };
        File.WriteAllText(output, string.Join("", lines.Where((_, i) => i < 2 || !dropped.Contains(i - 2)).Select(l => l + "\n")));
        var r = Sweep(dir, "-o", output);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Error, Does.Contain("computing 5 of 24, 19 already in"));
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(complete));

        // Nothing missing: nothing computed, the file unchanged.
        var again = Sweep(dir, "-o", output);
        Assert.That(again.Error, Does.Contain("computing 0 of 24, 24 already in"));
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(complete));
    }

    [Test]
    public void ShardResumesFromItsOwnFile()
    {
        using var dir = new TempDir();
        var part = dir.File("part-1.csv");
        Assert.That(Sweep(dir, "--shard", "1/4", "-o", part).ExitCode, Is.Zero);
        var complete = File.ReadAllBytes(part);
        var lines = Lines(part);
        File.WriteAllText(part, string.Join("", lines.Take(lines.Length - 2).Select(l => l + "\n")));
        var r = Sweep(dir, "--shard", "1/4", "-o", part);
        Assert.That(r.Error, Does.Contain("computing 2 of 6 (shard 1/4), 4 already in"));
        Assert.That(File.ReadAllBytes(part), Is.EqualTo(complete));
    }

    [Test]
    public void PlotWritesPngAndSvg()
    {
        using var dir = new TempDir();
        var plot = Path.Combine(dir.Path, "pareto");
        var r = Sweep(dir, "-o", dir.File("sweep.csv"), "--plot", plot);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var png = File.ReadAllBytes(plot + ".png");
        Assert.Multiple(() =>
        {
            Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
            Assert.That(File.ReadAllText(plot + ".svg"), Does.Contain("<svg"));
            Assert.That(r.Error, Does.Contain("Pareto front:").And.Contain("at 45nm").And.Contain("at 7nm"));
            Assert.That(Directory.GetFiles(dir.Path).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty, "no temporary files left");
        });
    }

    [Test]
    public void QuietPrintsNothingOnStandardError()
    {
        using var dir = new TempDir();
        var r = Sweep(dir, "-o", dir.File("sweep.csv"), "--quiet");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Error, Is.Empty);
    }

    [TestCase("1..8", new[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [TestCase("1,2,4", new[] { 1, 2, 4 })]
    [TestCase("1..3, 8", new[] { 1, 2, 3, 8 })]
    [TestCase("4", new[] { 4 })]
    public void BitListsExpandRanges(string text, int[] expected) =>
        Assert.That(BitList.Parse(text, "--bits"), Is.EqualTo(expected));

    [Test]
    public void TheParetoFrontKeepsPointsNoOtherBeatsInBoth()
    {
        PlotPoint P(long id, double latency, double energy, int notRun = 0) => new(id, "45nm", latency, energy, 1, notRun);
        var points = new[] { P(0, 1, 10), P(1, 2, 5), P(2, 2, 6), P(3, 3, 5), P(4, 4, 1), P(5, 0.5, 0.5, notRun: 1) };
        Assert.That(ParetoPlot.Front(points).Select(p => p.Id), Is.EqualTo(new long[] { 0, 1, 4 }), "point 5 left out: it did not run every layer");
    }
}
