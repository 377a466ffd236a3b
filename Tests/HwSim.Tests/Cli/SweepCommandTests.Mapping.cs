using System.Globalization;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// Sweeps whose grid varies the mapper (<c>mapping</c>, <c>objective</c>): fixed against search
/// rows, resuming, shards merged, and the flag-and-key errors. The grid reading and the point's
/// policy are in Tests/HwSim.Tests/Analyses/Sweep/GridMappingTests.cs.
/// </summary>
public partial class SweepCommandTests
{
    /// <summary>2 array heights x 2 DRAM bandwidths x fixed/search over lowbit-default (AlexNet: 8 layers, quick).</summary>
    private const string MappingGrid = """
        version: 1
        base: lowbit-default
        vary:
          units[0].rows: [8, 16]
          dram.bandwidth_bytes_per_cycle: [8, unlimited]
          mapping: [fixed, search]
        """;

    private static readonly string[] MappingSweepArgs = ["sweep", "--network", "alexnet", "--bits", "2,4", "--tech", "45nm,7nm", "--jobs", "2"];

    private static CliResult MappingSweep(TempDir dir, params string[] extra) =>
        CliRunner.Run([.. MappingSweepArgs, "--arch-grid", dir.File("mapping-grid.yaml", MappingGrid), .. extra]);

    [Test]
    public void SearchRowsAreNeverWorseInEnergyAndFixedRowsEqualAFixedSweep()
    {
        using var dir = new TempDir();
        var r = MappingSweep(dir, "-o", dir.File("both.csv"));
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        // The same grid without the key, mapped fixed for the whole sweep.
        var plainGrid = dir.File("plain-grid.yaml", MappingGrid.Replace("\n  mapping: [fixed, search]", "", StringComparison.Ordinal));
        var plain = CliRunner.Run([.. MappingSweepArgs, "--arch-grid", plainGrid, "--mapping", "fixed", "-o", dir.File("fixed.csv")]);
        Assert.That(plain.ExitCode, Is.Zero, plain.ToString());

        var both = Lines(dir.File("both.csv"));
        var header = both[1].Split(',').ToList();
        Assert.That(header, Is.EqualTo(new[] { "point_id", "network", "wbits", "abits", "first_last", "arch", "units[0].rows", "dram.bandwidth_bytes_per_cycle", "mapping", "tech",
            "cycles", "latency_ms", "energy_uj", "tops_per_w", "area_mm2", "edp_js", "layers_not_run" }));
        var rows = both.Skip(2).Select(l => l.Split(',')).ToList();
        Assert.That(rows, Has.Count.EqualTo(32));
        var mapping = header.IndexOf("mapping");
        var energy = header.IndexOf("energy_uj");
        // The mapping is the grid's last key: a configuration's fixed rows (two nodes) are followed by its search rows.
        var fixedRows = rows.Where(c => c[mapping] == "fixed").ToList();
        var searchRows = rows.Where(c => c[mapping] == "search").ToList();
        Assert.That(fixedRows.Select(c => long.Parse(c[0], CultureInfo.InvariantCulture) % 4), Is.All.LessThan(2));

        // The mapper's guarantee: at each node's prices it keeps the fixed schedule unless something costs less energy.
        var gains = fixedRows.Zip(searchRows, (f, s) => (Fixed: double.Parse(f[energy], CultureInfo.InvariantCulture), Search: double.Parse(s[energy], CultureInfo.InvariantCulture))).ToList();
        Assert.Multiple(() =>
        {
            foreach (var (f, s) in fixedRows.Zip(searchRows))
                Assert.That(s.Where((_, i) => i != 0 && i != mapping && i < header.IndexOf("cycles")), Is.EqualTo(f.Where((_, i) => i != 0 && i != mapping && i < header.IndexOf("cycles"))), "paired rows");
            Assert.That(gains.Select(g => g.Search - g.Fixed), Is.All.LessThanOrEqualTo(0.0), "exact: the search runs the fixed schedule exactly and keeps the least");
            Assert.That(gains.Count(g => g.Search < g.Fixed), Is.GreaterThan(0), "the mapper finds something on AlexNet");
        });

        // The fixed rows are the plain fixed sweep's rows, cell for cell (point ids and the mapping cell aside).
        var plainRows = Lines(dir.File("fixed.csv")).Skip(2).Select(l => string.Join(",", l.Split(',').Skip(1))).ToList();
        Assert.That(fixedRows.Select(c => string.Join(",", c.Where((_, i) => i != 0 && i != mapping))), Is.EqualTo(plainRows));
    }

