using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// XNOR-Net binary weights (Rastegari et al., "XNOR-Net", ECCV 2016, section 3.1): W ~ alpha B with B = sign(W)
/// (sign(0) = +1) and alpha = mean|W| per output filter. Codes +/-1, Binary, scale [K, 1, 1, 1] (or [K, 1] for
/// 2-D weights); the reported alpha is the mean of the per-filter alphas. 1 bit only.
/// </summary>
public sealed class XnorWeightQuantizer : IWeightQuantizer
{
    public XnorWeightQuantizer(int bits)
    {
        if (bits != 1)
            throw new InputException($"XNOR-Net weights are binary: weight bits must be 1, got {bits}", QuantCommon.WeightBitsField);
    }

    public int Bits => 1;

    public QuantizedTensor Quantize(Tensor weight)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var w = QuantCommon.AsFloat32(weight, nameof(weight));
        // Rastegari et al. eq. 4: alpha* = ||W||_l1 / n, per filter.
        var alphas = QuantCommon.PerChannelRows(w).abs().mean([1L]).reshape(QuantCommon.ChannelShape(w));
        var reported = alphas.to_type(ScalarType.Float64).mean().item<double>();
        return QuantCommon.Build(scope, QuantCommon.SignCodes(w), alphas, QuantCommon.Scalar(0), NumberFormat.Binary, reported);
    }
}

/// <summary>
/// XNOR-Net binary activations (Rastegari et al., ECCV 2016, section 3.2): sign(x) (sign(0) = +1), Binary, with
/// scale beta = mean|x| of the calibration samples. The paper's K is a per-position box filter over the channel
/// mean of |I|, computed for every input; one per-tensor beta fixed at calibration is this project's
/// simplification, so that the operand has one scale like every other calibrated activation. The codes are
/// binary whatever the sign of the samples (XNOR-Net places batch norm before the sign, so its inputs are centred).
/// </summary>
public sealed class XnorActivationQuantizer : IActivationQuantizer
{
    public XnorActivationQuantizer(double beta)
    {
        if (!(beta >= 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be a non-negative finite number");
        Alpha = beta;
    }

    public int Bits => 1;

    /// <summary>beta, the mean |x| of the calibration samples.</summary>
    public double Alpha { get; }

    /// <summary>beta = mean|x| over <paramref name="samples"/> (float64 accumulation).</summary>
    public static XnorActivationQuantizer Calibrate(Tensor samples)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(samples, nameof(samples));
        return new XnorActivationQuantizer(x.abs().to_type(ScalarType.Float64).mean().item<double>());
    }

    public QuantizedTensor Quantize(Tensor input)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(input, nameof(input));
        return QuantCommon.Build(scope, QuantCommon.SignCodes(x), QuantCommon.Scalar(Alpha), QuantCommon.Scalar(0), NumberFormat.Binary, Alpha);
    }
}

/// <summary>
/// Ternary weight networks, TWN (Li and Liu, arXiv 1605.04711, 2016, eq. 9-10): threshold Delta = 0.7 E|W|; codes
/// sign(W) where |W| &gt; Delta, else 0 (Ternary: -1/0/+1); scale = mean of |W| over |W| &gt; Delta; per tensor;
/// 2 bits only.
/// </summary>
public sealed class TernaryWeightQuantizer : IWeightQuantizer
{
    /// <summary>TWN's threshold factor: Delta = 0.7 E|W| (Li and Liu 2016, eq. 10, for roughly uniform or normal weights).</summary>
    public const double ThresholdFactor = 0.7;

    public TernaryWeightQuantizer(int bits)
    {
        if (bits != 2)
            throw new InputException($"TWN weights are ternary: weight bits must be 2, got {bits}", QuantCommon.WeightBitsField);
    }

    public int Bits => 2;

    public QuantizedTensor Quantize(Tensor weight)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var w = QuantCommon.AsFloat32(weight, nameof(weight));
        var abs = w.abs().to_type(ScalarType.Float64);
        var delta = ThresholdFactor * abs.mean().item<double>();
        var kept = abs > delta;
        var count = kept.sum().item<long>();
        // Only an all-zero tensor keeps nothing (max|W| >= E|W| > 0.7 E|W| otherwise); its codes are all 0, any scale will do.
        var scale = count > 0 ? abs.masked_select(kept).mean().item<double>() : 1.0;
        var codes = QuantCommon.SignCodes(w) * kept.to_type(ScalarType.Int64);
        return QuantCommon.Build(scope, codes, QuantCommon.Scalar(scale), QuantCommon.Scalar(0), NumberFormat.Ternary, scale);
    }
}
