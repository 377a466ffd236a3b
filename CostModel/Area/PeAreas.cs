using HwSim.Simulator.Architecture;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;

namespace HwSim.CostModel.Area;

/// <summary>
/// Prices what one PE of a unit is made of: its kind lists the parts (<see cref="UnitKind.Inventory"/>,
/// Simulator/README.md says what each kind does per cycle), each part is priced here with
/// <see cref="AreaLaws"/> and scaled, so a PE's area is exactly the sum of its parts and a new
/// kind needs no code here.
/// </summary>
internal static class PeAreas
{

    public static PeArea For(UnitSpec unit, AreaLaws laws, double factor) => Priced(UnitKinds.Of(unit).Inventory(unit), laws, factor);

    /// <summary>A float MAC PE (<see cref="PeInventory.FloatMac"/>), also the area table's derived pe_fp rows.</summary>
    public static PeArea Float(NumberFormat format, AreaLaws laws, double factor) => Priced(PeInventory.FloatMac(format), laws, factor);

    private static PeArea Priced(PeInventory inventory, AreaLaws laws, double factor) =>
        new(inventory.Description, [.. inventory.Parts.Select(p => Part(p, laws, factor))]);

    private static AreaPart Part(PePart part, AreaLaws laws, double factor)
    {
        var each = part.Component switch
        {
            PeComponent.IntPe => laws.PeInt(part.Bits, part.BitsB),
            PeComponent.FpMultiplier => laws.FpMult(part.Format ?? throw new ArgumentException($"part '{part.Name}': a float multiplier needs a format")),
            PeComponent.FpAdder => laws.FpAdd(part.Format ?? throw new ArgumentException($"part '{part.Name}': a float adder needs a format")),
            PeComponent.IntAdder => laws.IntAdder(part.Bits),
            PeComponent.FullAdder => laws.FullAdder,
            PeComponent.AndGate => laws.AndGate,
            PeComponent.XnorGate => laws.XnorGate,
            PeComponent.RegisterBit => laws.RegisterBit,
            PeComponent.TableRow => laws.TableRow(part.TableComponent ?? throw new ArgumentException($"part '{part.Name}': a table row needs a component name"), part.Bits, part.BitsB),
            _ => throw new ArgumentOutOfRangeException(nameof(part), part.Component, "no area law for this component"),
        };
        return new AreaPart(part.Name, part.Count, each.Area * factor, each.Source);
    }
}
