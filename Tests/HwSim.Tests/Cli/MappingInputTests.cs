using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>What the mapping options refuse, and where an error about a mapping file points, on the verbs that run a network several ways.</summary>
public class MappingInputTests
{
    private static void Refused(CliResult r, params string[] parts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        foreach (var part in parts)
            Assert.That(lines[0], Does.Contain(part), r.ToString());
    }

    [TestCase("simulate", "3")]
    [TestCase("energy", "-1")]
    [TestCase("first-last", "energy,latency")]
    [TestCase("compare", "power")]
    [TestCase("width", " latency")]
    [TestCase("report", "7")]
    [TestCase("sweep", "2")]
    public void Objective_OnlyItsThreeNames(string verb, string value)
    {
        string[] args = verb switch
        {
            "compare" => [verb, "resnet18", "--arch", "lowbit-default", "--arch", "eyeriss-like", "--objective", value],
            "sweep" => [verb, "-n", "resnet18", "--bits", "2", "--objective", value],
            _ => [verb, "resnet18", "--objective", value],
        };
        Refused(CliRunner.Run(args), $"--objective must be energy, latency or edp, got '{value}'");
    }

    [Test]
    public void Objective_AnyCase() =>
        Assert.That(CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--objective", "EDP", "-q").ExitCode, Is.Zero);

    [Test]
    public void FirstLast_ChecksTheFileAtEveryKeptFormat()
    {
        using var dir = new TempDir();
        // Fits at fp32 (an fp32 conv1 runs on the fp unit), breaks the output buffer at int8 (conv1 on the low-bit unit).
        var file = dir.File("m.yaml", "layers:\n  conv1: { block_m: 128, block_k: 1, block_n: 1 }\n");
        Assert.That(CliRunner.Run("first-last", "resnet18", "--keep", "fp32", "--mapping", file, "-q").ExitCode, Is.Zero);
        Refused(CliRunner.Run("first-last", "resnet18", "--keep", "fp32,int8", "--mapping", file, "-q"),
            $"{file}, line 2, field 'layers.conv1': with the first and last layers at int8: breaks a capacity for layer 'conv1' on unit 'lowbit'");
    }

    [Test]
    public void Report_ChecksTheFileAgainstEverySection_AndWritesNoFolder()
    {
        using var dir = new TempDir();
        var file = dir.File("m.yaml", "layers:\n  conv1: { block_m: 128, block_k: 1, block_n: 1 }\n");
        var folder = Path.Combine(dir.Path, "report");
        Refused(CliRunner.Run("report", "resnet18", "--mapping", file, "-o", folder, "-q"), $"{file}, line 2", "with the first and last layers at int8: breaks a capacity");
        Assert.That(Directory.Exists(folder), Is.False);
    }

    [Test]
    public void Width_NamesTheFileLineAndTheNetworkThatBreaksIt()
    {
        using var dir = new TempDir();
        var file = dir.File("m.yaml", "layers:\n  \"layer4.0.conv2\": { order: [N, M, K], block_n: 2, block_k: 1, time_chunk: 4608 }\n");
        Refused(CliRunner.Run("width", "resnet18", "--wbits", "4", "--abits", "2", "--widths", "1,4", "--mapping", file, "-q"),
            $"{file}, line 2, field 'layers.layer4.0.conv2': the fp32 baseline: breaks a capacity for layer 'layer4.0.conv2' on unit 'fp'");
    }

    [Test]
    public void Report_OnANestDesign_SaysWhichSectionBrokeTheFile()
    {
        using var dir = new TempDir();
        var tiny = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv");
        // fc's 10 outputs in a psum_spad that holds 8 words (hwsim archs eyeriss-rs): no format fits it, and the report says which
        // of its runs of the network met it first.
        var file = dir.File("m.yaml", "version: 1\nlayers:\n  fc:\n    DRAM: { temporal: [C2] }\n    shared_glb: { temporal: [C8], spatial_y: [C8] }\n    weights_spad: { temporal: [C2] }\n    psum_spad: { temporal: [M10] }\n");
        var r = CliRunner.Run("report", tiny, "--arch", "eyeriss-rs", "--wbits", "8", "--abits", "8", "--first-last", "int8", "--mapping", file, "--no-width", "-o", Path.Combine(dir.Path, "r"), "-q");
        Refused(r, $"{file}, line 3, field 'layers.fc': ", "psum_spad");
        Assert.That(r.Error, Does.Contain("the main study: ").Or.Contain("the first/last section (--keep fp32,fp16,int8,same): with the first and last layers at "));
    }

    [Test]
    public void ShowMappingWithJson_IsANote_NotAnError()
    {
        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--show-mapping", "-f", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Error, Does.Contain("note: --show-mapping prints with --format table; --format json gives each layer's mapping as layers[].mapping"));
    }

    [Test]
    public void EnergyJson_CarriesEachLayersMapping()
    {
        var r = CliRunner.Run("energy", "resnet18", "--wbits", "4", "--abits", "2", "-f", "json", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var layers = JsonDocument.Parse(r.Output).RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.That(layers.Select(l => l.GetProperty("mapping").GetProperty("kind").GetString()).Distinct().Order(), Is.EqualTo(new[] { "fixed", "loop_nest" }));
        Assert.That(layers[0].GetProperty("mapping").GetProperty("order").GetString(), Is.EqualTo("MNK"), "conv1's pick, as simulate's");
    }

    [Test]
    public void ShowMapping_GivesTheBlocksTheLayerHas()
    {
        using var dir = new TempDir();
        var file = dir.File("m.yaml", "layers:\n  fc: { block_m: 100 }\n");
        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--mapping", file, "--show-mapping", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        // fc's GEMM has one row of M: one fold tile, so a block of 100 along M is a block of 1.
        Assert.That(r.Output, Does.Contain("fc on fp: order N M K, time chunk 512, block M 1 K 1 N 2 fold tiles"));
    }

    [TestCase("first-last", "resnet18", "--keep", "int8")]
    [TestCase("compare", "resnet18", "--arch", "lowbit-default", "--arch", "bismo-like")]
    [TestCase("width", "resnet18", "--widths", "1,2")]
    public void StudyJson_SaysHowLayersWereMapped(string verb, params string[] rest)
    {
        var r = CliRunner.Run([verb, .. rest, "--mapping", "fixed", "--objective", "latency", "-f", "json", "-q"]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var setting = JsonDocument.Parse(r.Output).RootElement.GetProperty("mapping_setting");
        Assert.That((setting.GetProperty("mapping").GetString(), setting.GetProperty("objective").GetString()), Is.EqualTo(("fixed", "latency")));
    }

    [TestCase("width", "--widths", "1,2")]
    [TestCase("report")]
    public void NestMappingFile_WithWidenedLayers_IsRefused(string verb, params string[] rest)
    {
        using var dir = new TempDir();
        var tiny = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv");
        var file = dir.File("m.yaml", "version: 1\nlayers:\n  fc:\n    DRAM: { temporal: [C2] }\n    shared_glb: { temporal: [C8], spatial_y: [C8] }\n    weights_spad: { temporal: [C2] }\n    psum_spad: { temporal: [M10] }\n");
        string[] args = [verb, tiny, "--arch", "eyeriss-rs", .. rest, "--mapping", file, "-q"];
        if (verb == "report")
            args = [.. args, "-o", Path.Combine(dir.Path, "r")];
        Refused(CliRunner.Run(args), "field '--mapping': a nest mapping file gives each layer's exact loop bounds", "widens every layer");
    }

    [Test]
    public void Report_WhoseWidthSectionCannotRun_LeavesItOutWithWhy()
    {
        using var dir = new TempDir();
        // lowbit-default with 1 KB buffers: the int8 baseline's conv1 does not fit; the fp32/W4A2 main study leaves it out as not run.
        var arch = dir.File("tiny.yaml", "version: 1\nname: tiny\nclock_mhz: 500\ndram: { type: lpddr4, bandwidth_bytes_per_cycle: 16 }\nbuffers: { ifmap_kb: 1, weight_kb: 1, ofmap_kb: 1, word_bits: 64 }\nunits:\n"
            + "  - { name: lowbit, kind: bitserial, rows: 16, cols: 16, lanes: 16, serial: activations, max_bits: 8 }\n  - { name: fp, kind: systolic, rows: 8, cols: 8, dataflow: os, format: fp32 }\n");
        var folder = Path.Combine(dir.Path, "r");
        var r = CliRunner.Run("report", "resnet18", "--arch", arch, "-o", folder, "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("width break-even left out: the int8 baseline: layer 'conv1' does not run on tiny"));
        Assert.That(File.ReadAllText(Path.Combine(folder, "report.md")), Does.Contain("## Width break-even (WRPN)\n\nLeft out: the int8 baseline: layer 'conv1' does not run on tiny"));
        Assert.That(File.Exists(Path.Combine(folder, "width.csv")), Is.False);
    }
}
