using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Methods;

/// <summary>SAWB's alpha against an independent float64 computation, and the factory's methods and bit-width rules.</summary>
public sealed class SawbAndFactoryTests
{
    [OneTimeSetUp]
    public void Load() => TorchRuntime.EnsureLoaded();

    [TestCase(2, 3.12, 2.064)]
    [TestCase(3, 7.509, 6.892)]
    [TestCase(4, 12.68, 12.80)]
    [TestCase(5, 17.74, 18.64)]
    [TestCase(8, 31.76, 35.04)]
    public void Sawb_alpha_is_c1_sqrt_mean_square_minus_c2_mean_abs(int bits, double c1, double c2)
    {
        // Coefficients re-typed from fms-model-optimizer's sawb_utils.py (via quantizers.md), not read from the class.
        using var scope = NewDisposeScope();
        using var generator = new Generator(42);
        foreach (var shape in new[] { new long[] { 16, 8, 3, 3 }, new long[] { 10, 64 }, new long[] { 32, 1, 3, 3 } })
        {
            var w = randn(shape, generator: generator) * 0.05 + 0.01;
            var xs = w.data<float>().ToArray();
            double sumSquares = 0, sumAbs = 0;
            foreach (var x in xs)
            {
                sumSquares += (double)x * x;
                sumAbs += Math.Abs((double)x);
            }
            var expected = c1 * Math.Sqrt(sumSquares / xs.Length) - c2 * (sumAbs / xs.Length);
            using var q = QuantizerFactory.Weights(QuantMethod.Sawb, bits).Quantize(w);
            Assert.That(q.Alpha, Is.EqualTo(expected).Within(Math.Abs(expected) * 1e-12), $"shape [{string.Join(", ", shape)}]");
            Assert.That(q.Format, Is.EqualTo(NumberFormat.Int(bits)));
            var step = expected / ((1 << (bits - 1)) - 1);
            Assert.That(q.Scale.item<float>(), Is.EqualTo(step).Within(Math.Abs(step) * 1e-6), "scale = alpha/(2^(k-1) - 1), as float32");
        }
    }

