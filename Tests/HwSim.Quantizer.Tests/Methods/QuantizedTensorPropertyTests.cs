using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Torch;
using HwSim.Workloads.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Methods;

/// <summary>
/// For every method, many seeded random tensors, shapes, magnitudes and bit-widths: codes are int64 within the
/// format's range, Values == (Codes - ZeroPoint) * Scale exactly (float32, recomputed here), shapes and scale shapes
/// are as documented, and grid quantizers are within half a step of the input inside their clip range.
/// </summary>
public sealed class QuantizedTensorPropertyTests
{
    private const int Cases = 400;

    [OneTimeSetUp]
    public void Load() => TorchRuntime.EnsureLoaded();

    private static readonly long[][] WeightShapes = [[8, 4, 3, 3], [6, 1, 3, 3], [5, 7], [16, 8, 1, 1], [3, 2, 5, 5]];

    private static IEnumerable<(string Name, Func<int, IWeightQuantizer> Make, int MinBits, int MaxBits)> WeightQuantizers()
    {
        yield return ("DoReFa", b => QuantizerFactory.Weights(QuantMethod.DoReFa, b), 1, 16);
        yield return ("SAWB", b => QuantizerFactory.Weights(QuantMethod.Sawb, b), 2, 5); // 2..5 and 8: mapped below
        yield return ("XNOR", _ => QuantizerFactory.Weights(QuantMethod.Xnor, 1), 1, 1);
        yield return ("TWN", _ => QuantizerFactory.Weights(QuantMethod.Ternary, 2), 2, 2);
        yield return ("uniform sym/channel", b => new UniformSymmetricPerChannelWeightQuantizer(b), 2, 16);
        yield return ("uniform sym/tensor", b => new UniformSymmetricPerTensorWeightQuantizer(b), 2, 16);
        yield return ("uniform asym/channel", b => new UniformAsymmetricPerChannelWeightQuantizer(b), 2, 16);
        yield return ("uniform asym/tensor", b => new UniformAsymmetricPerTensorWeightQuantizer(b), 2, 16);
    }

    private static readonly QuantMethod[] Methods = Enum.GetValues<QuantMethod>();

    [Test]
    public void Weight_codes_are_in_range_and_reconstruct_the_values_exactly()
    {
        var random = new Random(1234);
        using var generator = new Generator(1234);
        var quantizers = WeightQuantizers().ToArray();
        for (var i = 0; i < Cases; i++)
        {
            using var scope = NewDisposeScope();
            var (name, make, minBits, maxBits) = quantizers[i % quantizers.Length];
            var bits = random.Next(minBits, maxBits + 1);
            if (name == "SAWB" && random.Next(4) == 0)
                bits = 8;
            var shape = WeightShapes[random.Next(WeightShapes.Length)];
            var magnitude = Math.Pow(10, random.NextDouble() * 4 - 3); // 1e-3 .. 10
            var w = randn(shape, generator: generator) * magnitude + (random.Next(3) == 0 ? magnitude * 0.3 : 0);
            if (random.Next(10) == 0)
                w[0] = zeros_like(w[0]); // an all-zero output channel
            using var q = make(bits).Quantize(w);
            var context = $"case {i}: {name} {bits} bits, shape [{string.Join(", ", shape)}]";
            CheckInvariants(q, w, context);
            var perChannel = name is "XNOR" or "uniform sym/channel" or "uniform asym/channel";
            Assert.That(q.Scale.shape, Is.EqualTo(perChannel ? ChannelShape(shape) : Array.Empty<long>()), context);
            if (name.StartsWith("uniform sym", StringComparison.Ordinal) || name == "SAWB")
                CheckHalfStep(q, w, q.Alpha, symmetric: true, context);
            if (name == "DoReFa" && bits > 1)
                CheckDoReFaFormula(q, w, bits, context);
        }
    }

    [Test]
    public void Activation_codes_are_in_range_and_reconstruct_the_values_exactly()
    {
        var random = new Random(4321);
        using var generator = new Generator(4321);
        for (var i = 0; i < Cases; i++)
        {
            using var scope = NewDisposeScope();
            var method = Methods[i % Methods.Length];
            var bits = random.Next(method == QuantMethod.Uniform ? 2 : 1, 17);
            var signed = random.Next(2) == 0;
            var magnitude = Math.Pow(10, random.NextDouble() * 4 - 2);
            Tensor Draw(long n) => signed ? randn([n], generator: generator) * magnitude : (randn([n], generator: generator) * magnitude).relu();
            var activation = QuantizerFactory.CalibrateActivations(method, bits, Draw(2000));
            var x = Draw(500).reshape(5, 10, 10);
            using var q = activation.Quantize(x);
            var context = $"case {i}: {method} {bits} bits, {(signed ? "signed" : "unsigned")}";
            CheckInvariants(q, x, context);
            Assert.That(q.Alpha, Is.EqualTo(activation.Alpha), context);
            Assert.That(q.Bits(), Is.LessThanOrEqualTo(bits), context);
            if (method is QuantMethod.Pact or QuantMethod.Sawb or QuantMethod.Ternary && bits > 1)
                CheckHalfStep(q, x, q.Alpha, signed, context);
        }
    }

