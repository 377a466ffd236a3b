using System.Diagnostics;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Torch;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Models;

public sealed class TorchVisionNetworkTests
{
    [OneTimeSetUp]
    public void LoadTorch() => TorchRuntime.EnsureLoaded();

    private static IEnumerable<string> ModelNames => TorchVisionNetwork.Names;

    [TestCaseSource(nameof(ModelNames))]
    public void Traced_layers_equal_the_built_in_zoo(string name)
    {
        var watch = Stopwatch.StartNew();
        using var network = TorchVisionNetwork.Create(name);
        var traced = watch.Elapsed;
        var zoo = NetworkZoo.Get(name).Layers;

        Assert.That(network.Name, Is.EqualTo(name));
        Assert.That(network.InputShape, Is.EqualTo(new long[] { 3, 224, 224 }));
        Assert.That(network.Layers.Select(l => l.Shape), Is.EqualTo(zoo.Select(l => l.Shape)), "shapes in execution order");
        Assert.Multiple(() =>
        {
            Assert.That(network.Layers.Select(l => l.Name), Is.EqualTo(zoo.Select(l => l.Name)), "module paths are the zoo's names");
            Assert.That(network.Layers.Select(l => l.IsDownsample), Is.EqualTo(zoo.Select(l => l.IsDownsample)), "downsample marks");
            Assert.That(network.Layers.Select(l => l.HasBias), Is.EqualTo(zoo.Select(l => l.HasBias)), "bias");
            Assert.That(network.Layers.Select(l => l.HasBatchNorm), Is.EqualTo(zoo.Select(l => l.HasBatchNorm)), "batch norm");
        });

        // One timed forward at 224 for the report (the trace above was the first, warm-up pass).
        using var input = randn(1, 3, 224, 224);
        watch.Restart();
        using var output = network.Forward(input);
        TestContext.Out.WriteLine($"{name}: {network.Layers.Count} layers, build+trace {traced.TotalSeconds:F2} s, forward at 224 {watch.Elapsed.TotalSeconds:F2} s");
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 1000 }));
    }

    [Test]
    public void Names_are_case_insensitive_and_an_unknown_name_lists_the_known_ones()
    {
        using (var network = TorchVisionNetwork.Create("ResNet18"))
            Assert.That(network.Name, Is.EqualTo("resnet18"));
        var e = Assert.Throws<InputException>(() => TorchVisionNetwork.Create("resnet19"))!;
        Assert.That(e.Field, Is.EqualTo("model"));
        Assert.That(e.Message, Does.Contain("resnet19").And.Contain("resnet18, resnet34, resnet50, alexnet, vgg16, mobilenet_v2"));
    }

    [Test]
    public void The_hook_sees_every_layer_in_order_with_its_traced_shapes()
    {
        using var network = TorchVisionNetwork.Create("resnet18", seed: 3);
        var hook = new RecordingHook();
        using var input = randn(2, 3, 224, 224);
        using var output = network.Forward(input, hook);

        Assert.That(hook.Before.Select(b => b.Index), Is.EqualTo(Enumerable.Range(0, network.Layers.Count)));
        Assert.That(hook.After.Select(a => a.Index), Is.EqualTo(Enumerable.Range(0, network.Layers.Count)));
        for (var i = 0; i < network.Layers.Count; i++)
        {
            var s = network.Layers[i].Shape;
            Assert.That(hook.Before[i].Layer, Is.SameAs(network.Layers[i]));
            if (s.Kind == LayerKind.Convolution)
            {
                Assert.That(hook.Before[i].Input, Is.EqualTo(new long[] { 2, s.Channels, s.Height, s.Width }), s.ToString());
                Assert.That(hook.Before[i].Weight, Is.EqualTo(new long[] { s.Filters, s.Channels / s.Groups, s.KernelHeight, s.KernelWidth }));
                Assert.That(hook.After[i].Output, Is.EqualTo(new long[] { 2, s.Filters, s.OutputHeight, s.OutputWidth }));
            }
            else
            {
                Assert.That(hook.Before[i].Input, Is.EqualTo(new long[] { 2, s.Channels }));
                Assert.That(hook.Before[i].Weight, Is.EqualTo(new long[] { s.Filters, s.Channels }));
                Assert.That(hook.After[i].Output, Is.EqualTo(new long[] { 2, s.Filters }));
            }
        }
    }

    [Test]
    public void An_identity_hook_leaves_the_output_bit_identical()
    {
        using var network = TorchVisionNetwork.Create("mobilenet_v2", seed: 4);
        using var input = randn(2, 3, 224, 224);
        using var plain = network.Forward(input);
        using var hooked = network.Forward(input, new RecordingHook());
        Assert.That(BitIdentical(hooked, plain), Is.True);
    }

    [Test]
    public void A_replaced_weight_is_used_for_that_call_only()
    {
        using var network = TorchVisionNetwork.Create("resnet18", seed: 5);
        using var input = randn(1, 3, 224, 224);
        using var before = network.Forward(input);

        // Zero weights in the classifier leave only its bias; the parameter itself must come back intact.
        var last = network.Layers.Count - 1;
        var hook = new ZeroWeightHook(last);
        using var zeroed = network.Forward(input, hook);
        Assert.That(hook.SawZeros, Is.True, "the layer computed with the replacement");
        Assert.That(zeroed.sub(zeroed[0, 0]).abs().max().item<float>(), Is.LessThan(0.2f), "only the bias, which is small and random");
        Assert.That(zeroed.allclose(before), Is.False);

        using var after = network.Forward(input);
        Assert.That(BitIdentical(after, before), Is.True, "the original weight is restored bit for bit");
    }

    [Test]
    public void The_same_seed_gives_the_same_network_and_another_seed_another()
    {
        using var a = TorchVisionNetwork.Create("resnet18", seed: 7);
        using var b = TorchVisionNetwork.Create("resnet18", seed: 7);
        using var c = TorchVisionNetwork.Create("resnet18", seed: 8);
        using var input = randn(1, 3, 224, 224);
        using var ya = a.Forward(input);
        using var yb = b.Forward(input);
        using var yc = c.Forward(input);
        Assert.That(BitIdentical(ya, yb), Is.True);
        Assert.That(ya.allclose(yc), Is.False);
    }

    [Test]
    public void Weights_saved_with_TorchSharp_load_and_give_the_same_output()
    {
        using var dir = new TempDir();
        var path = dir.File("resnet18.dat");
        manual_seed(11);
        using (var model = torchvision.models.resnet18())
            model.save(path);

        using var loaded = TorchVisionNetwork.Create("resnet18", seed: 0, weightsFile: path);
        using var seeded = TorchVisionNetwork.Create("resnet18", seed: 11);
        using var input = randn(1, 3, 224, 224);
        using var y1 = loaded.Forward(input);
        using var y2 = seeded.Forward(input);
        Assert.That(BitIdentical(y1, y2), Is.True);
    }

    [Test]
    public void A_missing_corrupt_or_foreign_weights_file_is_an_input_error_naming_it()
    {
        using var dir = new TempDir();
        var missing = dir.File("missing.dat");
        var garbage = dir.File("garbage.dat", "this is not a state dict");
        var foreign = dir.File("alexnet.dat");
        using (var model = torchvision.models.alexnet())
            model.save(foreign);

        foreach (var path in new[] { missing, garbage, foreign })
        {
            var e = Assert.Throws<InputException>(() => TorchVisionNetwork.Create("resnet18", weightsFile: path), path)!;
            Assert.That(e.File, Is.EqualTo(path));
            Assert.That(e.Message, Does.Contain(path));
        }
    }

    [Test]
    public void An_input_of_another_size_is_an_input_error()
    {
        using var network = TorchVisionNetwork.Create("resnet18");
        using var input = randn(1, 3, 200, 200);
        var e = Assert.Throws<InputException>(() => network.Forward(input).Dispose())!;
        Assert.That(e.Field, Is.EqualTo("input_size"));
        Assert.That(e.Message, Does.Contain("[N, 3, 224, 224]"));
    }

    [Test]
    public void Another_input_size_traces_at_that_size()
    {
        using var network = TorchVisionNetwork.Create("resnet18", inputSize: 160);
        Assert.That(network.Layers[0].Shape, Is.EqualTo(LayerShape.Conv(3, 160, 160, 64, 7, 2, 3)));
        Assert.That(network.Layers[^1].Shape, Is.EqualTo(LayerShape.FullyConnected(512, 1000)));
        Assert.Throws<InputException>(() => TorchVisionNetwork.Create("alexnet", inputSize: 16));
    }

    // Tensor.equal is element-wise in TorchSharp; identical means same shape and every element equal.
    private static bool BitIdentical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            return false;
        using var same = a.eq(b);
        return same.all().item<bool>();
    }

    /// <summary>Records what it sees and changes nothing.</summary>
    private sealed class RecordingHook : ILayerHook
    {
        public List<(int Index, ComputeLayer Layer, long[] Input, long[] Weight)> Before { get; } = [];
        public List<(int Index, long[] Output)> After { get; } = [];

        (Tensor Input, Tensor Weight) ILayerHook.Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            Before.Add((index, layer, input.shape, weight.shape));
            return (input, weight);
        }

        void ILayerHook.After(int index, ComputeLayer layer, Tensor output) => After.Add((index, output.shape));
    }

    /// <summary>Replaces one layer's weight by zeros.</summary>
    private sealed class ZeroWeightHook(int target) : ILayerHook
    {
        private Tensor? _zeros;

        public bool SawZeros { get; private set; }

        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            if (index != target)
                return (input, weight);
            _zeros = zeros_like(weight);
            return (input, _zeros);
        }

        public void After(int index, ComputeLayer layer, Tensor output)
        {
            if (index != target)
                return;
            SawZeros = true;
            _zeros!.Dispose();
            _zeros = null;
        }
    }
}
