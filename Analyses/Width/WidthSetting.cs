using HwSim.Workloads.Formats;

namespace HwSim.Analyses.Width;

/// <summary>A width study of a network: the network at <paramref name="Bits"/> bits widened against a baseline.</summary>
/// <param name="Bits">Weight and activation bits of the widened network's inner layers (1 = binary, WRPN's case).</param>
/// <param name="Baseline">The baseline's format on every layer: fp32 or int8.</param>
/// <param name="Widths">Width multipliers, ascending and distinct.</param>
public sealed record WidthSetting(int Bits, NumberFormat Baseline, IReadOnlyList<double> Widths)
{
    /// <summary>What <c>hwsim report</c> uses: W1A1 against int8 at k = 1, 1.5, 2, 3, 4.</summary>
    public static WidthSetting Default { get; } = new(1, NumberFormat.Int(8), [1, 1.5, 2, 3, 4]);
}
