using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Torch;
using HwSim.Quantizer.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Training;

/// <summary>The straight-through estimators: PACT's gradients for x and alpha, and DoReFa's identity through the round.</summary>
public sealed class StraightThroughTests
{
    [OneTimeSetUp]
    public void Load() => TorchRuntime.EnsureLoaded();

    [Test]
    public void Pact_forward_matches_the_post_training_quantizer()
    {
        using var scope = NewDisposeScope();
        manual_seed(10);
        var x = randn(500) * 2;
        using var act = new PactActivation(4, 1.7);
        using var expected = new PactActivationQuantizer(4, 1.7, signed: false).Quantize(x);
        var actual = act.forward(x);
        Assert.That((actual - expected.Values).abs().max().item<float>(), Is.LessThan(1e-6f));
    }

    [Test]
    public void Pact_gradients_are_the_straight_through_estimates()
    {
        // Loss L = sum(v * y_q(x; alpha)) with fixed random weights v. The true L is piecewise constant in alpha
        // (through the round), so its finite difference is 0 or a jump and says nothing. PACT's gradient (Choi et al.
        // 2018, eq. 3) is the straight-through one: round is treated as identity, so dL/dalpha is the derivative of
        // the un-rounded surrogate S(alpha) = sum(v * clip(x, 0, alpha)), i.e. the sum of v where x >= alpha. We compare
        // the autograd gradient with a central finite difference of S, computed here in float64 with no x within h of
        // alpha (where S has a kink); tolerance 1e-4, float32 summation of 1000 terms.
        using var scope = NewDisposeScope();
        manual_seed(11);
        const float alphaValue = 1.2f;
        var x = (randn(1000) * 1.5 + 0.5).requires_grad_();
        var alpha = tensor(new[] { alphaValue }).requires_grad_();
        var v = randn(1000);
        var loss = (PactFunction.apply(x, alpha, 3) * v).sum();
        loss.backward();

        var xs = x.detach().data<float>().ToArray();
        var vs = v.data<float>().ToArray();
        const double h = 1e-4;
        Assert.That(xs.All(xi => Math.Abs(xi - alphaValue) > 2 * h), "no sample at the kink");
        double Surrogate(double a) => xs.Zip(vs, (xi, vi) => vi * Math.Clamp(xi, 0.0, a)).Sum();
        var finiteDifference = (Surrogate(alphaValue + h) - Surrogate(alphaValue - h)) / (2 * h);
        Assert.That(alpha.grad!.item<float>(), Is.EqualTo(finiteDifference).Within(1e-4));
        Assert.That(Math.Abs(finiteDifference), Is.GreaterThan(0.1), "a case where the gradient is not trivially 0");

        // dy_q/dx = 1 for 0 <= x < alpha, else 0: the input gradient is v masked, exactly.
        var expectedGrad = xs.Zip(vs, (xi, vi) => xi >= 0 && xi < alphaValue ? vi : 0f).ToArray();
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(expectedGrad));
    }

    [Test]
    public void DoReFa_fake_quantised_weights_match_the_quantizer_and_pass_gradients_through_the_round()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var w = randn(8, 4, 3, 3) * 0.2;
        foreach (var bits in new[] { 1, 2, 4, 8 })
        {
            using var expected = new DoReFaWeightQuantizer(bits).Quantize(w);
            var actual = DoReFaFakeQuant.Weights(w, bits);
            Assert.That((actual - expected.Values).abs().max().item<float>(), Is.LessThan(1e-5f), $"{bits} bits");
        }

        // quantize_k's backward is the identity (Zhou et al. 2016, eq. 5-6).
        var r = rand(100).requires_grad_();
        var g = randn(100);
        (QuantizeKFunction.apply(r, 4) * g).sum().backward();
        Assert.That(r.grad!.data<float>().ToArray(), Is.EqualTo(g.data<float>().ToArray()));
    }
}
