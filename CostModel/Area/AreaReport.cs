using System.Collections.Immutable;
using System.Globalization;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;

namespace HwSim.CostModel.Area;

/// <summary>One kind of part inside a PE: how many, the area of one, and where that area comes from.</summary>
/// <param name="Name">What the part is ("AND gates", "registers (bits)").</param>
/// <param name="Count">How many of them one PE has.</param>
/// <param name="Each">Area of one, at the report's node.</param>
/// <param name="Source">Source or derivation of <paramref name="Each"/>.</param>
public sealed record AreaPart(string Name, long Count, AreaUm2 Each, string Source)
{
    public AreaUm2 Area => Each * Count;
}

/// <summary>One PE: its parts, which add up to <see cref="Total"/>.</summary>
/// <param name="Description">The PE in words ("16 lanes x int8 weights, serial activations").</param>
public sealed record PeArea(string Description, ImmutableArray<AreaPart> Parts)
{
    public AreaUm2 Total => Parts.Aggregate(AreaUm2.Zero, (sum, p) => sum + p.Area);
}

/// <summary>A compute unit: PE count x PE area.</summary>
/// <param name="Unit">The unit's name in the architecture.</param>
/// <param name="Kind">the unit kind's name (systolic, bitserial, xnor, fusion, ...).</param>
public sealed record UnitArea(string Unit, string Kind, long PeCount, PeArea Pe)
{
    public AreaUm2 Area => Pe.Total * PeCount;
}

/// <summary>One on-chip SRAM level at its full capacity (both halves of a double buffer).</summary>
/// <param name="Name">"ifmap SRAM" for the classic three buffers, else the storage level's name.</param>
public sealed record BufferArea(string Name, long Bytes, AreaUm2 Area, string Source)
{

    public double PerBit => Area.Value / (Bytes * 8.0);
}

/// <summary>One line of the breakdown.</summary>
public sealed record AreaItem(string Name, AreaUm2 Area)
{
    public double SquareMillimetres => Area.SquareMillimetres;
}

/// <summary>
/// An architecture's area: compute units and SRAM buffers. The total is the sum of
/// <see cref="Breakdown"/>, units then buffers in the architecture's order, so it equals the
/// breakdown exactly. The DRAM interface (PHY, controller), control, on-chip network, clock tree
/// and I/O are not included.
/// </summary>
/// <param name="Architecture">The architecture's name.</param>
/// <param name="Scaling">The node the areas are scaled to (and from).</param>
public sealed record AreaReport(string Architecture, TechnologyScaling Scaling, ImmutableArray<UnitArea> Units, ImmutableArray<BufferArea> Buffers)
{
    public const string Excluded = "not included: DRAM interface (PHY, controller), control, on-chip network, clock tree, I/O";

    /// <summary>Units then buffers, in the architecture's order.</summary>
    public ImmutableArray<AreaItem> Breakdown =>
        [.. Units.Select(u => new AreaItem(u.Unit, u.Area)), .. Buffers.Select(b => new AreaItem(b.Name, b.Area))];

    public AreaUm2 Total => Breakdown.Aggregate(AreaUm2.Zero, (sum, item) => sum + item.Area);

    public double TotalSquareMillimetres => Total.SquareMillimetres;

    /// <summary>"461,652 um^2 (0.4617 mm^2)".</summary>
    public static string Format(AreaUm2 area) => string.Create(CultureInfo.InvariantCulture, $"{area.Value:N0} um^2 ({area.SquareMillimetres:0.####} mm^2)");

    /// <summary>Human-readable breakdown: one line per unit and buffer, one indented line per PE part, the total.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"{Architecture} at {Scaling.Target.Name} (area x{AreaLaws.F(Scaling.AreaFactor)} from {Scaling.Source.Name})";
        foreach (var u in Units)
        {
            yield return $"{u.Unit}: {u.PeCount} PEs x {AreaLaws.F(u.Pe.Total.Value)} um^2 = {Format(u.Area)}  [{u.Kind}: {u.Pe.Description}]";
            foreach (var p in u.Pe.Parts)
                yield return $"  {p.Name}: {p.Count} x {AreaLaws.F(p.Each.Value)} um^2 = {AreaLaws.F(p.Area.Value)} um^2  [{p.Source}]";
        }
        foreach (var b in Buffers)
            yield return $"{b.Name}: {b.Bytes} B at {AreaLaws.F(b.PerBit)} um^2/bit = {Format(b.Area)}  [{b.Source}]";
        yield return $"total: {Format(Total)}; {Excluded}";
    }
}
