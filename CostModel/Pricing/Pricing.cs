using System.Collections.Immutable;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Results;
using HwSim.Workloads;

namespace HwSim.CostModel.Pricing;

/// <summary>
/// Prices what the simulator counted: every activity count times the energy of one occurrence
/// from the energy table, at the context's node. Never re-simulates, so a new table or node
/// re-prices the same result.
/// </summary>
public static class Pricer
{
    /// <summary>
    /// The most one priced action may cost after the laws' interpolation and node scaling: 1 mJ,
    /// 1,000 times a table row's cap (<see cref="EnergyCsv.MaxEnergyPj"/>). With at most 2^63
    /// actions per count, totals then stay far inside double's range.
    /// </summary>
    public const double MaxActionPj = 1000 * EnergyCsv.MaxEnergyPj;

    /// <summary>Energy of every layer of <paramref name="result"/> at <paramref name="context"/>'s node and buffers; per inference divides by <paramref name="batch"/>.</summary>
    public static EnergyReport Price(NetworkResult result, ArchitectureSpec arch, EnergyTable table, EnergyContext context, int batch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var layers = result.Layers.Select(l => Price(l, table, context)).ToImmutableArray();
        return new EnergyReport(result.Workload, result.Architecture, context.Scaling.Target.Name, arch.ClockMhz, batch, layers)
        {
            Warnings = Warnings(result, table, context),
        };
    }

    /// <summary>One line per SRAM buffer and word width the counts access outside the CACTI table, in first-use order.</summary>
    public static ImmutableArray<string> Warnings(NetworkResult result, EnergyTable table, EnergyContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(table);
        return [.. result.Layers.Where(l => l.Ran)
            .SelectMany(l => l.Counts.Counts.Where(c => c.Value > 0).Select(c => table.SramOutsideTable(c.Key, context)))
            .OfType<string>().Distinct()];
    }

    /// <summary>Energy of one layer's counts, by component; nothing for a layer that did not run.</summary>
    public static LayerEnergy Price(LayerResult layer, EnergyTable table, EnergyContext context)
    {
        var parts = new EnergyPj[Enum.GetValues<EnergyComponent>().Length];
        if (layer.Ran)
            foreach (var (key, count) in layer.Counts.Counts)
            {
                var each = table.Energy(key, context);
                // A user table's laws extrapolate (a steep fitted exponent, a high voltage): a value no
                // circuit has is refused here rather than printed as Infinity or breaking JSON.
                if (!double.IsFinite(each.Value) || each.Value > MaxActionPj)
                    throw new InputException($"one {key} costs {each.Value:G4} pJ by the energy table's laws at this node, more than the plausible {MaxActionPj:0e0} pJ; check the table's values", "energy table");
                parts[(int)EnergyComponents.Of(key)] += each * count;
            }
        return new LayerEnergy(layer.Layer, layer.Unit, layer.NotRunReason, layer.Macs, layer.Ran ? layer.TotalCycles : 0, [.. parts]);
    }
}
