using System.Collections.Immutable;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Results;

namespace HwSim.Simulator.Pipeline;

/// <summary>
/// A network run layer-pipelined (FINN's dataflow): every stage works at once on consecutive
/// batches, so a new batch leaves every <see cref="BottleneckCycles"/> cycles, and one batch takes
/// <see cref="LatencyCycles"/> from input to output (FINN's critical path: the sum of the stage
/// cycles, which its own analysis calls pessimistic because it assumes stages do not overlap within
/// one input; finn src/finn/analysis/fpgadataflow/dataflow_performance.py).
/// </summary>
public sealed record PipelineResult
{
    /// <summary>The stage results as the fast engine gave them (cycles and counts of each layer on its unit).</summary>
    public required NetworkResult Stages { get; init; }

    /// <summary>The stages in layer order; empty when a layer did not run (<see cref="Complete"/> is then false).</summary>
    public required ImmutableArray<PipelineStage> Pipeline { get; init; }

    /// <summary>Inputs per run of the workload: every stage's cycles cover this many inferences.</summary>
    public required int Batch { get; init; }

    public required double ClockMhz { get; init; }

    /// <summary>True when every layer ran, so the pipeline has a throughput.</summary>
    public bool Complete => Stages.AllRan;

    /// <summary>Cycles of the slowest stage per batch: the pipeline's initiation interval.</summary>
    public long BottleneckCycles => Pipeline.Max(s => s.Cycles);

    /// <summary>The first stage with <see cref="BottleneckCycles"/>.</summary>
    public PipelineStage Bottleneck => Pipeline.First(s => s.Cycles == BottleneckCycles);

    /// <summary>Pipeline fill: the sum of the stage cycles (FINN's critical_path_cycles).</summary>
    public long LatencyCycles => Pipeline.Sum(s => s.Cycles);

    public double InferencesPerSecond => Batch * ClockMhz * 1e6 / BottleneckCycles;

    /// <summary>Tera-operations per second in steady state (2 operations per MAC, as the energy report counts them).</summary>
    public double Tops => 2.0 * Stages.Macs / Batch * InferencesPerSecond / 1e12;

    /// <summary>Average power in steady state for <paramref name="joulesPerInference"/> (each batch costs its stage energies once per initiation interval).</summary>
    public double AveragePowerWatts(double joulesPerInference) => joulesPerInference * InferencesPerSecond;

    /// <summary>Seconds from a batch's input to its output.</summary>
    public double LatencySeconds => LatencyCycles / (ClockMhz * 1e6);

    /// <summary>Storage of every FIFO between stages, in bits.</summary>
    public long FifoBits => Pipeline.Sum(s => s.FifoBits);

    /// <summary>
    /// PE-cycles the faster stages spend waiting for the bottleneck in steady state: each stage's
    /// unit stays clocked for the whole initiation interval, so (bottleneck - own cycles) x PEs per
    /// batch are idle on top of the idle PE-cycles the stage counted itself.
    /// </summary>
    public long WaitingIdlePeCycles => Pipeline.Sum(s => checked((BottleneckCycles - s.Cycles) * s.PeCount));

    /// <summary>
    /// The stage results with each stage's waiting PE-cycles added to its idle count: what a
    /// batch costs in steady state (energy per inference = the sum of the stage energies, each
    /// stage's idle cycles priced as the idle PE-cycles of any layer).
    /// </summary>
    public NetworkResult SteadyState()
    {
        if (!Complete)
            return Stages;
        var bottleneck = BottleneckCycles;
        var idle = ActionKey.Simple(PrimitiveAction.IdlePeCycle);
        return Stages with
        {
            Layers = [.. Stages.Layers.Zip(Pipeline, (layer, stage) =>
            {
                var builder = new ActivityCountsBuilder();
                builder.Add(idle, checked((bottleneck - stage.Cycles) * stage.PeCount));
                return layer with { Counts = layer.Counts + builder.ToCounts() };
            })],
        };
    }
}
