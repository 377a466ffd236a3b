using System.Collections.Immutable;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Units;

/// <summary>The circuits a PE is built from, each priced by the cost model's area table and laws.</summary>
public enum PeComponent
{
    /// <summary>A whole fixed-precision integer PE (multiplier, adder, registers): widths a x b.</summary>
    IntPe,
    /// <summary>A float multiplier of <see cref="PePart.Format"/>.</summary>
    FpMultiplier,
    /// <summary>A float adder of <see cref="PePart.Format"/>.</summary>
    FpAdder,
    /// <summary>An integer adder of <see cref="PePart.Bits"/> bits.</summary>
    IntAdder,
    /// <summary>A one-bit full adder (popcount trees).</summary>
    FullAdder,
/// <summary>A 2-input AND gate.</summary>
    AndGate,
/// <summary>A 2-input XNOR gate.</summary>
    XnorGate,
    /// <summary>One bit of register (flip-flop).</summary>
    RegisterBit,
    /// <summary>Whatever the area table has a row for: <see cref="PePart.TableComponent"/> at widths (<see cref="PePart.Bits"/>, <see cref="PePart.BitsB"/>), e.g. pe_fusible.</summary>
    TableRow,
}

/// <summary><see cref="Count"/> copies of one circuit in a PE.</summary>
/// <param name="Name">What the part is, for area breakdowns ("adder tree (8-bit adders)").</param>
/// <param name="Bits">Width of an integer adder, or the first width of an integer PE.</param>
/// <param name="BitsB">The second width of an integer PE.</param>
/// <param name="Format">The format of a float multiplier or adder.</param>
/// <param name="TableComponent">For <see cref="PeComponent.TableRow"/>, the area table's component name.</param>
public sealed record PePart(string Name, long Count, PeComponent Component, int Bits = 0, int BitsB = 0, NumberFormat? Format = null, string? TableComponent = null);

/// <summary>What one PE of a unit is made of: parts with no copies are left out.</summary>
public sealed record PeInventory(string Description, ImmutableArray<PePart> Parts)
{
    /// <summary>
    /// Accumulator width of bit-serial and XNOR PEs: 32 bits, the widest accumulator
    /// OperandPrecision.AccumulatorFor gives a layer, so any layer the unit accepts fits it.
    /// </summary>
    public const int AccumulatorBits = NumberFormat.MaxIntegerBits;

    /// <summary>An inventory of the parts given, in order; parts with no copies are left out.</summary>
    public static PeInventory Of(string description, params IEnumerable<PePart> parts) => new(description, [.. parts.Where(p => p.Count > 0)]);

    /// <summary>
    /// A float MAC PE: a float multiplier for the format and an fp32 adder (float layers
    /// accumulate in fp32, OperandPrecision.AccumulatorFor), plus registers for the weight, the
    /// input and the 32-bit accumulator, as in Bit Fusion's integer PEs.
    /// </summary>
    public static PeInventory FloatMac(NumberFormat format) => Of($"{format} x {format} MAC, fp32 accumulation",
        new PePart($"{format} multiplier", 1, PeComponent.FpMultiplier, Format: format),
        new PePart("fp32 adder", 1, PeComponent.FpAdder, Format: NumberFormat.Fp32),
        new PePart($"registers (bits: weight {format.Bits} + input {format.Bits} + accumulator {NumberFormat.Fp32.Bits})", 2 * format.Bits + NumberFormat.Fp32.Bits, PeComponent.RegisterBit));
}
