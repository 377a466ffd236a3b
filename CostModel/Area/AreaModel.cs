using HwSim.CostModel.Energy;
using HwSim.CostModel.Memory;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

namespace HwSim.CostModel.Area;

/// <summary>
/// Prices an architecture's hardware inventory in area: each unit's PE count x PE area (from its
/// kind and widths, <see cref="PeAreas"/>) from the <see cref="AreaTable"/> and each SRAM buffer
/// from the CACTI table (<see cref="BufferSram"/>), all at 45 nm and scaled to the target node by the Stillmaker-Baas area factor.
/// The DRAM interface is excluded.
/// </summary>
public static class AreaModel
{
    /// <summary>The area of <paramref name="arch"/>'s units and SRAM buffers at <paramref name="scaling"/>'s node, priced with <paramref name="table"/>.</summary>
    public static AreaReport Area(ArchitectureSpec arch, AreaTable table, TechnologyScaling scaling)
    {
        var factor = CheckedFactor(scaling);
        var units = arch.Units.Select(u => new UnitArea(u.Name, u.Kind, u.PeCount, PeAreas.For(u, table.Laws, factor)));
        var classic = arch.Buffers.IsClassic;
        var buffers = arch.Buffers.Levels.Select(level =>
        {
            var sram = BufferSram(table, level.CapacityBytes, level.WordBits, level.Banks, level.DoubleBuffered);
            var name = classic ? level.Holds[0].ToString().ToLowerInvariant() + " SRAM" : level.Name;
            return new BufferArea(name, level.CapacityBytes, sram.Area * factor, sram.Source);
        });
        return new AreaReport(arch.Name, scaling, [.. units], [.. buffers]);
    }

    /// <summary>
    /// An SRAM level of <paramref name="bytes"/> in words of <paramref name="wordBits"/> and
    /// <paramref name="banks"/> banks, at 45 nm: a user row for exactly this capacity and width;
    /// else, double-buffered, two arrays of half the capacity from the CACTI 7 table (each half is
    /// its own array, as the energy model prices its accesses), single-buffered one array of the
    /// whole; else (outside the table) the area law through the sram rows, its source saying so.
    /// </summary>
    internal static SourcedArea BufferSram(AreaTable table, long bytes, int wordBits, int banks = EnergyTable.SramBanks, bool doubleBuffered = true) =>
        Sram(table, bytes, wordBits, banks, doubleBuffered).Area;

    /// <summary>
    /// <see cref="BufferSram"/>, with why the CACTI table could not answer (null when it or a user row did): the nest area model
    /// (CostModel/Nest/NestArea.cs) flags such levels as warnings, as the energy model flags their accesses.
    /// </summary>
    internal static (SourcedArea Area, string? Outside) Sram(AreaTable table, long bytes, int wordBits, int banks, bool doubleBuffered)
    {
        var bits = checked(bytes * 8);
        var user = table.Entries.Where(r => r.Component == AreaComponents.Sram && r.BitsA == bits && r.BitsB == wordBits)
            .FirstOrDefault(r => !AreaTable.Default.Entries.Contains(r));
        if (user is not null)
            return (new(user.Area, user.Source), null);
        var arrays = doubleBuffered ? 2 : 1;
        var query = SramTable.Default.Query(bytes / arrays, wordBits, banks);
        if (query.Figures is { } f)
            return (new(new AreaUm2(arrays * f.AreaUm2),
                $"C: {arrays} x CACTI 7 (HewlettPackard/cacti {SramTable.Default.CactiCommit[..8]}) 45 nm itrs-hp table, {bytes / arrays} B x {wordBits}-bit words, {banks} bank{(banks == 1 ? "" : "s")}: {AreaLaws.F(f.AreaUm2)} um^2 per {(doubleBuffered ? "half" : "array")}"
                + (query.GridPoints.Length == 1 ? "" : $" (interpolated between {query.GridPoints.Length} grid points)")), null);
        var law = table.Laws.Sram.Area(bits);
        var outside = $"{bytes / arrays} B x {wordBits}-bit words is outside the CACTI table: {query.Reason}";
        return (new(law.Area, $"OUTSIDE THE CACTI TABLE ({query.Reason}); {law.Source}"), outside);
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
