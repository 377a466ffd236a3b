using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// One compute array of an accelerator: a rows x cols grid of PEs. The concrete kinds say what
/// a PE does; the unit models in Simulator/Systolic, BitSerial and Xnor time and count it.
/// </summary>
public abstract record UnitSpec
{
    protected UnitSpec(string name, int rows, int cols)
    {
        Name = name;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Name a workload row may use to pin a layer to this unit.</summary>
    public string Name { get; init => field = string.IsNullOrWhiteSpace(value) ? throw new InputException("a unit needs a name", "units[].name") : value.Trim(); }

    /// <summary>PE rows.</summary>
    public int Rows { get; init => field = value is >= 1 and <= 65536 ? value : throw new InputException($"must be 1 to 65536, got {value}", "units[].rows"); }

    /// <summary>PE columns.</summary>
    public int Cols { get; init => field = value is >= 1 and <= 65536 ? value : throw new InputException($"must be 1 to 65536, got {value}", "units[].cols"); }

    public long PeCount => (long)Rows * Cols;

    /// <summary>
    /// Whether a fold may compute while the previous fold drains (double-buffered accumulators).
    /// Refused on kinds with no drain phase of their own (<see cref="OverlappedDrainRefusal"/>).
    /// </summary>
    public DrainMode Drain
    {
        get;
        init => field = value == DrainMode.Overlapped && OverlappedDrainRefusal is { } why ? throw new InputException(why, "units[].drain") : value;
    }

    /// <summary>Why this kind's hardware cannot overlap a fold's drain with the next fold's compute, or null when it can.</summary>
    protected virtual string? OverlappedDrainRefusal => null;

    /// <summary>The kind's name as written in YAML, from its registered descriptor (<see cref="Units.UnitKinds"/>).</summary>
    public string Kind => Units.UnitKinds.Of(this).Name;

    /// <summary>Null when a layer with these formats can run here, else why not.</summary>
    public abstract string? Unsupported(OperandPrecision precision);
}

/// <summary>A bit-parallel systolic array: each PE does one b_w x b_a multiply-accumulate per cycle.</summary>
public sealed record SystolicUnitSpec : UnitSpec
{
    /// <param name="format">The operand format the PEs are built for: integer layers up to its width run on an integer array, float layers on a float array at least as wide.</param>
    /// <param name="scaleSimCompat">Reproduce SCALE-Sim v2's "Total Cycles" exactly (docs/reference/scalesim/SEMANTICS.md) instead of HwSim's own timing.</param>
    public SystolicUnitSpec(string name, int rows, int cols, Dataflow dataflow, NumberFormat format, bool scaleSimCompat = false)
        : base(name, rows, cols)
    {
        Dataflow = dataflow;
        Format = format;
        ScaleSimCompat = scaleSimCompat;
    }

    public Dataflow Dataflow { get; init; }

    public NumberFormat Format
    {
        get;
        init => field = value is { Kind: NumberKind.SignedInt or NumberKind.Fp16 or NumberKind.Bf16 or NumberKind.Fp32 }
            ? value : throw new InputException($"a systolic unit is built for intB, fp16, bf16 or fp32 operands, got {value}", "units[].format");
    }

    public bool ScaleSimCompat { get; init; }

    /// <summary>
    /// <see cref="SkipMode.ZeroOperands"/> gates a MAC whose input activation is zero (energy, not
    /// cycles); the timing modes of bit-serial units are refused: a bit-parallel PE takes a whole
    /// operand per cycle, so there are no planes or bits to leave out.
    /// </summary>
    public SkipMode Skip
    {
        get;
        init => field = value is SkipMode.None or SkipMode.ZeroOperands ? value
            : throw new InputException(SkipModes.TimingOnBitParallel("systolic"), "units[].skip");
    }

    public override string? Unsupported(OperandPrecision precision) => ParallelUnits.Unsupported(this, Format, precision);

