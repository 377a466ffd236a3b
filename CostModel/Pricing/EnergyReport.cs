using System.Collections.Immutable;
using HwSim.CostModel.Quantities;

namespace HwSim.CostModel.Pricing;

/// <summary>Energy of one layer, by component. Layers that did not run cost nothing and say why.</summary>
public sealed record LayerEnergy(string Layer, string? Unit, string? NotRunReason, long Macs, long Cycles, ImmutableArray<EnergyPj> ByComponent)
{
    public bool Ran => NotRunReason is null;

    public EnergyPj this[EnergyComponent c] => ByComponent[(int)c];

    /// <summary>Sum of the components, in their declared order.</summary>
    public EnergyPj Total => ByComponent.Aggregate(EnergyPj.Zero, (s, e) => s + e);
}

/// <summary>
/// A network's energy: per layer, per component and per unit, and the figures derived from it
/// with the architecture's clock. Totals are sums of the layers.
/// </summary>
/// <param name="Batch">Inferences the workload computes at once (its batch), for per-inference figures.</param>
public sealed record EnergyReport(string Workload, string Architecture, string Technology, double ClockMhz, int Batch, ImmutableArray<LayerEnergy> Layers)
{
    public EnergyPj this[EnergyComponent c] => Layers.Aggregate(EnergyPj.Zero, (s, l) => s + l[c]);

    public EnergyPj Total => Layers.Aggregate(EnergyPj.Zero, (s, l) => s + l.Total);

    public EnergyPj Sram => this[EnergyComponent.SramIfmap] + this[EnergyComponent.SramWeight] + this[EnergyComponent.SramOfmap];

    /// <summary>
    /// What the prices rest on that the reader must know, one line each: SRAM accesses outside the
    /// CACTI table (priced by the per-bit curve instead). Text output prints them as warning lines,
    /// JSON as its <c>warnings</c> field.
    /// </summary>
    public ImmutableArray<string> Warnings { get; init; } = [];

    /// <summary>Energy per unit (layers that ran), in order of first use.</summary>
    public ImmutableArray<(string Unit, EnergyPj Energy)> ByUnit =>
        [.. Layers.Where(l => l.Ran).GroupBy(l => l.Unit!).Select(g => (g.Key, g.Aggregate(EnergyPj.Zero, (s, l) => s + l.Total)))];

    public long Macs => Layers.Where(l => l.Ran).Sum(l => l.Macs);

    public long Cycles => Layers.Where(l => l.Ran).Sum(l => l.Cycles);

    public bool AllRan => Layers.All(l => l.Ran);

    /// <summary>Layers run one after another at the architecture's clock, seconds.</summary>
    public double LatencySeconds => Cycles / (ClockMhz * 1e6);

    public double EnergyPerInferenceMicrojoules => Total.Microjoules / Batch;

    public double InferencesPerSecond => LatencySeconds == 0 ? 0 : Batch / LatencySeconds;

    /// <summary>Energy over latency, watts.</summary>
    public double AveragePowerWatts => LatencySeconds == 0 ? 0 : Total.Value * 1e-12 / LatencySeconds;

    /// <summary>Operations per joule in tera: a b_w x b_a MAC counts as 2 operations, whatever its widths.</summary>
    public double TopsPerWatt => TopsPerWattOf(Macs, Total);

    /// <summary>Tera-operations per joule of <paramref name="macs"/> MACs at <paramref name="energy"/>, 2 operations per MAC; 0 for no energy.</summary>
    public static double TopsPerWattOf(long macs, EnergyPj energy) => energy.Value == 0 ? 0 : 2.0 * macs / (energy.Value * 1e-12) / 1e12;

    /// <summary>Achieved throughput, tera-operations per second (2 per MAC).</summary>
    public double Tops => LatencySeconds == 0 ? 0 : 2.0 * Macs / LatencySeconds / 1e12;

    /// <summary>Energy-delay product of one batch, joule-seconds.</summary>
    public double EnergyDelayProduct => Total.Value * 1e-12 * LatencySeconds;
}
