using System.Diagnostics;
using HwSim.Analyses.Sweep;
using HwSim.Simulator.Architecture;
using HwSim.Tests.Support;
using HwSim.Tests.Workloads.Import.Onnx;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Zoo;
using NUnit.Framework;
using Onnx;

namespace HwSim.Tests.Fuzz;

/// <summary>
/// The fuzz pass of issue 11 over every reader the CLI offers a file to: seeded corpora of
/// mutations (<see cref="Mutator"/>) of valid files (the zoo written as HwSim CSV, SCALE-Sim
/// topologies, the presets written as architecture YAML, the README's grid, the built-in energy
/// and area tables, synthetic ONNX models). Every case must end with exit code 0 or with exit
/// code 2 and exactly one line "error: ..." without a stack trace; a library reader may throw
/// only <see cref="InputException"/>. The cases per reader are printed (the closing note's
/// figures); a failure names its seed and case number, which regenerates it.
/// </summary>
public class ReaderFuzzTests
{
    private const int Seed = 20261203;

    private const string ScaleSimConv = """
        Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
        Conv1, 224, 224, 11, 11, 3, 96, 4,
        Conv2, 27, 27, 5, 5, 96, 256, 1,
        Conv3_DP, 13, 13, 3, 3, 256, 1, 1,
        Conv4, 13, 13, 3, 3, 384, 384, 1, 2,
        FC1, 1, 1, 1, 1, 9216, 4096, 1,

        """;

    private const string ScaleSimGemm = """
        Layer Name, M, N, K,
        gemm1, 512, 256, 1024,
        gemm2, 64, 4096, 64,

        """;

    // The grid of README.md's "Sweeps and clusters".
    private const string Grid = """
        version: 1
        base: lowbit-default
        vary:
          units[lowbit].rows: [8, 16, 32]
          units[lowbit].cols: [8, 16, 32]
          units[lowbit].lanes: [8, 16]
          buffers.ifmap_kb: [64, 256]
          dram.bandwidth_bytes_per_cycle: [8, 16, unlimited]
          clock_mhz: [200, 500]

        """;

    private static string HwSimCsv(string network)
    {
        var text = new StringWriter();
        WorkloadCsv.Write(NetworkZoo.Get(network), text);
        return text.ToString();
    }

    private const string HandWrittenCsv = """
        name,kind,n,c,h,w,k,r,s,stride,pad,groups,weight_format,input_format,bias,unit,weight_sparsity,sqnr_db
        conv1,conv,1,3,32,32,16,3,3,1,1,1,int8,uint8,true,,0.25,inf
        dw,conv,1,16,32,32,16,3,3,2,1,16,int4,uint4,false,,,30.5
        fc,fc,1,4096,1,1,10,1,1,1,0,1,fp32,fp32,true,,,
        mm,gemm,1,64,128,1,32,1,1,1,0,1,int2,uint2,false,,,

        """;

    [Test]
    public void HwSimWorkloadCsv() =>
        FuzzCli("HwSim workload CSV", 400, [HwSimCsv("resnet18"), HwSimCsv("mobilenet_v2"), HandWrittenCsv], "net.csv",
            path => ["workload", path, "--format", "csv"]);

    [Test]
    public void ScaleSimTopology() =>
        FuzzCli("SCALE-Sim topology", 300, [ScaleSimConv, ScaleSimGemm], "topo.csv", path => ["workload", path, "--format", "json"]);

    [Test]
    public void ArchitectureYaml() =>
        FuzzCli("architecture YAML", 400, [.. Presets.Names.Select(n => ArchitectureYamlWriter.Yaml(Presets.Get(n)))], "arch.yaml",
            path => ["archs", path]);

    [Test]
    public void GridYaml() =>
        // The reader directly: a valid grid would start a sweep through the CLI.
        FuzzLibrary("grid YAML", 400, [Grid], "grid.yaml", path => GridFile.Load(path));

