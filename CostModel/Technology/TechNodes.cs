using HwSim.Workloads;

namespace HwSim.CostModel.Technology;

/// <summary>
/// Stillmaker and Baas, "Scaling equations for the accurate prediction of CMOS device performance
/// from 180 nm to 7 nm", Integration 58 (2017) 74-81, energy coefficients as ported in UCLA's
/// nodeScale and Accelergy's hwcomponents and consistent with the authors' corrigendum
/// (docs/reference/energy-area.md, status C/P). Area factors from 45 nm: 32 nm 0.46, 20 nm 0.21,
/// 16 nm 0.19, 14 nm 0.17, 10 nm 0.10, 7 nm 0.059; 65 to 45 nm 0.66 (same source). There are no
/// 28/22 nm rows; nodes above 45 nm have no HP/LP split.
/// </summary>
public static class TechNodes
{
    private static readonly TechNode[] All =
    [
        new(130, DeviceFlavor.HighPerformance, 7.171, -6.709, 2.904, double.NaN),
        new(90, DeviceFlavor.HighPerformance, 4.762, -4.781, 2.092, double.NaN),
        new(65, DeviceFlavor.HighPerformance, 3.755, -4.398, 1.975, 1 / 0.66),
        new(45, DeviceFlavor.HighPerformance, 1.018, -0.3107, 0.1539, 1),
        new(45, DeviceFlavor.LowPower, 1.103, -0.362, 0.2767, 1),
        new(32, DeviceFlavor.HighPerformance, 0.8367, -0.4341, 0.1701, 0.46),
        new(32, DeviceFlavor.LowPower, 0.9559, -0.7823, 0.471, 0.46),
        new(20, DeviceFlavor.HighPerformance, 0.373, -0.1582, 0.04104, 0.21),
        new(20, DeviceFlavor.LowPower, 0.2632, -0.14, 0.06841, 0.21),
        new(16, DeviceFlavor.HighPerformance, 0.2958, -0.1241, 0.03024, 0.19),
        new(16, DeviceFlavor.LowPower, 0.2139, -0.1187, 0.05639, 0.19),
        new(14, DeviceFlavor.HighPerformance, 0.2363, -0.09675, 0.02239, 0.17),
        new(14, DeviceFlavor.LowPower, 0.1556, -0.06472, 0.03066, 0.17),
        new(10, DeviceFlavor.HighPerformance, 0.2068, -0.09311, 0.02375, 0.10),
        new(10, DeviceFlavor.LowPower, 0.1261, -0.0518, 0.02769, 0.10),
        new(7, DeviceFlavor.HighPerformance, 0.1776, -0.09097, 0.02447, 0.059),
        new(7, DeviceFlavor.LowPower, 0.09365, -0.03409, 0.02043, 0.059),
    ];

    public static IReadOnlyList<TechNode> Nodes => All;

    /// <summary>Nodes HwSim can price at (area factors known): 65, 45, 32, 20, 16, 14, 10, 7 nm.</summary>
    public static IEnumerable<int> PricedNanometres => All.Where(n => !double.IsNaN(n.AreaFactorFrom45)).Select(n => n.Nanometres).Distinct();

    /// <summary>The row for a node; nodes above 45 nm have only one row, whatever flavour is asked.</summary>
    public static TechNode Get(int nanometres, DeviceFlavor flavor = DeviceFlavor.HighPerformance) =>
        All.FirstOrDefault(n => n.Nanometres == nanometres && n.Flavor == flavor)
        ?? All.FirstOrDefault(n => n.Nanometres == nanometres && nanometres > 45)
        ?? throw new InputException($"no Stillmaker-Baas row for {nanometres} nm (nodes: {string.Join(", ", All.Select(n => n.Nanometres).Distinct())} nm)", "technology node");

    /// <summary>Parses "45nm", "7nm", "45" (case-insensitive).</summary>
    public static int ParseNanometres(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("nm", StringComparison.Ordinal)) t = t[..^2];
        return int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var nm)
            ? nm
            : throw new InputException($"'{text}' is not a node such as 45nm or 7nm", "technology node");
    }
}
