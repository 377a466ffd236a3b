using System.Globalization;
using HwSim.CostModel.Quantities;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using C = HwSim.CostModel.Area.AreaComponents;

namespace HwSim.CostModel.Area;

/// <summary>
/// Areas at the table's node (45 nm for the defaults) for any width, from the table's points:
/// a published point is returned exactly, widths in between follow the stated law.
/// </summary>
public sealed class AreaLaws
{
    // ZigZag (KULeuven-MICAS/zigzag, zigzag/hardware/architecture/imc_unit.py, C) prices logic in
    // NAND2 units: XOR2 = 2.4, a 1-bit multiplier (one AND/NOR gate) = 1, a full adder =
    // 3 NAND2 + 2 XOR2 = 7.8. HwSim keeps those ratios and anchors the full adder in um^2 on the
    // adder law, so an AND gate is 1/7.8 and an XNOR (taken as an XOR2) 2.4/7.8 of a full adder.
    private const double Nand2PerFullAdder = 3 + 2 * 2.4;
    private const double Nand2PerAnd = 1;
    private const double Nand2PerXnor = 2.4;

    private readonly IReadOnlyDictionary<(string, long, long), AreaRow> _rows;
    private readonly (double X, double Y)[] _peProducts;
    private readonly (double X, double Y)[] _adderWidths;
    private readonly (double X, double Y)[] _multiplierProducts;
    private readonly (double X, double Y)[] _comparatorWidths;

    internal AreaLaws(IReadOnlyList<AreaRow> rows)
    {
        _rows = rows.ToDictionary(r => r.Key);
        _peProducts = Interpolation.Merge(rows.Where(r => r.Component == C.PeInt).Select(r => ((double)(r.BitsA * r.BitsB), r.Area.Value)));
        _adderWidths = Interpolation.Merge(rows.Where(r => r.Component == C.IntAdd).Select(r => ((double)r.BitsA, r.Area.Value)));
        _multiplierProducts = Interpolation.Merge(rows.Where(r => r.Component == C.IntMult).Select(r => ((double)(r.BitsA * r.BitsB), r.Area.Value)));
        _comparatorWidths = Interpolation.Merge(rows.Where(r => r.Component == C.Comparator).Select(r => ((double)r.BitsA, r.Area.Value)));
        Sram = new SramAreaLaw(rows.Where(r => r.Component == C.Sram));
    }

    /// <summary>SRAM area against capacity (fitted power law per bit).</summary>
    public SramAreaLaw Sram { get; }

    /// <summary>
    /// A bit-parallel integer PE (multiplier, accumulator adder, registers) for b_a x b_w operands:
    /// the table's pe_int row if there is one (Bit Fusion's synthesised 45 nm PEs, 2/4/8/16 bits),
    /// else a power law in b_w x b_a between the neighbouring points (log-log interpolation: the
    /// multiplier grows as b_w x b_a, the adder and registers more slowly, so the local exponent
    /// rises from 0.62 at 2-4 bits to 0.86 at 8-16 bits), extended past the ends with the end
    /// segments' exponents.
    /// </summary>
    public SourcedArea PeInt(int activationBits, int weightBits)
    {
        if (_rows.TryGetValue((C.PeInt, activationBits, weightBits), out var row))
            return new(row.Area, row.Source);
        var product = (double)activationBits * weightBits;
        var (area, lo, hi) = Interpolation.LogLog(_peProducts, product);
        var how = product < _peProducts[0].X || product > _peProducts[^1].X ? "extrapolated" : "interpolated";
        return new(new AreaUm2(area), $"D: pe_int {how} as a power law in b_w*b_a = {F(product)} through products {F(_peProducts[lo].X)} ({F(_peProducts[lo].Y)} um^2) and {F(_peProducts[hi].X)} ({F(_peProducts[hi].Y)} um^2) of the pe_int rows");
    }

    /// <summary>
    /// An integer (ripple-carry) adder of <paramref name="bits"/> bits: straight lines through the
    /// origin and the int_add rows (Horowitz: 8 bits 36, 32 bits 137 um^2, S, not confirmed), so
    /// 4.5 um^2 per bit up to 8 bits and 4.21 per bit above, extended past the last point.
    /// </summary>
    public SourcedArea IntAdder(int bits)
    {
        if (_rows.TryGetValue((C.IntAdd, bits, 0), out var row))
            return new(row.Area, row.Source);
        var (area, lo, hi) = Interpolation.LinearFromOrigin(_adderWidths, bits);
        var from = lo < 0 ? "0 bits (0 um^2)" : $"{F(_adderWidths[lo].X)} bits ({F(_adderWidths[lo].Y)} um^2)";
        return new(new AreaUm2(area), $"D: int_add linear in width through {from} and {F(_adderWidths[hi].X)} bits ({F(_adderWidths[hi].Y)} um^2), Horowitz ISSCC 2014 (S; not confirmed)");
    }

