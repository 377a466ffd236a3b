using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

namespace HwSim.CostModel.Area;

/// <summary>
/// Prices an architecture's hardware inventory in area: each unit's PE count x PE area (from its
/// kind and widths, <see cref="PeAreas"/>) and each SRAM buffer at its capacity, all at 45 nm from
/// the <see cref="AreaTable"/> and scaled to the target node by the Stillmaker-Baas area factor.
/// The DRAM interface is excluded.
/// </summary>
public static class AreaModel
{
    /// <summary>The area of <paramref name="arch"/>'s units and SRAM buffers at <paramref name="scaling"/>'s node, priced with <paramref name="table"/>.</summary>
    public static AreaReport Area(ArchitectureSpec arch, AreaTable table, TechnologyScaling scaling)
    {
        var factor = CheckedFactor(scaling);
        var units = arch.Units.Select(u => new UnitArea(u.Name, u.Kind, u.PeCount, PeAreas.For(u, table.Laws, factor)));
        var buffers = new[] { BufferKind.Ifmap, BufferKind.Weight, BufferKind.Ofmap }.Select(kind =>
        {
            var bytes = kind switch
            {
                BufferKind.Ifmap => arch.Buffers.IfmapBytes,
                BufferKind.Weight => arch.Buffers.WeightBytes,
                _ => arch.Buffers.OfmapBytes,
            };
            var sram = table.Laws.Sram.Area(bytes * 8);
            return new BufferArea(kind, bytes, sram.Area * factor, sram.Source);
        });
        return new AreaReport(arch.Name, scaling, [.. units], [.. buffers]);
    }

    /// <summary>The scaling's area factor; nodes without one (130 and 90 nm) are an input error.</summary>
    internal static double CheckedFactor(TechnologyScaling scaling)
    {
        var factor = scaling.AreaFactor;
        return double.IsFinite(factor) && factor > 0
            ? factor
            : throw new InputException($"no area factor between {scaling.Source.Name} and {scaling.Target.Name} (area nodes: {string.Join(", ", TechNodes.PricedNanometres)} nm)", "technology node");
    }
}
