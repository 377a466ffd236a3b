using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Analyses.Sweep;
using HwSim.Analyses.Tradeoff;
using HwSim.Cli.Train;
using HwSim.Quantizer.Data;
using HwSim.Quantizer.Training;
using HwSim.Workloads;

namespace HwSim.Cli.Tradeoff;

/// <summary>
/// <c>hwsim tradeoff GRID --out DIR</c>: trains every configuration x seed of a grid (resumable; <c>--jobs</c> at a
/// time; <c>--shard i/N</c> for a job array, then <c>--merge</c> the shard folders), and joins the accuracies with
/// energy and latency of each trained network on the architecture.
/// </summary>
public static class TradeoffCommand
{
    private static readonly Argument<string> Grid = new("grid") { Description = "YAML grid: network, seeds, epochs, qat_epochs, train_count, test_count, configs (see docs/accuracy-study/grid.yaml)." };

    private static readonly Option<string> Out = new("--out")
    {
        Description = "Study folder: points/ (one run folder per point), fp32/ (shared fp32 phases), results.csv, summary.csv, tradeoff.json, tradeoff.png/.svg.",
        Required = true,
        HelpName = "DIR",
    };

    private static readonly Option<string?> ShardOption = new("--shard") { Description = "Train only shard INDEX/COUNT of the points (0-based, by point id modulo COUNT).", HelpName = "i/N" };
    private static readonly Option<int> Jobs = new("--jobs", "-j") { Description = "Points trained at the same time (each with the grid's thread count).", DefaultValueFactory = _ => 1 };
    private static readonly Option<string[]> Merge = new("--merge") { Description = "Study folders of other shards whose finished points are copied in before joining.", HelpName = "DIR", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<double> Margin = new("--margin") { Description = "Accuracy margin (fraction) for 'within the baseline': the smallest width whose W1A1 net is within it.", DefaultValueFactory = _ => 0.01 };

    private static readonly ArchitectureOption Arch = new();
    private static readonly CostOptions Cost = new();
    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("tradeoff",
            "Accuracy beside cost: train a grid of configurations x seeds on Fashion-MNIST (resumable, --shard, --merge) and join test accuracy " +
            "(mean and spread over seeds) with energy per inference and latency of each trained network on the architecture; " +
            "answers the smallest width whose 1-bit net is within --margin of fp32 and int8, and what fp32/int8 first/last layers buy.")
        {
            Grid,
        };
        foreach (var option in new Option[] { TrainCommand.Data, Out, ShardOption, Jobs, Merge, Margin })
            command.Add(option);
        Arch.AddTo(command);
        Cost.AddTo(command);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Execute(parse, context)));
        return command;
    }

    private static int Execute(ParseResult parse, CliContext context)
    {
        var grid = TradeoffGrid.Read(parse.GetValue(Grid)!);
        var outFolder = parse.GetValue(Out)!;
        var shard = parse.GetValue(ShardOption) is { } s ? Shard.Parse(s) : Shard.All;
        var jobs = parse.GetValue(Jobs);
        if (jobs is < 1 or > 64)
            throw new InputException($"must be 1 to 64, got {jobs}", "--jobs");
        var margin = parse.GetValue(Margin);
        if (!(margin >= 0) || margin >= 1)
            throw new InputException($"must be a fraction from 0 to below 1, got {margin}", "--margin");
        var arch = Arch.Resolve(parse);
        var archName = parse.GetValue(Arch.Arch)!;
        var cost = Cost.Resolve(parse);
        Directory.CreateDirectory(outFolder);
        foreach (var other in parse.GetValue(Merge) ?? [])
            MergeFrom(grid, other, outFolder, context);

        var pending = grid.Points.Count(p => shard.Contains(p.Id) && TradeoffRunner.Read(p, Path.Combine(outFolder, "points", p.Folder)) is null);
        ImageDataset? data = null;
        if (pending > 0)
        {
            var dataFolder = parse.GetValue(TrainCommand.Data)!;
            data = ImageDataset.Open(dataFolder);
        }
        context.Progress($"tradeoff: {grid.Points.Count} points in {grid.File}, {pending} to train in shard {shard} with {jobs} job(s)");
        var started = DateTime.UtcNow;
        var last = DateTime.MinValue;
        var done = 0;
        var outcomes = TradeoffRunner.Run(grid, data, outFolder, (shard.Index, shard.Count), jobs, TrainOutputs.Write,
            (point, p) =>
            {
                if (DateTime.UtcNow - last < TimeSpan.FromSeconds(5))
                    return;
                last = DateTime.UtcNow;
                context.Progress(string.Create(CultureInfo.InvariantCulture,
                    $"tradeoff: point {point.Folder}: {p.Phase} epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:0.000} acc {p.Accuracy:P1} ETA {ProgressDisplay.Duration(p.Eta.TotalSeconds)}; {done}/{pending} points done"));
            },
            (point, outcome) =>
            {
                Interlocked.Increment(ref done);
                context.Progress(string.Create(CultureInfo.InvariantCulture,
                    $"tradeoff: point {point.Folder} done: test accuracy {outcome.TestAccuracy:P2}, {outcome.TrainSeconds:0} s of training; {done}/{pending} after {ProgressDisplay.Duration((DateTime.UtcNow - started).TotalSeconds)}"));
            });
        if (outcomes.Count < grid.Points.Count)
        {
            context.Output.WriteLine($"{outcomes.Count} of {grid.Points.Count} points finished in {outFolder}; run without --shard (or --merge the other shards' folders) to join them");
            return HwSimApp.ExitOk;
        }
        var result = TradeoffStudy.Join([.. outcomes.Select(Trained)], arch, archName, cost, margin);
        AtomicFile.Write(Path.Combine(outFolder, "results.csv"), w => TradeoffCsv.WriteCsv(w, result.Rows));
        AtomicFile.Write(Path.Combine(outFolder, "summary.csv"), w => TradeoffCsv.WriteSummaryCsv(w, result.Summaries));
        var json = OutputOptions.Serialize(new TradeoffJson(grid.File, result.Architecture, result.Margin, result.Rows, result.Summaries,
            [.. result.Widths.Select(a => new TradeoffWidthJson(a.Baseline, a.BaselineAccuracy, a.FirstLast, a.Margin, a.Smallest, TradeoffOutput.Sentence(a)))],
            result.FirstLast));
        AtomicFile.Write(Path.Combine(outFolder, "tradeoff.json"), w => w.WriteLine(json));
        var (png, _) = TradeoffOutput.Plot(result, Path.Combine(outFolder, "tradeoff"));
        context.Progress($"tradeoff: results.csv, summary.csv, tradeoff.json and {Path.GetFileName(png)} (+ .svg) in {outFolder}");
        switch (parse.GetValue(Output.Format))
        {
            case OutputFormat.Csv:
                TradeoffCsv.WriteCsv(context.Output, result.Rows);
                break;
            case OutputFormat.Json:
                context.Output.WriteLine(json);
                break;
            default:
                TradeoffOutput.WriteTables(context.ConsoleOn(context.Output), result);
                break;
        }
        return HwSimApp.ExitOk;
    }

    /// <summary>Copies another shard's finished points (result, metrics, workload; not checkpoints) into this study folder.</summary>
    private static void MergeFrom(TradeoffGrid grid, string other, string outFolder, CliContext context)
    {
        if (!Directory.Exists(Path.Combine(other, "points")))
            throw new InputException("is not a tradeoff study folder (no points/ inside)", "--merge", other);
        var copied = 0;
        foreach (var point in grid.Points)
        {
            var from = Path.Combine(other, "points", point.Folder);
            var to = Path.Combine(outFolder, "points", point.Folder);
            if (TradeoffRunner.Read(point, from) is null || TradeoffRunner.Read(point, to) is not null)
                continue;
            Directory.CreateDirectory(to);
            foreach (var file in new[] { "workload.csv", "metrics.csv", Trainer.MetricsFile, TradeoffRunner.ResultFile })
                File.Copy(Path.Combine(from, file), Path.Combine(to, file), overwrite: true);
            copied++;
        }
        context.Progress($"tradeoff: {copied} finished point(s) merged from {other}");
    }

    /// <summary>A finished point as the join reads it: the trainer's spec and result.json, the trained network's workload CSV.</summary>
    private static TrainedPoint Trained(PointOutcome o)
    {
        var s = o.Point.Spec;
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(o.Folder, TradeoffRunner.ResultFile)));
        int Images(string property) => result.RootElement.GetProperty(property).GetInt32();
        return new TrainedPoint(o.Point.Id, s.Network, s.Method?.ToString().ToLowerInvariant() ?? "fp32", s.Method is null ? 32 : s.WeightBits,
            s.Method is null ? 32 : s.InputBits, s.Method is null ? "fp32" : s.FirstLast.ToString(), s.Width, s.Seed, s.TotalEpochs,
            Images("train_images"), Images("test_images"), o.TestAccuracy, o.TrainSeconds, Path.Combine(o.Folder, "workload.csv"));
    }
}

/// <summary>The JSON shape of <c>tradeoff.json</c> and <c>hwsim tradeoff --format json</c> (snake_case keys).</summary>
internal sealed record TradeoffJson(string Grid, string Architecture, double Margin, IReadOnlyList<TradeoffRow> Rows, IReadOnlyList<TradeoffSummary> Summaries,
    IReadOnlyList<TradeoffWidthJson> Widths, IReadOnlyList<TradeoffSummary> FirstLast);

/// <summary>A width answer: the smallest configuration within the margin of the baseline, and its sentence.</summary>
internal sealed record TradeoffWidthJson(string Baseline, double BaselineAccuracy, string FirstLast, double Margin, TradeoffSummary? Smallest, string Sentence);