    /// <summary>
    /// An integer multiplier of <paramref name="a"/> x <paramref name="b"/> bits (the nest designs' MACs): the table's int_mult row
    /// if there is one, else a power law in a*b between the neighbouring rows (log-log, as for the PE law: an array multiplier
    /// has a*b partial-product cells), extended past the ends with the end segments' exponent. The default rows are Horowitz's
    /// 8x8 282 and 32x32 3495 um^2 (S, not confirmed): exponent 0.91, so 16x16 = 993 um^2.
    /// </summary>
    public SourcedArea IntMultiplier(int a, int b)
    {
        if (_rows.TryGetValue((C.IntMult, a, b), out var row) || _rows.TryGetValue((C.IntMult, b, a), out row))
            return new(row.Area, row.Source);
        var product = (double)a * b;
        var (area, lo, hi) = Interpolation.LogLog(_multiplierProducts, product);
        var how = product < _multiplierProducts[0].X || product > _multiplierProducts[^1].X ? "extrapolated" : "interpolated";
        return new(new AreaUm2(area), $"D: int_mult {how} as a power law in a*b = {F(product)} through products {F(_multiplierProducts[lo].X)} ({F(_multiplierProducts[lo].Y)} um^2) and {F(_multiplierProducts[hi].X)} ({F(_multiplierProducts[hi].Y)} um^2) of the int_mult rows, Horowitz ISSCC 2014 (S; not confirmed)");
    }

    /// <summary>
    /// An equality comparator of <paramref name="bits"/> bits (a register file's row-address match): the table's comparator row
    /// if there is one, else linear in width through the origin and the rows, Aladdin's law (area x width / 32 from its 32-bit
    /// comparator, accelergy-aladdin-plug-in aladdin_table.py comparator_estimate_area): 71 / 32 = 2.22 um^2 per bit by default.
    /// </summary>
    public SourcedArea Comparator(int bits)
    {
        if (_rows.TryGetValue((C.Comparator, bits, 0), out var row))
            return new(row.Area, row.Source);
        var (area, _, hi) = Interpolation.LinearFromOrigin(_comparatorWidths, bits);
        return new(new AreaUm2(area), $"D: comparator linear in width through 0 and {F(_comparatorWidths[hi].X)} bits ({F(_comparatorWidths[hi].Y)} um^2), Aladdin's width/32 law (accelergy-aladdin-plug-in aladdin_table.py, C)");
    }

    /// <summary>One full adder: the adder law at one bit (8-bit add 36 um^2 / 8 = 4.5 um^2 with the default rows).</summary>
    public SourcedArea FullAdder => new(IntAdder(1).Area, "D: int_add law at 1 bit (Horowitz 8-bit add 36 um^2 / 8, S; not confirmed)");

    /// <summary>A 2-input AND gate: 1/7.8 of a full adder (ZigZag's NAND2-unit ratios).</summary>
    public SourcedArea AndGate => new(FullAdder.Area * (Nand2PerAnd / Nand2PerFullAdder), "D: full adder x 1/7.8 (ZigZag imc_unit.py: AND = 1 NAND2, FA = 3 NAND2 + 2 XOR2, XOR2 = 2.4 NAND2, C)");

    /// <summary>A 2-input XNOR gate: 2.4/7.8 of a full adder (ZigZag's XOR2 ratio).</summary>
    public SourcedArea XnorGate => new(FullAdder.Area * (Nand2PerXnor / Nand2PerFullAdder), "D: full adder x 2.4/7.8 (ZigZag imc_unit.py: XOR2 = 2.4 NAND2, FA = 7.8 NAND2, C)");

    /// <summary>
    /// One register bit. The default is Aladdin's 40 nm flip-flop, 5.98 um^2 (Accelergy plug-in, C),
    /// used unscaled at 45 nm: Stillmaker and Baas have no 40 nm row, and ideal (45/40)^2 scaling
    /// would add 27%, so register areas are if anything low.
    /// </summary>
    public SourcedArea RegisterBit => Row(C.Register, 1, 0);

    /// <summary>A float adder for a float format (bf16 priced as fp16: its 8-bit significand needs less, so an upper bound).</summary>
    public SourcedArea FpAdd(NumberFormat format) => Row(C.FpAdd, FloatBits(format), 0);

    /// <summary>A float multiplier for a float format (bf16 priced as fp16, an upper bound).</summary>
    public SourcedArea FpMult(NumberFormat format) => Row(C.FpMult, FloatBits(format), FloatBits(format));

    /// <summary>The area table's row for <paramref name="component"/> at widths (a, b), as given (e.g. Bit Fusion's pe_fusible and fusion_unit rows).</summary>
    public SourcedArea TableRow(string component, long a, long b) => Row(component, a, b);

    private SourcedArea Row(string component, long a, long b) =>
        _rows.TryGetValue((component, a, b), out var row)
            ? new(row.Area, row.Source)
            : throw new InputException($"the area table has no {component} row for {a}/{b} bits");

    private static int FloatBits(NumberFormat format) => format.Kind switch
    {
        NumberKind.Fp16 or NumberKind.Bf16 => 16,
        NumberKind.Fp32 => 32,
        _ => throw new ArgumentException($"{format} is not a float format", nameof(format)),
    };

    internal static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