    [Test]
    public void EnergyTable() =>
        FuzzCli("energy table", 150, [File.ReadAllText(Path.Combine(RepoPaths.Root, "CostModel", "Energy", "Data", "energy-45nm.csv"))], "e.csv",
            path => ["table", "--what", "energy", "--energy-table", path, "--format", "csv"]);

    [Test]
    public void AreaTable() =>
        FuzzCli("area table", 150, [File.ReadAllText(Path.Combine(RepoPaths.Root, "CostModel", "Area", "Data", "area-45nm.csv"))], "a.csv",
            path => ["area", "--area-table", path, "--format", "csv"]);

    [Test]
    public void PricingWithFuzzedEnergyTables() =>
        // The same tables priced against counts: totals must be finite or the table refused.
        FuzzCli("energy table (priced)", 60, [File.ReadAllText(Path.Combine(RepoPaths.Root, "CostModel", "Energy", "Data", "energy-45nm.csv"))], "e.csv",
            path => ["energy", "alexnet", "--energy-table", path, "--format", "json"],
            output => Assert.That(output, Does.Not.Contain("Infinity").And.Not.Contain("NaN")));

    [Test]
    public void Onnx()
    {
        using var dir = new TempDir();
        var mutator = new Mutator(Seed);
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        const int cases = 300;
        for (var i = 0; i < cases; i++)
        {
            var path = dir.File("m.onnx");
            // Half the cases are random graphs (sizes, attributes and ops at their edges), half byte mutations of a valid model.
            if (i % 2 == 0)
                RandomModel(mutator).Save(dir.Path, "m.onnx");
            else
                File.WriteAllBytes(path, mutator.Mutate(ValidModelBytes(dir.Path)));
            Check(CliRunner.Run("workload", path, "--format", "json"), i, File.Exists(path) ? Convert.ToBase64String(File.ReadAllBytes(path)) : "", failures);
        }
        Report("ONNX", cases, watch, failures);
    }

    private static byte[] ValidModelBytes(string dir)
    {
        var path = new OnnxTestModel().Input("x", "batch", 3, 32, 32).Weight("w1", 8, 3, 3, 3).Weight("w2", 8, 1, 3, 3).Weight("fc", 10, 8)
            .Node("Conv", ["x", "w1"], ["a"], "conv1", OnnxTestModel.Ints("pads", 1, 1, 1, 1), OnnxTestModel.Ints("strides", 2, 2))
            .Node("Relu", ["a"], ["b"], "relu")
            .Node("Conv", ["b", "w2"], ["c"], "dw", OnnxTestModel.Int("group", 8), OnnxTestModel.Ints("pads", 1, 1, 1, 1))
            .Node("GlobalAveragePool", ["c"], ["d"], "pool")
            .Node("Flatten", ["d"], ["e"], "flatten")
            .Node("Gemm", ["e", "fc"], ["y"], "fc", OnnxTestModel.Int("transB", 1))
            .Output("y").Save(dir, "valid.onnx");
        return File.ReadAllBytes(path);
    }

    private static readonly long[] EdgeSizes = [0, -1, 1, 2, 3, 7, 64, 65536, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue];

    private static long Pick(Mutator m, long typical) => m.Next(4) == 0 ? EdgeSizes[m.Next(EdgeSizes.Length)] : typical;

