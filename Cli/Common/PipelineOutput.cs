using System.Globalization;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Pipeline;
using HwSim.Simulator.Results;
using HwSim.Workloads;
using Spectre.Console;

namespace HwSim.Cli.Common;

/// <summary>
/// What <c>simulate</c> and <c>energy</c> add for an architecture with <c>execution:
/// layer_pipelined</c>: the assignment check (with the workload's file) and the pipeline's figures.
/// </summary>
internal static class PipelineOutput
{
    /// <summary>Checks the layer-to-unit assignment before anything runs; the error names the workload <paramref name="source"/>.</summary>
    public static void Check(Workload workload, ArchitectureSpec arch, string source)
    {
        if (arch.Execution != Execution.LayerPipelined)
            return;
        try
        {
            LayerPipeline.Check(workload, arch);
        }
        catch (InputException e)
        {
            throw e.At(source);
        }
    }

    /// <summary>The pipeline of the stage results, or null for a sequential architecture.</summary>
    public static PipelineResult? Compose(Workload workload, ArchitectureSpec arch, NetworkResult stages) =>
        arch.Execution == Execution.LayerPipelined ? LayerPipeline.Compose(workload, arch, stages) : null;

    public static PipelineJson? Json(PipelineResult? p, double? joulesPerInference = null) => p is not { Complete: true }
        ? p is null ? null : new PipelineJson(false, null, null, null, null, null, null, null, null, [])
        : new PipelineJson(true, p.Batch, p.InferencesPerSecond, p.LatencyCycles, p.LatencySeconds * 1e3, p.Bottleneck.Layer, p.BottleneckCycles, p.FifoBits,
            joulesPerInference is { } j ? p.AveragePowerWatts(j) : null,
            [.. p.Pipeline.Select(s => new StageJson(s.Layer, s.Unit, s.Cycles, s.FifoDepth, s.FifoWordBits, s.FifoBits))]);

    /// <summary>The pipeline table: per stage cycles and FIFO, then throughput, latency, bottleneck and FIFO storage.</summary>
    public static void Write(IAnsiConsole console, PipelineResult p, double? joulesPerInference = null)
    {
        if (!p.Complete)
        {
            console.MarkupLine("[red]layer pipeline: not every layer ran, so it has no throughput[/]");
            return;
        }
        var stages = new Table().Border(TableBorder.Simple).Title($"layer pipeline ({ExecutionNames.Pipelined})");
        stages.AddColumn("stage").AddColumn("unit");
        foreach (var h in new[] { "cycles", "of slowest %", "FIFO out (words x bits)", "FIFO bits" })
            stages.AddColumn(new TableColumn(h).RightAligned());
        foreach (var s in p.Pipeline)
            stages.AddRow(Markup.Escape(s.Layer), Markup.Escape(s.Unit), Numbers.Grouped(s.Cycles),
                (100.0 * s.Cycles / p.BottleneckCycles).ToString("0.0", CultureInfo.InvariantCulture),
                s.FifoDepth == 0 ? "" : $"{s.FifoDepth} x {s.FifoWordBits}", Numbers.Grouped(s.FifoBits));
        console.Write(stages);

        var totals = new Table().Border(TableBorder.Rounded).Title("pipeline");
        totals.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        totals.AddRow("bottleneck stage", $"{Markup.Escape(p.Bottleneck.Layer)} ({Numbers.Grouped(p.BottleneckCycles)} cycles per batch of {p.Batch})");
        totals.AddRow($"throughput at {p.ClockMhz.ToString(CultureInfo.InvariantCulture)} MHz", p.InferencesPerSecond.ToString("0.#", CultureInfo.InvariantCulture) + " inferences/s");
        totals.AddRow("latency (pipeline fill, sum of stages)", $"{Numbers.Grouped(p.LatencyCycles)} cycles = {(p.LatencySeconds * 1e3).ToString("0.000", CultureInfo.InvariantCulture)} ms");
        totals.AddRow("FIFO storage between stages", $"{Numbers.Grouped(p.FifoBits)} bits");
        if (joulesPerInference is { } j)
        {
            totals.AddRow("average power in steady state", $"{(p.AveragePowerWatts(j) * 1e3).ToString("0.##", CultureInfo.InvariantCulture)} mW");
            totals.AddRow("throughput (2 ops/MAC)", $"{p.Tops.ToString("0.###", CultureInfo.InvariantCulture)} TOPS");
        }
        console.Write(totals);
    }
}

/// <summary>The <c>pipeline</c> object of simulate's and energy's JSON (absent for sequential architectures).</summary>
internal sealed record PipelineJson(bool Complete, int? Batch, double? InferencesPerSecond, long? LatencyCycles, double? LatencyMs, string? Bottleneck,
    long? BottleneckCycles, long? FifoBits, double? AveragePowerW, IReadOnlyList<StageJson> Stages);

internal sealed record StageJson(string Layer, string Unit, long Cycles, int FifoDepth, long FifoWordBits, long FifoBits);
