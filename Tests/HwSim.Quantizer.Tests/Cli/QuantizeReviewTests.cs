using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Onnx;
using HwSim.Quantizer.Pipeline;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Tensors;
using NUnit.Framework;
using static HwSim.Quantizer.Tests.Onnx.OnnxTestModels;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Cli;

/// <summary>Edge cases found in review: computed "weights", multi-row FC layers, malformed names, manifests and .npy headers.</summary>
public sealed class QuantizeReviewTests
{
    [Test]
    public void A_product_of_two_computed_tensors_is_quantised_per_batch_not_with_the_first_batchs_operand()
    {
        using var dir = new TempDir();
        // conv -> reshape [N, 4, 16] -> gram matrix r x r^T: the MatMul's second operand changes with every input.
        var path = Write(Model(13, [1, 3, 4, 4],
            [Node("Conv", "conv", ["x", "w"], ["c"]), Node("Reshape", "r", ["c", "shape"], ["r3"]),
             Node("Transpose", "t", ["r3"], ["r3t"], Ints("perm", 0, 2, 1)), Node("MatMul", "gram", ["r3", "r3t"], ["y"])],
            [Weights("w", [4, 3, 1, 1], 5), Int64s("shape", 0, 4, -1)]), dir.Path, "gram");
        using var network = OnnxNetwork.Load(path);
        Assert.That(network.Layers[1].WeightIsConstant, Is.False);
        Assert.That(network.Layers[0].WeightIsConstant, Is.True);
        using var g = new Generator(seed: 3);
        List<Tensor> batches = [randn([2, 3, 4, 4], generator: g), randn([1, 3, 4, 4], generator: g)];
        using var tensors = new TempDir();
        var result = NetworkQuantizer.Run(network, new QuantizeOptions(QuantMethod.Uniform, 16, 16, FirstLastFormat.Same), batches, "3 inputs", true,
            Path.Combine(tensors.Path, "t"));
        foreach (var b in batches) b.Dispose();
        TestContext.Out.WriteLine($"gram SQNR at W16A16: {result.Layers[1].SqnrDb:0.0} dB");
        Assert.That(result.Layers[1].SqnrDb, Is.GreaterThan(60), "16-bit codes of each batch's own operand");
        Assert.That(result.NotDumped, Is.EqualTo(new[] { "gram" }));
        Assert.That(TensorDump.Read(Path.Combine(tensors.Path, "t")).Layers.Select(l => l.Name), Is.EqualTo(new[] { "conv" }));
    }

