using HwSim.Quantizer.Torch;
using HwSim.Workloads.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// DoReFa-Net weights (Zhou et al., arXiv 1606.06160, eq. 9 and 5). For k &gt; 1:
/// f(w) = tanh(w)/(2 max|tanh(w)|) + 1/2, w_q = 2 quantize_k(f(w)) - 1 with quantize_k(r) = round((2^k - 1) r)/(2^k - 1):
/// 2^k levels evenly spaced on [-1, 1] (DoReFa's weights live in that normalised range; that is the method).
/// For k = 1: w_q = sign(w) E|w| (eq. 7), Binary codes +/-1 with scale E|w|.
/// </summary>
/// <remarks>
/// The 2^k levels 2r/(2^k - 1) - 1, r = 0..2^k - 1, have no level at 0, so the codes are r - 2^(k-1) (within
/// Int(k)) with zero point -1/2 and scale 2/(2^k - 1): (r - 2^(k-1) + 1/2) 2/(2^k - 1) = 2r/(2^k - 1) - 1.
/// </remarks>
public sealed class DoReFaWeightQuantizer : IWeightQuantizer
{
    /// <param name="restoreScale">
    /// Multiply the normalised levels by max|tanh(w)| so they are in the weights' own units. DoReFa trains
    /// with weights in [-1, 1] and lets the following batch norm absorb the scale; a network trained in fp32
    /// and quantised afterwards has no such batch norm, and [-1, 1] weights would rescale every layer's
    /// output (an "error" of the scale, not of the quantisation). The codes are the same either way;
    /// w_q max|tanh w| ~ tanh(w) ~ w for the small weights of conv layers.
    /// </param>
    public DoReFaWeightQuantizer(int bits, bool restoreScale = false)
    {
        QuantCommon.CheckBits(bits, 1, QuantCommon.WeightBitsField, "DoReFa weights");
        Bits = bits;
        RestoreScale = restoreScale;
    }

    public int Bits { get; }

    /// <summary>Levels in the weights' units (post-training) instead of DoReFa's normalised [-1, 1] (training).</summary>
    public bool RestoreScale { get; }

    public QuantizedTensor Quantize(Tensor weight)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var w = QuantCommon.AsFloat32(weight, nameof(weight));
        if (Bits == 1)
        {
            // Zhou et al. eq. 7: sign(w) E(|w|), one scale for the whole tensor; sign(0) = +1 (no zero level).
            var meanAbs = w.abs().to_type(ScalarType.Float64).mean().item<double>();
            return QuantCommon.Build(scope, QuantCommon.SignCodes(w), QuantCommon.Scalar(meanAbs), QuantCommon.Scalar(0), NumberFormat.Binary, meanAbs);
        }
        var r = Levels(w, Bits);
        var half = 1L << (Bits - 1);
        var range = RestoreScale ? w.tanh().abs().max().to_type(ScalarType.Float64).item<double>() : 1.0;
        if (range == 0)
            range = 1.0;
        return QuantCommon.Build(scope, r - half, QuantCommon.Scalar(2.0 * range / QuantCommon.UnsignedMax(Bits)), QuantCommon.Scalar(-0.5), NumberFormat.Int(Bits), range);
    }

    /// <summary>r = round((2^k - 1) f(w)) in [0, 2^k - 1] (int64), the level index of each weight (Zhou et al. eq. 9).</summary>
    internal static Tensor Levels(Tensor w, int bits)
    {
        var t = w.tanh();
        var maxTanh = t.abs().max().item<float>();
        // An all-zero tensor has f = 1/2 everywhere (tanh(0) = 0); avoid 0/0.
        var f = maxTanh > 0 ? t / (2 * maxTanh) + 0.5 : torch.full_like(t, 0.5);
        double steps = QuantCommon.UnsignedMax(bits);
        return (f * steps).round().clamp(0, steps).to_type(ScalarType.Int64);
    }
}

/// <summary>
/// DoReFa-Net activations (Zhou et al., arXiv 1606.06160, section 2.4): clip to [0, 1], then
/// quantize_k(r) = round((2^k - 1) r)/(2^k - 1); codes in [0, 2^k - 1], UInt(k), scale 1/(2^k - 1), alpha 1.
/// For signed inputs (the paper has none; a network's first layer does) the symmetric counterpart clip to
/// [-1, 1] then round((2^(k-1) - 1) x)/(2^(k-1) - 1), as WRPN (Mishra et al., ICLR 2018) does for weights;
/// codes Int(k), or a binary sign (+/-1) at 1 bit.
/// </summary>
public sealed class DoReFaActivationQuantizer : IActivationQuantizer
{
    public DoReFaActivationQuantizer(int bits, bool signed)
    {
        QuantCommon.CheckBits(bits, 1, QuantCommon.ActivationBitsField, "DoReFa activations");
        Bits = bits;
        Signed = signed;
        Format = signed ? QuantCommon.SignedFormat(bits) : NumberFormat.UInt(bits);
    }

    public int Bits { get; }

    /// <summary>Always 1: DoReFa's activation clip is fixed, nothing is calibrated.</summary>
    public double Alpha => 1.0;

    /// <summary>True for the symmetric [-1, 1] variant.</summary>
    public bool Signed { get; }

    public NumberFormat Format { get; }

    public QuantizedTensor Quantize(Tensor input)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(input, nameof(input));
        // PACT's codes at alpha = 1 are exactly DoReFa's clip [0, 1] + quantize_k (and its symmetric variant).
        var (codes, scale) = PactActivationQuantizer.Codes(x, 1.0, Bits, Signed);
        return QuantCommon.Build(scope, codes, QuantCommon.Scalar(scale), QuantCommon.Scalar(0), Format, Alpha);
    }
}
