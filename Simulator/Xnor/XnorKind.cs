using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Xnor;

/// <summary>The XNOR-popcount array (<see cref="XnorUnitSpec"/>) as a registered unit kind.</summary>
public sealed class XnorKind : UnitKind<XnorUnitSpec>
{
    public static XnorKind Instance { get; } = new();

    // An XNOR PE takes one 64-bit word of +/-1 values per cycle (a machine word of packed bits);
    // max_bits 1: binary operands only, as in FINN and XNOR-Net.
    private const int DefaultLanes = 64;
    private const int DefaultMaxBits = 1;

    private XnorKind()
    {
        Parameters =
        [
            Key("lanes", "8, 16, 32", UnitValues.Whole, u => u.Lanes, (u, v) => u with { Lanes = v }),
            Key("max_bits", "1, 4", UnitValues.Whole, u => u.MaxBits, (u, v) => u with { MaxBits = v }),
            DrainKey,
        ];
    }

    public override string Name => "xnor";

    public override IReadOnlyList<UnitParameter> Parameters { get; }

    protected override XnorUnitSpec Create(string name, int rows, int cols) => new(name, rows, cols, DefaultLanes, DefaultMaxBits);

    protected override IUnitModel Model(XnorUnitSpec unit) => new XnorModel(unit);

    protected override IReferenceUnit Reference(XnorUnitSpec unit) => new XnorReference(unit);

    protected override string Summary(XnorUnitSpec x) =>
        $"{x.Name}: xnor {x.Rows}x{x.Cols}, {x.Lanes} lanes, up to {x.MaxBits} bit{(x.MaxBits == 1 ? "" : "s")}";

    /// <summary>
    /// XNOR-popcount: L XNOR gates, an L-input popcount (L-1 full adders), a 32-bit accumulator
    /// adder, registers for the L weight and L input bits and the accumulator. With max_bits above
    /// 1 the unit also runs integer bit-planes (Simulator/README.md), which takes one AND per lane.
    /// </summary>
    protected override PeInventory Inventory(XnorUnitSpec u)
    {
        long lanes = u.Lanes;
        const int acc = PeInventory.AccumulatorBits;
        return PeInventory.Of($"{u.Lanes} lanes XNOR-popcount{(u.MaxBits > 1 ? $", AND bit-planes up to {u.MaxBits} bits" : "")}",
            new PePart("XNOR gates", lanes, PeComponent.XnorGate),
            new PePart("AND gates (bit-plane path)", u.MaxBits > 1 ? lanes : 0, PeComponent.AndGate),
            new PePart("popcount tree (full adders)", lanes - 1, PeComponent.FullAdder),
            new PePart($"accumulator adder ({acc}-bit)", 1, PeComponent.IntAdder, acc),
            new PePart($"registers (bits: {lanes} weight + {lanes} input + {acc} accumulator)", 2 * lanes + acc, PeComponent.RegisterBit));
    }
}
