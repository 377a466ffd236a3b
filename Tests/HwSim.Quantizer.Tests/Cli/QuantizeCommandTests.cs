using System.Text.Json;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import.Csv;
using NUnit.Framework;
using Onnx;
using static HwSim.Quantizer.Tests.Onnx.OnnxTestModels;

namespace HwSim.Quantizer.Tests.Cli;

/// <summary>hwsim quantize end to end, in-process, on the real ResNet18.onnx and on TorchVision models.</summary>
public sealed class QuantizeCommandTests
{
    private static string ResNet18Onnx => Path.Combine(AppContext.BaseDirectory, "Data", "ResNet18.onnx");

    [Test]
    public void Sawb_w2_on_the_real_resnet18_gives_w_alpha_by_the_formula_from_that_layers_weights()
    {
        using var dir = new TempDir();
        var csv = Path.Combine(dir.Path, "resnet18-sawb-w2.csv");
        var run = CliRunner.Run("quantize", ResNet18Onnx, "--method", "sawb", "--wbits", "2", "--abits", "2", "--calib-synthetic", "2", "-o", csv);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Error, Does.Contain("warning: activation statistics come from 2 synthetic inputs"));
        Assert.That(run.Output, Does.Contain("network output SQNR"));

        var workload = WorkloadCsv.Read(csv);
        Assert.That(workload.Layers, Has.Length.EqualTo(22));
        Assert.That(workload.Layers[0].Precision.Weight, Is.EqualTo(NumberFormat.Fp32), "first layer kept at fp32");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ResNet18Onnx));
        foreach (var index in new[] { 1, 7, 15, 20 })
        {
            var layer = workload.Layers[index];
            Assert.That(layer.Precision.Weight, Is.EqualTo(NumberFormat.Int(2)), layer.Name);
            var w = ConvWeights(model, layer.Name);
            Assert.That(w, Has.Length.EqualTo(layer.Shape.WeightElements), layer.Name);
            // SAWB (Choi et al. 2018, arXiv 1807.06964) 2-bit coefficients (3.12, 2.064) from IBM fms-model-optimizer
            // sawb_utils.py, as in docs/reference/quantizers.md; computed here in float64 from the file's own weights.
            var expected = 3.12 * Math.Sqrt(w.Average(v => (double)v * v)) - 2.064 * w.Average(v => Math.Abs((double)v));
            TestContext.Out.WriteLine($"{layer.Name}: w_alpha {layer.Statistics!.WeightAlpha:R}, formula {expected:R}, SQNR {layer.Statistics.OutputSqnrDb:0.0} dB");
            Assert.That(layer.Statistics!.WeightAlpha, Is.EqualTo(expected).Within(1e-5).Percent, layer.Name);
            Assert.That(layer.Statistics.WeightSparsity, Is.InRange(0.0, 1.0));
            Assert.That(layer.Statistics.OutputSqnrDb, Is.Not.Null);
        }
    }

    /// <summary>The float weights of the Conv node producing <paramref name="layer"/> (its name, or its first output's).</summary>
    private static float[] ConvWeights(ModelProto model, string layer)
    {
        var node = model.Graph.Node.Single(n => n.OpType == "Conv" && (n.Name == layer || n.Output[0] == layer));
        var init = model.Graph.Initializer.Single(i => i.Name == node.Input[1]);
        if (init.FloatData.Count > 0)
            return [.. init.FloatData];
        var bytes = init.RawData.ToByteArray();
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    [Test]
    public void A_torchvision_model_at_a_small_input_gives_json_with_every_layer_and_the_synthetic_warning()
    {
        var run = CliRunner.Run("quantize", "resnet18", "--input-size", "64", "--method", "pact", "--wbits", "4", "--abits", "4",
            "--calib-synthetic", "2", "--format", "json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("synthetic_calibration").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("warning").GetString(), Does.Contain("synthetic"));
        var layers = root.GetProperty("layers");
        Assert.That(layers.GetArrayLength(), Is.EqualTo(21));
        Assert.That(layers[0].GetProperty("weight_format").GetString(), Is.EqualTo("fp32"));
        Assert.That(layers[1].GetProperty("weight_format").GetString(), Is.EqualTo("int4"));
        Assert.That(layers[1].GetProperty("input_format").GetString(), Is.EqualTo("uint4"));
        Assert.That(layers[1].GetProperty("a_alpha").GetDouble(), Is.GreaterThan(0));
        Assert.That(layers[20].GetProperty("name").GetString(), Is.EqualTo("fc"));
    }

    [Test]
    public void Input_size_is_height_by_width_as_elsewhere_and_square_here()
    {
        var run = CliRunner.Run("quantize", "resnet18", "--input-size", "32x64");
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("field '--input-size'").And.Contain("square inputs, got 32x64"));
    }

    [TestCase(new[] { "--wbits", "0" }, "--wbits", "1 to 16")]
    [TestCase(new[] { "--method", "lsq" }, "--method", "pact, dorefa, sawb")]
    [TestCase(new[] { "--method", "sawb", "--wbits", "6" }, "--wbits", "SAWB")]
    [TestCase(new[] { "--method", "xnor", "--wbits", "2" }, "--wbits", "must be 1")]
    [TestCase(new[] { "--method", "ternary", "--wbits", "3" }, "--wbits", "must be 2")]
    [TestCase(new[] { "--method", "uniform", "--abits", "1" }, "--abits", "2 to 16")]
    [TestCase(new[] { "--first-last", "int3" }, "--first-last", "fp32")]
    [TestCase(new[] { "--calib-synthetic", "0" }, "--calib-synthetic", "1 or more")]
    public void Bad_options_are_one_line_exit_2_and_no_output_file(string[] options, string field, string rule)
    {
        using var dir = new TempDir();
        var csv = Path.Combine(dir.Path, "out.csv");
        var run = CliRunner.Run(["quantize", "resnet18", "--input-size", "32", .. options, "-o", csv]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), run.ToString());
        Assert.That(lines[0], Does.Contain(field).And.Contain(rule));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.Exists(csv), Is.False);
    }

    [Test]
    public void A_missing_model_an_unknown_name_an_unreadable_image_and_bad_overrides_name_what_and_where()
    {
        using var dir = new TempDir();
        var csv = Path.Combine(dir.Path, "out.csv");

        var missing = CliRunner.Run("quantize", Path.Combine(dir.Path, "nope.onnx"), "-o", csv);
        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Error, Does.Contain("nope.onnx"));

        var unknown = CliRunner.Run("quantize", "resnet19", "-o", csv);
        Assert.That(unknown.ExitCode, Is.EqualTo(2), unknown.ToString());
        Assert.That(unknown.Error, Does.Contain("resnet19").And.Contain("resnet18"));

        var images = Directory.CreateDirectory(Path.Combine(dir.Path, "images")).FullName;
        File.WriteAllText(Path.Combine(images, "broken.jpg"), "not a jpeg");
        var image = CliRunner.Run("quantize", "resnet18", "--input-size", "32", "--calib", images, "-o", csv);
        Assert.That(image.ExitCode, Is.EqualTo(2), image.ToString());
        Assert.That(image.Error, Does.Contain("broken.jpg"));

        var yaml = dir.File("overrides.yaml", "conv1: int8\nlayer1.*: {wbits: two}\n");
        var overrides = CliRunner.Run("quantize", "resnet18", "--input-size", "32", "--calib-synthetic", "1", "--overrides", yaml, "-o", csv);
        Assert.That(overrides.ExitCode, Is.EqualTo(2), overrides.ToString());
        Assert.That(overrides.Error, Does.Contain("overrides.yaml").And.Contain("line 2").And.Contain("wbits"));

        Assert.That(File.Exists(csv), Is.False, "no partial workload CSV");
    }
}

