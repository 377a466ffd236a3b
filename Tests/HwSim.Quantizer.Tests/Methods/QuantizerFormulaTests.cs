using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Torch;
using HwSim.Workloads.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Methods;

/// <summary>
/// Each quantizer's forward formula on small tensors with the expected numbers worked by hand. Inputs avoid exact
/// .5 ties before rounding (torch rounds half to even). Integer codes are compared exactly; float values to 1e-6.
/// </summary>
public sealed class QuantizerFormulaTests
{
    private const double Tol = 1e-6;

    [OneTimeSetUp]
    public void Load() => TorchRuntime.EnsureLoaded();

    private static Tensor T(params float[] values) => tensor(values);

    private static long[] Codes(QuantizedTensor q) => q.Codes.data<long>().ToArray();

    private static double[] Values(QuantizedTensor q) => q.Values.data<float>().ToArray().Select(v => (double)v).ToArray();

    private static double ScalarOf(Tensor t) => t.item<float>();

    [Test]
    public void Pact_unsigned_2_bits_alpha_1()
    {
        // levels 2^2 - 1 = 3; y = clip(x, 0, 1) = [0, .2, .45, .6, .9, 1]; 3y = [0, .6, 1.35, 1.8, 2.7, 3] -> [0, 1, 1, 2, 3, 3].
        using var scope = NewDisposeScope();
        using var q = new PactActivationQuantizer(2, 1.0, signed: false).Quantize(T(-0.5f, 0.2f, 0.45f, 0.6f, 0.9f, 1.7f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 0, 1, 1, 2, 3, 3 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1, 1 }).Within(Tol));
        Assert.That(ScalarOf(q.Scale), Is.EqualTo(1 / 3.0).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.UInt(2)));
        Assert.That(q.Alpha, Is.EqualTo(1.0));
    }

    [Test]
    public void Pact_unsigned_3_bits_alpha_2()
    {
        // levels 7, step 2/7; y = [0, .3, 1.1, 1.5, 2]; 7y/2 = [0, 1.05, 3.85, 5.25, 7] -> [0, 1, 4, 5, 7].
        using var scope = NewDisposeScope();
        using var q = new PactActivationQuantizer(3, 2.0, signed: false).Quantize(T(-1f, 0.3f, 1.1f, 1.5f, 2.5f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 0, 1, 4, 5, 7 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 0, 2 / 7.0, 8 / 7.0, 10 / 7.0, 2 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.UInt(3)));
    }

    [Test]
    public void Pact_signed_3_bits_is_symmetric_with_three_positive_levels()
    {
        // 2^(3-1) - 1 = 3 levels a side; clip(x, -1, 1) * 3 = [-3, -1.8, -.3, .6, 2.1, 3] -> [-3, -2, 0, 1, 2, 3].
        using var scope = NewDisposeScope();
        using var q = new PactActivationQuantizer(3, 1.0, signed: true).Quantize(T(-1.4f, -0.6f, -0.1f, 0.2f, 0.7f, 1.2f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { -3, -2, 0, 1, 2, 3 }));
        Assert.That(Values(q), Is.EqualTo(new[] { -1, -2 / 3.0, 0, 1 / 3.0, 2 / 3.0, 1 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Int(3)));
    }

    [Test]
    public void Pact_signed_1_bit_is_a_binary_sign_scaled_by_alpha()
    {
        using var scope = NewDisposeScope();
        using var q = new PactActivationQuantizer(1, 0.5, signed: true).Quantize(T(-0.3f, 0f, 0.4f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { -1, 1, 1 }), "sign(0) = +1");
        Assert.That(Values(q), Is.EqualTo(new[] { -0.5, 0.5, 0.5 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Binary));
    }

    [Test]
    public void Pact_calibration_picks_the_grid_alpha_with_the_least_squared_error()
    {
        // An independent float64 search over the same grid (max * i / 100, i = 1..100) on a skewed sample.
        using var scope = NewDisposeScope();
        manual_seed(7);
        var samples = randn(4000).exp(); // log-normal, a long right tail, all positive
        var xs = samples.data<float>().ToArray();
        var q = PactActivationQuantizer.Calibrate(3, samples);
        Assert.That(q.Signed, Is.False);
        var max = xs.Max();
        double Mse(double alpha) => xs.Average(x =>
        {
            var code = Math.Round(Math.Clamp(x, 0, alpha) * 7 / alpha, MidpointRounding.ToEven);
            return Math.Pow(code * alpha / 7 - x, 2);
        });
        var errors = Enumerable.Range(1, 100).Select(i => (Alpha: (double)(max * i / 100), Error: Mse(max * i / 100))).ToList();
        var best = errors.MinBy(e => e.Error);
        Assert.That(Mse(q.Alpha), Is.EqualTo(best.Error).Within(best.Error * 1e-3), "the chosen alpha's error is the grid's least");
        Assert.That(q.Alpha, Is.LessThan(max), "a long tail is clipped");
    }

    [Test]
    public void Pact_calibration_on_signed_samples_is_symmetric_and_subsamples_deterministically()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        var samples = randn(3, PactActivationQuantizer.MaxCalibrationSamples / 2); // 1.5 times the subsample's size
        var a = PactActivationQuantizer.Calibrate(4, samples);
        var b = PactActivationQuantizer.Calibrate(4, samples);
        Assert.That(a.Signed, Is.True);
        Assert.That(a.Format, Is.EqualTo(NumberFormat.Int(4)));
        Assert.That(a.Alpha, Is.EqualTo(b.Alpha), "seeded subsample: same samples, same alpha");
        // For a standard normal at 4 bits (7 levels a side) the MSE-optimal clip is around 2.5 to 3 sigma.
        Assert.That(a.Alpha, Is.InRange(2.0, 3.5));
    }

    [Test]
    public void DoReFa_weights_2_and_3_bits()
    {
        // tanh(w) for w = [-1, -.2, .05, .3, 2] = [-.76159, -.19738, .04996, .29131, .96403]; f = tanh/(2 * .96403) + .5
        // = [.10499, .39763, .52591, .65109, 1]. k = 2: 3f = [.315, 1.193, 1.578, 1.953, 3] -> r = [0, 1, 2, 2, 3],
        // codes r - 2, w_q = 2r/3 - 1. k = 3: 7f = [.735, 2.783, 3.681, 4.558, 7] -> r = [1, 3, 4, 5, 7], codes r - 4.
        using var scope = NewDisposeScope();
        var w = T(-1f, -0.2f, 0.05f, 0.3f, 2f);
        using var q2 = new DoReFaWeightQuantizer(2).Quantize(w);
        Assert.That(Codes(q2), Is.EqualTo(new long[] { -2, -1, 0, 0, 1 }));
        Assert.That(Values(q2), Is.EqualTo(new[] { -1, -1 / 3.0, 1 / 3.0, 1 / 3.0, 1 }).Within(Tol));
        Assert.That(ScalarOf(q2.ZeroPoint), Is.EqualTo(-0.5));
        Assert.That(ScalarOf(q2.Scale), Is.EqualTo(2 / 3.0).Within(Tol));
        Assert.That(q2.Format, Is.EqualTo(NumberFormat.Int(2)));
        Assert.That(q2.Alpha, Is.EqualTo(1.0));
        using var q3 = new DoReFaWeightQuantizer(3).Quantize(w);
        Assert.That(Codes(q3), Is.EqualTo(new long[] { -3, -1, 0, 1, 3 }));
        Assert.That(Values(q3), Is.EqualTo(new[] { -5 / 7.0, -1 / 7.0, 1 / 7.0, 3 / 7.0, 1 }).Within(Tol));

        // Post-training (restoreScale): the same codes, levels times max|tanh w| = tanh(2) = .96403, alpha = .96403.
        using var r2 = new DoReFaWeightQuantizer(2, restoreScale: true).Quantize(w);
        Assert.That(Codes(r2), Is.EqualTo(Codes(q2)));
        Assert.That(Values(r2), Is.EqualTo(new[] { -1, -1 / 3.0, 1 / 3.0, 1 / 3.0, 1 }.Select(v => v * Math.Tanh(2)).ToArray()).Within(Tol));
        Assert.That(r2.Alpha, Is.EqualTo(Math.Tanh(2)).Within(1e-7));
    }

    [Test]
    public void DoReFa_weights_1_bit_are_sign_times_mean_absolute_value()
    {
        // E|w| = (.5 + 0 + .25 + 1.25)/4 = .5
        using var scope = NewDisposeScope();
        using var q = new DoReFaWeightQuantizer(1).Quantize(T(-0.5f, 0f, 0.25f, 1.25f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { -1, 1, 1, 1 }));
        Assert.That(Values(q), Is.EqualTo(new[] { -0.5, 0.5, 0.5, 0.5 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Binary));
        Assert.That(q.Alpha, Is.EqualTo(0.5).Within(Tol));
    }

    [Test]
    public void DoReFa_activations_clip_to_0_1_then_quantize_k()
    {
        // k = 2: clip = [0, .1, .4, .8, 1]; 3x = [0, .3, 1.2, 2.4, 3] -> [0, 0, 1, 2, 3]
        using var scope = NewDisposeScope();
        using var q = new DoReFaActivationQuantizer(2, signed: false).Quantize(T(-0.3f, 0.1f, 0.4f, 0.8f, 1.3f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 0, 0, 1, 2, 3 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 0, 0, 1 / 3.0, 2 / 3.0, 1 }).Within(Tol));
        Assert.That(q.Alpha, Is.EqualTo(1.0));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.UInt(2)));
    }

    [Test]
    public void Sawb_2_and_4_bits()
    {
        // w = [-.4, -.1, .2, .5]: E[w^2] = .46/4 = .115, sqrt = .3391165; E|w| = 1.2/4 = .3.
        // 2 bits: alpha = 3.12 * .3391165 - 2.064 * .3 = .4388435; one level a side: w/alpha = [-.911, -.228, .456, 1.139 -> 1]
        //   -> codes [-1, 0, 0, 1].
        // 4 bits: alpha = 12.68 * .3391165 - 12.80 * .3 = .4599972; 7 levels: 7 clip(w)/alpha = [-6.087, -1.522, 3.043, 7]
        //   -> codes [-6, -2, 3, 7].
        using var scope = NewDisposeScope();
        var w = T(-0.4f, -0.1f, 0.2f, 0.5f);
        using var q2 = new SawbWeightQuantizer(2).Quantize(w);
        Assert.That(q2.Alpha, Is.EqualTo(0.4388435).Within(1e-6));
        Assert.That(Codes(q2), Is.EqualTo(new long[] { -1, 0, 0, 1 }));
        Assert.That(ScalarOf(q2.Scale), Is.EqualTo(0.4388435).Within(1e-6));
        Assert.That(q2.Format, Is.EqualTo(NumberFormat.Int(2)));
        using var q4 = new SawbWeightQuantizer(4).Quantize(w);
        Assert.That(q4.Alpha, Is.EqualTo(0.4599972).Within(1e-6));
        Assert.That(Codes(q4), Is.EqualTo(new long[] { -6, -2, 3, 7 }));
        Assert.That(Values(q4), Is.EqualTo(new[] { -6, -2, 3, 7 }.Select(c => c * 0.4599972 / 7)).Within(1e-6));
    }

    [Test]
    public void Xnor_weights_have_one_scale_per_output_filter()
    {
        // filter 0 = [1, -2, 0]: mean|W| = 1; filter 1 = [-.5, .25, .75]: mean|W| = .5; reported alpha (1 + .5)/2.
        using var scope = NewDisposeScope();
        var data = new[] { 1f, -2f, 0f, -0.5f, 0.25f, 0.75f };
        using var conv = new XnorWeightQuantizer(1).Quantize(tensor(data).reshape(2, 1, 1, 3));
        Assert.That(Codes(conv), Is.EqualTo(new long[] { 1, -1, 1, -1, 1, 1 }));
        Assert.That(Values(conv), Is.EqualTo(new[] { 1, -1, 1, -0.5, 0.5, 0.5 }).Within(Tol));
        Assert.That(conv.Scale.shape, Is.EqualTo(new long[] { 2, 1, 1, 1 }));
        Assert.That(conv.Alpha, Is.EqualTo(0.75).Within(Tol));
        Assert.That(conv.Format, Is.EqualTo(NumberFormat.Binary));
        using var fc = new XnorWeightQuantizer(1).Quantize(tensor(data).reshape(2, 3));
        Assert.That(fc.Scale.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(Values(fc), Is.EqualTo(Values(conv)));
    }

    [Test]
    public void Xnor_activations_are_sign_times_the_calibrated_mean_absolute_value()
    {
        // beta = (1 + 2 + 3 + 0)/4 = 1.5
        using var scope = NewDisposeScope();
        var a = XnorActivationQuantizer.Calibrate(T(-1f, 2f, -3f, 0f));
        Assert.That(a.Alpha, Is.EqualTo(1.5).Within(Tol));
        using var q = a.Quantize(T(0.5f, -0.1f, 0f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 1, -1, 1 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 1.5, -1.5, 1.5 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Binary));
    }

    [Test]
    public void Ternary_weights_threshold_at_0_7_mean_absolute_value()
    {
        // E|W| = (.9 + .05 + .3 + .6 + .1 + .02)/6 = .3283333; Delta = .2298333; kept |W| = .9, .3, .6 -> scale .6.
        using var scope = NewDisposeScope();
        using var q = new TernaryWeightQuantizer(2).Quantize(T(0.9f, -0.05f, 0.3f, -0.6f, 0.1f, 0.02f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 1, 0, 1, -1, 0, 0 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 0.6, 0, 0.6, -0.6, 0, 0 }).Within(Tol));
        Assert.That(q.Alpha, Is.EqualTo(0.6).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Ternary));
    }

    [Test]
    public void Uniform_symmetric_per_channel_4_bits()
    {
        // 7 levels a side. Channel 0: max|W| = .7, scale .1, W/scale = [7, -3.3, 1]; channel 1: max 1.4, scale .2,
        // W/scale = [-7, 2.75, 1]. Reported alpha = (.7 + 1.4)/2.
        using var scope = NewDisposeScope();
        using var q = new UniformSymmetricPerChannelWeightQuantizer(4).Quantize(tensor(new[] { 0.7f, -0.33f, 0.1f, -1.4f, 0.55f, 0.2f }).reshape(2, 3));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 7, -3, 1, -7, 3, 1 }));
        Assert.That(q.Scale.data<float>().ToArray(), Is.EqualTo(new[] { 0.1f, 0.2f }).Within(Tol));
        Assert.That(q.Scale.shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 0.7, -0.3, 0.1, -1.4, 0.6, 0.2 }).Within(Tol));
        Assert.That(q.Alpha, Is.EqualTo(1.05).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Int(4)));
    }

    [Test]
    public void Uniform_symmetric_per_tensor_4_bits()
    {
        // max|W| = 1.4, scale .2; W/scale = [3.3, -1.65, .65, -7, 2.75, 1] -> [3, -2, 1, -7, 3, 1].
        using var scope = NewDisposeScope();
        using var q = new UniformSymmetricPerTensorWeightQuantizer(4).Quantize(tensor(new[] { 0.66f, -0.33f, 0.13f, -1.4f, 0.55f, 0.2f }).reshape(2, 1, 1, 3));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 3, -2, 1, -7, 3, 1 }));
        Assert.That(ScalarOf(q.Scale), Is.EqualTo(0.2).Within(Tol));
        Assert.That(q.Alpha, Is.EqualTo(1.4).Within(Tol));
    }

    [Test]
    public void Uniform_asymmetric_per_tensor_2_bits()
    {
        // range [-.3, .9] = 1.2, scale 1.2/3 = .4, zero point round(.3/.4 = .75) = 1;
        // W/scale = [-.75, 0, 1.125, 2.25] -> [-1, 0, 1, 2] + 1 = [0, 1, 2, 3]; values (code - 1) * .4.
        using var scope = NewDisposeScope();
        using var q = new UniformAsymmetricPerTensorWeightQuantizer(2).Quantize(T(-0.3f, 0f, 0.45f, 0.9f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 0, 1, 2, 3 }));
        Assert.That(ScalarOf(q.ZeroPoint), Is.EqualTo(1));
        Assert.That(Values(q), Is.EqualTo(new[] { -0.4, 0, 0.4, 0.8 }).Within(Tol));
        Assert.That(q.Alpha, Is.EqualTo(1.2).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.UInt(2)));
    }

    [Test]
    public void Uniform_asymmetric_per_channel_2_bits()
    {
        // Channel 0 as in the per-tensor case. Channel 1 = [.2, .5, .8, .6]: range [0, .8] (0 always included),
        // scale .8/3, zero point 0, W/scale = [.75, 1.875, 3, 2.25] -> [1, 2, 3, 2]. Alpha (1.2 + .8)/2 = 1.
        using var scope = NewDisposeScope();
        using var q = new UniformAsymmetricPerChannelWeightQuantizer(2).Quantize(tensor(new[] { -0.3f, 0f, 0.45f, 0.9f, 0.2f, 0.5f, 0.8f, 0.6f }).reshape(2, 4));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 0, 1, 2, 3, 1, 2, 3, 2 }));
        Assert.That(q.ZeroPoint.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 0f }));
        Assert.That(Values(q), Is.EqualTo(new[] { -0.4, 0, 0.4, 0.8, 0.8 / 3, 1.6 / 3, 0.8, 1.6 / 3 }).Within(Tol));
        Assert.That(q.Alpha, Is.EqualTo(1.0).Within(Tol));
    }

    [Test]
    public void Uniform_activations_unsigned_samples_use_the_plain_unsigned_grid()
    {
        // range [0, 1.5], 2 bits: scale .5, zero point 0; x/scale = [.4, 1.6, 3.2, -.2] -> [0, 2, 3, 0] after the clamp.
        using var scope = NewDisposeScope();
        var a = UniformActivationQuantizer.Calibrate(2, T(0f, 0.3f, 1.5f));
        using var q = a.Quantize(T(0.2f, 0.8f, 1.6f, -0.1f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { 0, 2, 3, 0 }));
        Assert.That(Values(q), Is.EqualTo(new[] { 0, 1, 1.5, 0 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.UInt(2)));
        Assert.That(a.Alpha, Is.EqualTo(1.5).Within(Tol));
    }

    [Test]
    public void Uniform_activations_signed_samples_shift_the_same_grid_into_int()
    {
        // range [-1, 2.5] = 3.5, 3 bits: scale .5, zero point round(2) = 2; x/scale = [-2.4, -.6, 1.48, 5.2]
        // -> [-2, -1, 1, 5] + 2 = [0, 1, 3, 7]; shifted by -4 into Int(3): [-4, -3, -1, 3], zero point -2.
        using var scope = NewDisposeScope();
        var a = UniformActivationQuantizer.Calibrate(3, T(-1f, 0.5f, 2.5f));
        using var q = a.Quantize(T(-1.2f, -0.3f, 0.74f, 2.6f));
        Assert.That(Codes(q), Is.EqualTo(new long[] { -4, -3, -1, 3 }));
        Assert.That(ScalarOf(q.ZeroPoint), Is.EqualTo(-2));
        Assert.That(Values(q), Is.EqualTo(new[] { -1, -0.5, 0.5, 2.5 }).Within(Tol));
        Assert.That(q.Format, Is.EqualTo(NumberFormat.Int(3)));
        Assert.That(q.Alpha, Is.EqualTo(3.5).Within(Tol));
    }
}