    /// <summary>The rule a systolic unit breaks with <c>drain: overlapped</c>.</summary>
    public const string NoOverlappedDrain = "a systolic unit always drains serially, so it takes no 'drain' key: a systolic array's results leave down its columns as the PE pipeline completes them (a fold's tail is the pipeline's skew, not an accumulator drain); " +
        "drain: overlapped needs double-buffered accumulators that empty in a drain phase of their own (bitserial, xnor, dotproduct)";

    protected override string? OverlappedDrainRefusal => NoOverlappedDrain;
}

/// <summary>The rule of bit-parallel units built for one operand format (systolic, dot-product).</summary>
internal static class ParallelUnits
{
    /// <summary>Integer layers up to the format's width run on an integer unit, float layers on a float unit at least as wide.</summary>
    public static string? Unsupported(UnitSpec unit, NumberFormat format, OperandPrecision precision)
    {
        var (w, a) = (precision.Weight, precision.Input);
        if (format.IsFloat && (!w.IsFloat || !a.IsFloat))
            return $"unit '{unit.Name}' is a {format} array; integer layers ({w} x {a}) need an integer or bit-serial unit";
        if (!format.IsFloat && (w.IsFloat || a.IsFloat))
            return $"unit '{unit.Name}' is an integer ({format}) array; float layers ({w} x {a}) need a float unit";
        return w.Bits <= format.Bits && a.Bits <= format.Bits ? null : $"unit '{unit.Name}' ({format}) is narrower than {w} x {a}";
    }
}

/// <summary>
/// A bit-serial array (Stripes, Loom, BISMO): each PE has <see cref="Lanes"/> AND-gate lanes, an
/// adder (popcount) tree and a shift-accumulator; integer operands up to <see cref="MaxBits"/>.
/// Binary (+/-1) and ternary operands are held as 2-bit two's complement.
/// </summary>
public sealed record BitSerialUnitSpec : UnitSpec
{
    /// <param name="bitsPerCycle">Bits of each serial operand a PE takes per cycle (Loom's 2- and 4-bit variants, UNPU): 1, 2 or 4.</param>
    /// <param name="skip">Value-dependent timing (<see cref="SkipMode"/>); None keeps every plane.</param>
    public BitSerialUnitSpec(string name, int rows, int cols, int lanes, SerialMode serial, int maxBits, int bitsPerCycle = 1, SkipMode skip = SkipMode.None)
        : base(name, rows, cols)
    {
        Lanes = lanes;
        Serial = serial;
        MaxBits = maxBits;
        BitsPerCycle = bitsPerCycle;
        Skip = skip;
    }

    /// <summary>Reduction terms a PE takes per dot step (AND lanes into one adder tree).</summary>
    public int Lanes { get; init => field = value is >= 1 and <= 4096 ? value : throw new InputException($"must be 1 to 4096, got {value}", "units[].lanes"); }

    public SerialMode Serial { get; init => field = Skip == SkipMode.ZeroBits && value != SerialMode.Activations ? throw ZeroBitsNeeds("units[].serial") : value; }

    /// <summary>Widest operand in bits.</summary>
    public int MaxBits { get; init => field = value is >= 2 and <= 32 ? value : throw new InputException($"must be 2 to 32, got {value}", "units[].max_bits"); }

    /// <summary>Bit-planes of each serial operand a PE consumes per cycle: a b-bit serial operand takes ceil(b / BitsPerCycle) cycles.</summary>
    public int BitsPerCycle
    {
        get;
        init => field = value is not (1 or 2 or 4) ? throw new InputException($"must be 1, 2 or 4, got {value}", "units[].bits_per_cycle")
            : Skip == SkipMode.ZeroBits && value != 1 ? throw ZeroBitsNeeds("units[].bits_per_cycle") : value;
    }

