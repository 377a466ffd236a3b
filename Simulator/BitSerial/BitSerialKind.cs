using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitSerial;

/// <summary>The bit-serial array (<see cref="BitSerialUnitSpec"/>) as a registered unit kind.</summary>
public sealed class BitSerialKind : UnitKind<BitSerialUnitSpec>
{
    public static BitSerialKind Instance { get; } = new();

    /// <summary>Serial mode names in files, summaries and grids.</summary>
    public static IReadOnlyDictionary<string, SerialMode> SerialModes { get; } = new Dictionary<string, SerialMode>
    {
        ["activations"] = SerialMode.Activations,
        ["both"] = SerialMode.Both,
    };

    /// <summary>Skip mode names in files, summaries and grids.</summary>
    public static IReadOnlyDictionary<string, SkipMode> SkipModes { get; } = new Dictionary<string, SkipMode>
    {
        ["none"] = SkipMode.None,
        ["zero_bits"] = SkipMode.ZeroBits,
        ["dynamic_precision"] = SkipMode.DynamicPrecision,
        // Listed so that a file giving it is refused with the rule (BitSerialUnitSpec.Skip), not as unknown.
        ["zero_operands"] = SkipMode.ZeroOperands,
    };

    /// <summary>Fully connected mode names in files, summaries and grids.</summary>
    public static IReadOnlyDictionary<string, FcMode> FcModes { get; } = new Dictionary<string, FcMode>
    {
        ["windows"] = FcMode.Windows,
        ["multiplex"] = FcMode.Multiplex,
    };

    // A bit-serial PE of Stripes: 16 AND lanes into one adder tree, weights bit-parallel, up to 8 bits.
    private const int DefaultLanes = 16;
    private const SerialMode DefaultSerial = SerialMode.Activations;
    private const int DefaultMaxBits = 8;

    private BitSerialKind()
    {
        Parameters =
        [
            Key("lanes", "8, 16, 32", UnitValues.Whole, u => u.Lanes, (u, v) => u with { Lanes = v }),
            Key("serial", "activations, both", t => UnitValues.Choice(t, SerialModes, "serial mode"), u => SerialName(u.Serial), (u, v) => u with { Serial = v }),
            Key("max_bits", "8, 16", UnitValues.Whole, u => u.MaxBits, (u, v) => u with { MaxBits = v }),
            Key("bits_per_cycle", "1, 2, 4", UnitValues.Whole, u => u.BitsPerCycle, (u, v) => u with { BitsPerCycle = v }),
            DrainKey,
            Key("skip", "none, zero_bits, dynamic_precision", t => UnitValues.Choice(t, SkipModes, "skip mode"), u => SkipName(u.Skip), (u, v) => u with { Skip = v },
                written: u => u.Skip != SkipMode.None),
            // Stripes' fully connected mode (DNNsim, github.com/isakedo/DNNsim: OutputStationary.cpp's
            // linear mode deals each 16-channel group to the next window column; Stripes.cpp charges a
            // column p cycles per group while a new group is issued every cycle). Simulator/README.md §3.
            Key("fc_mode", "windows, multiplex", t => UnitValues.Choice(t, FcModes, "fully connected mode"), u => FcModeName(u.FcMode), (u, v) => u with { FcMode = v },
                written: u => u.FcMode != FcMode.Windows),
        ];
    }

    public override string Name => "bitserial";

    public override IReadOnlyList<UnitParameter> Parameters { get; }

    public static string SerialName(SerialMode serial) => SerialModes.First(s => s.Value == serial).Key;

    public static string SkipName(SkipMode skip) => SkipModes.First(s => s.Value == skip).Key;

    public static string FcModeName(FcMode mode) => FcModes.First(s => s.Value == mode).Key;

    protected override BitSerialUnitSpec Create(string name, int rows, int cols) => new(name, rows, cols, DefaultLanes, DefaultSerial, DefaultMaxBits);

    protected override IUnitModel Model(BitSerialUnitSpec unit) => new BitSerialModel(unit);

    protected override IReferenceUnit Reference(BitSerialUnitSpec unit) => new BitSerialReference(unit);

    protected override string Summary(BitSerialUnitSpec b) =>
        $"{b.Name}: bitserial {b.Rows}x{b.Cols}, {b.Lanes} lanes, serial {SerialName(b.Serial)}, up to {b.MaxBits} bits" +
        (b.BitsPerCycle == 1 ? "" : $", {b.BitsPerCycle} bits per cycle") +
        (b.Skip == SkipMode.None ? "" : $", skip {SkipName(b.Skip)}") +
        (b.FcMode == FcMode.Windows ? "" : $", fc_mode {FcModeName(b.FcMode)}");

    /// <summary>
    /// Stripes-style (serial activations): each lane ANDs one activation bit with a b_w-bit weight
    /// (b_w AND gates), an adder tree of L-1 b_w-bit adders sums the lanes (the one-bit growth per
    /// tree level is neglected), and a 32-bit adder shift-accumulates (MSB first, so the shift by
    /// one is wiring). Loom/BISMO-style (serial both): one AND per lane and an L-input popcount,
    /// L-1 full adders (the "n-1 full adders"). Registers: each lane's weight (b_w or 1
    /// bits) and activation bit, and the accumulator. Not counted: the variable shifter that serial
    /// both needs for shifts by i+j (no published area for it).
    /// With g = bits_per_cycle > 1 every per-bit part is there g times per serial operand: serial
    /// activations has g AND rows and g trees per PE plus g-1 adders joining their shifted sums
    /// (g·L-1 adders), serial both g² AND-popcounts of L inputs (the adders joining the g² shifted
    /// counts are not counted, like the shifter); the lane registers hold g bits of each serial operand.
    /// </summary>
    protected override PeInventory Inventory(BitSerialUnitSpec u)
    {
        long lanes = u.Lanes, g = u.BitsPerCycle;
        const int acc = PeInventory.AccumulatorBits;
        var serialActivations = u.Serial == SerialMode.Activations;
        var weightBits = serialActivations ? u.MaxBits : g;
        var perCycle = g == 1 ? "" : $", {g} bits per cycle";
        return PeInventory.Of(
            serialActivations ? $"{u.Lanes} lanes x {u.MaxBits}-bit weights, serial activations{perCycle}" : $"{u.Lanes} lanes, weights and activations serial (up to {u.MaxBits} bits){perCycle}",
            new PePart("AND gates", lanes * weightBits * g, PeComponent.AndGate),
            serialActivations
                ? new PePart($"adder tree ({u.MaxBits}-bit adders)", g * lanes - 1, PeComponent.IntAdder, u.MaxBits)
                : new PePart("popcount tree (full adders)", g * g * (lanes - 1), PeComponent.FullAdder),
            new PePart($"accumulator adder ({acc}-bit)", 1, PeComponent.IntAdder, acc),
            new PePart($"registers (bits: {lanes} x {weightBits} weight + {lanes} x {g} activation + {acc} accumulator)", lanes * weightBits + lanes * g + acc, PeComponent.RegisterBit));
    }
}