    private static void CheckInvariants(QuantizedTensor q, Tensor input, string context)
    {
        Assert.That(q.Codes.dtype, Is.EqualTo(ScalarType.Int64), context);
        Assert.That(q.Values.dtype, Is.EqualTo(ScalarType.Float32), context);
        Assert.That(q.Values.shape, Is.EqualTo(input.shape), context);
        Assert.That(q.Codes.shape, Is.EqualTo(input.shape), context);
        var (low, high) = Range(q.Format);
        Assert.That(q.Codes.min().item<long>(), Is.GreaterThanOrEqualTo(low), context);
        Assert.That(q.Codes.max().item<long>(), Is.LessThanOrEqualTo(high), context);
        if (q.Format == NumberFormat.Binary)
            Assert.That(q.Codes.eq(0).any().item<bool>(), Is.False, context + ": binary codes are -1/+1");
        var recomputed = (q.Codes.to_type(ScalarType.Float32) - q.ZeroPoint) * q.Scale;
        Assert.That(recomputed.eq(q.Values).all().item<bool>(), Is.True, context + ": (codes - zp) * scale == values exactly");
        Assert.That(q.Values.isfinite().all().item<bool>(), Is.True, context);
    }

    /// <summary>Inside [-alpha, alpha] (or [0, alpha]) a round-to-nearest grid is within half a step of the input.</summary>
    private static void CheckHalfStep(QuantizedTensor q, Tensor input, double alpha, bool symmetric, string context)
    {
        var inside = (input <= alpha).logical_and(symmetric ? input >= -alpha : input >= 0);
        var error = (q.Values - input).abs().masked_select(inside);
        if (error.numel() == 0)
            return;
        var halfStep = q.Scale.max().item<float>() / 2;
        // Plus float32 rounding of the products: a few ulps of the largest magnitude.
        var slack = 1e-6 * input.abs().max().item<float>();
        Assert.That(error.max().item<float>(), Is.LessThanOrEqualTo(halfStep + slack), context);
    }

    /// <summary>
    /// w_q = 2 round((2^k - 1) f(w))/(2^k - 1) - 1, recomputed in float64 from the definition (1e-5 tolerance), times
    /// max|tanh w|: the factory serves post-training quantisation and puts the levels back in the weights' units.
    /// </summary>
    private static void CheckDoReFaFormula(QuantizedTensor q, Tensor w, int bits, string context)
    {
        var ws = w.data<float>().ToArray();
        var maxTanh = ws.Max(x => Math.Abs(Math.Tanh(x)));
        double steps = (1 << bits) - 1;
        var values = q.Values.data<float>().ToArray();
        for (var j = 0; j < ws.Length; j++)
        {
            var f = maxTanh > 0 ? Math.Tanh(ws[j]) / (2 * maxTanh) + 0.5 : 0.5;
            var scaled = f * steps;
            // Near a tie float32 (the quantizer) and float64 (here) may round differently: f carries about 2e-7 of
            // float32 error, times 2^k - 1 in the scaled value.
            if (Math.Abs(scaled - Math.Floor(scaled) - 0.5) < steps * 5e-7 + 1e-4)
                continue;
            var expected = (2 * Math.Round(scaled) / steps - 1) * (maxTanh > 0 ? maxTanh : 1);
            Assert.That(values[j], Is.EqualTo(expected).Within(1e-5), context);
        }
    }

    private static (long Low, long High) Range(NumberFormat format) => format.Kind switch
    {
        NumberKind.Binary => (-1, 1),
        NumberKind.Ternary => (-1, 1),
        NumberKind.SignedInt => (-(1L << (format.Bits - 1)), (1L << (format.Bits - 1)) - 1),
        NumberKind.UnsignedInt => (0, (1L << format.Bits) - 1),
        _ => throw new AssertionException($"not an integer format: {format}"),
    };

    private static long[] ChannelShape(long[] shape)
    {
        var result = Enumerable.Repeat(1L, shape.Length).ToArray();
        result[0] = shape[0];
        return result;
    }
}

internal static class QuantizedTensorTestExtensions
{
    /// <summary>The storage width of the codes' format.</summary>
    public static int Bits(this QuantizedTensor q) => q.Format.Bits;
}
