using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// SAWB weights, statistics-aware weight binning (Choi et al., "Bridging the accuracy gap for 2-bit quantized
/// neural networks", arXiv 1807.06964, eq. 3): per tensor, alpha = c1 sqrt(E[w^2]) - c2 E|w|, then symmetric
/// uniform quantisation on [-alpha, alpha] with 2^(k-1) - 1 positive levels: codes round(clip(w, -alpha, alpha)/alpha
/// (2^(k-1) - 1)) in Int(k), scale alpha/(2^(k-1) - 1). At 2 bits that gives three codes, -1, 0 and +1.
/// </summary>
public sealed class SawbWeightQuantizer : IWeightQuantizer
{
    // (c1, c2) from IBM fms-model-optimizer, fms_mo/quant_refactor/sawb_utils.py (as recorded in
    // docs/reference/quantizers.md). That file also keeps (3.212, 2.178) for 2 bits in a comment, and PULP
    // NEMO has a different table: neither is used here.
    private static readonly Dictionary<int, (double C1, double C2)> Table = new()
    {
        [2] = (3.12, 2.064),
        [3] = (7.509, 6.892),
        [4] = (12.68, 12.80),
        [5] = (17.74, 18.64),
        [8] = (31.76, 35.04),
    };

    public SawbWeightQuantizer(int bits)
    {
        (C1, C2) = Coefficients(bits);
        Bits = bits;
    }

    public int Bits { get; }

    /// <summary>Coefficient of sqrt(E[w^2]).</summary>
    public double C1 { get; }

    /// <summary>Coefficient of E|w|.</summary>
    public double C2 { get; }

    /// <summary>The widths the coefficient table covers: 2, 3, 4, 5 and 8.</summary>
    public static IReadOnlyCollection<int> SupportedBits => Table.Keys;

    /// <summary>(c1, c2) for <paramref name="bits"/>; an <see cref="InputException"/> on "weight bits" for other widths.</summary>
    public static (double C1, double C2) Coefficients(int bits) =>
        Table.TryGetValue(bits, out var c) ? c
            : throw new InputException($"SAWB has coefficients for 2, 3, 4, 5 and 8 bits, got {bits}", QuantCommon.WeightBitsField);

    /// <summary>
    /// alpha = c1 sqrt(mean(w^2)) - c2 mean(|w|), accumulated in float64. It can be zero or negative for weights far
    /// from the bell shape the coefficients were fitted to (e.g. all of one magnitude, where c2 &gt; c1 at 4, 5 and 8
    /// bits); <see cref="Quantize"/> then clips at max|w| instead, and reports that.
    /// </summary>
    public double SawbAlpha(Tensor weight)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var w = QuantCommon.AsFloat32(weight, nameof(weight)).to_type(ScalarType.Float64);
        return C1 * Math.Sqrt(w.square().mean().item<double>()) - C2 * w.abs().mean().item<double>();
    }

    public QuantizedTensor Quantize(Tensor weight)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var w = QuantCommon.AsFloat32(weight, nameof(weight)).to_type(ScalarType.Float64);
        var alpha = SawbAlpha(weight);
        if (!(alpha > 0) || double.IsInfinity(alpha))
        {
            alpha = w.abs().max().item<double>();
            if (!(alpha > 0))
                alpha = 1.0; // all zeros: every code is 0 whatever the clip
        }
        double levels = QuantCommon.SymmetricMax(Bits);
        var codes = (w.clamp(-alpha, alpha) * (levels / alpha)).round().clamp(-levels, levels);
        return QuantCommon.Build(scope, codes, QuantCommon.Scalar(alpha / levels), QuantCommon.Scalar(0), NumberFormat.Int(Bits), alpha);
    }
}
