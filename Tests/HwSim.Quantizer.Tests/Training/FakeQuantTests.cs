using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Pipeline;
using HwSim.Quantizer.Torch;
using HwSim.Quantizer.Training;
using HwSim.Workloads.Shapes;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Training;

/// <summary>The training quantizers: the clips clip (TorchSharp 0.107.0's hardtanh does not, so clamp is used), the straight-through gradients are the documented ones, and the networks' shapes are the workloads.</summary>
public sealed class FakeQuantTests
{
    [OneTimeSetUp]
    public void Load()
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
    }

    [Test]
    public void The_clips_used_in_training_clip()
    {
        using var scope = NewDisposeScope();
        var x = linspace(-5, 5, 101);
        // PACT: 0 <= y <= alpha.
        using var pact = new PactActivation(2, 1.5);
        var y = pact.forward(x);
        Assert.That((y.min().item<float>(), y.max().item<float>()), Is.EqualTo((0f, 1.5f)));
        // The image quantizer: fixed [-0.5, 0.5]; the clipped sign: +/-1.
        using var image = new InputFakeQuant(new LayerPlan.Quantized(QuantMethod.Pact, 4, 4), image: true, realIsIdentity: false);
        var i = image.forward(x);
        Assert.That((i.min().item<float>(), i.max().item<float>()), Is.EqualTo((-0.5f, 0.5f)));
        var s = WeightFakeQuant.ClippedSign(x);
        Assert.That(s.abs().eq(1).all().item<bool>());
        // SAWB: the weights end inside +/-alpha.
        var w = randn(8, 4, 3, 3);
        var (c1, c2) = SawbWeightQuantizer.Coefficients(2);
        var alpha = c1 * Math.Sqrt(w.square().mean().item<float>()) - c2 * w.abs().mean().item<float>();
        Assert.That(WeightFakeQuant.Sawb(w, 2).abs().max().item<float>(), Is.LessThanOrEqualTo((float)alpha * 1.000001f));
        // The uniform int8 input: inside its tracked range.
        using var uniform = new InputFakeQuant(new LayerPlan.Quantized(QuantMethod.Uniform, 8, 8), image: false, realIsIdentity: true);
        uniform.Calibrate(linspace(-1, 2, 10));
        uniform.eval();
        var u = uniform.forward(x);
        Assert.That(u.min().item<float>(), Is.GreaterThanOrEqualTo(-1f - 1e-5f));
        Assert.That(u.max().item<float>(), Is.LessThanOrEqualTo(2f + 1e-5f));
    }

    [Test]
    public void The_clipped_sign_passes_gradients_only_inside_plus_minus_one()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { -2f, -1f, -0.5f, 0f, 0.5f, 1f, 2f }).requires_grad_();
        var y = WeightFakeQuant.ClippedSign(x);
        Assert.That(y.data<float>().ToArray(), Is.EqualTo(new[] { -1f, -1f, -1f, 1f, 1f, 1f, 1f }));
        y.sum().backward();
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1f, 1f, 1f, 1f, 1f, 0f }));
    }

    [Test]
    public void XNOR_weights_are_the_sign_times_each_filters_mean_magnitude()
    {
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 1f, -3f, 0f, 2f, 0.5f, -0.5f }).reshape(2, 3);
        var q = WeightFakeQuant.Xnor(w);
        Assert.That(q.data<float>().ToArray(), Is.EqualTo(new[] { 4f / 3, -4f / 3, 4f / 3, 1f, 1f, -1f }).Within(1e-6f));
        // The same values as the post-training XNOR-Net quantizer that measures the workload.
        using var ptq = new XnorWeightQuantizer(1).Quantize(w);
        Assert.That((q - ptq.Values).abs().max().item<float>(), Is.LessThan(1e-6f));
    }

    [Test]
    public void Ternary_and_uniform_weights_match_the_post_training_quantizers()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var w = randn(16, 8, 3, 3) * 0.1;
        using var twn = new TernaryWeightQuantizer(2).Quantize(w);
        Assert.That((WeightFakeQuant.Ternary(w) - twn.Values).abs().max().item<float>(), Is.LessThan(1e-6f));
        using var int8 = new UniformSymmetricPerChannelWeightQuantizer(8).Quantize(w);
        Assert.That((WeightFakeQuant.UniformPerChannel(w, 8) - int8.Values).abs().max().item<float>(), Is.LessThan(1e-6f));
        using var sawb = new SawbWeightQuantizer(2).Quantize(w);
        Assert.That((WeightFakeQuant.Sawb(w, 2) - sawb.Values).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void The_networks_layer_shapes_are_their_workloads_at_any_width()
    {
        using var vgg = TrainableNetworks.Create("compact-vgg", 2, null);
        Assert.That(vgg.Layers.Select(l => (l.Name, l.Shape.Channels, l.Shape.Filters, l.Shape.Height)),
            Is.EqualTo(new[] { ("conv1", 1, 16, 28), ("conv2", 16, 16, 28), ("conv3", 16, 32, 14), ("conv4", 32, 32, 14), ("fc", 1568, 10, 1) }));
        // MACs at k = 2: 28*28*16*9 + 28*28*16*16*9 + 14*14*32*16*9 + 14*14*32*32*9 + 1568*10.
        Assert.That(vgg.Layers.Sum(l => l.Shape.Macs), Is.EqualTo(112896L + 1806336 + 903168 + 1806336 + 15680));
        using var resnet = TrainableNetworks.Create("resnet20", 1, null);
        Assert.That(resnet.Layers, Has.Count.EqualTo(22), "stem, 18 block convolutions, 2 projection shortcuts, fc");
        Assert.That(resnet.Layers.Count(l => l.IsDownsample), Is.EqualTo(2));
        Assert.That(resnet.Layers[^1].Shape, Is.EqualTo(LayerShape.FullyConnected(64, 10, 1)));
        Assert.That(resnet.Layers.Single(l => l.Name == "layer3.0.conv1").Shape.Height, Is.EqualTo(14), "28 -> 14 -> 7: stage 3 reads 14x14 with stride 2");
    }
}
