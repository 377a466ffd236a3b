using System.Diagnostics;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Onnx;
using HwSim.Workloads.Import.Onnx;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Onnx;

/// <summary>The executor on the real ResNet18.onnx (CNTK 2.6, opset 8) against ONNX Runtime and the foundation's shape importer.</summary>
[NonParallelizable]
public sealed class OnnxResNet18Tests
{
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "Data", "ResNet18.onnx");
    private static readonly long[] InputDims = [1, 3, 224, 224];

    private OnnxNetwork _network = null!;
    private InferenceSession _session = null!;

    [OneTimeSetUp]
    public void Load()
    {
        var watch = Stopwatch.StartNew();
        _network = OnnxNetwork.Load(ModelPath);
        TestContext.Progress.WriteLine($"ResNet18.onnx loaded and traced in {watch.ElapsedMilliseconds} ms");
        _session = new InferenceSession(ModelPath);
    }

    [OneTimeTearDown]
    public void Unload()
    {
        _network.Dispose();
        _session.Dispose();
    }

    private static float[] SeededImage()
    {
        manual_seed(7);
        using var x = randn(InputDims);
        return x.data<float>().ToArray();
    }

    // A smooth image: a different gradient per channel, roughly in the normalised pixel range.
    private static float[] GradientImage()
    {
        var values = new float[3 * 224 * 224];
        for (var c = 0; c < 3; c++)
            for (var h = 0; h < 224; h++)
                for (var w = 0; w < 224; w++)
                    values[(c * 224 + h) * 224 + w] = (float)(Math.Sin((h + 30 * c) / 40.0) * Math.Cos(w / 55.0) * 2.0 - 0.5 + 0.3 * c);
        return values;
    }

    private float[] RunExecutor(float[] image, ILayerHook? hook = null)
    {
        using var input = tensor(image, InputDims);
        using var output = _network.Forward(input, hook);
        return output.data<float>().ToArray();
    }

    [TestCase("seeded randn")]
    [TestCase("smooth gradient")]
    public void Matches_onnxruntime_on_the_output_features(string which)
    {
        var image = which == "seeded randn" ? SeededImage() : GradientImage();
        var watch = Stopwatch.StartNew();
        var ours = RunExecutor(image);
        var elapsed = watch.Elapsed;
        var reference = OnnxTestModels.RunOrt(_session, image, InputDims);

        Assert.That(ours, Has.Length.EqualTo(512));
        Assert.That(reference, Has.Length.EqualTo(512));
        var maxDiff = ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        var magnitude = reference.Max(Math.Abs);
        TestContext.Out.WriteLine($"ResNet18.onnx, {which}: max |executor - onnxruntime| = {maxDiff:E3}, max |output| = {magnitude:F4}, mean |output| = {reference.Average(Math.Abs):F4}, forward {elapsed.TotalMilliseconds:F0} ms");
        Assert.That(maxDiff, Is.LessThan(1e-3));
        Assert.That(magnitude, Is.GreaterThan(0.1), "a near-zero output would make the comparison meaningless");
    }

    [Test]
    public void Layers_equal_the_foundations_shape_importer()
    {
        var workload = OnnxWorkloadReader.Read(ModelPath);
        var layers = _network.Layers;
        Assert.That(layers, Has.Count.EqualTo(workload.Layers.Length).And.Count.EqualTo(22), "the file's 22 Conv nodes");
        for (var i = 0; i < layers.Count; i++)
        {
            var expected = workload.Layers[i];
            Assert.That(layers[i].Shape, Is.EqualTo(expected.Shape), $"layer {i} '{layers[i].Name}'");
            Assert.That(layers[i].Name, Is.EqualTo(expected.Name), "every node in this file has a unique name, so both name layers by it");
            Assert.That((layers[i].IsDownsample, layers[i].HasBias, layers[i].HasBatchNorm),
                Is.EqualTo((expected.IsDownsample, expected.HasBias, expected.HasBatchNorm)), $"layer {i} '{layers[i].Name}' traits");
        }
        Assert.That(_network.InputShape, Is.EqualTo(new long[] { 3, 224, 224 }));
        Assert.That(_network.Name, Is.EqualTo("ResNet18"));
        Assert.That(layers.Count(l => l.IsDownsample), Is.EqualTo(3));
    }

    [Test]
    public void The_hook_sees_every_layer_in_order_with_its_input_and_weight()
    {
        var hook = new RecordingHook();
        var plain = RunExecutor(GradientImage());
        var hooked = RunExecutor(GradientImage(), hook);

        Assert.That(hook.Calls, Is.EqualTo(Enumerable.Range(0, _network.Layers.Count).SelectMany(i => new[] { $"before {i}", $"after {i}" })));
        for (var i = 0; i < _network.Layers.Count; i++)
        {
            var s = _network.Layers[i].Shape;
            Assert.That(hook.Inputs[i], Is.EqualTo(new long[] { 1, s.Channels, s.Height, s.Width }), $"input of layer {i}");
            Assert.That(hook.Weights[i], Is.EqualTo(new long[] { s.Filters, s.Channels / s.Groups, s.KernelHeight, s.KernelWidth }), $"weight of layer {i}");
            Assert.That(hook.Outputs[i], Is.EqualTo(new long[] { 1, s.Filters, s.OutputHeight, s.OutputWidth }), $"output of layer {i}");
        }
        Assert.That(hooked, Is.EqualTo(plain), "a hook that returns its arguments changes nothing, bit for bit");
    }

    [Test]
    public void Replacing_weights_through_the_hook_changes_the_output()
    {
        var plain = RunExecutor(SeededImage());
        var zeroed = RunExecutor(SeededImage(), new ZeroWeightHook(layer: 5));
        var maxDiff = plain.Zip(zeroed, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Out.WriteLine($"zeroing layer 5's weights moves the output by up to {maxDiff:F4}");
        Assert.That(maxDiff, Is.GreaterThan(1e-2));
    }

    private sealed class RecordingHook : ILayerHook
    {
        public List<string> Calls { get; } = [];
        public List<long[]> Inputs { get; } = [];
        public List<long[]> Weights { get; } = [];
        public List<long[]> Outputs { get; } = [];

        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            Calls.Add($"before {index}");
            Inputs.Add(input.shape);
            Weights.Add(weight.shape);
            return (input, weight);
        }

        public void After(int index, ComputeLayer layer, Tensor output)
        {
            Calls.Add($"after {index}");
            Outputs.Add(output.shape);
        }
    }

    // Replaces one layer's weights by zeros; owns the replacement until After, as ILayerHook asks.
    private sealed class ZeroWeightHook(int layer) : ILayerHook
    {
        private Tensor? _zeros;

        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer1, Tensor input, Tensor weight)
        {
            if (index != layer)
                return (input, weight);
            _zeros = zeros_like(weight);
            return (input, _zeros);
        }

        public void After(int index, ComputeLayer layer1, Tensor output)
        {
            _zeros?.Dispose();
            _zeros = null;
        }
    }
}