    private static OnnxTestModel RandomModel(Mutator m)
    {
        var c = Pick(m, 1 + m.Next(8));
        var k = Pick(m, 1 + m.Next(8));
        var r = Pick(m, 1 + m.Next(5));
        var h = Pick(m, 4 + m.Next(30));
        var model = new OnnxTestModel().Input("x", m.Next(3) == 0 ? "n" : (object)Pick(m, 1), c, m.Next(4) == 0 ? "h" : (object)h, Pick(m, h))
            .Weight("w", Math.Clamp(k, 1, 64), Math.Clamp(c, 1, 64), Math.Clamp(r, 1, 7), Math.Clamp(Pick(m, r), 1, 7));
        var attributes = new List<AttributeProto>();
        if (m.Next(2) == 0) attributes.Add(OnnxTestModel.Ints("pads", Pick(m, 1), Pick(m, 1), Pick(m, 0), Pick(m, 1)));
        if (m.Next(2) == 0) attributes.Add(OnnxTestModel.Ints("strides", Pick(m, 1), Pick(m, 2)));
        if (m.Next(3) == 0) attributes.Add(OnnxTestModel.Ints("dilations", Pick(m, 1), Pick(m, 2)));
        if (m.Next(3) == 0) attributes.Add(OnnxTestModel.Int("group", Pick(m, 1)));
        if (m.Next(4) == 0) attributes.Add(OnnxTestModel.String("auto_pad", new[] { "SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "BOGUS" }[m.Next(5)]));
        if (m.Next(5) == 0) attributes.Add(OnnxTestModel.Ints("kernel_shape", Pick(m, 3), Pick(m, 3), Pick(m, 3)));
        model.Node(m.Next(6) == 0 ? "MatMul" : "Conv", m.Next(8) == 0 ? ["x"] : ["x", "w"], ["y"], "conv", [.. attributes]);
        if (m.Next(3) == 0)
            model.Int64s("shape", Pick(m, 1), Pick(m, -1)).Node("Reshape", ["y", "shape"], ["z"], "reshape")
                .Weight("fc", 10, Math.Clamp(Pick(m, 16), 1, 64)).Node("Gemm", ["z", "fc"], ["out"], "fc", OnnxTestModel.Int("transB", Pick(m, 1)));
        return model.Output("y");
    }

    private static void FuzzCli(string reader, int cases, string[] seeds, string fileName, Func<string, string[]> args, Action<string>? onSuccess = null) =>
        Fuzz(reader, cases, seeds, fileName, (i, path, text, failures) =>
        {
            var r = CliRunner.Run(args(path));
            Check(r, i, text, failures);
            if (r.ExitCode != 0 || onSuccess is null)
                return;
            try
            {
                onSuccess(r.Output);
            }
            catch (AssertionException e)
            {
                failures.Add($"case {i}: {e.Message}\n{Shorten(text)}");
            }
        });

    private static void FuzzLibrary(string reader, int cases, string[] seeds, string fileName, Action<string> read) =>
        Fuzz(reader, cases, seeds, fileName, (i, path, text, failures) =>
        {
            try
            {
                read(path);
            }
            catch (InputException e) when (!e.Message.Contains('\n', StringComparison.Ordinal))
            {
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {e.GetType().Name}: {e.Message}\n{Shorten(text)}");
            }
        });

    /// <summary>Writes each mutated case to <paramref name="fileName"/> and hands it to <paramref name="check"/> (case, path, text, failures).</summary>
    private static void Fuzz(string reader, int cases, string[] seeds, string fileName, Action<int, string, string, List<string>> check)
    {
        using var dir = new TempDir();
        var mutator = new Mutator(Seed);
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var text = mutator.Mutate(seeds[i % seeds.Length]);
            check(i, dir.File(fileName, text), text, failures);
        }
        Report(reader, cases, watch, failures);
    }

    private static void Check(CliResult r, int i, string input, List<string> failures)
    {
        if (r.ExitCode == 0)
            return;
        var lines = r.Error.TrimEnd('\n', '\r').Split('\n');
        if (r.ExitCode != 2 || lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal) || r.Error.Contains("   at ", StringComparison.Ordinal))
            failures.Add($"case {i}: exit {r.ExitCode}: {Shorten(r.Error)}\n--- input\n{Shorten(input)}");
    }

    private static void Report(string reader, int cases, Stopwatch watch, List<string> failures)
    {
        TestContext.Out.WriteLine($"fuzz {reader}: {cases} cases (seed {Seed}), {failures.Count} failures, {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(failures, Is.Empty, $"{failures.Count} of {cases} {reader} cases failed; first:\n{string.Join("\n\n", failures.Take(3))}");
    }

    private static string Shorten(string text) => text.Length <= 1500 ? text : text[..1500] + $"... ({text.Length} chars)";
}
