using System.Collections.Immutable;
using HwSim.Simulator.Counting;

namespace HwSim.Simulator.Results;

/// <summary>A workload's layer results in order; every total is the sum of the layers that ran.</summary>
public sealed record NetworkResult(string Workload, string Architecture, ImmutableArray<LayerResult> Layers)
{
    /// <summary>The layers a unit ran.</summary>
    public IEnumerable<LayerResult> RanLayers => Layers.Where(l => l.Ran);

    /// <summary>The layers no unit could run (or that did not fit), with their reasons.</summary>
    public IEnumerable<LayerResult> NotRunLayers => Layers.Where(l => !l.Ran);

    /// <summary>True when every layer ran, so the totals cover the whole workload.</summary>
    public bool AllRan => Layers.All(l => l.Ran);

    /// <summary>Cycles the arrays computed, summed over the layers that ran.</summary>
    public long ComputeCycles => RanLayers.Sum(l => l.ComputeCycles);

    /// <summary>Cycles spent waiting for DRAM, summed over the layers that ran.</summary>
    public long StallCycles => RanLayers.Sum(l => l.StallCycles);

    /// <summary>Compute and stall cycles: layers run one after another.</summary>
    public long TotalCycles => RanLayers.Sum(l => l.TotalCycles);

    /// <summary>Multiply-accumulates of the layers that ran.</summary>
    public long Macs => RanLayers.Sum(l => l.Macs);

    /// <summary>Every action counted, summed over the layers that ran.</summary>
    public ActivityCounts Counts => RanLayers.Aggregate(ActivityCounts.Empty, (sum, l) => sum + l.Counts);

    /// <summary>Layers run one after another: latency at the architecture's clock, in seconds.</summary>
    public double Seconds(double clockMhz) => TotalCycles / (clockMhz * 1e6);
}
