using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Units;

/// <summary>The registered unit kinds: adding a kind is its folder and one line here.</summary>
public static class UnitKinds
{
    /// <summary>Every unit kind HwSim knows, in the order files, listings and messages name them.</summary>
    public static IReadOnlyList<UnitKind> All { get; } =
    [
        Systolic.SystolicKind.Instance,
        BitSerial.BitSerialKind.Instance,
        Xnor.XnorKind.Instance,
        DotProduct.DotProductKind.Instance,
        BitFusion.FusionKind.Instance,
    ];

    /// <summary>The kind of <paramref name="unit"/>.</summary>
    public static UnitKind Of(UnitSpec unit) => All.FirstOrDefault(k => k.SpecType == unit.GetType())
        ?? throw new InvalidOperationException($"unit '{unit.Name}' is a {unit.GetType().Name}, whose kind is not registered in UnitKinds.All");

    /// <summary>The kind named <paramref name="name"/> in files (case-insensitive), or null.</summary>
    public static UnitKind? Named(string name) => All.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The kinds' names, for messages.</summary>
    public static IEnumerable<string> Names => All.Select(k => k.Name);
}
