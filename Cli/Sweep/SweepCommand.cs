using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using HwSim.Analyses.Sweep;
using HwSim.Cli.Common;
using HwSim.Workloads;

namespace HwSim.Cli.Sweep;

/// <summary>
/// <c>hwsim sweep</c>: the Cartesian product of bit-widths, architecture grid values and
/// technology nodes, each point simulated and priced, in parallel, as one CSV row. With -o the
/// file is a checkpoint too: it is rewritten (atomically) every <see cref="CheckpointInterval"/>
/// and when the run is interrupted (Ctrl+C, SIGTERM from Slurm or Kubernetes), a run on an
/// existing file of the same sweep computes only the points it lacks, and only one run at a time
/// may write it (<see cref="CheckpointLock"/>).
/// </summary>
public static class SweepCommand
{
    /// <summary>How often a running sweep rewrites its -o file: at most this much work is lost to a hard kill.</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(30);

    private const int ExitInterrupted = 130;

    private static readonly SweepOptions Sweep = new();

    private static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "The CSV to write (atomically), also a checkpoint every 30 s and on Ctrl+C/SIGTERM; one run at a time (a second writer is refused). If it exists and holds rows of this same sweep, only the missing points are computed (resume); the whole file is then rewritten.",
        HelpName = "FILE",
    };

    private static readonly Option<bool> Overwrite = new("--overwrite")
    {
        Description = "Start over even if -o holds rows (of this or another sweep).",
    };

    private static readonly Option<string?> ShardOption = new("--shard")
    {
        Description = "Compute only shard INDEX/COUNT: the points with id % COUNT == INDEX, 0-based (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX). Join the shards' files with 'hwsim merge'.",
        HelpName = "INDEX/COUNT",
    };

    private static readonly Option<int> Jobs = new("--jobs", "-j")
    {
        Description = "Points computed at once (threads). Default: the number of cores.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        HelpName = "N",
    };

    private static readonly Option<string?> PlotBase = new("--plot")
    {
        Description = "Write a Pareto plot (energy vs latency, colour = area, front highlighted) to BASE.png and BASE.svg.",
        HelpName = "BASE",
    };

    public static Command Create()
    {
        var command = new Command("sweep",
            "Sweep bit-widths, architecture parameters (a grid YAML) and technology nodes: one CSV row per point with cycles, latency, energy, TOPS/W, area and EDP. " +
            "Parallel, resumable (-o), shardable (--shard i/N; join with 'hwsim merge').\n" +
            "Grid YAML ('base:' a preset or an architecture file; every combination of the 'vary:' values, in order), e.g.:\n" + GridFile.Example + "\n" +
            $"Paths: {GridParameter.Known}.\n" +
            "'mapping: [fixed, search]' compares the fixed schedule with the mapper on every design, 'objective: [energy, latency]' energy- with latency-optimal mappings " +
            "(a search's objective: the grid's key, else --objective); a mapping FILE is found beside the grid. Giving a key and its flag (--mapping, --objective) is an error. " +
            $"A fixed point has no objective: its objective cell reads '{SweepDefinition.NoObjective}' (its rows repeat per objective value).");
        Sweep.AddTo(command);
        command.Add(Output);
        command.Add(Overwrite);
        command.Add(ShardOption);
        command.Add(Jobs);
        command.Add(PlotBase);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var sweep = Sweep.Definition(parse);
        // The plot is energy against latency: a nest design without a clock has no latency to draw (its cells are empty).
        if (parse.GetValue(PlotBase) is not null && sweep.Nest is { ClockMhz: null } clockless)
            throw new InputException($"draws energy against latency, and the nest design {clockless.Name} has no clock_mhz, so its points have no latency; give the design a clock_mhz or leave out --plot", "--plot");
        var shard = parse.GetValue(ShardOption) is { } s ? Shard.Parse(s) : Shard.All;
        var jobs = parse.GetValue(Jobs);
        if (jobs < 1)
            throw new InputException($"must be at least 1, got {jobs}", "--jobs");
        var output = parse.GetValue(Output);
        if (output is not null && string.IsNullOrWhiteSpace(output))
            throw new InputException("give a file name", "--output");
        // Checked now rather than at the first checkpoint: a read-only file or a directory is refused before any work.
        var target = output is null ? null : OutputTarget.Resolve(output);
        // Only a regular file is a checkpoint (a FIFO or /dev/stdout holds nothing to resume), and it has one writer at a time.
        var checkpoint = target is { Replace: true, Kind: not PosixFiles.Kind.Special };
        using var writerLock = checkpoint ? CheckpointLock.Acquire(target!.WritePath, output!) : null;
        if (checkpoint)
            AtomicFile.RemoveStaleTemporaries(Path.GetDirectoryName(target!.WritePath)!, Path.GetFileName(target.WritePath));
        // An empty file (created by a job script, say) holds no rows: it is a fresh start, not another sweep.
        var existing = checkpoint && target!.Kind == PosixFiles.Kind.Regular && new FileInfo(target.WritePath).Length > 0 && !parse.GetValue(Overwrite)
            ? Resume(sweep, shard, output!) : [];
        var missing = SweepResume.Missing(sweep, shard, existing);
        var selected = existing.Count + missing.Count;
        context.Progress(StartLine(sweep, shard, existing.Count, missing.Count, output, jobs));

        var run = new SweepRun(sweep, missing, ModelEvaluator.Instance, jobs);
        var clock = Stopwatch.StartNew();
        // Not disposed: after an interruption, abandoned points may still be computing with its token when the process ends.
        var cancel = new CancellationTokenSource();
        // Only a real process listens for signals; in-process runs (tests) leave the host's handlers alone.
        using var signals = ReferenceEquals(context.Error, Console.Error) ? new StopSignals(cancel) : null;
        var task = run.Start(cancel.Token);
        var lastCheckpoint = Stopwatch.StartNew();
        ProgressDisplay.Show(context, $"sweep {sweep.Workload.Name}", run.Total, () => run.Completed, timeout =>
        {
            // A signal ends the wait at once, not when the points in flight are done (one can take minutes).
            if (WaitHandle.WaitAny([((IAsyncResult)task).AsyncWaitHandle, cancel.Token.WaitHandle], timeout) != WaitHandle.WaitTimeout)
                return true;
            // A FIFO or /dev/stdout gets the rows once, at the end: a checkpoint there would send them again every 30 s.
            if (checkpoint && lastCheckpoint.Elapsed >= CheckpointInterval)
            {
                Checkpoint(context, output!, sweep, existing.Concat(run.Rows));
                lastCheckpoint.Restart();
            }
            return false;
        });

        var rows = existing.Concat(run.Rows).ToList();
        if (cancel.IsCancellationRequested && rows.Count < selected)
        {
            // The points in flight are abandoned: their threads are background threads and end with the process.
            if (output is not null)
                Save(context, output, sweep, rows, existing.Count);
            context.ReportError(output is null
                ? $"interrupted after {run.Completed:N0} of {run.Total:N0} points; nothing written (give -o FILE to keep partial results and resume)"
                : $"interrupted: {output} holds {rows.Count:N0} of {selected:N0} points; run the same command again to continue");
            return signals?.ExitCode ?? ExitInterrupted;
        }
        if (task.IsFaulted && output is not null && rows.Count > existing.Count)
        {
            // A failure at one point must not cost the points computed before it: they are saved, then the error is reported.
            // With none computed there is nothing to save: the file stays as it was (or absent), not a header without rows.
            Save(context, output, sweep, rows, existing.Count);
        }
        task.GetAwaiter().GetResult();
        rows = [.. existing.Concat(run.Rows)];

        if (output is null)
            SweepCsv.Write(context.Output, SweepCsv.IdentityLine(sweep.Hash, sweep.PointCount), SweepCsv.HeaderLine(sweep), rows);
        else
            Save(context, output, sweep, rows, existing.Count);
        var seconds = clock.Elapsed.TotalSeconds;
        context.Progress((run.Total == 0 ? "sweep: nothing to compute"
                : string.Create(CultureInfo.InvariantCulture, $"sweep: computed {run.Total:N0} points in {ProgressDisplay.Duration(seconds)} ({run.Total / Math.Max(seconds, 1e-9):0.#} points/s)"))
            + (output is null ? "" : $"; {output} holds {rows.Count:N0} of {selected:N0} points"));

        if (run.NotRun is { Count: > 0 } notRun)
        {
            var (id, why) = notRun.First();
            context.Progress(string.Create(CultureInfo.InvariantCulture,
                $"note: {notRun.Count:N0} point(s) left layers not run (column layers_not_run; their figures leave those layers out); the first, point {id}: {why}"));
        }

        if (parse.GetValue(PlotBase) is { } plotBase)
        {
            var file = new SweepCsvFile(output ?? "(standard output)", sweep.Hash, sweep.PointCount, SweepCsv.HeaderLine(sweep), [.. rows.OrderBy(r => r.Id)]);
            var points = PlotPoint.From(file);
            var (png, svg) = ParetoPlot.Save(points, sweep.Workload.Name, plotBase);
            context.Progress($"plot: {png}, {svg} ({ParetoPlot.FrontSummary(points)})");
        }
        return HwSimApp.ExitOk;
    }

    /// <summary><see cref="SweepResume.ExistingRows"/>, its errors naming the options that choose another file or start over.</summary>
    private static IReadOnlyList<SweepRow> Resume(SweepDefinition sweep, Shard shard, string output)
    {
        try
        {
            return SweepResume.ExistingRows(sweep, shard, output);
        }
        catch (InputException e) when (e.Field == SweepResume.OutputField)
        {
            throw new InputException(e.Rule + " (-o FILE, --overwrite)", "--output", e.File, e.Location, e);
        }
    }

    private static void Write(string path, SweepDefinition sweep, IEnumerable<SweepRow> rows) =>
        AtomicFile.Write(path, writer => SweepCsv.Write(writer, SweepCsv.IdentityLine(sweep.Hash, sweep.PointCount), SweepCsv.HeaderLine(sweep), rows));

    /// <summary>A checkpoint during the run: if it cannot be written (a full disk), the run goes on and tries again later.</summary>
    private static void Checkpoint(CliContext context, string path, SweepDefinition sweep, IEnumerable<SweepRow> rows)
    {
        try
        {
            Write(path, sweep, rows);
        }
        catch (InputException e)
        {
            context.Warn($"checkpoint not saved ({e.Message}); the sweep goes on and tries again in {CheckpointInterval.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// The final write. If the file cannot be written (a full disk), the points computed in this
    /// run are not thrown away: the whole CSV goes to standard output instead, and the error says so.
    /// </summary>
    private static void Save(CliContext context, string path, SweepDefinition sweep, IReadOnlyCollection<SweepRow> rows, int resumed)
    {
        try
        {
            Write(path, sweep, rows);
        }
        catch (InputException e) when (rows.Count > resumed)
        {
            SweepCsv.Write(context.Output, SweepCsv.IdentityLine(sweep.Hash, sweep.PointCount), SweepCsv.HeaderLine(sweep), rows);
            throw new InputException($"{e.Message}; the {rows.Count:N0} points computed so far went to standard output instead " +
                "(redirect it to a file on another disk to keep them; as -o they resume the sweep)");
        }
    }

    /// <summary>"sweep 3f2a...: resnet18, 1,000 points (8 precision(s) x 5 x 5 x 5 x 1 node(s)); computing 250 of 250 (shard 0/4), 0 already in part-0.csv; 2 job(s)".</summary>
    private static string StartLine(SweepDefinition sweep, Shard shard, int existing, int missing, string? output, int jobs)
    {
        var sizes = new List<string> { $"{sweep.Precisions.Length} precision(s)" };
        sizes.AddRange(sweep.Dimensions.Select(d => d.Dimension.Values.Length.ToString(CultureInfo.InvariantCulture)));
        sizes.Add($"{sweep.Techs.Length} node(s)");
        var selected = existing + missing;
        return string.Create(CultureInfo.InvariantCulture,
            $"sweep {sweep.Hash}: {sweep.Workload.Name}, {sweep.PointCount:N0} points ({string.Join(" x ", sizes)}); computing {missing:N0} of {selected:N0}")
            + (shard.IsAll ? "" : $" (shard {shard})")
            + (output is null ? "" : $", {existing:N0} already in {output}")
            + $"; {jobs} job(s)";
    }

    /// <summary>
    /// Turns SIGINT (Ctrl+C) and SIGTERM (Slurm at the time limit, Kubernetes on eviction) into a
    /// cancellation: the sweep saves the points it has finished and ends within a second or two,
    /// abandoning the points in flight (Slurm and Kubernetes kill 30 s after SIGTERM).
    /// </summary>
    private sealed class StopSignals : IDisposable
    {
        private readonly PosixSignalRegistration _interrupt;
        private readonly PosixSignalRegistration _terminate;

        public StopSignals(CancellationTokenSource cancel)
        {
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, cancel, 130));
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, cancel, 143));
        }

        /// <summary>128 + the signal's number, as a shell reports a process the signal ended.</summary>
        public int? ExitCode { get; private set; }

        private void Stop(PosixSignalContext context, CancellationTokenSource cancel, int exitCode)
        {
            // The first signal saves the finished rows and ends the run; a second one (an impatient Ctrl+C while
            // that is written) gets the signal's default action: the process ends at once.
            if (cancel.IsCancellationRequested)
                return;
            context.Cancel = true;
            ExitCode = exitCode;
            cancel.Cancel();
        }

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
        }
    }
}