    /// <summary>
    /// Value-dependent timing. zero_bits is Pragmatic's datapath: each lane shifts its bit-parallel
    /// weight by one of its activation's 1 bits per cycle, so it needs serial activations and one
    /// bit per cycle; dynamic_precision trims the activation planes of every step, in either serial
    /// mode and at any bits_per_cycle.
    /// </summary>
    public SkipMode Skip
    {
        get;
        init => field = value == SkipMode.ZeroOperands ? throw new InputException(SkipModes.ZeroOperandsOnBitSerial, "units[].skip")
            : value != SkipMode.None && FcMode == FcMode.Multiplex ? throw MultiplexNeeds("units[].skip")
            : value == SkipMode.ZeroBits && (Serial != SerialMode.Activations || BitsPerCycle != 1) ? throw ZeroBitsNeeds("units[].skip") : value;
    }

    /// <summary>
    /// How a fold of one window runs (<see cref="Architecture.FcMode"/>). Multiplex takes no skip:
    /// its rows start their steps on a fixed schedule of equal steps, which value-dependent step
    /// lengths would break.
    /// </summary>
    public FcMode FcMode
    {
        get;
        init => field = value == FcMode.Multiplex && Skip != SkipMode.None ? throw MultiplexNeeds("units[].fc_mode") : value;
    }

    private static InputException MultiplexNeeds(string field) =>
        new("fc_mode: multiplex (Stripes' fully connected mode: equal steps dealt to the rows in turn) needs skip: none", field);

    private static InputException ZeroBitsNeeds(string field) =>
        new("skip: zero_bits (Pragmatic: one activation bit per lane per cycle, weights bit-parallel) needs serial: activations and bits_per_cycle: 1", field);

    public override string? Unsupported(OperandPrecision precision) => IntegerUnits.Unsupported(this, precision, MaxBits);
}

/// <summary>
/// An XNOR-popcount array (XNOR-Net, FINN, BISMO): each PE XNORs <see cref="Lanes"/>-bit words
/// of +/-1 operands and popcounts them; multi-bit integer operands are decomposed into bit-planes
/// (w_bits x a_bits AND-popcount passes), up to <see cref="MaxBits"/>.
/// </summary>
public sealed record XnorUnitSpec : UnitSpec
{
    public XnorUnitSpec(string name, int rows, int cols, int lanes, int maxBits)
        : base(name, rows, cols)
    {
        Lanes = lanes;
        MaxBits = maxBits;
    }

    /// <summary>Bits per XNOR word: reduction terms a PE takes per cycle.</summary>
    public int Lanes { get; init => field = value is >= 1 and <= 4096 ? value : throw new InputException($"must be 1 to 4096, got {value}", "units[].lanes"); }

    /// <summary>Widest operand in bits (1-bit binary operands always fit).</summary>
    public int MaxBits { get; init => field = value is >= 1 and <= 32 ? value : throw new InputException($"must be 1 to 32, got {value}", "units[].max_bits"); }

    // Binary x binary takes the XNOR path at one bit whatever MaxBits is; anything else is
    // decomposed into two's-complement bit-planes, where binary counts as two bits.
    public override string? Unsupported(OperandPrecision precision) =>
        precision.Weight.Kind == NumberKind.Binary && precision.Input.Kind == NumberKind.Binary
            ? null
            : IntegerUnits.Unsupported(this, precision, MaxBits);
}

internal static class IntegerUnits
{
    public static string? Unsupported(UnitSpec unit, OperandPrecision precision, int maxBits)
    {
        var (w, a) = (precision.Weight, precision.Input);
        if (w.IsFloat || a.IsFloat)
            return $"unit '{unit.Name}' ({unit.Kind}) computes on integer bit-planes; {w} x {a} needs a float unit";
        var bits = Math.Max(SerialBits(w), SerialBits(a));
        return bits <= maxBits ? null : $"unit '{unit.Name}' ({unit.Kind}) takes at most {maxBits}-bit operands; {w} x {a} needs {bits}";
    }

    /// <summary>Bit-planes an integer-valued operand occupies on a bit-serial datapath: binary and ternary are 2-bit two's complement.</summary>
    public static int SerialBits(NumberFormat format) => Workloads.Layers.CodeHistogram.Planes(format);
}
