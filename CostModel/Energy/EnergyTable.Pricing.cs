using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;

namespace HwSim.CostModel.Energy;

/// <summary>Pricing one action at the table's node: a row of the table if there is one for the key, else the action's law.</summary>
public sealed partial class EnergyTable
{
    // DRAM is tabulated per bit, the simulator counts bytes.
    private const int BitsPerByte = 8;

    internal Priced Price(ActionKey key, EnergyContext context) => key.Action switch
    {
        PrimitiveAction.Multiply => ArithmeticOf(key) == Arithmetic.Integer
            ? IntegerMultiply(Width(key.BitsA, key), Width(key.BitsB, key))
            : Float(EnergyAction.Multiply, ArithmeticOf(key)),
        PrimitiveAction.Add => ArithmeticOf(key) == Arithmetic.Integer
            ? IntegerAdd(Width(key.BitsA, key))
            : Float(EnergyAction.Add, ArithmeticOf(key)),
        PrimitiveAction.AndBitOp => Gate(EnergyAction.AndBitOp, EnergyLaws.AndOverOneBitAdd, "QKeras qtools AndGate gate_factor 0.1 (C)"),
        PrimitiveAction.XnorBitOp => Gate(EnergyAction.XnorBitOp, EnergyLaws.XnorOverOneBitAdd, "QKeras qtools XorGate gate_factor 0.3 (C)"),
        PrimitiveAction.PopcountInputBit => PopcountInputBit(),
        PrimitiveAction.ShiftAccumulate => ShiftAccumulate(Width(key.BitsA, key)),
        PrimitiveAction.RegisterReadBit => Point(PerBit(EnergyAction.RegisterReadBit)),
        PrimitiveAction.RegisterWriteBit => Point(PerBit(EnergyAction.RegisterWriteBit)),
        PrimitiveAction.SramReadWord => Sram(_sramRead, key, context),
        PrimitiveAction.SramWriteWord => Sram(_sramWrite, key, context),
        PrimitiveAction.SramReadBit or PrimitiveAction.SramWriteBit =>
            Priced.Zero("0: SRAM is priced per word (sram_read_word / sram_write_word); payload bits are informational"),
        PrimitiveAction.DramReadByte => DramByte(EnergyAction.DramReadBit, context.Dram),
        PrimitiveAction.DramWriteByte => DramByte(EnergyAction.DramWriteBit, context.Dram),
        PrimitiveAction.IdlePeCycle => TryPoint(new PointKey(EnergyAction.IdlePeCycle, Arithmetic.None, 0, 0, 0, null), out var idle)
            ? idle
            : Priced.Zero("0: leakage not included (no leakage figure in the reference sources; give an idle_pe_cycle row to price it)"),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key.Action, "unknown action"),
    };

    // A hand-built key without arithmetic is an integer operation (what the simulator emits for integer formats).
    private static Arithmetic ArithmeticOf(ActionKey key) =>
        key.Arithmetic == Arithmetic.None ? Arithmetic.Integer : key.Arithmetic;

    private static int Width(int bits, ActionKey key) =>
        bits >= 1 ? bits : throw new ArgumentOutOfRangeException(nameof(key), key, "this action needs its widths (at least 1 bit)");

    private static PointKey PerBit(EnergyAction action) => new(action, Arithmetic.None, 1, 0, 0, null);

    /// <summary>
    /// Integer multiply, b_w x b_a: a row for exactly these widths if there is one; else
    /// log-log interpolation in b_w*b_a between the square rows (8x8 0.2 pJ and 32x32 3.1 pJ,
    /// Horowitz ISSCC 2014 (S)), and proportional to b_w*b_a outside them (E8 x b_w*b_a/64 below
    /// 8x8, E32 x b_w*b_a/1024 above 32x32): an array multiplier has b_w*b_a partial-product
    /// cells (Horowitz check: 0.2 x 1024/64 = 3.2 vs 3.1 published).
    /// </summary>
    internal Priced IntegerMultiply(int bitsW, int bitsA)
    {
        if (TryPoint(new PointKey(EnergyAction.Multiply, Arithmetic.Integer, bitsW, bitsA, 0, null), out var row))
            return row;
        var x = (double)bitsW * bitsA;
        var energy = EnergyLaws.LogLog(_multiplyAnchors, x, outsideExponent: 1);
        var where = EnergyLaws.Where(_multiplyAnchors, _multiplyAnchorPoints, x, p => $"{p.Key.BitsA}x{p.Key.BitsB} {p.Energy.Value} pJ");
        var how = where.StartsWith("at ", StringComparison.Ordinal) ? $"same b_w*b_a as {where[3..]}"
            : x < _multiplyAnchors[0].X || x > _multiplyAnchors[^1].X ? $"proportional to b_w*b_a {where}"
            : $"log-log in b_w*b_a {where}";
        return new Priced(new EnergyPj(energy), $"law (D): {how}", RowOrigin.Law);
    }

    /// <summary>
    /// Integer add of b bits: a row for that width if there is one; else linear in b through the
    /// rows (8/16/32-bit 0.03/0.05/0.1 pJ, Horowitz ISSCC 2014 (S)), proportional to b below the
    /// narrowest and above the widest (a ripple or prefix adder has one cell per bit).
    /// </summary>
    internal Priced IntegerAdd(int bits)
    {
        if (TryPoint(new PointKey(EnergyAction.Add, Arithmetic.Integer, bits, 0, 0, null), out var row))
            return row;
        var energy = EnergyLaws.Linear(_addAnchors, bits);
        var where = EnergyLaws.Where(_addAnchors, _addAnchorPoints, bits, p => $"{p.Key.BitsA}-bit {p.Energy.Value} pJ");
        var how = bits < _addAnchors[0].X || bits > _addAnchors[^1].X ? "proportional to b" : "linear in b";
        return new Priced(new EnergyPj(energy), $"law (D): {how} {where}", RowOrigin.Law);
    }

    /// <summary>
    /// One float multiply or add: the format's row (fp16, fp32: Horowitz (S)). bf16 without a row
    /// is derived (D): multiply = fp16 multiply x (8/11)^2 (significand multiplier ~ significand
    /// bits squared), add = fp16 add (same significand adder and alignment shifter class, a wider
    /// exponent compare; fp16's figure taken as is).
    /// </summary>
    private Priced Float(EnergyAction action, Arithmetic arithmetic)
    {
        var bits = EnergyCsv.FloatBits(arithmetic);
        PointKey Key(Arithmetic a, int b) => new(action, a, b, action == EnergyAction.Multiply ? b : 0, 0, null);
        if (TryPoint(Key(arithmetic, bits), out var row))
            return row;
        if (arithmetic != Arithmetic.Bf16)
            throw new InvalidOperationException($"the energy table has no row for {Key(arithmetic, bits)}");
        var fp16 = Point(Key(Arithmetic.Fp16, 16));
        return action == EnergyAction.Multiply
            ? new Priced(fp16.Energy * EnergyLaws.Bf16MultiplyOverFp16, $"derived (D): fp16 multiply {fp16.Energy.Value} pJ x (8/11)^2, significand multiplier ~ significand bits squared", RowOrigin.Law)
            : new Priced(fp16.Energy, $"derived (D): taken as the fp16 add {fp16.Energy.Value} pJ (no published bf16 figure)", RowOrigin.Law);
    }

    /// <summary>
    /// One input bit into a popcount tree: a row if given; else one full adder, since an n-input
    /// popcount tree has about n-1 full adders. A full adder's energy is taken from the 8-bit
    /// add: 0.03 / 8 pJ (Horowitz (S); D).
    /// </summary>
    private Priced PopcountInputBit()
    {
        if (TryPoint(PerBit(EnergyAction.PopcountInputBit), out var row))
            return row;
        var add8 = IntegerAdd(8);
        return new Priced(add8.Energy * (1.0 / 8), $"law (D): one full adder per input bit (an n-input popcount tree has about n-1), = 8-bit add {add8.Energy.Value} pJ / 8", RowOrigin.Law);
    }

    /// <summary>One 1-bit AND or XNOR: a row if given; else QKeras's gate factor x HwSim's 1-bit add (0.03/8 pJ).</summary>
    private Priced Gate(EnergyAction action, double factor, string source)
    {
        if (TryPoint(PerBit(action), out var row))
            return row;
        var add1 = IntegerAdd(1);
        return new Priced(add1.Energy * factor, $"law (D): {factor} x 1-bit add {add1.Energy.Value:G4} pJ, {source}", RowOrigin.Law);
    }

    /// <summary>
    /// One shift-and-accumulate into a b-bit accumulator: a row if given; else an integer add of b
    /// bits (D): the shift by one bit position per step is wiring (or a register's shift), so the
    /// energy is the accumulator's add.
    /// </summary>
    private Priced ShiftAccumulate(int bits)
    {
        if (TryPoint(new PointKey(EnergyAction.ShiftAccumulate, Arithmetic.None, bits, 0, 0, null), out var row))
            return row;
        var add = IntegerAdd(bits);
        return new Priced(add.Energy, $"= {bits}-bit integer add (D: the shift is wiring); add: {add.Source}", RowOrigin.Law);
    }

    /// <summary>
    /// One word to or from a buffer. The buffers are double-buffered (BufferSpec): a fold works
    /// in one half while the other is filled, and each half is its own array, so an access is
    /// priced as an access to an SRAM of half the buffer's capacity. The word is key.BitsA bits
    /// (the buffers' word width when the key has none).
    /// </summary>
    private static Priced Sram(SramLaw law, ActionKey key, EnergyContext context)
    {
        var buffer = key.Buffer ?? throw new ArgumentException($"an SRAM action needs its buffer: {key}", nameof(key));
        var wordBits = key.BitsA > 0 ? key.BitsA : context.Buffers.WordBits;
        return law.Energy(context.Buffers.Half(buffer), wordBits);
    }

    /// <summary>One DRAM byte: 8 x the DRAM type's energy per bit.</summary>
    private Priced DramByte(EnergyAction perBit, DramKind kind)
    {
        var bit = Point(new PointKey(perBit, Arithmetic.None, 0, 0, 0, kind));
        return new Priced(bit.Energy * BitsPerByte, $"8 x {bit.Energy.Value} pJ/bit: {bit.Source}", bit.Origin);
    }
}
