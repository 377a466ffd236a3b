using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>Bad grids, options and files: one line "error: ...", exit code 2, nothing written.</summary>
public partial class SweepCommandTests
{
    private static void AssertOneLineError(CliResult r, params string[] parts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.StartWith("error: "));
        foreach (var p in parts)
            Assert.That(lines[0], Does.Contain(p), r.ToString());
    }

    [TestCase("vary:\n  units[0].rowz: [8]\n", "line 3", "field 'vary.units[0].rowz'", "not a parameter a grid can vary")]
    [TestCase("vary:\n  units[0].rows: [8, x16]\n", "line 3", "field 'vary.units[0].rows[1]'", "'x16' is not a whole number")]
    [TestCase("vary:\n  units[0].rows: [8, 0]\n", "line 3", "field 'vary.units[0].rows[1]'", "must be 1 to 65536, got 0")]
    [TestCase("vary:\n  units[0].rows: [8, 8]\n", "line 3", "field 'vary.units[0].rows[1]'", "already in the list")]
    [TestCase("vary:\n  units[0].rows: 8\n", "line 3", "field 'vary.units[0].rows'", "must be a list")]
    [TestCase("vary:\n  units[0].rows: []\n", "line 3", "field 'vary.units[0].rows'", "the list is empty")]
    [TestCase("vary:\n  units[5].rows: [8]\n", "line 3", "field 'vary.units[5].rows'", "has 2 unit(s)")]
    [TestCase("vary:\n  units[nosuch].rows: [8]\n", "line 3", "field 'vary.units[nosuch].rows'", "no unit named 'nosuch'")]
    [TestCase("vary:\n  units[fp].lanes: [8]\n", "line 3", "field 'vary.units[fp].lanes[0]'", "systolic unit, which has no lanes")]
    [TestCase("vary:\n  units[0].rows: [8]\n  units[lowbit].rows: [16]\n", "line 4", "field 'vary.units[lowbit].rows'", "varies the same parameter as 'units[0].rows' (line 3)")]
    [TestCase("vary:\n  dram.bandwidth_bytes_per_cycle: [8, lots]\n", "line 3", "field 'vary.dram.bandwidth_bytes_per_cycle[1]'", "or 'unlimited'")]
    [TestCase("vary:\n  buffers.ifmap_kb: [0.3]\n", "line 3", "field 'vary.buffers.ifmap_kb[0]'", "not a whole number of bytes")]
    [TestCase("base: nosuch-preset\n", "line 2", "field 'base'", "unknown architecture 'nosuch-preset'")]
    [TestCase("vary:\n  units[0].rows: [8, 16\n", "line ", "", "not valid YAML")]
    [TestCase("varry:\n  units[0].rows: [8]\n", "line 2", "field 'varry'", "unknown key 'varry'")]
    [TestCase("vary:\n  mapping: [fixed, serch]\n", "line 3", "field 'vary.mapping[1]'", "'serch' is not 'fixed', 'search' or a mapping YAML file")]
    [TestCase("vary: { mapping: [fixed], objective: [energy, speed] }\n", "line 2", "field 'vary.objective[1]'", "'speed' is not a mapper objective (known: energy, latency, edp)")]
    public void BadGridNamesFileLineAndPath(string body, string line, string field, string rule)
    {
        using var dir = new TempDir();
        var grid = dir.File("bad-grid.yaml", "version: 1\n" + body);
        var output = dir.File("out.csv");
        var r = CliRunner.Run(["sweep", "--network", "resnet18", "--bits", "4", "--arch-grid", grid, "-o", output]);
        AssertOneLineError(r, "bad-grid.yaml", line, field, rule);
        Assert.That(File.Exists(output), Is.False, "nothing written");
    }

    [Test]
    public void GridWithoutVersionIsAnError()
    {
        using var dir = new TempDir();
        var grid = dir.File("g.yaml", "vary:\n  units[0].rows: [8]\n");
        AssertOneLineError(CliRunner.Run("sweep", "--network", "resnet18", "--arch-grid", grid), "g.yaml", "line 1", "missing required key 'version'");
    }

    [TestCase("--bits", "0..4", "bit-widths are 1 to 32, got 0")]
    [TestCase("--bits", "4..2", "runs backwards")]
    [TestCase("--bits", "2,2", "appears twice")]
    [TestCase("--wbits", "2", "give both --wbits and --abits")]
    [TestCase("--shard", "4/4", "0 to 3 for 4 shards")]
    [TestCase("--shard", "1-4", "must be INDEX/COUNT")]
    [TestCase("--tech", "45nm,28nm", "no Stillmaker-Baas row for 28 nm")]
    [TestCase("--tech", "7nm,7nm", "7nm appears twice")]
    [TestCase("--jobs", "0", "must be at least 1")]
    public void BadOptionsAreOneLineErrors(string option, string value, string message) =>
        AssertOneLineError(CliRunner.Run("sweep", "--network", "resnet18", option, value), message);

    [Test]
    public void BitsWithWbitsIsAnError() =>
        AssertOneLineError(CliRunner.Run("sweep", "--network", "resnet18", "--bits", "4", "--wbits", "2", "--abits", "2"), "either --bits", "not both");

    [Test]
    public void ResumeRefusesAnotherSweepsFile()
    {
        using var dir = new TempDir();
        var output = dir.File("sweep.csv");
        Assert.That(Sweep(dir, "-o", output).ExitCode, Is.Zero);
        var before = File.ReadAllBytes(output);
        var r = CliRunner.Run([.. SweepArgs[..^4], "--tech", "45nm", "--arch-grid", dir.File("grid.yaml"), "-o", output]);
        AssertOneLineError(r, "sweep.csv", "line 1", "holds a different sweep", "--overwrite");
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(before), "the other sweep's rows are kept");

        var over = CliRunner.Run([.. SweepArgs[..^4], "--tech", "45nm", "--arch-grid", dir.File("grid.yaml"), "-o", output, "--overwrite"]);
        Assert.That(over.ExitCode, Is.Zero, over.ToString());
        Assert.That(File.ReadAllLines(output), Has.Length.EqualTo(2 + 12));
    }

    [Test]
    public void ResumeRefusesAFileOfAnotherShard()
    {
        using var dir = new TempDir();
        var part = dir.File("part.csv");
        Assert.That(Sweep(dir, "--shard", "0/4", "-o", part).ExitCode, Is.Zero);
        AssertOneLineError(Sweep(dir, "--shard", "1/4", "-o", part), "part.csv", "holds point 0, which is not in shard 1/4");
    }

    [Test]
    public void MergeRefusesFilesOfDifferentSweeps()
    {
        using var dir = new TempDir();
        var a = dir.File("a.csv");
        var b = dir.File("b.csv");
        Assert.That(Sweep(dir, "--shard", "0/2", "-o", a).ExitCode, Is.Zero);
        var other = CliRunner.Run([.. SweepArgs, "--first-last", "int8", "--arch-grid", dir.File("grid.yaml"), "--shard", "1/2", "-o", b]);
        Assert.That(other.ExitCode, Is.Zero, other.ToString());
        var output = dir.File("merged.csv");
        AssertOneLineError(CliRunner.Run("merge", a, b, "-o", output), "b.csv", "line 1", "holds a different sweep", "a.csv");
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void MergeRefusesDuplicatePointIds()
    {
        using var dir = new TempDir();
        var a = dir.File("a.csv");
        Assert.That(Sweep(dir, "--shard", "0/2", "-o", a).ExitCode, Is.Zero);
        var copy = dir.File("copy.csv", File.ReadAllText(a));
        AssertOneLineError(CliRunner.Run("merge", a, copy), "copy.csv", "line 3", "point 0 is also in", "a.csv (line 3)");
    }

    [Test]
    public void MergeOfAnIncompleteSetSaysWhatIsMissing()
    {
        using var dir = new TempDir();
        var a = dir.File("a.csv");
        Assert.That(Sweep(dir, "--shard", "0/2", "-o", a).ExitCode, Is.Zero);
        var r = CliRunner.Run("merge", a);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Error, Does.Contain("12 of 24 points; missing ids 1, 3, 5, 7, 9, ... (12 in all)"));
        AssertOneLineError(CliRunner.Run("merge", a, "--require-complete"), "12 of 24 points", "missing ids 1, 3");
    }

    [Test]
    public void MergeRefusesAFileThatIsNotASweep()
    {
        using var dir = new TempDir();
        var notSweep = dir.File("net.csv", "name,c,h,w,k,r,s\nx,1,1,1,1,1,1\n");
        AssertOneLineError(CliRunner.Run("merge", notSweep), "net.csv", "line 1", "is not a sweep CSV");
    }
}