    [TestCase("dorefa,sawb")]
    [TestCase("1")]
    [TestCase("Pact, Sawb")]
    public void A_method_is_one_exact_name(string text)
    {
        Assert.That(QuantMethodNames.TryParse(text, out _), Is.False);
        var run = CliRunner.Run("quantize", "resnet18", "--method", text);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("--method").And.Not.Contain("   at "));
    }

    [TestCase("[conv1, fc]: int8\n", "line 1")]
    [TestCase("conv1: {[a]: 3}\n", "line 1")]
    [TestCase("conv1: {method: \"sawb,ternary\"}\n", "sawb,ternary")]
    public void Malformed_overrides_are_input_errors_with_the_line(string yaml, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("o.yaml", yaml);
        var e = Assert.Throws<InputException>(() => LayerOverrides.Read(path));
        Assert.That(e!.Message, Does.Contain("o.yaml").And.Contain(expected));
    }

    [Test]
    public void A_manifest_without_file_names_or_with_paths_elsewhere_is_refused_by_simulate()
    {
        using var dir = new TempDir();
        var csv = dir.File("w.csv", "name,c,h,w,k,r,s,weight_format,input_format\nconv,2,4,4,2,1,1,int4,uint4\n");
        var missing = Directory.CreateDirectory(Path.Combine(dir.Path, "missing")).FullName;
        File.WriteAllText(Path.Combine(missing, "manifest.json"), "{\"network\": \"n\", \"method\": \"m\", \"input\": \"i\", \"layers\": [{\"name\": \"conv\", \"weight_format\": \"int4\", \"input_format\": \"uint4\"}]}");
        var run = CliRunner.Run("simulate", csv, "--reference", "--tensors", missing);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("manifest.json").And.Contain("weight_file").And.Not.Contain("   at "));

        var elsewhere = Directory.CreateDirectory(Path.Combine(dir.Path, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "manifest.json"), "{\"network\": \"n\", \"method\": \"m\", \"input\": \"i\", \"layers\": [{\"name\": \"conv\", \"weight_format\": \"int4\", \"input_format\": \"uint4\", \"weight_file\": \"/etc/passwd\", \"input_file\": \"x.npy\"}]}");
        run = CliRunner.Run("simulate", csv, "--reference", "--tensors", elsewhere);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("must be a file name in the manifest's folder"));
    }

    [Test]
    public void An_npy_header_with_an_absurd_shape_is_an_input_error()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "huge.npy");
        var header = "{'descr': '<i1', 'fortran_order': False, 'shape': (4294967296, 4294967296, 8), }";
        header = header.PadRight(118) + "\n";
        using (var s = File.Create(path))
        {
            s.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0]);
            s.Write(System.Text.Encoding.ASCII.GetBytes(header));
        }
        var e = Assert.Throws<InputException>(() => NpyArray.Read(path));
        Assert.That(e!.Message, Does.Contain("huge.npy").And.Contain("too large"));
    }

    [Test]
    public void Dump_tensors_into_a_path_under_a_file_fails_before_any_work()
    {
        using var dir = new TempDir();
        var file = dir.File("w.csv", "x");
        var run = CliRunner.Run("quantize", "resnet18", "--dump-tensors", Path.Combine(file, "sub"));
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("--dump-tensors").And.Not.Contain("loading"), "checked before the model is loaded");
    }

    [Test]
    public void Layer_names_that_map_to_one_file_name_get_their_own_files()
    {
        Assert.That(TensorDump.FileStem("a/b"), Is.EqualTo(TensorDump.FileStem("a_b")), "the clash this guards against");
        using var dir = new TempDir();
        var path = Write(Model(13, [1, 3, 4, 4],
            [Node("Conv", "a/b", ["x", "w1"], ["c"]), Node("Relu", "relu", ["c"], ["d"]), Node("Conv", "a_b", ["d", "w2"], ["y"])],
            [Weights("w1", [4, 3, 1, 1], 5), Weights("w2", [2, 4, 1, 1], 6)]), dir.Path, "clash");
        using var network = OnnxNetwork.Load(path);
        List<Tensor> batches = [randn(1, 3, 4, 4)];
        var folder = Path.Combine(dir.Path, "t");
        NetworkQuantizer.Run(network, new QuantizeOptions(QuantMethod.Uniform, 8, 8, FirstLastFormat.Same), batches, "1 input", true, folder);
        batches[0].Dispose();
        var files = TensorDump.Read(folder).Layers.Select(l => l.WeightFile).ToList();
        Assert.That(files, Is.Unique);
        Assert.That(files, Has.Count.EqualTo(2));
    }

    [Test]
    public void The_uniform_range_covers_the_true_extremes_not_only_the_sample()
    {
        // One large value among 2^20: a 2^16 sample misses it with probability ~94 %, the exact min/max do not.
        using var network = new HwSim.Quantizer.Tests.Pipeline.TinyNetwork(size: 600);
        using var g = new Generator(seed: 1);
        var x = randn([1, 3, 600, 600], generator: g);
        x[0, 0, 300, 300] = tensor(40f);
        var result = NetworkQuantizer.Run(network, new QuantizeOptions(QuantMethod.Uniform, 8, 8, FirstLastFormat.Same), [x], "1 input", true);
        x.Dispose();
        Assert.That(result.Layers[0].Layer.Statistics!.InputAlpha, Is.GreaterThanOrEqualTo(40), "range max - min includes the outlier");
        Assert.That(result.Workload.Layers[0].Precision.Input, Is.EqualTo(NumberFormat.Int(8)));
    }
}
