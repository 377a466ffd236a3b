using HwSim.Quantizer.Onnx;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;
using static HwSim.Quantizer.Tests.Onnx.OnnxTestModels;

namespace HwSim.Quantizer.Tests.Onnx;

/// <summary>Bad files are refused when loading, with a message naming the file, the node and the rule.</summary>
public sealed class OnnxErrorTests
{
    private static readonly long[] Image = [1, 3, 8, 8];

    private static InputException LoadFails(string path) =>
        Assert.Throws<InputException>(() => OnnxNetwork.Load(path).Dispose())!;

    [Test]
    public void An_unsupported_op_names_the_op_the_node_and_the_file()
    {
        using var dir = new TempDir();
        var path = Write(Model(13, Image,
            [Node("Conv", "conv", ["x", "w"], ["c"]), Node("LSTM", "lstm_1", ["c", "W", "R"], ["y"])],
            [Weights("w", [2, 3, 1, 1], 1), Weights("W", [1, 8, 2], 2), Weights("R", [1, 8, 2], 3)]), dir.Path, "lstm");

        var e = LoadFails(path);
        Assert.That(e.Message, Does.Contain(path).And.Contain("node 'lstm_1'").And.Contain("unsupported ONNX op 'LSTM'").And.Contain("Conv, Gemm, MatMul"));
        Assert.That(e.File, Is.EqualTo(path));
    }

    [Test]
    public void A_missing_initializer_names_the_tensor_and_the_node()
    {
        using var dir = new TempDir();
        var path = Write(Model(13, Image, [Node("Conv", "conv_a", ["x", "conv_a_weight"], ["y"])], []), dir.Path, "missing");

        var e = LoadFails(path);
        Assert.That(e.Message, Does.Contain(path).And.Contain("node 'conv_a' (Conv)").And.Contain("input 'conv_a_weight' is missing"));
    }

    [Test]
    public void A_bad_attribute_names_the_node_and_the_attribute()
    {
        using var dir = new TempDir();
        var path = Write(Model(13, Image, [Node("Conv", "conv_b", ["x", "w"], ["y"], Ints("pads", 1, 1, 1))], [Weights("w", [2, 3, 3, 3], 1)]), dir.Path, "pads");

        var e = LoadFails(path);
        Assert.That(e.Message, Does.Contain(path).And.Contain("node 'conv_b' (Conv)").And.Contain("field 'pads'").And.Contain("needs 4 values"));
    }

    [Test]
    public void Shapes_that_do_not_fit_are_reported_at_load_with_the_node()
    {
        using var dir = new TempDir();
        var path = Write(Model(13, Image, [Node("Conv", "conv_c", ["x", "w"], ["y"])], [Weights("w", [2, 5, 3, 3], 1)]), dir.Path, "channels");

        var e = LoadFails(path);
        Assert.That(e.Message, Does.Contain("node 'conv_c' (Conv)").And.Contain("the input has 3 channels"));
    }

    [Test]
    public void A_file_that_is_not_onnx_is_named_as_such()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.onnx", "this is a text file, not a protobuf model\n");

        var e = LoadFails(path);
        Assert.That(e.Message, Does.Contain(path).And.Contain("not a valid ONNX model"));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "nowhere.onnx");

        var e = LoadFails(path);
        Assert.That(e.Message, Does.Contain(path).And.Contain("file not found"));
    }
}