    [Test]
    public void AnInterruptedMappingSweepResumesToTheSameFile()
    {
        using var dir = new TempDir();
        var output = dir.File("sweep.csv");
        Assert.That(MappingSweep(dir, "-o", output).ExitCode, Is.Zero);
        var complete = File.ReadAllBytes(output);
        var lines = Lines(output);
        // A fixed row (0), search rows (2, 3) and the last one (31): what a checkpoint of an interrupted run lacks.
        var dropped = new[] { 0, 2, 3, 31 };
        File.WriteAllText(output, string.Join("", lines.Where((_, i) => i < 2 || !dropped.Contains(i - 2)).Select(l => l + "\n")));
        var r = MappingSweep(dir, "-o", output);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Error, Does.Contain("computing 4 of 32, 28 already in"));
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(complete));
    }

    [Test]
    public void MappingSweepShardsMergeToTheSingleRun()
    {
        using var dir = new TempDir();
        var single = dir.File("single.csv");
        Assert.That(MappingSweep(dir, "-o", single).ExitCode, Is.Zero);
        var parts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var part = dir.File($"part-{i}.csv");
            var r = MappingSweep(dir, "--shard", $"{i}/3", "-o", part);
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            parts.Add(part);
        }
        var merged = dir.File("merged.csv");
        var m = CliRunner.Run(["merge", parts[1], parts[2], parts[0], "-o", merged, "--require-complete"]);
        Assert.That(m.ExitCode, Is.Zero, m.ToString());
        Assert.That(m.Error, Does.Contain("32 of 32 points"));
        Assert.That(File.ReadAllBytes(merged), Is.EqualTo(File.ReadAllBytes(single)));
    }

    [TestCase("mapping: [fixed, search]", "--mapping", "fixed")]
    [TestCase("mapping: [fixed, search]", "--mapping", "search")]
    [TestCase("objective: [energy, latency]", "--objective", "latency")]
    public void AKeyAndItsFlagTogetherAreRefused(string key, string flag, string value)
    {
        using var dir = new TempDir();
        var grid = dir.File("g.yaml", $"version: 1\nvary:\n  {key}\n");
        var output = dir.File("out.csv");
        var path = key[..key.IndexOf(':', StringComparison.Ordinal)];
        AssertOneLineError(CliRunner.Run("sweep", "--network", "alexnet", "--arch-grid", grid, flag, value, "-o", output),
            "g.yaml, line 3", $"field 'vary.{path}'", $"the grid varies '{path}' per point and {flag} {value} sets it for the whole sweep; give one");
        Assert.That(File.Exists(output), Is.False, "nothing written");
    }

    [Test]
    public void AnObjectiveKeyWithTheFixedMappingIsRefused()
    {
        using var dir = new TempDir();
        var grid = dir.File("g.yaml", "version: 1\nvary:\n  objective: [energy, latency]\n");
        AssertOneLineError(CliRunner.Run("sweep", "--network", "alexnet", "--arch-grid", grid, "--mapping", "fixed"),
            "g.yaml, line 3", "field 'vary.objective'", "every point maps with the fixed schedule");
    }

    [Test]
    public void AnObjectiveFlagSetsTheSearchRowsObjective()
    {
        using var dir = new TempDir();
        var grid = dir.File("g.yaml", "version: 1\nvary:\n  mapping: [fixed, search]\n");
        var withFlag = CliRunner.Run("sweep", "--network", "alexnet", "--arch-grid", grid, "--objective", "latency");
        var keyed = CliRunner.Run("sweep", "--network", "alexnet", "--arch-grid", dir.File("k.yaml", "version: 1\nvary:\n  objective: [latency]\n"));
        Assert.That(withFlag.ExitCode, Is.Zero, withFlag.ToString());
        Assert.That(keyed.ExitCode, Is.Zero, keyed.ToString());
        var results = SweepCsvResults(withFlag.Output);
        Assert.That(results[1], Is.EqualTo(SweepCsvResults(keyed.Output)[0]), "search at --objective latency = the grid's objective latency");
    }

    /// <summary>The result cells (cycles onwards) of each row of a sweep CSV.</summary>
    private static List<string> SweepCsvResults(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var cycles = lines[1].Split(',').ToList().IndexOf("cycles");
        return [.. lines.Skip(2).Select(l => string.Join(",", l.Split(',').Skip(cycles)))];
    }

    [Test]
    public void ABadMappingFileInTheGridIsOneLineError()
    {
        using var dir = new TempDir();
        dir.File("maps.yaml", "layers:\n  conv1: fixed\n");
        var grid = dir.File("g.yaml", "version: 1\nvary:\n  mapping: [fixed, maps.yaml]\n");
        AssertOneLineError(CliRunner.Run("sweep", "--network", "alexnet", "--arch-grid", grid),
            "g.yaml, line 3", "field 'vary.mapping[1]'", "the mapping file does not fit", "maps.yaml, line 2", "names no layer of workload 'alexnet'");
    }
}