/// <summary>Bad ONNX files through the command: one line naming the file and node, exit 2, no CSV, no tensors.</summary>
public sealed class QuantizeCommandOnnxErrorTests
{
    [Test]
    public void An_unsupported_op_and_a_missing_initializer_are_exit_2_with_nothing_written()
    {
        using var dir = new TempDir();
        var csv = Path.Combine(dir.Path, "out.csv");
        var tensors = Path.Combine(dir.Path, "tensors");
        var lstm = Write(Model(13, [1, 3, 8, 8],
            [Node("Conv", "conv", ["x", "w"], ["c"]), Node("LSTM", "lstm_1", ["c", "W", "R"], ["y"])],
            [Weights("w", [2, 3, 1, 1], 1), Weights("W", [1, 8, 2], 2),
                Weights("R", [1, 8, 2], 3)]), dir.Path, "lstm");
        var missing = Write(Model(13, [1, 3, 8, 8],
            [Node("Conv", "conv_a", ["x", "conv_a_weight"], ["y"])], []), dir.Path, "missing");

        foreach (var (model, expected) in new[] { (lstm, "unsupported ONNX op 'LSTM'"), (missing, "input 'conv_a_weight' is missing") })
        {
            var run = CliRunner.Run("quantize", model, "--calib-synthetic", "1", "--dump-tensors", tensors, "-o", csv);
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            var errors = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
            Assert.That(errors, Has.Count.EqualTo(1), run.ToString());
            Assert.That(errors[0], Does.Contain(model).And.Contain(expected));
            Assert.That(File.Exists(csv) || Directory.Exists(tensors), Is.False);
        }
    }

