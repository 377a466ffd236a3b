using System.Collections.Immutable;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Results;

namespace HwSim.CostModel.Pricing;

/// <summary>
/// Prices what the simulator counted: every activity count times the energy of one occurrence
/// from the energy table, at the context's node. Never re-simulates, so a new table or node
/// re-prices the same result.
/// </summary>
public static class Pricer
{
    /// <summary>Energy of every layer of <paramref name="result"/> at <paramref name="context"/>'s node and buffers; per inference divides by <paramref name="batch"/>.</summary>
    public static EnergyReport Price(NetworkResult result, ArchitectureSpec arch, EnergyTable table, EnergyContext context, int batch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var layers = result.Layers.Select(l => Price(l, table, context)).ToImmutableArray();
        return new EnergyReport(result.Workload, result.Architecture, context.Scaling.Target.Name, arch.ClockMhz, batch, layers);
    }

    /// <summary>Energy of one layer's counts, by component; nothing for a layer that did not run.</summary>
    public static LayerEnergy Price(LayerResult layer, EnergyTable table, EnergyContext context)
    {
        var parts = new EnergyPj[Enum.GetValues<EnergyComponent>().Length];
        if (layer.Ran)
            foreach (var (key, count) in layer.Counts.Counts)
                parts[(int)EnergyComponents.Of(key)] += table.Energy(key, context) * count;
        return new LayerEnergy(layer.Layer, layer.Unit, layer.NotRunReason, layer.Macs, layer.Ran ? layer.TotalCycles : 0, [.. parts]);
    }
}
