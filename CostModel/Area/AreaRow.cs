using HwSim.CostModel.Quantities;

namespace HwSim.CostModel.Area;

/// <summary>
/// One point of the Area Reference Table: a component at given widths, its area and where the
/// number comes from. The key is (<see cref="Component"/>, <see cref="BitsA"/>, <see cref="BitsB"/>).
/// </summary>
/// <param name="Component">Component name, lower case (see <see cref="AreaComponents"/>).</param>
/// <param name="BitsA">First width in bits (operand, capacity for sram); its meaning depends on the component.</param>
/// <param name="BitsB">Second width in bits, 0 where the component has one width.</param>
/// <param name="Area">Area at the table's node (45 nm for the defaults) or, from <see cref="AreaTable.Rows"/>, at the target node.</param>
/// <param name="Source">Where the figure comes from, with its status letter (P, C, S, D).</param>
public sealed record AreaRow(string Component, long BitsA, long BitsB, AreaUm2 Area, string Source)
{
    public (string Component, long BitsA, long BitsB) Key => (Component, BitsA, BitsB);
}

/// <summary>An area a law produced, with the source or derivation behind it.</summary>
public readonly record struct SourcedArea(AreaUm2 Area, string Source);
