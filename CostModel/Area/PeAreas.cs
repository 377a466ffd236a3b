using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;

namespace HwSim.CostModel.Area;

/// <summary>
/// What one PE of each unit kind is made of (Simulator/README.md says what each kind does per
/// cycle), priced with <see cref="AreaLaws"/> and scaled part by part, so a PE's area is exactly
/// the sum of its parts.
/// </summary>
internal static class PeAreas
{
    /// <summary>
    /// Accumulator width of bit-serial and XNOR PEs: 32 bits, the widest accumulator
    /// OperandPrecision.AccumulatorFor gives a layer, so any layer the unit accepts fits it.
    /// </summary>
    public const int AccumulatorBits = NumberFormat.MaxIntegerBits;

    public static PeArea For(UnitSpec unit, AreaLaws laws, double factor) => unit switch
    {
        SystolicUnitSpec s when s.Format.IsFloat => Float(s.Format, laws, factor),
        SystolicUnitSpec s => new($"{s.Format} x {s.Format} bit-parallel MAC", [Part("PE: multiplier, adder, registers", 1, laws.PeInt(s.Format.Bits, s.Format.Bits), factor)]),
        BitSerialUnitSpec b => BitSerial(b, laws, factor),
        XnorUnitSpec x => Xnor(x, laws, factor),
        _ => throw new NotSupportedException($"no area law for unit kind '{unit.Kind}'"),
    };

    /// <summary>
    /// A float MAC PE: Horowitz's float multiplier for the format and an fp32 adder (float layers
    /// accumulate in fp32, OperandPrecision.AccumulatorFor), plus registers for the weight, the
    /// input and the 32-bit accumulator, as in Bit Fusion's integer PEs.
    /// </summary>
    public static PeArea Float(NumberFormat format, AreaLaws laws, double factor) =>
        new($"{format} x {format} MAC, fp32 accumulation",
        [
            Part($"{format} multiplier", 1, laws.FpMult(format), factor),
            Part("fp32 adder", 1, laws.FpAdd(NumberFormat.Fp32), factor),
            Part($"registers (bits: weight {format.Bits} + input {format.Bits} + accumulator 32)", 2 * format.Bits + 32, laws.RegisterBit, factor),
        ]);

    /// <summary>
    /// Stripes-style (serial activations): each lane ANDs one activation bit with a b_w-bit weight
    /// (b_w AND gates), an adder tree of L-1 b_w-bit adders sums the lanes (the one-bit growth per
    /// tree level is neglected), and a 32-bit adder shift-accumulates (MSB first, so the shift by
    /// one is wiring). Loom/BISMO-style (serial both): one AND per lane and an L-input popcount,
    /// L-1 full adders (the issue's "n-1 full adders"). Registers: each lane's weight (b_w or 1
    /// bits) and activation bit, and the accumulator. Not counted: the variable shifter that serial
    /// both needs for shifts by i+j (no published area for it).
    /// </summary>
    private static PeArea BitSerial(BitSerialUnitSpec u, AreaLaws laws, double factor)
    {
        long lanes = u.Lanes;
        long weightBits = u.Serial == SerialMode.Activations ? u.MaxBits : 1;
        var tree = u.Serial == SerialMode.Activations
            ? Part($"adder tree ({u.MaxBits}-bit adders)", lanes - 1, laws.IntAdder(u.MaxBits), factor)
            : Part("popcount tree (full adders)", lanes - 1, laws.FullAdder, factor);
        var description = u.Serial == SerialMode.Activations
            ? $"{u.Lanes} lanes x {u.MaxBits}-bit weights, serial activations"
            : $"{u.Lanes} lanes, weights and activations serial (up to {u.MaxBits} bits)";
        return new(description,
        [
            .. NonEmpty(Part("AND gates", lanes * weightBits, laws.AndGate, factor)),
            .. NonEmpty(tree),
            Part($"accumulator adder ({AccumulatorBits}-bit)", 1, laws.IntAdder(AccumulatorBits), factor),
            Part($"registers (bits: {lanes} x {weightBits} weight + {lanes} activation + {AccumulatorBits} accumulator)", lanes * weightBits + lanes + AccumulatorBits, laws.RegisterBit, factor),
        ]);
    }

    /// <summary>
    /// XNOR-popcount: L XNOR gates, an L-input popcount (L-1 full adders), a 32-bit accumulator
    /// adder, registers for the L weight and L input bits and the accumulator. With max_bits above
    /// 1 the unit also runs integer bit-planes (Simulator/README.md), which takes one AND per lane.
    /// </summary>
    private static PeArea Xnor(XnorUnitSpec u, AreaLaws laws, double factor)
    {
        long lanes = u.Lanes;
        return new($"{u.Lanes} lanes XNOR-popcount{(u.MaxBits > 1 ? $", AND bit-planes up to {u.MaxBits} bits" : "")}",
        [
            Part("XNOR gates", lanes, laws.XnorGate, factor),
            .. NonEmpty(Part("AND gates (bit-plane path)", u.MaxBits > 1 ? lanes : 0, laws.AndGate, factor)),
            .. NonEmpty(Part("popcount tree (full adders)", lanes - 1, laws.FullAdder, factor)),
            Part($"accumulator adder ({AccumulatorBits}-bit)", 1, laws.IntAdder(AccumulatorBits), factor),
            Part($"registers (bits: {lanes} weight + {lanes} input + {AccumulatorBits} accumulator)", 2 * lanes + AccumulatorBits, laws.RegisterBit, factor),
        ]);
    }

    private static AreaPart Part(string name, long count, SourcedArea each, double factor) => new(name, count, each.Area * factor, each.Source);

    private static IEnumerable<AreaPart> NonEmpty(AreaPart part) => part.Count > 0 ? [part] : [];
}
