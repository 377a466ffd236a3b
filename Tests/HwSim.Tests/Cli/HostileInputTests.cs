using System.Text;
using System.Text.Json;
using HwSim.Simulator;
using HwSim.Tests.Support;
using HwSim.Tests.Workloads.Import.Onnx;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Transforms;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// Issue 11's hostile inputs (items 3, 4, 6, 8, 9, 10, 14, 15, 18) and issue 10 item 5's mixed
/// batches: each case crashed, hung or was silently accepted before; now it is one line and exit 2,
/// a layer result with its reason, or applied as asked.
/// </summary>
public class HostileInputTests
{
    private const string ScaleSimHeader = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

    private static void AssertOneLineError(CliResult r, params string[] parts) => BadInputTests.AssertOneLineError(r, parts);

    private static CliResult Workload(string contents, params string[] extra)
    {
        using var dir = new TempDir();
        return CliRunner.Run(["workload", dir.File("net.csv", contents), .. extra]);
    }

    // Item 18: duplicate names name both lines.
    [Test]
    public void DuplicateLayerNameInHwSimCsvNamesBothLines() =>
        AssertOneLineError(Workload("name,c,h,w,k,r,s\na,3,8,8,4,3,3\nb,4,6,6,4,3,3\na,4,4,4,4,3,3\n"),
            "net.csv", "line 4", "field 'name'", "'a' is already used on line 2");

    [Test]
    public void DuplicateLayerNameInScaleSimCsvNamesBothLines() =>
        AssertOneLineError(Workload(ScaleSimHeader + "c1,8,8,3,3,3,4,1,\nc1,8,8,3,3,4,4,1,\n"),
            "net.csv", "line 3", "'c1' is already used on line 2");

    // Item 9: a depthwise row of 65,536 channels x 65,536 filters overflowed an int.
    [Test]
    public void ScaleSimDepthwiseRowAboveTwoToThe31ChannelsIsAnError() =>
        AssertOneLineError(Workload(ScaleSimHeader + "conv_DP,8,8,3,3,65536,65536,1,\n"),
            "net.csv", "line 2", "field 'Num Filter'", "4,294,967,296 output channels");

    [Test]
    public void ScaleSimHugeStrideDoesNotOverflowTheCeilPadding() =>
        // SCALE-Sim's ceil-mode output needs one row of padding here, past int.MaxValue: an error, not an overflow.
        AssertOneLineError(Workload(ScaleSimHeader + $"c1,{int.MaxValue},8,1,3,3,4,{int.MaxValue},\n"), "line 2", "is too large (at most 2147483647 per side)");

    // Item 18: leniency.
    [TestCase("yes")]
    [TestCase("no")]
    [TestCase("1")]
    public void BiasMustBeTrueOrFalse(string value) =>
        AssertOneLineError(Workload($"name,c,h,w,k,r,s,bias\na,3,8,8,4,3,3,{value}\n"), "line 2", "field 'bias'", $"'{value}' is not true or false");

    [TestCase("stride,stride_h", "2,1", "'stride' is 2 but 'stride_h' is 1")]
    [TestCase("pad,pad_left", "1,0", "'pad' is 1 but 'pad_left' is 0")]
    [TestCase("dilation,dilation_w", "1,2", "'dilation' is 1 but 'dilation_w' is 2")]
    public void ConflictingShorthandAndDirectionalColumnsAreRefused(string columns, string values, string message) =>
        AssertOneLineError(Workload($"name,c,h,w,k,r,s,{columns}\na,3,8,8,4,3,3,{values}\n"), "line 2", message);

    [Test]
    public void AgreeingShorthandAndDirectionalColumnsAreAccepted() =>
        Assert.That(Workload("name,c,h,w,k,r,s,stride,stride_h\na,3,8,8,4,3,3,2,2\n").ExitCode, Is.EqualTo(0));

