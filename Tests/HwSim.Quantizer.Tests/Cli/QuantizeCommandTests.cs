using System.Text.Json;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import.Csv;
using NUnit.Framework;
using Onnx;

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
            // sawb_utils.py, as in ../shared/reference/quantizers.md; computed here in float64 from the file's own weights.
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

    [TestCase(new[] { "--wbits", "0" }, "--wbits", "1 to 16")]
    [TestCase(new[] { "--method", "lsq" }, "--method", "pact, dorefa, sawb")]
    [TestCase(new[] { "--method", "sawb", "--wbits", "6" }, "--wbits", "SAWB")]
    [TestCase(new[] { "--method", "xnor", "--wbits", "2" }, "--wbits", "")]
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
