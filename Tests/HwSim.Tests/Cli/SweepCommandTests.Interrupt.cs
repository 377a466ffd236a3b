using System.Diagnostics;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// A sweep stopped by a signal, run twice on one file, killed while writing, or finding a full
/// disk at the end (issue 11 items 2, 5 and 16), with the built hwsim as a separate process where
/// signals are involved.
/// </summary>
public partial class SweepCommandTests
{
    // VGG-16 W2A2 on a 2x2 array with the fixed mapping (no search time to vary), point 0, walks about 20 M folds (~25 s on the 2-core CI machine, each layer
    // under the simulator's fold cap); the other three points (2x64, 64x2, 64x64) take a few seconds. With two
    // jobs, point 0 is in flight on one thread while the other finishes the rest, so a signal 4 s in arrives
    // with a point in flight for many seconds yet.
    private const string SlowGrid = """
        version: 1
        base: lowbit-default
        vary:
          units[0].rows: [2, 64]
          units[0].cols: [2, 64]
        """;

    private static HwsimProcess StartSlowSweep(TempDir dir)
    {
        dir.File("slow.yaml", SlowGrid);
        var sweep = HwsimProcess.Start(dir.Path, "sweep", "--network", "vgg16", "--bits", "2", "--arch-grid", "slow.yaml", "--jobs", "2", "--mapping", "fixed", "-o", "slow.csv");
        Assert.That(sweep.WaitForError("computing 4 of 4", TimeSpan.FromSeconds(30)), Is.True, sweep.Error);
        return sweep;
    }

    [Test]
    [Platform("Linux")]
    public void SigtermSavesTheFinishedRowsAndExitsWithoutWaitingForPointsInFlight()
    {
        using var dir = new TempDir();
        using var sweep = StartSlowSweep(dir);
        Thread.Sleep(TimeSpan.FromSeconds(4));

        var clock = Stopwatch.StartNew();
        sweep.Signal("TERM");
        var exit = sweep.WaitForExit(TimeSpan.FromSeconds(20));
        var seconds = clock.Elapsed.TotalSeconds;

        Assert.That(exit, Is.EqualTo(143), sweep.Error);
        Assert.That(seconds, Is.LessThan(5), "Slurm and Kubernetes kill 30 s after SIGTERM; the point in flight would take a minute more");
        var rows = Lines(Path.Combine(dir.Path, "slow.csv")).Skip(2).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.LessThan(4), "point 0 was in flight");
            Assert.That(rows.Select(r => r.Split(',')[0]), Does.Not.Contain("0"));
            Assert.That(sweep.Error.Trim().Split('\n')[^1], Is.EqualTo($"error: interrupted: slow.csv holds {rows.Count} of 4 points; run the same command again to continue"),
                "the message counts what the file holds");
            Assert.That(Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "slow.yaml", "slow.csv" }), "no temporary or lock file left");
        });
    }

    [Test]
    [Platform("Linux")]
    public void ASecondCtrlCEndsTheProcessAtOnce()
    {
        if (HwsimProcess.SigIntIgnored())
            Assert.Ignore("SIGINT is ignored here (the tests run as a background job of a non-interactive shell, e.g. 'bash .ci/run &'), and hwsim inherits that: run them in the foreground to test Ctrl-C");
        using var dir = new TempDir();
        using var sweep = StartSlowSweep(dir);

        var clock = Stopwatch.StartNew();
        sweep.Signal("INT");
        // Two signals sent back to back can merge into one before the runtime reads them (POSIX
        // does not queue standard signals), which is a single Ctrl-C; a person presses twice.
        Thread.Sleep(TimeSpan.FromMilliseconds(500));
        sweep.Signal("INT");
        var exit = sweep.WaitForExit(TimeSpan.FromSeconds(20));

        Assert.That(exit, Is.EqualTo(130), sweep.Error);
        Assert.That(clock.Elapsed.TotalSeconds, Is.LessThan(5));
    }

    [Test]
    [Platform("Linux")]
    public void ASecondLiveWriterOfTheSameFileIsRefused()
    {
        using var dir = new TempDir();
        using var first = StartSlowSweep(dir);

        // The same sweep again on the same file (another shard, or the same job started twice).
        var grid = Path.Combine(dir.Path, "slow.yaml");
        var output = Path.Combine(dir.Path, "slow.csv");
        var second = CliRunner.Run("sweep", "--network", "vgg16", "--bits", "2", "--arch-grid", grid, "--jobs", "1", "-o", output);

        Assert.That(second.ExitCode, Is.EqualTo(2), second.ToString());
        Assert.That(second.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(second.Error, Does.Contain("slow.csv").And.Contain("another hwsim sweep is writing this file"));

        first.Signal("TERM");
        Assert.That(first.WaitForExit(TimeSpan.FromSeconds(20)), Is.EqualTo(143), first.Error);
        // The first run's lock went with it: the file can be written again (here: a different, quick sweep, so --overwrite).
        var third = Sweep(dir, "-o", output, "--overwrite");
        Assert.That(third.ExitCode, Is.Zero, third.ToString());
    }

    [Test]
    public void TemporaryFilesOfAKilledRunAreRemovedAtStart()
    {
        using var dir = new TempDir();
        var output = dir.File("sweep.csv");
        var stale = dir.File($".sweep.csv.{UnixFiles.DeadPid()}.{Guid.NewGuid():N}.tmp", "");

        var r = Sweep(dir, "-o", output);

        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "grid.yaml", "sweep.csv" }));
    }

    [Test]
    [Platform("Linux")]
    public void AFullDiskAtTheFinalWriteKeepsTheComputedPoints()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "sweep.csv");
        File.CreateSymbolicLink(output, "/dev/full");

        var r = Sweep(dir, "-o", output);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.Trim().Split('\n')[^1], Does.StartWith("error: ").And.Contain("No space left on device").And.Contain("24 points computed so far went to standard output"));
        var direct = Sweep(dir);
        Assert.That(r.Output, Is.EqualTo(direct.Output), "every point, as a run without -o prints them");
    }
}
