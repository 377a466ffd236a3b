using HwSim.Quantizer.Models;
using HwSim.Quantizer.Onnx;
using HwSim.Tests.Support;
using HwSim.Workloads.Import.Onnx;
using NUnit.Framework;
using Onnx;
using static HwSim.Quantizer.Tests.Onnx.OnnxTestModels;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Onnx;

/// <summary>Small generated models, one or two ops each, run by the executor and by ONNX Runtime.</summary>
public sealed class OnnxOpTests
{
    private static readonly long[] Image = [2, 4, 8, 8];

    /// <summary>A named model for a test case; the input is always x of shape <see cref="Image"/> unless given.</summary>
    public sealed record Case(string Name, ModelProto Model, long[]? Input = null)
    {
        public override string ToString() => Name;
    }

    private static NodeProto Conv(string name, string x, string w, string y, params AttributeProto[] attributes) =>
        Node("Conv", name, [x, w], [y], attributes);

    public static IEnumerable<Case> Cases()
    {
        yield return new("Conv asymmetric pads, stride 2, bias", Model(13, Image,
            [Node("Conv", "conv", ["x", "w", "b"], ["y"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 2, 1, 0, 1))],
            [Weights("w", [6, 4, 3, 3], 1, raw: true), Weights("b", [6], 2)]));
        yield return new("Conv groups, dilation, asymmetric pads", Model(13, Image,
            [Conv("conv", "x", "w", "y", Ints("dilations", 2, 2), Int("group", 2), Ints("pads", 0, 1, 2, 3), Ints("strides", 1, 2))],
            [Weights("w", [6, 2, 3, 3], 3)]));
        // onnxruntime refuses SAME with dilation, so these are undilated.
        yield return new("Conv SAME_UPPER, stride 2", Model(13, Image,
            [Conv("conv", "x", "w", "y", String("auto_pad", "SAME_UPPER"), Ints("strides", 2, 2))],
            [Weights("w", [6, 4, 4, 4], 31)]));
        yield return new("Conv SAME_LOWER, even kernel", Model(13, Image,
            [Conv("conv", "x", "w", "y", String("auto_pad", "SAME_LOWER"), Ints("strides", 1, 1))],
            [Weights("w", [3, 4, 2, 2], 4)]));
        yield return new("Gemm transB + Softmax-13", Model(13, Image,
            [Node("Flatten", "flat", ["x"], ["f"]),
             Node("Gemm", "fc", ["f", "w", "b"], ["g"], Int("transB", 1), Float("alpha", 0.5f), Float("beta", 2f)),
             Node("Softmax", "softmax", ["g"], ["y"])],
            [Weights("w", [10, 256], 5), Weights("b", [10], 6)]));
        yield return new("Gemm transA, no transB, row bias", Model(13, Image,
            [Node("Reshape", "to2d", ["x", "shape"], ["r"]),
             Node("Transpose", "t", ["r"], ["rt"], Ints("perm", 1, 0)),
             Node("Gemm", "fc", ["rt", "w", "c"], ["y"], Int("transA", 1))],
            [Int64s("shape", 0, -1), Weights("w", [256, 7], 7), Weights("c", [1, 7], 8)]));
        yield return new("Softmax-11 coerces to 2-D", Model(11, Image,
            [Node("Reshape", "r", ["x", "shape"], ["r3"]), Node("Softmax", "softmax", ["r3"], ["y"], Int("axis", 1))],
            [Int64s("shape", 0, 16, -1)]));
        yield return new("Softmax-13 along one axis", Model(13, Image,
            [Node("Reshape", "r", ["x", "shape"], ["r3"]), Node("Softmax", "softmax", ["r3"], ["y"], Int("axis", 1))],
            [Int64s("shape", 0, 16, -1)]));
        yield return new("MatMul on 3-D activations + bias Add", Model(13, Image,
            [Node("Reshape", "r", ["x", "shape"], ["r3"]), Node("MatMul", "mm", ["r3", "w"], ["m"]), Node("Add", "bias", ["m", "b"], ["y"])],
            [Int64s("shape", 0, 4, -1), Weights("w", [64, 5], 9), Weights("b", [5], 10)]));
        yield return new("MatMul of two activations", Model(13, Image,
            [Node("Reshape", "r", ["x", "shape"], ["r3"]), Node("Transpose", "t", ["r3"], ["r3t"], Ints("perm", 0, 2, 1)),
             Node("MatMul", "gram", ["r3", "r3t"], ["y"])],
            [Int64s("shape", 0, 4, -1)]));
        yield return new("Concat of two branches, Sum, Relu", Model(13, Image,
            [Conv("left", "x", "w1", "a", Ints("pads", 1, 1, 1, 1)), Conv("right", "x", "w2", "b"),
             Node("Concat", "cat", ["a", "b"], ["c"], Int("axis", 1)), Node("Sum", "sum", ["c", "c", "bias"], ["s"]),
             Node("Relu", "relu", ["s"], ["y"])],
            [Weights("w1", [3, 4, 3, 3], 11), Weights("w2", [5, 4, 1, 1], 12), Weights("bias", [8, 1, 1], 13)]));
        yield return new("Reshape 0 and -1, Flatten axis 2", Model(13, Image,
            [Node("Reshape", "r", ["x", "shape"], ["r"]), Node("Flatten", "flat", ["r"], ["y"], Int("axis", 2))],
            [Int64s("shape", 0, -1, 2, 4)]));
        yield return new("Clip-6 attributes", Model(6, Image,
            [Node("Clip", "clip", ["x"], ["y"], Float("min", -0.5f), Float("max", 0.75f))], []));
        yield return new("Clip-13 inputs", Model(13, Image,
            [Node("Clip", "clip", ["x", "lo", "hi"], ["y"])],
            [Floats("lo", [], [-0.25f]), Floats("hi", [], [1.5f])]));
        yield return new("Clip-13 max only", Model(13, Image,
            [Node("Clip", "clip", ["x", "", "hi"], ["y"])], [Floats("hi", [], [0.5f])]));
        yield return new("AveragePool count_include_pad 0, pads 1", Model(13, Image,
            [Node("AveragePool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1))], []));
        yield return new("AveragePool count_include_pad 1, pads 1", Model(13, Image,
            [Node("AveragePool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 1))], []));
        yield return new("AveragePool asymmetric pads", Model(13, Image,
            [Node("AveragePool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 2), Ints("strides", 1, 2), Ints("pads", 0, 1, 2, 0))], []));
        yield return new("AveragePool asymmetric pads, count_include_pad", Model(13, Image,
            [Node("AveragePool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 2), Ints("strides", 1, 2), Ints("pads", 0, 1, 2, 0), Int("count_include_pad", 1))], []));
        yield return new("MaxPool ceil_mode", Model(13, Image,
            [Node("MaxPool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Int("ceil_mode", 1))], []));
        yield return new("MaxPool ceil_mode, asymmetric pads", Model(13, Image,
            [Node("MaxPool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0), Int("ceil_mode", 1))], []));
        yield return new("MaxPool pads more than half the kernel", Model(13, Image,
            [Node("MaxPool", "pool", ["x"], ["y"], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 2, 2, 2, 2))], []));
        yield return new("BatchNorm, GlobalAveragePool, Identity, Dropout, Gemm", Model(13, Image,
            [Node("BatchNormalization", "bn", ["x", "s", "bb", "m", "v"], ["n"], Float("epsilon", 1e-3f)),
             Node("GlobalAveragePool", "gap", ["n"], ["g"]), Node("Identity", "id", ["g"], ["i"]),
             Node("Dropout", "drop", ["i"], ["d"]), Node("Flatten", "flat", ["d"], ["f"]),
             Node("Gemm", "fc", ["f", "w"], ["y"], Int("transB", 1))],
            [Weights("s", [4], 14), Weights("bb", [4], 15), Weights("m", [4], 16),
             Floats("v", [4], [0.5f, 1f, 2f, 0.25f]), Weights("w", [3, 4], 17)]));
    }

    [TestCaseSource(nameof(Cases))]
    public void Matches_onnxruntime(Case c)
    {
        using var dir = new TempDir();
        var path = Write(c.Model, dir.Path, "model");
        var dims = c.Input ?? Image;
        var data = OnnxTestModels.Random(dims.Aggregate(1L, (p, d) => p * d), seed: 99);
        var reference = RunOrt(path, data, dims);

        using var network = OnnxNetwork.Load(path);
        using var input = tensor(data, dims);
        using var output = network.Forward(input);
        var ours = output.data<float>().ToArray();

        Assert.That(ours, Has.Length.EqualTo(reference.Length), $"output shape [{string.Join(",", output.shape)}]");
        var maxDiff = ours.Zip(reference, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
        TestContext.Out.WriteLine($"{c.Name}: {ours.Length} values, max |diff| = {maxDiff:E2}");
        Assert.That(maxDiff, Is.LessThan(1e-5));
    }

    [TestCaseSource(nameof(Cases))]
    public void Layers_equal_the_foundations_shape_importer(Case c)
    {
        using var dir = new TempDir();
        var path = Write(c.Model, dir.Path, "model");
        using var network = OnnxNetwork.Load(path);
        if (network.Layers.Count == 0)
        {
            Assert.Pass("no Conv, Gemm or MatMul: nothing to compare (the importer rejects such files)");
            return;
        }
        var workload = OnnxWorkloadReader.Read(path, new OnnxReadOptions(Batch: 1));
        Assert.That(network.Layers.Select(l => (l.Name, l.Shape, l.IsDownsample, l.HasBias, l.HasBatchNorm)),
            Is.EqualTo(workload.Layers.Select(l => (l.Name, l.Shape, l.IsDownsample, l.HasBias, l.HasBatchNorm))));
    }

    [Test]
    public void Gemm_and_MatMul_hooks_see_weights_as_out_by_in_and_replacements_are_used()
    {
        using var dir = new TempDir();
        var model = Model(13, Image,
            [Node("Flatten", "flat", ["x"], ["f"]),
             Node("Gemm", "fc1", ["f", "w1"], ["h"]),
             Node("Gemm", "fc2", ["h", "w2"], ["h2"], Int("transB", 1)),
             Node("MatMul", "fc3", ["h2", "w3"], ["y"])],
            [Weights("w1", [256, 8], 21), Weights("w2", [6, 8], 22), Weights("w3", [6, 5], 23)]);
        var path = Write(model, dir.Path, "mlp");
        using var network = OnnxNetwork.Load(path);
        using var input = tensor(OnnxTestModels.Random(2 * 4 * 8 * 8, 5), Image);

        var hook = new DoublingHook();
        using var plain = network.Forward(input);
        using var doubled = network.Forward(input, hook);

        Assert.That(hook.Weights, Is.EqualTo(new[] { new long[] { 8, 256 }, [6, 8], [5, 6] }));
        // Traced at batch 1, as IQuantizableNetwork.Layers promises, whatever batch the file declares.
        Assert.That(network.Layers.Select(l => l.Shape.ToString()), Is.EqualTo(new[] { "FC 256->8 (N=1)", "FC 8->6 (N=1)", "FC 6->5 (N=1)" }));
        // Three layers each doubled: the output is 8 times the plain one.
        Assert.That((doubled - plain * 8).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    // Doubles every weight through a copy that it owns until After.
    private sealed class DoublingHook : ILayerHook
    {
        private Tensor? _copy;

        public List<long[]> Weights { get; } = [];

        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            Weights.Add(weight.shape);
            _copy = weight * 2;
            return (input, _copy);
        }

        public void After(int index, ComputeLayer layer, Tensor output)
        {
            _copy?.Dispose();
            _copy = null;
        }
    }
}