    [Test]
    public void InvalidUtf8InANameIsRefusedWithItsLine()
    {
        using var dir = new TempDir();
        var path = dir.File("net.csv");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("name,c,h,w,k,r,s\nok,3,8,8,4,3,3\nb"), 0xFF, 0xFE, .. Encoding.ASCII.GetBytes("d,4,6,6,4,3,3\n")]);
        AssertOneLineError(CliRunner.Run("workload", path), "net.csv", "line 3", "byte 0xFF at column 2 is not valid UTF-8");
    }

    [Test]
    public void Utf8NamesAndAByteOrderMarkStillRead()
    {
        using var dir = new TempDir();
        var path = dir.File("net.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("name,c,h,w,k,r,s\ncouche_été,3,8,8,4,3,3\n")]);
        Assert.That(WorkloadSource.Load(path).Layers.Single().Name, Is.EqualTo("couche_été"));
    }

    [Test]
    public void NonIntegerBitsSayWhatIsExpected() =>
        AssertOneLineError(CliRunner.Run("workload", "resnet18", "--wbits", "x2", "--abits", "2"), "--wbits", "'x2' is not a whole number");

    [Test]
    public void OnnxSizeErrorNamesTheInputSizeOption()
    {
        using var dir = new TempDir();
        var path = new OnnxTestModel().Input("x", "batch", 3, "height", "width").Weight("w", 4, 3, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], "conv").Save(dir.Path, "symbolic.onnx");
        var r = CliRunner.Run("workload", path);
        AssertOneLineError(r, "symbolic.onnx", "field '--input-size'", "the height (dimension 2) is symbolic ('height')");
        Assert.That(r.Error, Does.Not.Contain("OnnxReadOptions"));
    }

    // Item 4: the bit-operation count overflows 64 bits before the MAC count does.
    [Test]
    public void BitOperationOverflowIsAnErrorAtReadTime() =>
        // 2^31-1 x 2^24 x 2^8 = 2^63 - 2^32 MACs fit; x 32 x 32 bits do not.
        AssertOneLineError(Workload($"name,kind,h,c,k,w,r,s\ng,gemm,{int.MaxValue},16777216,256,1,1,1\n"),
            "net.csv", "line 2", "layer 'g' is too large: its bit-operations (32 x 32 bits");

    [Test]
    public void BitOperationOverflowFromTheBatchNamesTheBatchOption() =>
        AssertOneLineError(CliRunner.Run("simulate", "vgg16", "--batch", "600000"), "field '--batch'", "at batch 600,000", "fit in 64 bits");

    [Test]
    public void BitOperationOverflowInFirstLastsParallelRowsIsOneLine()
    {
        // Fits as binary x binary; first-last prices it with fp32 first/last layers, on worker threads.
        using var dir = new TempDir();
        var path = dir.File("g.csv", "name,kind,h,c,k,w,r,s,weight_format,input_format\ng,gemm,1000000,1000000,1000000,1,1,1,binary,binary\n");
        AssertOneLineError(CliRunner.Run("first-last", path), "layer 'g' is too large", "fit in 64 bits");
    }

    [Test]
    public void BitOperationOverflowFromThePrecisionIsAnError()
    {
        // Fits at 4 x 4 bits (2^57 x 16 = 2^61), not at 32 x 32.
        var shape = LayerShape.Gemm(1 << 30, 1 << 20, 1 << 7);
        var layer = new LayerWorkload("g", shape, new(NumberFormat.Int(4), NumberFormat.UInt(4),
            NumberFormat.Int(32), NumberFormat.UInt(4)));
        Assert.That(layer.BitOperations, Is.EqualTo(16L << 57));
        Assert.That(() => layer with { Precision = OperandPrecision.Fp32 },
            Throws.TypeOf<InputException>().With.Message.Contains("do not fit in 64 bits"));
    }

    // Item 6: --batch is applied to built-in networks and CSV workloads.
    [Test]
    public void BatchAppliesToBuiltInNetworks()
    {
        var r = CliRunner.Run("workload", "vgg16", "--batch", "256", "--format", "json");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        using var json = JsonDocument.Parse(r.Output);
        var layers = json.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.That(layers.Select(l => l.GetProperty("n").GetInt32()), Is.All.EqualTo(256));
        Assert.That(layers.Sum(l => l.GetProperty("macs").GetInt64()), Is.EqualTo(256 * 15_470_264_320L));
    }

    [Test]
    public void BatchAppliesToCsvWorkloads()
    {
        var r = Workload("name,n,c,h,w,k,r,s\na,2,3,8,8,4,3,3\nb,2,4,6,6,10,3,3\n", "--batch", "8", "--format", "csv");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var workload = HwSim.Workloads.Import.Csv.WorkloadCsv.Read(new StringReader(r.Output), "out.csv", "out");
        Assert.That(workload.Layers.Select(l => l.Shape.Batch), Is.All.EqualTo(8));
        Assert.That(workload.Batch, Is.EqualTo(8));
        Assert.That(workload.Macs, Is.EqualTo(8L * (4 * 6 * 6 * 3 * 9 + 10 * 4 * 4 * 4 * 9)));
    }

    [Test]
    public void BatchDividesEnergyPerInference()
    {
        static double PerInference(CliResult r)
        {
            Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
            return EnergyPerInference(r.Output);
        }
        var one = PerInference(CliRunner.Run("energy", "alexnet", "--format", "json"));
        var two = PerInference(CliRunner.Run("energy", "alexnet", "--batch", "2", "--format", "json"));
        // Before, --batch was ignored and both were the same. Now the batch of two shares one read
        // of the weights (AlexNet's FC weights dominate its DRAM traffic), so each inference costs
        // less, but not less than half: the activations' work doubles with the batch.
        Assert.That(two, Is.LessThan(one));
        Assert.That(2 * two, Is.GreaterThan(one));
    }

    [Test]
    public void BatchOnAGemmWorkloadIsRefused() =>
        AssertOneLineError(Workload("name,kind,h,c,k,w,r,s\ng,gemm,64,32,16,1,1,1\n", "--batch", "4"), "field '--batch'", "layer 'g' is a plain GEMM");

    [Test]
    public void InputSizeOnANonOnnxWorkloadIsRefused() =>
        AssertOneLineError(CliRunner.Run("workload", "resnet18", "--input-size", "32x32"), "field '--input-size'", "ONNX models only");

    // Issue 10 item 5: layers with different batches.
    [Test]
    public void MixedBatchesInACsvAreRefusedWithTheirLines() =>
        AssertOneLineError(Workload("name,n,c,h,w,k,r,s\na,1,3,8,8,4,3,3\nb,2,4,6,6,4,3,3\n"),
            "net.csv", "line 3", "field 'n'", "batch 2 differs from the batch 1 on line 2");

    [Test]
    public void AWorkloadCarriesOneBatch()
    {
        var a = new LayerWorkload("a", LayerShape.Conv(3, 8, 8, 4, 3, batch: 4));
        var b = new LayerWorkload("b", LayerShape.Conv(4, 6, 6, 4, 3, batch: 2));
        var g = new LayerWorkload("g", LayerShape.Gemm(10, 4, 4));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new Workload("w", [a, b]), Throws.TypeOf<InputException>().With.Message.Contains("layer 'b' has batch 2 but layer 'a' has batch 4"));
            // A GEMM keeps its batch in M: it does not clash with the other layers'.
            Assert.That(new Workload("w", [a, g]).Batch, Is.EqualTo(4));
            Assert.That(new Workload("w", [g]).Batch, Is.EqualTo(1));
            Assert.That(Batching.Apply(new Workload("w", [a, b with { Shape = b.Shape with { Batch = 4 } }]), 3).Layers.Select(l => l.Shape.Batch), Is.All.EqualTo(3));
        }
    }

    // Item 8: YAML nested tens of thousands deep killed the process with a stack overflow.
    [Test]
    public void DeeplyNestedArchitectureYamlIsAnError()
    {
        using var dir = new TempDir();
        var path = dir.File("deep.yaml", "version: 1\nname: x\nclock_mhz: " + new string('[', 40_000) + new string(']', 40_000) + "\n");
        AssertOneLineError(CliRunner.Run("archs", path), "deep.yaml", "line 3", "nested more than 64 levels deep");
    }

    [Test]
    public void DeeplyNestedGridYamlIsAnError()
    {
        using var dir = new TempDir();
        var grid = dir.File("grid.yaml", "version: 1\nbase: lowbit-default\nvary:\n  clock_mhz: " + string.Concat(Enumerable.Repeat("{a: ", 40_000)) + "1" + new string('}', 40_000) + "\n");
        AssertOneLineError(CliRunner.Run("sweep", "--network", "alexnet", "--arch-grid", grid, "-o", dir.File("s.csv")), "grid.yaml", "line 4", "nested more than 64 levels");
    }

    [Test]
    public void NestingUpToTheCapIsRead()
    {
        var ok = "a: " + new string('[', YamlDocuments.MaxDepth - 1) + new string(']', YamlDocuments.MaxDepth - 1);
        Assert.That(YamlDocuments.LoadSingle(ok, "f.yaml", "a file"), Is.Not.Null);
        var deep = "a: " + new string('[', YamlDocuments.MaxDepth) + new string(']', YamlDocuments.MaxDepth);
        Assert.That(() => YamlDocuments.LoadSingle(deep, "f.yaml", "a file"), Throws.TypeOf<InputException>().With.Message.Contains("nested more than"));
    }

    // Item 15: custom tags.
    [Test]
    public void CustomYamlTagsAreRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("tag.yaml", "version: 1\nname: x\nclock_mhz: !foo 500\nunits: [{ name: a, kind: xnor, rows: 1, cols: 1 }]\n");
        AssertOneLineError(CliRunner.Run("archs", path), "tag.yaml", "line 3", "the tag '!foo' is not allowed");
        Assert.That(YamlDocuments.LoadSingle("a: !!int 5\n", "f.yaml", "a file"), Is.Not.Null, "core schema tags say nothing new and are read");
    }

    // Item 14: clock bounds.
    [TestCase("1e308")]
    [TestCase("100001")]
    [TestCase("0.0001")]
    public void ClockOutsideItsPlausibleRangeIsAnError(string clock)
    {
        using var dir = new TempDir();
        var path = dir.File("clk.yaml", $"version: 1\nname: x\nclock_mhz: {clock}\nunits: [{{ name: a, kind: xnor, rows: 1, cols: 1 }}]\n");
        AssertOneLineError(CliRunner.Run("archs", path), "clk.yaml", "line 3", "field 'clock_mhz'", "must be 0.001 to 100,000 MHz");
    }

    private static double EnergyPerInference(string json)
    {
        var m = System.Text.RegularExpressions.Regex.Match(json, "\"energy_per_inference_uj\": ([-+0-9.eE]+)");
        Assert.That(m.Success, json);
        return double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    // Item 10: energy and area table values.
    private const string EnergyHeader = "action,arithmetic,bits_a,bits_b,energy_pj,source,capacity_bytes,dram\n";

    [Test]
    public void EnergyTableValueAboveItsCapIsAnError()
    {
        using var dir = new TempDir();
        var table = dir.File("e.csv", EnergyHeader + "add,integer,8,,1e300,my synthesis,,\n");
        AssertOneLineError(CliRunner.Run("energy", "alexnet", "--energy-table", table, "--format", "json"), "e.csv", "line 2", "field 'energy_pj'", "at most 1e6 pJ");
    }

    [Test]
    public void EnergyTableLawThatExplodesIsAnErrorNotInfinity()
    {
        using var dir = new TempDir();
        // Two SRAM points a factor 10^12 apart at 1 B and 2 B: a fitted exponent near 40 takes a
        // 256 KB buffer's access far beyond any circuit (Infinity in double).
        var table = dir.File("e.csv", EnergyHeader
            + "sram_read_word,,64,,0.000001,steep,1,\nsram_read_word,,64,,1000000,steep,2,\n"
            + "sram_write_word,,64,,0.000001,steep,1,\nsram_write_word,,64,,1000000,steep,2,\n");
        var r = CliRunner.Run("energy", "alexnet", "--energy-table", table, "--format", "json");
        if (r.ExitCode == 0)
        {
            Assert.That(r.Output, Does.Not.Contain("Infinity").And.Not.Contain("NaN"));
            Assert.That(double.IsFinite(EnergyPerInference(r.Output)));
        }
        else
            AssertOneLineError(r, "more than the plausible 1e9 pJ");
    }

    [Test]
    public void AreaTableValueAboveItsCapIsAnError()
    {
        using var dir = new TempDir();
        var table = dir.File("a.csv", "component,bits_a,bits_b,area_um2,source\nfp_mult,32,32,1e300,mine\n");
        AssertOneLineError(CliRunner.Run("area", "--area-table", table), "a.csv", "line 2", "field 'area_um2'", "at most 1e9 um^2");
    }

    // Item 3: a layer too large to walk is a result with its reason, at once.
    [Test]
    public void ALayerWithTooManyFoldsIsNotRunAndSaysWhy()
    {
        // 2^20 x 1 x 2^20 on the default 8x8 fp32 unit: 2^34 folds (a walk of hours).
        var r = Workload($"name,kind,h,c,k,w,r,s\ng,gemm,{1 << 20},1,{1 << 20},1,1,1\n");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        using var dir = new TempDir();
        var path = dir.File("g.csv", $"name,kind,h,c,k,w,r,s\ng,gemm,{1 << 20},1,{1 << 20},1,1,1\n");
        var sim = CliRunner.Run("simulate", path, "--format", "json");
        Assert.That(sim.ExitCode, Is.EqualTo(0), sim.ToString());
        using var json = JsonDocument.Parse(sim.Output);
        var layer = json.RootElement.GetProperty("layers")[0];
        Assert.That(layer.GetProperty("ran").GetBoolean(), Is.False);
        Assert.That(layer.GetProperty("reason").GetString(), Does.Contain("17,179,869,184 folds").And.Contain($"{Simulation.MaxFolds:N0}"));
    }

    [Test]
    public void ALayerWhoseChunksWouldNeedTooManyFoldsIsNotRun()
    {
        // fp32 K = 2^26 does not fit a 1 KiB weight buffer whole; the chunks that fit need more folds than the cap.
        var arch = new HwSim.Simulator.Architecture.ArchitectureSpec("tiny", 500, HwSim.Simulator.Architecture.DramSpec.Unlimited,
            new HwSim.Simulator.Architecture.BufferSpec(1024, 1024, 1024, 64),
            [new HwSim.Simulator.Architecture.SystolicUnitSpec("fp", 8, 8, HwSim.Simulator.Architecture.Dataflow.OutputStationary, NumberFormat.Fp32)]);
        var layer = new LayerWorkload("g", LayerShape.Gemm(64, 1 << 26, 64));
        var result = Simulation.Evaluate(layer, arch);
        Assert.That(result.Ran, Is.False);
        Assert.That(result.NotRunReason, Does.Contain("chunks longer than").And.Contain("folds"));
    }
}
