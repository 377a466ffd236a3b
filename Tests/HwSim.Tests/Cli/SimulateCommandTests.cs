using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class SimulateCommandTests
{
    [Test]
    public void JsonHasPerLayerAndTotalCyclesThatAddUp()
    {
        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        var totals = root.GetProperty("totals");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("architecture").GetString(), Is.EqualTo("lowbit-default"));
            Assert.That(layers, Has.Count.EqualTo(21));
            Assert.That(layers[0].GetProperty("unit").GetString(), Is.EqualTo("fp"), "fp32 first layer on the fp unit");
            Assert.That(layers[1].GetProperty("unit").GetString(), Is.EqualTo("lowbit"));
            Assert.That(totals.GetProperty("cycles").GetInt64(), Is.EqualTo(layers.Sum(l => l.GetProperty("cycles").GetInt64())));
            Assert.That(totals.GetProperty("stall_cycles").GetInt64(), Is.EqualTo(layers.Sum(l => l.GetProperty("stall_cycles").GetInt64())));
            Assert.That(totals.GetProperty("macs").GetInt64(), Is.EqualTo(1_814_073_344L));
            Assert.That(layers.All(l => l.GetProperty("cycles").GetInt64() == l.GetProperty("compute_cycles").GetInt64() + l.GetProperty("stall_cycles").GetInt64()));
        });
    }

    [Test]
    public void ScaleSimsAlexNetOnItsOwnScaleCfgGivesItsTotalCycles()
    {
        // The README's command: SCALE-Sim's topology on its shipped scale.cfg (64 KB buffers) in compat mode.
        var r = CliRunner.Run("simulate", RepoPaths.ScaleSim("alexnet.csv"), "--arch", RepoPaths.ScaleSim("scale-cfg.yaml"),
            "--wbits", "8", "--abits", "8", "--first-last", "same", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var cycles = doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("cycles").GetInt64());
        Assert.That(cycles, Is.EqualTo(new long[] { 121_124, 334_831, 113_567, 168_863, 112_575 }));
    }

    [Test]
    public void MapperPricesTheArchitecturesDramType_AsTheEnergyVerbDoes()
    {
        // tpu-like's DRAM is DDR3; the mapper's loop nests for VGG-16 at batch 32 depend on it (LPDDR4 prices pick others).
        static long Cycles(params string[] args)
        {
            var r = CliRunner.Run([.. args, "vgg16", "--arch", "tpu-like", "--wbits", "8", "--abits", "8", "--first-last", "int8", "--batch", "32", "--format", "json", "-q"]);
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            using var doc = JsonDocument.Parse(r.Output);
            return doc.RootElement.GetProperty("totals").GetProperty("cycles").GetInt64();
        }
        var simulated = Cycles("simulate");
        Assert.Multiple(() =>
        {
            Assert.That(simulated, Is.EqualTo(Cycles("energy")).And.EqualTo(24_785_458L));
            Assert.That(Cycles("energy", "--dram", "lpddr4"), Is.EqualTo(24_851_325L), "the nests LPDDR4 prices pick (simulate's before it took the architecture's type)");
        });
    }

    [Test]
    public void LayersNoUnitCanRunAreReportedNotThrown()
    {
        // tpu-like has only an int8 array: fp32 first/last layers cannot run there.
        var r = CliRunner.Run("simulate", "alexnet", "--wbits", "8", "--abits", "8", "--arch", "tpu-like", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(layers[0].GetProperty("ran").GetBoolean(), Is.False);
            Assert.That(layers[0].GetProperty("reason").GetString(), Does.Contain("float layers (fp32 x fp32) need a float unit"));
            Assert.That(layers[1].GetProperty("ran").GetBoolean(), Is.True);
            Assert.That(doc.RootElement.GetProperty("totals").GetProperty("layers_not_run").GetInt32(), Is.EqualTo(2));
        });
    }

    [Test]
    public void ReferenceEngineAgreesWithTheFastEngineOnASmallNetwork()
    {
        using var dir = new TempDir();
        var csv = dir.File("tiny.csv", "name,c,h,w,k,r,s,stride,pad,groups\nconv1,3,10,9,8,3,3,2,1,1\ndw,8,5,5,8,3,3,1,1,8\npw,8,5,5,6,1,1,1,0,1\nfc,150,1,1,10,1,1,1,0,1\n");
        var arch = dir.File("arch.yaml", "version: 1\nname: tiny\ndram: { bandwidth_bytes_per_cycle: 2 }\nbuffers: { ifmap_kb: 0.25, weight_kb: 0.25, ofmap_kb: 0.125 }\n" +
            "units:\n  - { name: bits, kind: bitserial, rows: 3, cols: 2, lanes: 5, serial: both, max_bits: 8 }\n  - { name: fp, kind: systolic, rows: 2, cols: 3, dataflow: ws, format: fp32 }\n");
        string[] common = ["simulate", csv, "--arch", arch, "--wbits", "3", "--abits", "2", "--format", "json"];
        var fast = CliRunner.Run(common);
        var reference = CliRunner.Run([.. common, "--reference"]);
        Assert.That(fast.ExitCode, Is.Zero, fast.ToString());
        Assert.That(reference.ExitCode, Is.Zero, reference.ToString());
        using var f = JsonDocument.Parse(fast.Output);
        using var g = JsonDocument.Parse(reference.Output);
        Assert.That(g.RootElement.GetProperty("engine").GetString(), Is.EqualTo("reference"));
        var fl = f.RootElement.GetProperty("layers").EnumerateArray().ToList();
        var gl = g.RootElement.GetProperty("layers").EnumerateArray().ToList();
        for (var i = 0; i < fl.Count; i++)
        {
            Assert.That(gl[i].GetProperty("cycles").GetInt64(), Is.EqualTo(fl[i].GetProperty("cycles").GetInt64()), $"layer {i}");
            Assert.That(gl[i].GetProperty("stall_cycles").GetInt64(), Is.EqualTo(fl[i].GetProperty("stall_cycles").GetInt64()), $"layer {i}");
            Assert.That(gl[i].GetProperty("counts").GetRawText(), Is.EqualTo(fl[i].GetProperty("counts").GetRawText()), $"layer {i}");
        }
        Assert.That(reference.Error, Does.Contain("reference 4/4: fc"), "progress on stderr");
    }

    [Test]
    public void ReferenceRefusesBigLayers()
    {
        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "2", "--reference");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Error, Does.Contain("field '--max-reference-macs'").And.Contain("more than the limit of 20,000,000"));
    }

    [Test]
    public void ReferenceOnAScaleSimCompatUnitIsOneLineError()
    {
        using var dir = new TempDir();
        var csv = dir.File("one.csv", "name,c,h,w,k,r,s,stride\na,3,8,8,4,3,3,1\n");
        var arch = dir.File("compat.yaml", "version: 1\nname: compat\nunits:\n  - { name: array, kind: systolic, rows: 8, cols: 8, dataflow: os, format: int8, scalesim_compat: true }\n");
        string[] common = ["simulate", csv, "--arch", arch, "--wbits", "8", "--abits", "8", "--first-last", "same"];
        Assert.That(CliRunner.Run(common).ExitCode, Is.Zero, "the fast engine models compat mode");
        var r = CliRunner.Run([.. common, "--reference"]);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1), r.ToString());
        Assert.That(r.Error, Does.StartWith("error: ").And.Contain("unit 'array'").And.Contain("scalesim_compat: true").And.Not.Contain("   at "));
        Assert.That(r.Output, Is.Empty);
    }

    [Test]
    public void UnknownArchitectureIsOneLineError()
    {
        var r = CliRunner.Run("simulate", "resnet18", "--arch", "tpu-liek");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Error, Does.Contain("tpu-liek").And.Contain("lowbit-default"));
    }

    // A unit with value-dependent timing needs the quantizer's histograms in the fast engine: a
    // built-in network has none, so the run stops with the layer and the column (exit 2, no stack trace).
    [Test]
    public void SkipUnit_WithoutHistograms_NamesTheLayerAndTheColumn()
    {
        using var dir = new TempDir();
        var arch = Path.Combine(dir.Path, "pra.yaml");
        File.WriteAllText(arch, "version: 1\nname: pra\nunits:\n  - { name: pra, kind: bitserial, rows: 16, cols: 16, skip: zero_bits }\n");

        var r = CliRunner.Run("simulate", "resnet18", "--wbits", "4", "--abits", "4", "--first-last", "int8", "--arch", arch);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.Contain("field 'input_popcount_hist': layer 'conv1' has no input_popcount_hist, which unit 'pra' (skip: zero_bits) needs")
            .And.Not.Contain(" at HwSim."));
    }
}
