using HwSim.Quantizer.Torch;
using HwSim.Workloads.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// Uniform integer weights, the four textbook variants (Jacob et al., "Quantization and Training of Neural Networks
/// for Efficient Integer-Arithmetic-Only Inference", CVPR 2018; Krishnamoorthi, arXiv 1806.08342, section 2):
/// <list type="bullet">
/// <item>symmetric: scale = max|W|/(2^(b-1) - 1), codes round(W/scale) in [-(2^(b-1) - 1), 2^(b-1) - 1], Int(b), zero point 0;
/// reported alpha max|W|;</item>
/// <item>asymmetric: range [min(0, min W), max(0, max W)], scale = range/(2^b - 1), integer zero point
/// round(-min/scale), codes clamp(round(W/scale) + zp, 0, 2^b - 1), UInt(b); reported alpha max - min;</item>
/// </list>
/// each per tensor (scalar scale) or per output channel (scale [K, 1, ...]; reported alpha the mean over channels).
/// A channel (or tensor) of zeros gets scale 1 (its codes are the zero point whatever the scale).
/// </summary>
public abstract class UniformWeightQuantizer : IWeightQuantizer
{
    private protected UniformWeightQuantizer(int bits, bool symmetric, bool perChannel)
    {
        QuantCommon.CheckBits(bits, 2, QuantCommon.WeightBitsField, "uniform weights");
        Bits = bits;
        Symmetric = symmetric;
        PerChannel = perChannel;
    }

    public int Bits { get; }

    /// <summary>True: zero point 0, Int(b) codes; false: integer zero point, UInt(b) codes.</summary>
    public bool Symmetric { get; }

    /// <summary>True: one scale per output channel (dimension 0); false: one per tensor.</summary>
    public bool PerChannel { get; }

    public QuantizedTensor Quantize(Tensor weight)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var w = QuantCommon.AsFloat32(weight, nameof(weight));
        // Ranges: per channel as [K, 1, ...] tensors, per tensor as scalars.
        Tensor Reduce(Tensor t, bool max) => PerChannel
            ? (max ? QuantCommon.PerChannelRows(t).amax([1L]) : QuantCommon.PerChannelRows(t).amin([1L])).reshape(QuantCommon.ChannelShape(t))
            : (max ? t.max() : t.min());
        if (Symmetric)
        {
            double levels = QuantCommon.SymmetricMax(Bits);
            var maxAbs = Reduce(w.abs(), max: true);
            var scale = torch.where(maxAbs > 0, maxAbs / levels, torch.ones_like(maxAbs));
            var codes = (w / scale).round().clamp(-levels, levels);
            return QuantCommon.Build(scope, codes, scale, QuantCommon.Scalar(0), NumberFormat.Int(Bits), maxAbs.to_type(ScalarType.Float64).mean().item<double>());
        }
        else
        {
            double levels = QuantCommon.UnsignedMax(Bits);
            var low = Reduce(w, max: false).clamp(max: 0.0);
            var high = Reduce(w, max: true).clamp(min: 0.0);
            var range = high - low;
            var scale = torch.where(range > 0, range / levels, torch.ones_like(range));
            // The zero point is an integer so that 0.0 is represented exactly (Jacob et al. section 2.1).
            var zeroPoint = (-low / scale).round().clamp(0, levels);
            var codes = ((w / scale).round() + zeroPoint).clamp(0, levels);
            return QuantCommon.Build(scope, codes, scale, zeroPoint, NumberFormat.UInt(Bits), range.to_type(ScalarType.Float64).mean().item<double>());
        }
    }
}

/// <summary>Symmetric per-output-channel uniform weights: the int8 baseline's weights and <see cref="QuantMethod.Uniform"/>'s.</summary>
public sealed class UniformSymmetricPerChannelWeightQuantizer(int bits) : UniformWeightQuantizer(bits, symmetric: true, perChannel: true);

/// <summary>Symmetric per-tensor uniform weights (one scale max|W|/(2^(b-1) - 1)).</summary>
public sealed class UniformSymmetricPerTensorWeightQuantizer(int bits) : UniformWeightQuantizer(bits, symmetric: true, perChannel: false);

