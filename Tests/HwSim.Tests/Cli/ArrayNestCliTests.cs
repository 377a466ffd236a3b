using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim archs ARRAY --as-nest [--unit NAME]</c> prints a unit as a nest design that <c>hwsim nest --arch FILE</c> runs to the same
/// figures as <c>hwsim nest --arch ARRAY --unit NAME</c>; <c>hwsim nest --arch ARRAY</c> runs each layer on the unit the array engines
/// pick; user errors are one line and exit 2.
/// </summary>
public sealed class ArrayNestCliTests
{
    private const string Header = "name,kind,role,n,c,h,w,k,r,s,stride_h,stride_w,pad_top,pad_bottom,pad_left,pad_right,dilation_h,dilation_w,groups,p,q,macs,params,weight_format,input_format,accumulator_format,output_format,downsample,bias,batch_norm,unit,weight_sparsity,input_sparsity,weight_nonzero_bits,input_nonzero_bits,w_alpha,a_alpha,sqnr_db\n";

    // Two small int4 x uint2 layers (the lowbit unit's) and, in the mixed file, an fp32 one (the fp unit's).
    private const string IntLayers =
        "a,conv,inner,1,8,8,8,8,3,3,1,1,1,1,1,1,1,1,1,8,8,36864,576,int4,uint2,int10,uint2,false,false,false,,,,,,,,\n" +
        "b,conv,inner,1,8,8,8,16,1,1,2,2,0,0,0,0,1,1,1,4,4,2048,128,int4,uint2,int9,uint2,false,false,false,,,,,,,,\n";

    private const string FpLayer = "f,conv,first,1,3,8,8,8,3,3,1,1,1,1,1,1,1,1,1,8,8,13824,216,fp32,fp32,fp32,fp32,false,false,false,,,,,,,,\n";

