using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;

namespace HwSim.CostModel.Energy;

/// <summary>
/// What a table row is about; a user row replaces the default row with the same key. Widths are
/// normalised when read: float rows carry their format's width, per-bit rows 1, DRAM rows 0, and
/// fields a row does not use are 0 / null.
/// </summary>
internal readonly record struct PointKey(EnergyAction Action, Arithmetic Arithmetic, int BitsA, int BitsB, long CapacityBytes, DramKind? Dram)
{
    public override string ToString()
    {
        var parts = new List<string> { Action.CsvName() };
        if (Arithmetic != Arithmetic.None) parts.Add(Arithmetic.ToString().ToLowerInvariant());
        if (BitsA > 0) parts.Add(BitsB > 0 ? $"{BitsA}x{BitsB} bits" : $"{BitsA} bits");
        if (CapacityBytes > 0) parts.Add($"{CapacityBytes} B");
        if (Dram is { } d) parts.Add(d.CsvName());
        return string.Join(" ", parts);
    }
}

/// <summary>One row of an energy CSV, validated: its key, energy (at the table's node), source and where it was read.</summary>
internal sealed record EnergyPoint(PointKey Key, EnergyPj Energy, string Source, RowOrigin Origin, string File, long Line);
