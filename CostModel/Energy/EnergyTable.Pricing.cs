using HwSim.CostModel.Memory;
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
        PrimitiveAction.SramReadWord => Sram(EnergyAction.SramReadWord, key, context),
        PrimitiveAction.SramWriteWord => Sram(EnergyAction.SramWriteWord, key, context),
        PrimitiveAction.SramReadBit or PrimitiveAction.SramWriteBit =>
            Priced.Zero("0: SRAM is priced per word (sram_read_word / sram_write_word); payload bits are informational"),
        PrimitiveAction.DramReadByte => DramByte(EnergyAction.DramReadBit, context.Dram),
        PrimitiveAction.DramWriteByte => DramByte(EnergyAction.DramWriteBit, context.Dram),
        PrimitiveAction.IdlePeCycle => TryPoint(new PointKey(EnergyAction.IdlePeCycle, Arithmetic.None, 0, 0, 0, null), out var idle)
            ? idle
            : Priced.Zero("0: leakage not included (no leakage figure in the reference sources; give an idle_pe_cycle row to price it)"),
        // Eyeriss (Chen et al., JSSC 2017, "exploit data statistics": zero ifmap values are detected and
        // the PE's filter read and MAC are gated) holds the multiplier's and adder's inputs, so their
        // nodes do not toggle: dynamic energy alpha*C*V^2*f with alpha = 0 (Weste & Harris, CMOS VLSI
        // Design, 4th ed., ch. 5). What the gated cycle still draws is clock load and leakage, the
        // idle_pe_cycle row's business (not included by default).
        PrimitiveAction.GatedMac => Priced.Zero("0: gated on a zero input (Eyeriss, JSSC 2017): the MAC's inputs are held, no node toggles (Weste & Harris ch. 5); clock and leakage not included"),
        PrimitiveAction.FusionUnitCycle => Point(new PointKey(EnergyAction.FusionUnitCycle, Arithmetic.None, 0, 0, 0, null)),
        PrimitiveAction.CompareBit => Point(PerBit(EnergyAction.CompareBit)),
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
    /// One word to or from the storage level holding the key's operand (BufferSpec), priced with
    /// that level's own capacity, word width and banks. A double-buffered level is two arrays (a
    /// fold works in one half while the other is filled), so an access is priced as an access to an
    /// SRAM of half the level's capacity; a single-buffered one as an access to the whole. The word
    /// is key.BitsA bits (the level's word width when the key has none).
    /// </summary>
    private Priced Sram(EnergyAction action, ActionKey key, EnergyContext context)
    {
        var buffer = key.Buffer ?? throw new ArgumentException($"an SRAM action needs its buffer: {key}", nameof(key));
        var level = context.Buffers.LevelOf(buffer);
        var wordBits = key.BitsA > 0 ? key.BitsA : level.WordBits;
        return SramWord(action, level.AccessedArrayBytes, wordBits, level.Banks).Priced;
    }

    /// <summary>
    /// One word of <paramref name="wordBits"/> bits read or written in an SRAM array of
    /// <paramref name="capacityBytes"/> bytes, at 45 nm (the caller scales it to the node with the
    /// logic factor, as every on-chip energy). In order: a user row for exactly this action, width
    /// and capacity; else the CACTI 7 table (<see cref="SramTable"/>, in <paramref name="banks"/> UCA
    /// banks), on a grid point or interpolated; else (outside the table) the per-bit curve of
    /// <see cref="SramLaw"/>, with <c>Outside</c> saying why, so that the output can flag it.
    /// </summary>
    internal (Priced Priced, string? Outside) SramWord(EnergyAction action, long capacityBytes, int wordBits, int banks = SramBanks)
    {
        if (TryPoint(new PointKey(action, Arithmetic.None, wordBits, 0, capacityBytes, null), out var row) && row.Origin == RowOrigin.User)
            return (row, null);
        var read = action == EnergyAction.SramReadWord;
        var query = Sram45nm.Query(capacityBytes, wordBits, banks);
        if (query.Figures is { } f)
        {
            var onPoint = query.GridPoints.Length == 1;
            var how = onPoint ? "grid point" : $"interpolated between {query.GridPoints.Length} grid points (log-log in capacity, linear in width)";
            return (new Priced(new EnergyPj(read ? f.ReadPj : f.WritePj),
                $"CACTI 7 (HewlettPackard/cacti {Sram45nm.CactiCommit[..8]}) 45 nm itrs-hp table, {capacityBytes} B x {wordBits}-bit words, {banks} bank{(banks == 1 ? "" : "s")}, {(read ? "read" : "write")}: {how} (C)",
                onPoint ? RowOrigin.Published : RowOrigin.Law), null);
        }
        var curve = (read ? _sramRead : _sramWrite).Energy(capacityBytes, wordBits);
        var outside = $"{capacityBytes} B x {wordBits}-bit words is outside the CACTI table: {query.Reason}";
        return (curve with { Source = $"OUTSIDE THE CACTI TABLE ({outside}); per-bit curve instead: {curve.Source}" }, outside);
    }

    /// <summary>The per-bit SRAM curve alone (<see cref="SramLaw"/>), which prices only what the CACTI table cannot answer.</summary>
    internal Priced SramCurve(EnergyAction action, long capacityBytes, int wordBits) =>
        (action == EnergyAction.SramReadWord ? _sramRead : _sramWrite).Energy(capacityBytes, wordBits);

    /// <summary>
    /// Why an SRAM action of <paramref name="key"/> is not priced from the CACTI table in
    /// <paramref name="context"/> (null when it is, or when a user row prices it): for the warning
    /// lines of text output and the <c>warnings</c> field of JSON.
    /// </summary>
    public string? SramOutsideTable(ActionKey key, EnergyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (key.Action is not (PrimitiveAction.SramReadWord or PrimitiveAction.SramWriteWord) || key.Buffer is not { } buffer)
            return null;
        var level = context.Buffers.LevelOf(buffer);
        var wordBits = key.BitsA > 0 ? key.BitsA : level.WordBits;
        var action = key.Action == PrimitiveAction.SramReadWord ? EnergyAction.SramReadWord : EnergyAction.SramWriteWord;
        return SramWord(action, level.AccessedArrayBytes, wordBits, level.Banks).Outside is { } why
            ? $"SRAM {Where(context.Buffers, buffer)}: {why}; priced by the per-bit curve instead"
            : null;
    }

    /// <summary>One DRAM byte: 8 x the DRAM type's energy per bit.</summary>
    private Priced DramByte(EnergyAction perBit, DramKind kind)
    {
        var bit = Point(new PointKey(perBit, Arithmetic.None, 0, 0, 0, kind));
        return new Priced(bit.Energy * BitsPerByte, $"8 x {bit.Energy.Value} pJ/bit: {bit.Source}", bit.Origin);
    }
}
