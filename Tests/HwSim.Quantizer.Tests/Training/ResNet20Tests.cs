using HwSim.Quantizer.Data;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Pipeline;
using HwSim.Quantizer.Torch;
using HwSim.Quantizer.Training;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using NUnit.Framework;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Training;

/// <summary>
/// ResNet-20 is ~20 times compact-vgg's MACs, too slow for a full epoch in a unit test: its training steps are checked
/// to learn (five passes over 50 real images), quantised variants to run, and the hooked forward pass (what the
/// workload measures) to be the network's own.
/// </summary>
public sealed class ResNet20Tests
{
    [OneTimeSetUp]
    public void Load()
    {
        TorchRuntime.EnsureLoaded();
        set_num_threads(1);
    }

    [TestCase(null, 32, 32)]
    [TestCase(QuantMethod.Pact, 4, 2)]
    [TestCase(QuantMethod.Xnor, 1, 1)]
    public void ResNet20_training_steps_lower_the_loss_on_real_images(QuantMethod? method, int wbits, int abits)
    {
        using var scope = NewDisposeScope();
        var data = ImageDataset.Load(Path.Combine(RepoPaths.Root, "data", "fashion-mnist-subset"));
        var (x, y) = data.Train.Balanced(5).Tensors([.. Enumerable.Range(0, 50)]);
        manual_seed(1);
        var options = method is { } m ? new QuantizeOptions(m, wbits, abits, FirstLastFormat.Keep(NumberFormat.Fp32)) : null;
        using var model = TrainableNetworks.Create("resnet20", 1, options);
        using var adam = Trainer.Optimizer(model);
        var first = Trainer.TrainPass(model, adam, x, y, 25, 2e-3);
        double last = first;
        for (var pass = 0; pass < 4; pass++)
            last = Trainer.TrainPass(model, adam, x, y, 25, 2e-3);
        TestContext.Out.WriteLine($"{options?.ToString() ?? "fp32"}: loss {first:0.000} -> {last:0.000}");
        Assert.That(last, Is.LessThan(0.8 * first));
    }

    [Test]
    public void The_hooked_forward_pass_is_the_networks_own()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = TrainableNetworks.Create("resnet20", 1.5, null);
        var x = rand(3, 1, 28, 28) - 0.5;
        var plain = model.Forward(x);
        var hooked = model.Forward(x, new PassThrough());
        Assert.That((plain - hooked).abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(model.Layers[1].Shape.Channels, Is.EqualTo(24), "16 x 1.5");
    }

    private sealed class PassThrough : ILayerHook
    {
        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight) => (input, weight);

        public void After(int index, ComputeLayer layer, Tensor output) { }
    }
}
