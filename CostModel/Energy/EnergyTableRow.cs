using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;

namespace HwSim.CostModel.Energy;

/// <summary>Where a number in the effective table comes from.</summary>
public enum RowOrigin
{
    /// <summary>A published point from the built-in data file.</summary>
    Published,
    /// <summary>A row of a user override file.</summary>
    User,
    /// <summary>Computed by a stated law from the published (or user) points.</summary>
    Law,
}

/// <summary>
/// One line of the effective energy table (for <c>hwsim table</c>): what is priced, at which widths,
/// the energy of one occurrence at the context's node, and where the number comes from.
/// </summary>
/// <param name="Action">What is priced.</param>
/// <param name="Arithmetic">Integer or float format for Multiply/Add; None otherwise.</param>
/// <param name="BitsA">Multiply: weight bits; Add, ShiftAccumulate: width; SRAM: word bits; per-bit actions: 1; DRAM: 0.</param>
/// <param name="BitsB">Multiply: activation bits; 0 otherwise.</param>
/// <param name="Energy">Energy of one occurrence, scaled to the context's node.</param>
/// <param name="Source">The source (with its status letter) or the law and the points it goes through.</param>
/// <param name="Origin">Published point, user row or law.</param>
public sealed record EnergyTableRow(EnergyAction Action, Arithmetic Arithmetic, int BitsA, int BitsB, EnergyPj Energy, string Source, RowOrigin Origin)
{
    /// <summary>SRAM rows: the capacity of the array accessed, bytes (for a buffer: one half of it).</summary>
    public long? CapacityBytes { get; init; }

    /// <summary>SRAM rows priced for one of the context's buffers.</summary>
    public BufferKind? Buffer { get; init; }

    /// <summary>DRAM rows: the DRAM type.</summary>
    public DramKind? Dram { get; init; }
}
