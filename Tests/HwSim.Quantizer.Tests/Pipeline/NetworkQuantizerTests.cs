using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Pipeline;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Tensors;
using NUnit.Framework;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Pipeline;

public sealed class NetworkQuantizerTests
{
    private static List<Tensor> Batches(int batches = 2, int perBatch = 3, int size = 12, long seed = 11)
    {
        using var g = new Generator(seed: (ulong)seed);
        return [.. Enumerable.Range(0, batches).Select(_ => randn([perBatch, 3, size, size], generator: g).DetachFromDisposeScope())];
    }

    private static QuantizationResult Run(QuantizeOptions options, string? dump = null)
    {
        using var network = new TinyNetwork();
        var batches = Batches();
        try
        {
            return NetworkQuantizer.Run(network, options, batches, "6 test inputs", synthetic: true, dump);
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    private static LayerOverrides Overrides(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hwsim-overrides-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try { return LayerOverrides.Read(path); }
        finally { File.Delete(path); }
    }

    [Test]
    public void A_network_kept_at_fp32_everywhere_is_exact()
    {
        var result = Run(new QuantizeOptions(QuantMethod.Pact, 4, 4, FirstLastFormat.Keep(NumberFormat.Fp32), Overrides("\"*\": fp32\n")));
        Assert.That(result.Layers.Select(l => l.SqnrDb), Is.All.EqualTo(double.PositiveInfinity));
        Assert.That(result.OutputSqnrDb, Is.EqualTo(double.PositiveInfinity));
        Assert.That(result.Top1Agreement, Is.EqualTo(1.0));
        Assert.That(result.Workload.Layers.Select(l => l.Precision.Weight), Is.All.EqualTo(NumberFormat.Fp32));
        Assert.That(result.Inputs, Is.EqualTo(6));
    }

    [Test]
    public void First_and_last_layers_keep_their_format_and_inner_layers_get_the_methods_formats()
    {
        var result = Run(new QuantizeOptions(QuantMethod.Sawb, 2, 2, FirstLastFormat.Keep(NumberFormat.Fp32)));
        var formats = result.Workload.Layers.Select(l => $"{l.Precision.Weight.Name}x{l.Precision.Input.Name}").ToArray();
        Assert.That(formats, Is.EqualTo(new[] { "fp32xfp32", "int2xuint2", "int2xuint2", "fp32xfp32" }));
        Assert.That(result.Layers[0].SqnrDb, Is.EqualTo(double.PositiveInfinity), "nothing is quantised before the first layer's output");
        Assert.That(result.Layers[1].SqnrDb, Is.LessThan(40).And.GreaterThan(0));

        var int8 = Run(new QuantizeOptions(QuantMethod.Sawb, 2, 2, FirstLastFormat.Keep(NumberFormat.Int(8))));
        Assert.That(int8.Workload.Layers[0].Precision.Weight, Is.EqualTo(NumberFormat.Int(8)));
        Assert.That(int8.Workload.Layers[0].Precision.Input, Is.EqualTo(NumberFormat.Int(8)), "the image input is signed");
        Assert.That(int8.Workload.Layers[3].Precision.Input, Is.EqualTo(NumberFormat.UInt(8)), "the FC input follows a ReLU");
    }

    [Test]
    public void Output_sqnr_grows_with_the_bit_width()
    {
        var sqnr = new[] { 2, 4, 8 }.Select(b => Run(new QuantizeOptions(QuantMethod.Uniform, Math.Max(2, b), b, FirstLastFormat.Same)).OutputSqnrDb).ToArray();
        TestContext.Out.WriteLine($"uniform W2A2 / W4A4 / W8A8 output SQNR: {string.Join(" / ", sqnr.Select(s => s.ToString("0.0")))} dB");
        Assert.That(sqnr[0], Is.LessThan(sqnr[1]));
        Assert.That(sqnr[1], Is.LessThan(sqnr[2]));
        Assert.That(sqnr[2], Is.GreaterThan(30), "8-bit uniform quantisation of a small CNN is within ~1% of fp32");
    }

    [Test]
    public void Weight_statistics_and_alpha_equal_an_independent_count_from_the_weights()
    {
        var result = Run(new QuantizeOptions(QuantMethod.Sawb, 2, 4, FirstLastFormat.Keep(NumberFormat.Fp32)));
        using var network = new TinyNetwork();
        var captured = new CapturingHook();
        using (var x = zeros(1, 3, 12, 12)) network.Forward(x, captured);
        var w = captured.Weights[1];
        // SAWB 2-bit, (c1, c2) = (3.12, 2.064) from fms-model-optimizer's sawb_utils.py (docs/reference/quantizers.md).
        var alpha = 3.12 * Math.Sqrt(w.Average(v => (double)v * v)) - 2.064 * w.Average(v => Math.Abs((double)v));
        var codes = w.Select(v => Math.Round(Math.Clamp(v, -alpha, alpha) / alpha)).ToArray();
        var stats = result.Workload.Layers[1].Statistics!;
        Assert.That(stats.WeightAlpha, Is.EqualTo(alpha).Within(1e-5).Percent);
        Assert.That(stats.WeightSparsity, Is.EqualTo(codes.Count(c => c == 0) / (double)codes.Length).Within(1.0 / codes.Length), "at most one code on a rounding boundary");
        Assert.That(stats.WeightNonZeroBits, Is.EqualTo(codes.Count(c => c != 0) / (double)codes.Length).Within(1.0 / codes.Length), "|code| is 0 or 1: one bit per non-zero");
        Assert.That(stats.InputAlpha, Is.GreaterThan(0));
        Assert.That(stats.InputSparsity, Is.GreaterThan(0.2), "ReLU outputs are often zero");
        Assert.That(stats.InputNonZeroBits, Is.GreaterThan(0).And.LessThanOrEqualTo(4));
    }

    [Test]
    public void Overrides_change_single_layers_and_a_pattern_that_matches_nothing_is_an_error()
    {
        var result = Run(new QuantizeOptions(QuantMethod.Pact, 4, 4, FirstLastFormat.Keep(NumberFormat.Fp32),
            Overrides("conv1: int8\n\"dw*\": {wbits: 8, abits: 8, method: uniform}\n")));
        Assert.That(result.Layers.Select(l => l.Plan.ToString()), Is.EqualTo(new[] { "uniform W8A8", "pact W4A4", "uniform W8A8", "fp32" }));
        var error = Assert.Throws<HwSim.Workloads.InputException>(() =>
            Run(new QuantizeOptions(QuantMethod.Pact, 4, 4, FirstLastFormat.Same, Overrides("# comment\nconv9: fp16\n"))));
        Assert.That(error!.Message, Does.Contain("conv9").And.Contain("matches no layer").And.Contain("line 2"));
    }

    [Test]
    public void Dumped_codes_give_the_dumped_outputs_and_the_reference_simulator_reproduces_them()
    {
        using var dir = new TempDir();
        var tensors = Path.Combine(dir.Path, "tensors");
        var result = Run(new QuantizeOptions(QuantMethod.Pact, 4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)), tensors);
        var dump = TensorDump.Read(tensors);
        Assert.That(dump.Layers.Select(l => l.Name), Is.EqualTo(new[] { "conv2", "dw3" }), "fp32 layers have no codes");

        // Independent check: the accumulators are the convolution of the codes, computed here with plain loops.
        var conv2 = dump.Find("conv2")!;
        var w = NpyArray.Read(Path.Combine(tensors, conv2.WeightFile));
        var x = NpyArray.Read(Path.Combine(tensors, conv2.InputFile));
        var y = NpyArray.Read(Path.Combine(tensors, conv2.OutputFile!));
        Assert.That(w.Shape, Is.EqualTo(new long[] { 16, 8, 3, 3 }));
        Assert.That(x.Shape, Is.EqualTo(new long[] { 1, 8, 12, 12 }));
        Assert.That(y.Shape, Is.EqualTo(new long[] { 1, 16, 6, 6 }));
        Assert.That(x.Values, Is.All.InRange(0, 3), "uint2 activations");
        Assert.That(w.Values, Is.All.InRange(-8, 7), "int4 weights");
        for (var k = 0; k < 16; k++)
            for (var p = 0; p < 6; p++)
                for (var q = 0; q < 6; q++)
                {
                    long sum = 0;
                    for (var c = 0; c < 8; c++)
                        for (var r = 0; r < 3; r++)
                            for (var s = 0; s < 3; s++)
                            {
                                int h = p * 2 + r - 1, v = q * 2 + s - 1; // pad top/left 1, bottom/right 0
                                if (h is >= 0 and < 12 && v is >= 0 and < 12)
                                    sum += w.Values[((k * 8 + c) * 3 + r) * 3 + s] * x.Values[(c * 12 + h) * 12 + v];
                            }
                    Assert.That(y.Values[(k * 6 + p) * 6 + q], Is.EqualTo(sum), $"output ({k}, {p}, {q})");
                }

        var csv = Path.Combine(dir.Path, "tiny.csv");
        using (var writer = new StreamWriter(csv)) WorkloadCsv.Write(result.Workload, writer);
        var run = CliRunner.Run("simulate", csv, "--arch", "lowbit-default", "--reference", "--tensors", tensors, "--format", "csv");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Error, Does.Contain("conv2: 576 outputs equal the quantizer's").And.Contain("dw3:"), run.ToString());
        Assert.That(run.Error, Does.Contain("conv1 (").And.Contain("random operands: no tensors for this layer"));
    }

