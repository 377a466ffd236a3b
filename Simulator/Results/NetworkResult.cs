using System.Collections.Immutable;
using HwSim.Simulator.Counting;

namespace HwSim.Simulator.Results;

/// <summary>A workload's layer results in order; every total is the sum of the layers that ran.</summary>
public sealed record NetworkResult(string Workload, string Architecture, ImmutableArray<LayerResult> Layers)
{
    public IEnumerable<LayerResult> RanLayers => Layers.Where(l => l.Ran);

    public IEnumerable<LayerResult> NotRunLayers => Layers.Where(l => !l.Ran);

    public bool AllRan => Layers.All(l => l.Ran);

    public long ComputeCycles => RanLayers.Sum(l => l.ComputeCycles);

    public long StallCycles => RanLayers.Sum(l => l.StallCycles);

    public long TotalCycles => RanLayers.Sum(l => l.TotalCycles);

    public long Macs => RanLayers.Sum(l => l.Macs);

    public ActivityCounts Counts => RanLayers.Aggregate(ActivityCounts.Empty, (sum, l) => sum + l.Counts);

    /// <summary>Layers run one after another: latency at the architecture's clock, in seconds.</summary>
    public double Seconds(double clockMhz) => TotalCycles / (clockMhz * 1e6);
}
