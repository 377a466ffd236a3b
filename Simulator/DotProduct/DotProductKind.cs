using HwSim.Simulator.Systolic;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.DotProduct;

/// <summary>The bit-parallel dot-product array (<see cref="DotProductUnitSpec"/>) as a registered unit kind.</summary>
public sealed class DotProductKind : UnitKind<DotProductUnitSpec>
{
    public static DotProductKind Instance { get; } = new();

    // A filter lane of DaDianNao's NFU (Chen et al., MICRO 2014): 16 products of 16-bit fixed-point operands per cycle.
    private const int DefaultLanes = 16;
    private static readonly NumberFormat DefaultFormat = NumberFormat.Int(16);

    private DotProductKind()
    {
        Parameters =
        [
            Key("lanes", "8, 16, 32", UnitValues.Whole, u => u.Lanes, (u, v) => u with { Lanes = v }),
            Key("format", "int16, fp16", UnitValues.Format, u => u.Format.Name, (u, v) => u with { Format = v! }),
            DrainKey,
            Key("skip", "none, zero_operands", t => UnitValues.Choice(t, SystolicKind.SkipModes, "skip mode"), u => SystolicKind.SkipName(u.Skip), (u, v) => u with { Skip = v },
                written: u => u.Skip != SkipMode.None),
        ];
    }

    public override string Name => "dotproduct";

    public override IReadOnlyList<UnitParameter> Parameters { get; }

    protected override DotProductUnitSpec Create(string name, int rows, int cols) => new(name, rows, cols, DefaultLanes, DefaultFormat);

    protected override IUnitModel Model(DotProductUnitSpec unit) => new DotProductModel(unit);

    protected override IReferenceUnit Reference(DotProductUnitSpec unit) => new DotProductReference(unit);

    protected override string Summary(DotProductUnitSpec d) =>
        $"{d.Name}: dotproduct {d.Rows}x{d.Cols}, {d.Lanes} lanes {d.Format} into an adder tree{(d.Skip == SkipMode.None ? "" : $", skip {SystolicKind.SkipName(d.Skip)}")}";

    /// <summary>
    /// Integer: one Bit Fusion synthesised PE (pe_int: multiplier, adder, registers) per lane,
    /// standing in for the lane's multiplier, its adder of the tree (L-1 of them, plus the
    /// accumulator's) and its two operand registers; the tree's adders are narrower and the
    /// accumulator wider than the pe_int's own, which this approximation ignores. Float: L
    /// multipliers of the format, an adder tree of L-1 fp32 adders and an fp32 accumulator adder
    /// (float layers sum in fp32), registers for the L weights and L inputs and the accumulator.
    /// </summary>
    protected override PeInventory Inventory(DotProductUnitSpec u)
    {
        long lanes = u.Lanes;
        if (!u.Format.IsFloat)
            return PeInventory.Of($"{u.Lanes} lanes of {u.Format} x {u.Format} products into an adder tree",
                new PePart("lane: multiplier, tree adder, registers (pe_int)", lanes, PeComponent.IntPe, u.Format.Bits, u.Format.Bits));
        var fp32 = NumberFormat.Fp32;
        return PeInventory.Of($"{u.Lanes} lanes of {u.Format} products into an fp32 adder tree",
            new PePart($"{u.Format} multipliers", lanes, PeComponent.FpMultiplier, Format: u.Format),
            new PePart("adder tree (fp32 adders)", lanes - 1, PeComponent.FpAdder, Format: fp32),
            new PePart("accumulator adder (fp32)", 1, PeComponent.FpAdder, Format: fp32),
            new PePart($"registers (bits: {lanes} x {u.Format.Bits} weight + {lanes} x {u.Format.Bits} input + {fp32.Bits} accumulator)", 2 * lanes * u.Format.Bits + fp32.Bits, PeComponent.RegisterBit));
    }
}
