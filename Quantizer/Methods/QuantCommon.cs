using HwSim.Workloads;
using HwSim.Workloads.Formats;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Methods;

/// <summary>Helpers shared by the quantizers: bit-width checks, per-channel shapes, and building the result.</summary>
internal static class QuantCommon
{
    /// <summary>Widest operand the methods produce; wider is not low precision (and 2^k must stay exact in float32).</summary>
    public const int MaxBits = 16;

    public const string WeightBitsField = "weight bits";
    public const string ActivationBitsField = "activation bits";

    /// <summary>Throws an <see cref="InputException"/> on <paramref name="field"/> unless min &lt;= bits &lt;= 16.</summary>
    public static void CheckBits(int bits, int min, string field, string what)
    {
        if (bits < min || bits > MaxBits)
            throw new InputException($"{what} need {min} to {MaxBits} bits, got {bits}", field);
    }

    /// <summary>2^k - 1, the largest unsigned k-bit code (the number of steps of a k-bit unsigned grid).</summary>
    public static long UnsignedMax(int bits) => (1L << bits) - 1;

    /// <summary>2^(k-1) - 1, the largest code of a symmetric signed k-bit grid (the -2^(k-1) code is left unused).</summary>
    public static long SymmetricMax(int bits) => (1L << (bits - 1)) - 1;

    /// <summary>The format of a symmetric signed grid: binary at 1 bit (a 1-bit signed operand is +/-1), else Int(k).</summary>
    public static NumberFormat SignedFormat(int bits) => bits == 1 ? NumberFormat.Binary : NumberFormat.Int(bits);

    /// <summary>Converts to float32 (a new handle even when it is float32 already), after checking the tensor is usable.</summary>
    public static Tensor AsFloat32(Tensor input, string name)
    {
        ArgumentNullException.ThrowIfNull(input, name);
        if (!input.is_floating_point())
            throw new ArgumentException($"{name} must be a floating-point tensor, got {input.dtype}", name);
        if (input.numel() == 0)
            throw new ArgumentException($"{name} must not be empty", name);
        return input.detach().to_type(ScalarType.Float32);
    }

    /// <summary>sign(x) as int64 codes with sign(0) = +1 (XNOR-Net's and DoReFa's binary weights have no zero level).</summary>
    public static Tensor SignCodes(Tensor x) => torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x)).to_type(ScalarType.Int64);

    /// <summary>[K, 1, ..., 1]: a per-output-channel scale broadcastable to <paramref name="weight"/>'s shape.</summary>
    public static long[] ChannelShape(Tensor weight)
    {
        if (weight.dim() < 1)
            throw new ArgumentException("a weight tensor needs an output-channel dimension, got a scalar", nameof(weight));
        var shape = new long[weight.dim()];
        Array.Fill(shape, 1L);
        shape[0] = weight.shape[0];
        return shape;
    }

    /// <summary>The weight as [K, everything else], for reductions per output channel.</summary>
    public static Tensor PerChannelRows(Tensor weight) => weight.reshape(weight.shape[0], -1);

    /// <summary>A float32 scalar tensor.</summary>
    public static Tensor Scalar(double value) => torch.tensor((float)value, ScalarType.Float32);

    /// <summary>
    /// Builds the result: <c>Values = (Codes - ZeroPoint) * Scale</c> in float32, exactly as documented on
    /// <see cref="QuantizedTensor"/>, and moves the four tensors out of <paramref name="scope"/>.
    /// </summary>
    public static QuantizedTensor Build(DisposeScope scope, Tensor codes, Tensor scale, Tensor zeroPoint, NumberFormat format, double alpha)
    {
        var scale32 = scale.to_type(ScalarType.Float32);
        var zero32 = zeroPoint.to_type(ScalarType.Float32);
        var codes64 = codes.to_type(ScalarType.Int64);
        var values = (codes64.to_type(ScalarType.Float32) - zero32) * scale32;
        scope.MoveToOuter(values, codes64, scale32, zero32);
        return new QuantizedTensor(values, codes64, scale32, zero32, format, alpha);
    }
}