/// <summary>Asymmetric per-output-channel uniform weights (UInt(b) codes, integer zero point per channel).</summary>
public sealed class UniformAsymmetricPerChannelWeightQuantizer(int bits) : UniformWeightQuantizer(bits, symmetric: false, perChannel: true);

/// <summary>Asymmetric per-tensor uniform weights (UInt(b) codes, one integer zero point).</summary>
public sealed class UniformAsymmetricPerTensorWeightQuantizer(int bits) : UniformWeightQuantizer(bits, symmetric: false, perChannel: false);

/// <summary>
/// Uniform asymmetric per-tensor activations (Jacob et al., CVPR 2018, section 2.1): range [min(0, min x), max(0, max x)]
/// from the calibration samples, scale = range/(2^b - 1), integer zero point round(-min/scale), codes
/// clamp(round(x/scale) + zp, 0, 2^b - 1), UInt(b); for non-negative samples this is the plain unsigned quantiser.
/// Reported alpha = max - min of the range.
/// </summary>
/// <remarks>
/// When the samples have negative values the factory's contract asks for signed codes: the same grid is then
/// shifted by 2^(b-1) into Int(b) (codes and zero point both), the int8 asymmetric scheme of TensorFlow Lite
/// (zero point in [-128, 127]); the values are identical.
/// </remarks>
public sealed class UniformActivationQuantizer : IActivationQuantizer
{
    /// <summary>A quantizer on the range [<paramref name="min"/>, <paramref name="max"/>] (widened to include 0).</summary>
    public UniformActivationQuantizer(int bits, double min, double max)
    {
        QuantCommon.CheckBits(bits, 2, QuantCommon.ActivationBitsField, "uniform activations");
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
            throw new ArgumentException($"the activation range must be finite with min <= max, got [{min}, {max}]");
        Bits = bits;
        Min = Math.Min(0.0, min);
        Max = Math.Max(0.0, max);
        double levels = QuantCommon.UnsignedMax(bits);
        var range = Max - Min;
        // Scale and zero point as float32, the precision they are applied in.
        Scale = (float)(range > 0 ? range / levels : 1.0);
        ZeroPoint = Math.Clamp(Math.Round(-Min / Scale, MidpointRounding.ToEven), 0, levels);
        Signed = Min < 0;
        Format = Signed ? NumberFormat.Int(bits) : NumberFormat.UInt(bits);
    }

    public int Bits { get; }

    /// <summary>Lower end of the range, min(0, min x).</summary>
    public double Min { get; }

    /// <summary>Upper end of the range, max(0, max x).</summary>
    public double Max { get; }

    /// <summary>range/(2^b - 1) (as float32).</summary>
    public float Scale { get; }

    /// <summary>The unsigned zero point round(-min/scale), before any shift into Int(b).</summary>
    public double ZeroPoint { get; }

    /// <summary>True when the range has negative values: codes are reported in Int(b).</summary>
    public bool Signed { get; }

    public NumberFormat Format { get; }

    /// <summary>max - min.</summary>
    public double Alpha => Max - Min;

    /// <summary>The range of <paramref name="samples"/>; signed when any is negative.</summary>
    public static UniformActivationQuantizer Calibrate(int bits, Tensor samples)
    {
        QuantCommon.CheckBits(bits, 2, QuantCommon.ActivationBitsField, "uniform activations");
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(samples, nameof(samples));
        return new UniformActivationQuantizer(bits, x.min().item<float>(), x.max().item<float>());
    }

    public QuantizedTensor Quantize(Tensor input)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = QuantCommon.AsFloat32(input, nameof(input));
        double levels = QuantCommon.UnsignedMax(Bits);
        var codes = ((x / Scale).round() + ZeroPoint).clamp(0, levels);
        double shift = Signed ? 1L << (Bits - 1) : 0;
        return QuantCommon.Build(scope, codes - shift, QuantCommon.Scalar(Scale), QuantCommon.Scalar(ZeroPoint - shift), Format, Alpha);
    }
}