    [Test]
    public void Tensors_of_another_precision_are_refused_with_the_file_named()
    {
        using var dir = new TempDir();
        var tensors = Path.Combine(dir.Path, "tensors");
        Run(new QuantizeOptions(QuantMethod.Pact, 4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)), tensors);
        var other = Run(new QuantizeOptions(QuantMethod.Pact, 4, 4, FirstLastFormat.Keep(NumberFormat.Fp32)));
        var csv = Path.Combine(dir.Path, "w4a4.csv");
        using (var writer = new StreamWriter(csv)) WorkloadCsv.Write(other.Workload, writer);
        var run = CliRunner.Run("simulate", csv, "--reference", "--tensors", tensors);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("manifest.json").And.Contain("int4 x uint2").And.Contain("int4 x uint4"));
    }

    private sealed class CapturingHook : HwSim.Quantizer.Models.ILayerHook
    {
        public List<float[]> Weights { get; } = [];

        public (Tensor Input, Tensor Weight) Before(int index, HwSim.Quantizer.Models.ComputeLayer layer, Tensor input, Tensor weight)
        {
            Weights.Add(weight.contiguous().data<float>().ToArray());
            return (input, weight);
        }

        public void After(int index, HwSim.Quantizer.Models.ComputeLayer layer, Tensor output) { }
    }
}
