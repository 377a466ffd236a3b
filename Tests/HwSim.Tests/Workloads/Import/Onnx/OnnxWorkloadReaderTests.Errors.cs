using HwSim.Workloads;
using HwSim.Workloads.Import.Onnx;
using NUnit.Framework;
using static HwSim.Tests.Workloads.Import.Onnx.OnnxTestModel;

namespace HwSim.Tests.Workloads.Import.Onnx;

/// <summary>Bad files give one InputException naming the file and, where there is one, the node.</summary>
public sealed partial class OnnxWorkloadReaderTests
{
    [Test]
    public void MissingFile()
    {
        var path = _temp.File("absent.onnx");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("file not found").And.Property(nameof(InputException.File)).EqualTo(path));
    }

    [Test]
    public void GarbageBytesAreNotAValidModel()
    {
        var path = _temp.File("garbage.onnx");
        // A fixed pseudo-random pattern: protobuf rejects it (an accidental parse would fail the no-graph check instead).
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 300).Select(i => unchecked((byte)(i * 37 + 11)))]);
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("garbage.onnx").And.Message.Contains("not a valid ONNX model"));
    }

    [Test]
    public void TextFileIsNotAValidModel()
    {
        var path = _temp.File("notes.onnx");
        File.WriteAllText(path, "this is not an ONNX model\n");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("notes.onnx").And.Message.Contains("not a valid ONNX model"));
    }

    [Test]
    public void UnsupportedOpFeedingAConvolutionNamesTheNodeAndOp()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Weight("w", 4, 3, 1, 1)
            .Node("FancyWarp", ["x"], ["warped"], "warp")
            .Node("Relu", ["warped"], ["r"], "relu")
            .Node("Conv", ["r", "w"], ["y"], "conv")
            .Save(_temp.Path, "unsupported.onnx");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>()
                .With.Message.Contains("unsupported.onnx")
                .And.Message.Contains("node 'warp' (FancyWarp): cannot infer output shape of op FancyWarp"));
    }

    [Test]
    public void ModelWithoutLayers()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Node("Relu", ["x"], ["y"], "relu").Save(_temp.Path, "nolayers.onnx");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("nolayers.onnx").And.Message.Contains("no Conv, Gemm or MatMul nodes"));
    }

    [Test]
    public void ConvolutionWithoutWeights()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Node("Conv", ["x"], ["y"], "conv", Ints("kernel_shape", 3, 3))
            .Save(_temp.Path, "noweights.onnx");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("node 'conv' (Conv)").And.Message.Contains("weights"));
    }

    [Test]
    public void ConvolutionOnATensorNobodyProduces()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Weight("w", 4, 3, 1, 1)
            .Node("Conv", ["ghost", "w"], ["y"], "conv")
            .Save(_temp.Path, "ghost.onnx");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("node 'conv' (Conv)").And.Message.Contains("input 'ghost' has no known shape"));
    }

    [Test]
    public void WeightsThatDisagreeWithTheInputChannels()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Weight("w", 4, 5, 1, 1)
            .Node("Conv", ["x", "w"], ["y"], "conv")
            .Save(_temp.Path, "channels.onnx");
        Assert.That(() => OnnxWorkloadReader.Read(path),
            Throws.TypeOf<InputException>().With.Message.Contains("node 'conv' (Conv)").And.Property(nameof(InputException.Field)).EqualTo("W"));
    }

    [Test]
    public void OptionsMustBePositive()
    {
        Assert.That(() => new OnnxReadOptions { Height = 0 }, Throws.TypeOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("height"));
    }
}
