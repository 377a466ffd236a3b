using HwSim.Quantizer.Torch;
using HwSim.Workloads.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// PACT activations (Choi et al., "PACT: Parameterized Clipping Activation", arXiv 1805.06085, eq. 1-2):
/// y = clip(x, 0, alpha), y_q = round(y (2^k - 1)/alpha) alpha/(2^k - 1); codes round(y (2^k - 1)/alpha) in
/// [0, 2^k - 1], format UInt(k). For signed inputs (a network's first layer, MobileNetV2's linear bottlenecks)
/// the symmetric variant clip(x, -alpha, alpha) with codes in [-(2^(k-1) - 1), 2^(k-1) - 1], Int(k); at k = 1
/// a signed input becomes a binary sign, +/-alpha.
/// </summary>
/// <remarks>
/// PACT learns alpha by back-propagation during training (see <c>HwSim.Quantizer.Training.PactActivation</c>).
/// Post-training, <see cref="Calibrate"/> chooses it instead: the alpha on a grid that minimises the mean squared
/// error between samples and their quantised values. That is this project's choice, not the paper's.
/// </remarks>
public sealed class PactActivationQuantizer : IActivationQuantizer
{
    /// <summary>
    /// Calibration looks at no more than this many samples (a seeded random subsample), for speed: 2^18 values
    /// estimate each candidate's mean squared error far more finely than the 1% grid step needs, and 100
    /// candidates on them take a fraction of a second per layer.
    /// </summary>
    public const int MaxCalibrationSamples = 1 << 18;

    /// <summary>Candidate clips: max * i / GridSize for i = 1..GridSize, i.e. 1% to 100% of the largest magnitude.</summary>
    public const int GridSize = 100;

    /// <summary>Seed of the calibration subsample, so that the same samples always give the same alpha.</summary>
    public const ulong CalibrationSeed = 20180605;

    /// <summary>A quantizer with a given clip; <paramref name="signed"/> selects the symmetric variant.</summary>
    public PactActivationQuantizer(int bits, double alpha, bool signed)
    {
        QuantCommon.CheckBits(bits, 1, QuantCommon.ActivationBitsField, "PACT activations");
        if (!(alpha > 0) || double.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the PACT clip must be positive and finite");
        Bits = bits;
        Alpha = alpha;
        Signed = signed;
        Format = signed ? QuantCommon.SignedFormat(bits) : NumberFormat.UInt(bits);
    }

    public int Bits { get; }

    /// <summary>The clip alpha.</summary>
    public double Alpha { get; }

    /// <summary>True for the symmetric variant clip(x, -alpha, alpha).</summary>
    public bool Signed { get; }

    /// <summary>UInt(k) unsigned; Int(k) signed; Binary signed at 1 bit.</summary>
    public NumberFormat Format { get; }

    /// <summary>
    /// Calibrates on <paramref name="samples"/>: signed when any sample is negative, and alpha the grid candidate
    /// (1% to 100% of max |x|, <see cref="GridSize"/> steps) with the least mean squared quantisation error on a
    /// seeded subsample of at most <see cref="MaxCalibrationSamples"/> values. Ties go to the smaller alpha.
    /// </summary>
    public static PactActivationQuantizer Calibrate(int bits, Tensor samples)
    {
        QuantCommon.CheckBits(bits, 1, QuantCommon.ActivationBitsField, "PACT activations");
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(samples, nameof(samples)).flatten();
        var signed = x.min().item<float>() < 0;
        var sub = Subsample(x);
        var max = sub.abs().max().item<float>();
        if (!(max > 0))
            return new PactActivationQuantizer(bits, 1.0, signed); // all zeros: any clip quantises them exactly
        var bestAlpha = max;
        var bestError = double.PositiveInfinity;
        for (var i = 1; i <= GridSize; i++)
        {
            using var step = NewDisposeScope();
            var alpha = max * i / GridSize;
            var error = SquaredError(sub, alpha, bits, signed);
            if (error < bestError)
            {
                bestError = error;
                bestAlpha = alpha;
            }
        }
        return new PactActivationQuantizer(bits, bestAlpha, signed);
    }

    public QuantizedTensor Quantize(Tensor input)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(input, nameof(input));
        var (codes, scale) = Codes(x, Alpha, Bits, Signed);
        return QuantCommon.Build(scope, codes, QuantCommon.Scalar(scale), QuantCommon.Scalar(0), Format, Alpha);
    }

    /// <summary>PACT's codes and step for clip <paramref name="alpha"/> (codes as float, integer-valued).</summary>
    internal static (Tensor Codes, double Scale) Codes(Tensor x, double alpha, int bits, bool signed)
    {
        if (signed && bits == 1)
            return (torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x)), alpha); // binary sign, +/-alpha
        // Choi et al. 2018, eq. 2: y_q = round(y (2^k - 1)/alpha) alpha/(2^k - 1); the symmetric variant
        // spends one sign bit and keeps 2^(k-1) - 1 positive levels.
        double levels = signed ? QuantCommon.SymmetricMax(bits) : QuantCommon.UnsignedMax(bits);
        var y = x.clamp(signed ? -alpha : 0.0, alpha); // eq. 1: y = clip(x, 0, alpha)
        return (y.mul_(levels / alpha).round_().clamp_(signed ? -levels : 0.0, levels), alpha / levels); // y is a fresh tensor
    }

    /// <summary>mean((Q(x) - x)^2) for clip <paramref name="alpha"/>; in place on one temporary (this runs 100 times on 1M values).</summary>
    private static double SquaredError(Tensor x, double alpha, int bits, bool signed)
    {
        var (codes, scale) = Codes(x, alpha, bits, signed); // the caller's dispose scope frees the temporary
        return codes.mul_(scale).sub_(x).pow_(2).mean().item<float>();
    }

    private static Tensor Subsample(Tensor flat)
    {
        if (flat.numel() <= MaxCalibrationSamples)
            return flat;
        // With replacement: cheaper than a permutation of a large tensor, and just as good for a 1M-value MSE.
        using var generator = new Generator(CalibrationSeed);
        return flat.index_select(0, torch.randint(0, flat.numel(), [MaxCalibrationSamples], ScalarType.Int64, generator: generator));
    }
}