    [Test]
    public void A_small_onnx_model_quantizes_and_its_dumped_tensors_run_on_the_reference_simulator()
    {
        using var dir = new TempDir();
        var model = Write(Model(13, [1, 3, 10, 10],
            [
                Node("Conv", "conv1", ["x", "w1"], ["a"], Ints("pads", 1, 1, 1, 1)),
                Node("Relu", "relu1", ["a"], ["b"]),
                Node("Conv", "conv2", ["b", "w2"], ["c"], Ints("strides", 2, 2)),
                Node("Relu", "relu2", ["c"], ["d"]),
                Node("Conv", "conv3", ["d", "w3"], ["e"]),
                Node("Relu", "relu3", ["e"], ["f"]),
                Node("GlobalAveragePool", "gap", ["f"], ["g"]),
                Node("Flatten", "flat", ["g"], ["h"]),
                Node("Gemm", "fc", ["h", "wf"], ["y"], Int("transB", 1)),
            ],
            [
                Weights("w1", [8, 3, 3, 3], 1), Weights("w2", [16, 8, 3, 3], 2),
                Weights("w3", [16, 16, 1, 1], 3), Weights("wf", [5, 16], 4),
            ]), dir.Path, "small");
        var csv = Path.Combine(dir.Path, "small.csv");
        var tensors = Path.Combine(dir.Path, "tensors");
        var run = CliRunner.Run("quantize", model, "--method", "uniform", "--wbits", "8", "--abits", "8", "--first-last", "int8",
            "--calib-synthetic", "3", "--dump-tensors", tensors, "-o", csv, "--format", "csv");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output.Trim(), Is.EqualTo(csv), "with -o, csv output names the file");
        Assert.That(WorkloadCsv.Read(csv).Layers.Select(l => l.Precision.Weight.Name), Is.All.EqualTo("int8"));

        var simulate = CliRunner.Run("simulate", csv, "--reference", "--tensors", tensors, "--format", "csv");
        Assert.That(simulate.ExitCode, Is.EqualTo(0), simulate.ToString());
        foreach (var layer in new[] { "conv1", "conv2", "conv3", "fc" })
            Assert.That(simulate.Error, Does.Contain($"{layer}: ").And.Contain("equal the quantizer's"), simulate.ToString());
        Assert.That(simulate.Error, Does.Not.Contain("random operands"));
    }
}
