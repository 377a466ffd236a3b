using HwSim.Simulator.Architecture;
using HwSim.Simulator.Results;
using HwSim.Workloads;

namespace HwSim.Simulator.Pipeline;

/// <summary>
/// Layer-pipelined execution (FINN, Umuroglu et al., FPGA 2017): each layer runs on its own unit
/// (FINN's one MVAU per layer, with its own PE x SIMD folding), named by the workload's
/// <c>unit</c> column; every stage is timed and counted by the fast engine on its unit, unchanged,
/// and the stages are then composed: throughput from the slowest, latency from their sum, FIFOs
/// between consecutive stages counted as storage (Simulator/README.md, "Layer-pipelined execution").
/// </summary>
public static class LayerPipeline
{
    /// <summary>
    /// Words each FIFO between two stages holds: FINN's default. Its InsertFIFO transformation sets
    /// a FIFO's depth to max(producer's outFIFODepths, consumer's inFIFODepths), both 2 unless
    /// changed, and then creates no separate FIFO because "HLS streaming components already have
    /// depth-2 FIFOs on inputs and outputs" (finn src/finn/transformation/fpgadataflow/insert_fifo.py).
    /// Deeper FIFOs sized by simulation (FINN's SetFIFODepths, BNN-PYNQ's hand-set depths of up to
    /// 128 words in cnvW1A1/hw/top.cpp) are not modelled: this is the storage a pipeline needs at least.
    /// </summary>
    public const int FifoDepth = 2;

    /// <summary>
    /// Checks that <paramref name="workload"/> can run pipelined on <paramref name="arch"/>: every
    /// layer names a unit of the architecture and no two layers name the same one (a unit is one
    /// stage). The error names the layer (its <c>unit</c> field); the caller adds the file.
    /// </summary>
    public static void Check(Workload workload, ArchitectureSpec arch)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        var units = arch.Units.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var layer in workload.Layers)
        {
            var where = $"layer '{layer.Name}'";
            if (layer.Unit is not { } unit)
                throw new InputException($"architecture '{arch.Name}' runs {ExecutionNames.Pipelined}: every layer needs its own unit in the workload's unit column (one of: {string.Join(", ", arch.Units.Select(u => u.Name))})", "unit", location: where);
            if (!units.Contains(unit))
                throw new InputException($"names unit '{unit}', which architecture '{arch.Name}' does not have (units: {string.Join(", ", units)})", "unit", location: where);
            if (!owner.TryAdd(unit, layer.Name))
                throw new InputException($"unit '{unit}' already runs layer '{owner[unit]}'; in {ExecutionNames.Pipelined} execution each layer is a stage on its own unit", "unit", location: where);
        }
    }

    /// <summary>Checks the assignment (<see cref="Check"/>), runs every layer on its unit with the fast engine and composes the stages.</summary>
    public static PipelineResult Evaluate(Workload workload, ArchitectureSpec arch, Action<LayerResult>? layerDone = null)
    {
        Check(workload, arch);
        return Compose(workload, arch, Simulation.Evaluate(workload, arch, layerDone));
    }

    /// <summary>The pipeline of <paramref name="stages"/>, the fast engine's results of <paramref name="workload"/>'s layers on their units.</summary>
    public static PipelineResult Compose(Workload workload, ArchitectureSpec arch, NetworkResult stages)
    {
        if (stages.Layers.Length != workload.Layers.Length)
            throw new ArgumentException("the results are not of this workload's layers", nameof(stages));
        var pipeline = stages.AllRan
            ? [.. workload.Layers.Select((layer, i) =>
            {
                var result = stages.Layers[i];
                var unit = arch.Units.Single(u => u.Name == result.Unit);
                var last = i == workload.Layers.Length - 1;
                // A unit's results leave one per PE column per cycle (the drain, Simulator/README.md §3): FINN's PE x output bits.
                long word = last ? 0 : checked((long)unit.Cols * layer.Precision.Output.Bits);
                return new PipelineStage(layer.Name, unit.Name, result.TotalCycles, unit.PeCount, last ? 0 : FifoDepth, word);
            })]
            : System.Collections.Immutable.ImmutableArray<PipelineStage>.Empty;
        return new PipelineResult { Stages = stages, Pipeline = pipeline, Batch = workload.Batch, ClockMhz = arch.ClockMhz };
    }
}