    private static string Workload(TempDir dir, string name, string layers)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, $"# hwsim-workload v1: {name}\n" + Header + layers);
        return path;
    }

    private static void AssertOneLineError(CliResult r, params string[] parts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd('\n', '\r').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.StartWith("error: "));
        foreach (var p in parts)
            Assert.That(lines[0], Does.Contain(p));
    }

    [TestCase("lowbit-default", "lowbit")]
    [TestCase("eyeriss-like", "pe")]
    [TestCase("tpu-like", "mxu")]
    public void AsNest_RoundTrips_ThroughNest(string preset, string unit)
    {
        using var dir = new TempDir();
        var design = Path.Combine(dir.Path, "design.yaml");
        var printed = CliRunner.Run("archs", preset, "--as-nest", "--unit", unit, "-o", design);
        Assert.That(printed.ExitCode, Is.Zero, printed.ToString());
        // Integer layers each of these units takes (int4 x uint2 fits int8 and int16 arrays too).
        var workload = Workload(dir, "w.csv", IntLayers);
        var viaFile = CliRunner.Run("nest", workload, "--arch", design, "--samples", "40", "-f", "json", "-q");
        var direct = CliRunner.Run("nest", workload, "--arch", preset, "--unit", unit, "--samples", "40", "-f", "json", "-q");
        Assert.That(viaFile.ExitCode, Is.Zero, viaFile.ToString());
        Assert.That(direct.ExitCode, Is.Zero, direct.ToString());
        Assert.That(viaFile.Output, Is.EqualTo(direct.Output), "the printed design is the one the translation runs");
        var root = JsonDocument.Parse(direct.Output).RootElement;
        Assert.That(root.GetProperty("design").GetString(), Is.EqualTo($"{preset}.{unit}"));
        Assert.That(root.GetProperty("totals").GetProperty("macs").GetInt64(), Is.EqualTo(preset == "lowbit-default" ? (36864 + 2048) * 2 : 36864 + 2048),
            "bit-steps (B = 2 input bits) on the bit-serial unit, MACs on the others");
    }

    /// <summary>An array architecture file (top-level <c>units:</c>) as --arch runs like the preset it was printed from.</summary>
    [Test]
    public void Nest_OnAnArrayFile_IsThePresetsRun()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "tpu.yaml");
        Assert.That(CliRunner.Run("archs", "tpu-like", "-o", file).ExitCode, Is.Zero);
        var workload = Workload(dir, "w.csv", IntLayers);
        var fromFile = CliRunner.Run("nest", workload, "--arch", file, "--samples", "40", "-f", "json", "-q");
        var preset = CliRunner.Run("nest", workload, "--arch", "tpu-like", "--samples", "40", "-f", "json", "-q");
        Assert.That(fromFile.ExitCode, Is.Zero, fromFile.ToString());
        Assert.That(fromFile.Output, Is.EqualTo(preset.Output));
        // A broken array file is the architecture reader's one-line error, not the nest reader's.
        File.WriteAllText(file, File.ReadAllText(file).Replace("rows: 256", "rows: -1", StringComparison.Ordinal));
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", file, "-q"), "rows");
    }

    [Test]
    public void Nest_OnAnArray_RunsEachLayerOnItsUnit()
    {
        using var dir = new TempDir();
        var workload = Workload(dir, "mixed.csv", FpLayer + IntLayers);
        var r = CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--samples", "40", "-f", "json", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var root = JsonDocument.Parse(r.Output).RootElement;
        var units = root.GetProperty("units");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("architecture").GetString(), Is.EqualTo("lowbit-default"));
            Assert.That(units.GetArrayLength(), Is.EqualTo(2));
            Assert.That(units[0].GetProperty("design").GetString(), Is.EqualTo("lowbit-default.lowbit"));
            Assert.That(units[0].GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(units[1].GetProperty("design").GetString(), Is.EqualTo("lowbit-default.fp"));
            Assert.That(units[1].GetProperty("layers")[0].GetProperty("macs").GetInt64(), Is.EqualTo(13824));
            Assert.That(root.GetProperty("not_run").GetArrayLength(), Is.Zero);
            // The network's totals are the units' sums (no MAC total: bit-steps and MACs do not add).
            var totals = root.GetProperty("totals");
            Assert.That(totals.GetProperty("cycles").GetInt64(), Is.EqualTo(units.EnumerateArray().Sum(u => u.GetProperty("totals").GetProperty("cycles").GetInt64())));
            Assert.That(totals.GetProperty("energy_pj").GetDouble(),
                Is.EqualTo(units.EnumerateArray().Sum(u => u.GetProperty("totals").GetProperty("energy_pj").GetDouble())).Within(1e-9).Percent);
            Assert.That((totals.GetProperty("layers_run").GetInt32(), totals.GetProperty("layers_not_run").GetInt32()), Is.EqualTo((3, 0)));
            Assert.That(totals.TryGetProperty("macs", out _), Is.False);
        }
        var table = CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--samples", "40", "-q");
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        Assert.That(table.Output, Does.Contain("on nest design lowbit-default.lowbit").And.Contain("on nest design lowbit-default.fp")
            .And.Contain("network total").And.Match(@"unit designs\s+│\s+lowbit-default\.lowbit, lowbit-default\.fp"));
    }

    /// <summary>
    /// A mapping file for a run over several units names layers of the whole workload: an entry for a layer that runs on another unit's
    /// design is not "no layer of the workload" (each unit's study sees its own layers only), and it maps its layer there. A name no
    /// layer has is still refused at its line.
    /// </summary>
    [Test]
    public void Nest_OnAnArray_TakesAMappingFileOverItsUnits()
    {
        using var dir = new TempDir();
        var workload = Workload(dir, "mixed.csv", FpLayer + IntLayers);
        var saved = Path.Combine(dir.Path, "lowbit.yaml");
        Assert.That(CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--unit", "lowbit", "--samples", "40", "--save-mapping", saved, "-q").ExitCode, Is.Zero);
        var r = CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--samples", "40", "--mapping", saved, "-f", "json", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var units = JsonDocument.Parse(r.Output).RootElement.GetProperty("units");
        Assert.That(units[0].GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("mapping").GetProperty("source").GetString()), Is.EqualTo(new[] { "given", "given" }));
        Assert.That(units[1].GetProperty("layers")[0].GetProperty("mapping").GetProperty("source").GetString(), Is.EqualTo("searched"));
        File.AppendAllText(saved, "  nothere:\n    pe: { temporal: [C1] }\n");
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--samples", "40", "--mapping", saved, "-q"), "field 'layers.nothere'", "names no layer of the workload (its layers: f, a, b)");
    }

    /// <summary>
    /// An architecture none of whose units the nest can state is one error, not a row per layer; a layer-pipelined architecture runs
    /// on the one unit --unit names, as its error advises.
    /// </summary>
    [Test]
    public void Nest_OnAnArray_RefusalsAndPipelines()
    {
        using var dir = new TempDir();
        var workload = Workload(dir, "w.csv", IntLayers);
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", "bismo-like", "--samples", "20", "-q"), "field '--arch'", "bismo-like cannot run on the nest engine: unit", "serial: both");
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", "finn-like", "--samples", "20", "-q"), "field '--arch'", "layer-pipelined", "give --unit");
        // l0, finn-like's first MVAU: an int8 dot-product unit, which takes int4 x uint2 layers.
        const string unit = "l0";
        var one = CliRunner.Run("nest", workload, "--arch", "finn-like", "--unit", unit, "--samples", "20", "-f", "json", "-q");
        Assert.That(one.ExitCode, Is.Zero, one.ToString());
        Assert.That(JsonDocument.Parse(one.Output).RootElement.GetProperty("design").GetString(), Is.EqualTo($"finn-like.{unit}"));
    }

    [Test]
    public void Errors_AreOneLine_Exit2()
    {
        using var dir = new TempDir();
        var workload = Workload(dir, "mixed.csv", FpLayer + IntLayers);
        AssertOneLineError(CliRunner.Run("archs", "lowbit-default", "--as-nest"), "field '--unit'", "lowbit-default has 2 units (lowbit, fp); give --unit NAME");
        AssertOneLineError(CliRunner.Run("archs", "lowbit-default", "--as-nest", "--unit", "x"), "lowbit-default has no unit 'x' (units: lowbit, fp)");
        AssertOneLineError(CliRunner.Run("archs", "loom-like", "--as-nest"), "field '--as-nest'", "unit sip (bitserial) of loom-like has no nest statement: serial: both");
        AssertOneLineError(CliRunner.Run("archs", "bitfusion-like", "--as-nest"), "has no nest statement: a fusion unit (Bit Fusion)");
        AssertOneLineError(CliRunner.Run("archs", "stripes-like", "--as-nest"), "fc_mode: multiplex");
        AssertOneLineError(CliRunner.Run("archs", "lowbit-default", "--unit", "fp"), "field '--unit'", "applies with --as-nest");
        AssertOneLineError(CliRunner.Run("archs", "eyeriss-rs", "--as-nest"), "eyeriss-rs is already a nest design");
        AssertOneLineError(CliRunner.Run("archs", "tpu-like", "--as-nest", "-f", "json"), "field '--format'");
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--unit", "nope", "-q"), "field '--unit'", "lowbit-default has no unit 'nope'");
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", "eyeriss-rs", "--unit", "pe", "-q"), "field '--unit'", "applies to an array architecture");
        AssertOneLineError(CliRunner.Run("nest", workload, "--arch", "lowbit-default", "--samples", "20", "-f", "csv", "-q"), "field '--format'", "give --unit NAME");
    }

    [Test]
    public void Nest_OnARefusedUnit_ListsTheLayersNotRun()
    {
        // lowbit-default with its bit-serial unit made serial in both operands (Loom's): the int layers' unit has no nest statement,
        // the fp32 layer still runs on the fp unit, so the refused layers are rows with the reason beside it.
        using var dir = new TempDir();
        var workload = Workload(dir, "mixed.csv", FpLayer + IntLayers);
        var arch = Path.Combine(dir.Path, "both.yaml");
        Assert.That(CliRunner.Run("archs", "lowbit-default", "-o", arch).ExitCode, Is.Zero);
        File.WriteAllText(arch, File.ReadAllText(arch).Replace("serial: activations", "serial: both", StringComparison.Ordinal));
        var r = CliRunner.Run("nest", workload, "--arch", arch, "--samples", "20", "-f", "json", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var root = JsonDocument.Parse(r.Output).RootElement;
        Assert.That(root.GetProperty("units").GetArrayLength(), Is.EqualTo(1));
        var notRun = root.GetProperty("not_run");
        Assert.That(notRun.EnumerateArray().Select(n => n.GetProperty("layer").GetString()), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(notRun[0].GetProperty("reason").GetString(), Does.StartWith("unit lowbit has no nest statement: serial: both"));
        Assert.That(root.GetProperty("totals").GetProperty("layers_not_run").GetInt32(), Is.EqualTo(2));
    }
}
