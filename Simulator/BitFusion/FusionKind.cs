using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitFusion;

/// <summary>The Bit Fusion array (<see cref="FusionUnitSpec"/>) as a registered unit kind.</summary>
public sealed class FusionKind : UnitKind<FusionUnitSpec>
{
    public static FusionKind Instance { get; } = new();

    // The synthesised fusion unit of Bit Fusion (8/2: fuses 2- to 8-bit operands spatially);
    // 16-bit operands need max_bits: 16 (temporal fusion).
    private const int DefaultMaxBits = FusedWidths.SpatialBits;

    private FusionKind()
    {
        Parameters =
        [
            Key("max_bits", "8, 16", UnitValues.Whole, u => u.MaxBits, (u, v) => u with { MaxBits = v }),
        ];
    }

    public override string Name => "fusion";

    public override string? Refusal(string key) => key == DrainKey.Key ? FusionUnitSpec.NoOverlappedDrain : null;

    public override IReadOnlyList<UnitParameter> Parameters { get; }

    protected override FusionUnitSpec Create(string name, int rows, int cols) => new(name, rows, cols, DefaultMaxBits);

    protected override IUnitModel Model(FusionUnitSpec unit) => new FusionModel(unit);

    protected override IReferenceUnit Reference(FusionUnitSpec unit) => new FusionReference(unit);

    protected override string Summary(FusionUnitSpec f) =>
        $"{f.Name}: fusion {f.Rows}x{f.Cols}, {FusedWidths.BitBricks} BitBricks per unit, up to {f.MaxBits} bits{(f.MaxBits > FusedWidths.SpatialBits ? " (temporal fusion above 8)" : "")}";

    /// <summary>
    /// One fusion unit as Bit Fusion synthesised it (16 BitBricks, shift-add tree, registers; 8/2
    /// bits): the area table's fusion_unit row. Temporal fusion (max_bits above 8) also needs an
    /// accumulator for the passes of one product, which that unit does not have: a 32-bit adder
    /// and its register, priced apart.
    /// </summary>
    protected override PeInventory Inventory(FusionUnitSpec u)
    {
        const int acc = PeInventory.AccumulatorBits;
        var temporal = u.MaxBits > FusedWidths.SpatialBits ? 1 : 0;
        return PeInventory.Of($"fusion unit of {FusedWidths.BitBricks} BitBricks, 2 to {FusedWidths.SpatialBits} bits fused{(temporal == 1 ? $", temporal passes up to {u.MaxBits} bits" : "")}",
            new PePart("fusion unit (BitBricks, shift-add tree, registers)", 1, PeComponent.TableRow, FusedWidths.SpatialBits, FusedWidths.PieceBits, TableComponent: "fusion_unit"),
            new PePart($"temporal-pass accumulator adder ({acc}-bit)", temporal, PeComponent.IntAdder, acc),
            new PePart($"temporal-pass accumulator register ({acc} bits)", temporal * acc, PeComponent.RegisterBit));
    }
}