    [Test]
    public void Sawb_falls_back_to_max_abs_when_the_formula_gives_no_positive_clip()
    {
        // All |w| = .5: sqrt(E[w^2]) = E|w| = .5, so at 4 bits alpha = (12.68 - 12.80) * .5 < 0; the clip becomes max|w|.
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 0.5f, -0.5f, 0.5f, -0.5f });
        var sawb = new SawbWeightQuantizer(4);
        Assert.That(sawb.SawbAlpha(w), Is.EqualTo(-0.06).Within(1e-12));
        using var q = sawb.Quantize(w);
        Assert.That(q.Alpha, Is.EqualTo(0.5));
        Assert.That(q.Codes.data<long>().ToArray(), Is.EqualTo(new long[] { 7, -7, 7, -7 }));
    }

    [TestCase(1)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(16)]
    public void Sawb_widths_without_coefficients_are_input_errors(int bits)
    {
        var e = Assert.Throws<InputException>(() => QuantizerFactory.Weights(QuantMethod.Sawb, bits));
        Assert.That(e!.Field, Is.EqualTo("weight bits"));
        Assert.That(e.Rule, Is.EqualTo($"SAWB has coefficients for 2, 3, 4, 5 and 8 bits, got {bits}"));
    }

    [TestCase(QuantMethod.Pact, 0)]
    [TestCase(QuantMethod.Pact, 17)]
    [TestCase(QuantMethod.DoReFa, 0)]
    [TestCase(QuantMethod.DoReFa, 17)]
    [TestCase(QuantMethod.Xnor, 2)]
    [TestCase(QuantMethod.Xnor, 0)]
    [TestCase(QuantMethod.Ternary, 1)]
    [TestCase(QuantMethod.Ternary, 3)]
    [TestCase(QuantMethod.Uniform, 1)]
    [TestCase(QuantMethod.Uniform, 17)]
    public void Unsupported_weight_widths_are_input_errors_on_wbits(QuantMethod method, int bits)
    {
        var e = Assert.Throws<InputException>(() => QuantizerFactory.Weights(method, bits));
        Assert.That(e!.Field, Is.EqualTo("weight bits"));
        Assert.That(e.Rule, Does.Contain(bits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase(QuantMethod.Pact, 0)]
    [TestCase(QuantMethod.Pact, 17)]
    [TestCase(QuantMethod.DoReFa, 0)]
    [TestCase(QuantMethod.Sawb, 17)]
    [TestCase(QuantMethod.Xnor, 0)]
    [TestCase(QuantMethod.Ternary, -1)]
    [TestCase(QuantMethod.Uniform, 1)]
    [TestCase(QuantMethod.Uniform, 17)]
    public void Unsupported_activation_widths_are_input_errors_on_abits(QuantMethod method, int bits)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<InputException>(() => QuantizerFactory.CalibrateActivations(method, bits, rand(10)));
        Assert.That(e!.Field, Is.EqualTo("activation bits"));
    }

    [TestCase(QuantMethod.Pact, 4, typeof(DoReFaWeightQuantizer), typeof(PactActivationQuantizer))]
    [TestCase(QuantMethod.DoReFa, 4, typeof(DoReFaWeightQuantizer), typeof(DoReFaActivationQuantizer))]
    [TestCase(QuantMethod.Sawb, 4, typeof(SawbWeightQuantizer), typeof(PactActivationQuantizer))]
    [TestCase(QuantMethod.Ternary, 2, typeof(TernaryWeightQuantizer), typeof(PactActivationQuantizer))]
    [TestCase(QuantMethod.Uniform, 8, typeof(UniformSymmetricPerChannelWeightQuantizer), typeof(UniformActivationQuantizer))]
    public void Methods_pair_the_documented_quantizers(QuantMethod method, int bits, Type weights, Type activations)
    {
        using var scope = NewDisposeScope();
        Assert.That(QuantizerFactory.Weights(method, bits), Is.TypeOf(weights));
        Assert.That(QuantizerFactory.CalibrateActivations(method, bits, rand(100)), Is.TypeOf(activations));
    }

    [Test]
    public void Xnor_uses_sign_activations_at_1_bit_and_pact_above()
    {
        using var scope = NewDisposeScope();
        Assert.That(QuantizerFactory.Weights(QuantMethod.Xnor, 1), Is.TypeOf<XnorWeightQuantizer>());
        Assert.That(QuantizerFactory.CalibrateActivations(QuantMethod.Xnor, 1, randn(100)), Is.TypeOf<XnorActivationQuantizer>());
        Assert.That(QuantizerFactory.CalibrateActivations(QuantMethod.Xnor, 2, randn(100)), Is.TypeOf<PactActivationQuantizer>());
    }

    [TestCase(QuantMethod.Pact)]
    [TestCase(QuantMethod.DoReFa)]
    [TestCase(QuantMethod.Sawb)]
    [TestCase(QuantMethod.Ternary)]
    [TestCase(QuantMethod.Uniform)]
    public void Negative_samples_give_signed_codes_and_non_negative_samples_unsigned(QuantMethod method)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var signed = QuantizerFactory.CalibrateActivations(method, 4, randn(1000));
        var unsigned = QuantizerFactory.CalibrateActivations(method, 4, randn(1000).relu());
        using var qs = signed.Quantize(randn(50));
        using var qu = unsigned.Quantize(randn(50).relu());
        Assert.That(qs.Format, Is.EqualTo(NumberFormat.Int(4)));
        Assert.That(qu.Format, Is.EqualTo(NumberFormat.UInt(4)));
    }

    [Test]
    public void Bad_sample_tensors_are_argument_errors()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => QuantizerFactory.CalibrateActivations(QuantMethod.Pact, 4, zeros(0)));
        Assert.Throws<ArgumentException>(() => QuantizerFactory.CalibrateActivations(QuantMethod.Pact, 4, ones(3, ScalarType.Int64)));
    }
}
