using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim compare</c> end to end, in-process: ResNet-18 W4A2 on a preset without a float unit
/// (loom-like: conv1 and fc cannot run), a complete preset and a YAML architecture of our own.
/// </summary>
public class CompareCommandTests
{
    // lowbit-default with a 32x32 bit-serial array: a user's variant, read from a file.
    private const string Yaml = """
        version: 1
        name: lowbit-32x32
        clock_mhz: 500
        dram: { bandwidth_bytes_per_cycle: 16 }
        buffers: { ifmap_kb: 256, weight_kb: 256, ofmap_kb: 128, word_bits: 64 }
        units:
          - { name: lowbit, kind: bitserial, rows: 32, cols: 32, lanes: 16, serial: activations, max_bits: 8 }
          - { name: fp, kind: systolic, rows: 8, cols: 8, dataflow: os, format: fp32 }
        """;

    private static readonly string[] Precision = ["--wbits", "4", "--abits", "2"];

    private static readonly string[] Metrics = ["cycles", "latency", "energy", "tops_per_w", "area", "edp"];

    private static CliResult Compare(TempDir dir, params string[] extra) =>
        CliRunner.Run(["compare", "resnet18", .. Precision, "--arch", "lowbit-default", "--arch", "loom-like", "--arch", dir.File("mine.yaml", Yaml), .. extra]);

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static double Figure(JsonElement config, string metric) => metric switch
    {
        "cycles" => config.GetProperty("cycles").GetInt64(),
        "latency" => config.GetProperty("latency_ms").GetDouble(),
        "energy" => config.GetProperty("energy_uj").GetDouble(),
        "tops_per_w" => config.GetProperty("tops_per_w").GetDouble(),
        "area" => config.GetProperty("area_mm2").GetDouble(),
        _ => config.GetProperty("edp_js").GetDouble(),
    };

    [Test]
    public void FiguresEqualThoseOfEnergyAndArea()
    {
        using var dir = new TempDir();
        var configs = Json(Compare(dir, "--format", "json")).GetProperty("configs").EnumerateArray().ToList();
        string[] archs = ["lowbit-default", "loom-like", dir.File("mine.yaml")];
        Assert.That(configs.Select(c => c.GetProperty("architecture").GetString()), Is.EqualTo(new[] { "lowbit-default", "loom-like", "lowbit-32x32" }));
        for (var i = 0; i < archs.Length; i++)
        {
            var energy = Json(CliRunner.Run(["energy", "resnet18", .. Precision, "--arch", archs[i], "--format", "json"])).GetProperty("totals");
            var area = Json(CliRunner.Run("area", "--arch", archs[i], "--format", "json"));
            var c = configs[i];
            // The same simulation priced with the same tables in the same order: the doubles are identical, not just close.
            Assert.Multiple(() =>
            {
                Assert.That(c.GetProperty("cycles").GetInt64(), Is.EqualTo(energy.GetProperty("cycles").GetInt64()), archs[i]);
                Assert.That(c.GetProperty("latency_ms").GetDouble(), Is.EqualTo(energy.GetProperty("latency_ms").GetDouble()), archs[i]);
                Assert.That(c.GetProperty("energy_uj").GetDouble(), Is.EqualTo(energy.GetProperty("energy_per_inference_uj").GetDouble()), archs[i]);
                Assert.That(c.GetProperty("tops_per_w").GetDouble(), Is.EqualTo(energy.GetProperty("tops_per_w").GetDouble()), archs[i]);
                Assert.That(c.GetProperty("edp_js").GetDouble(), Is.EqualTo(energy.GetProperty("edp_js").GetDouble()), archs[i]);
                Assert.That(c.GetProperty("layers_not_run").GetInt32(), Is.EqualTo(energy.GetProperty("layers_not_run").GetInt32()), archs[i]);
                Assert.That(c.GetProperty("area_mm2").GetDouble(), Is.EqualTo(area.GetProperty("total_mm2").GetDouble()), archs[i]);
            });
        }
    }

    [Test]
    public void RatiosAreToTheFirstConfigurationWhichIsExactlyOne()
    {
        using var dir = new TempDir();
        var configs = Json(Compare(dir, "--format", "json")).GetProperty("configs").EnumerateArray().ToList();
        var first = configs[0];
        Assert.Multiple(() =>
        {
            foreach (var m in Metrics)
            {
                Assert.That(first.GetProperty("ratio_to_first").GetProperty(m).GetDouble(), Is.EqualTo(1.0), m);
                foreach (var c in configs.Skip(1))
                    Assert.That(c.GetProperty("ratio_to_first").GetProperty(m).GetDouble(), Is.EqualTo(Figure(c, m) / Figure(first, m)), m);
            }
        });
        // A 4x larger bit-serial array takes fewer cycles and more area than the default: the ratios point the right way.
        var mine = configs[2].GetProperty("ratio_to_first");
        Assert.That(mine.GetProperty("cycles").GetDouble(), Is.LessThan(1));
        Assert.That(mine.GetProperty("area").GetDouble(), Is.GreaterThan(1));
    }

    [Test]
    public void ConfigurationWithLayersNotRunIsFlaggedAsPartial()
    {
        using var dir = new TempDir();
        var loom = Json(Compare(dir, "--format", "json")).GetProperty("configs")[1];
        Assert.Multiple(() =>
        {
            Assert.That(loom.GetProperty("layers_not_run").GetInt32(), Is.EqualTo(2));
            Assert.That(loom.GetProperty("partial").GetBoolean(), Is.True);
            Assert.That(loom.GetProperty("not_run").EnumerateArray().Select(n => n.GetProperty("layer").GetString()), Is.EqualTo(new[] { "conv1", "fc" }));
            Assert.That(loom.GetProperty("not_run")[0].GetProperty("reason").GetString(), Does.Contain("float unit"));
        });

        var table = Compare(dir);
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(table.Output, Does.Contain("partial *"));
            Assert.That(table.Output, Does.Contain("2 of 21"));
            Assert.That(table.Output, Does.Contain("* loom-like: partial totals, 2 of 21 layers not run"));
            Assert.That(table.Output, Does.Contain("conv1, fc: no unit runs fp32 x fp32"));
            Assert.That(table.Output, Does.Not.Contain("* lowbit-default"), "complete configurations have no note");
        });

        // CSV has no room for notes; the warning goes to standard error instead.
        var csv = Compare(dir, "--format", "csv");
        Assert.That(csv.ExitCode, Is.Zero, csv.ToString());
        Assert.That(csv.Error, Does.Contain("loom-like: partial totals"));
    }

    [Test]
    public void CsvHasOneRowPerConfigurationWithItsRatios()
    {
        using var dir = new TempDir();
        var r = Compare(dir, "--format", "csv");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var lines = r.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[0], Is.EqualTo("architecture,cycles,latency_ms,energy_uj,tops_per_w,area_mm2,edp_js,layers_not_run,ratio_cycles,ratio_latency,ratio_energy,ratio_tops_per_w,ratio_area,ratio_edp"));
        Assert.That(lines[1], Does.StartWith("lowbit-default,").And.EndWith(",0,1,1,1,1,1,1"));
        Assert.That(lines[2].Split(',')[7], Is.EqualTo("2"));
    }

    [Test]
    public void PlotWritesPngAndSvg()
    {
        using var dir = new TempDir();
        var plot = Path.Combine(dir.Path, "cmp");
        var r = Compare(dir, "--plot", plot, "-o", dir.File("cmp.json"), "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(plot + ".png").Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
            Assert.That(File.ReadAllText(plot + ".svg"), Does.Contain("<svg"));
            Assert.That(File.ReadAllText(dir.File("cmp.json")), Does.Contain("\"ratio_to_first\""));
        });
    }

    [TestCase(new string[0], "got 0")]
    [TestCase(new[] { "--arch", "loom-like" }, "got 1")]
    [TestCase(new[] { "--arch", "loom-like", "--arch", "no-such-machine" }, "unknown architecture 'no-such-machine'")]
    public void WrongArchitecturesAreOneLineErrors(string[] archs, string message)
    {
        var r = CliRunner.Run(["compare", "resnet18", .. archs]);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(message));
    }

    [Test]
    public void SameArchitectureTwiceGetsTellableLabels()
    {
        var r = CliRunner.Run("compare", "resnet18", "--arch", "tpu-like", "--arch", "tpu-like", "--format", "json");
        var labels = Json(r).GetProperty("configs").EnumerateArray().Select(c => c.GetProperty("architecture").GetString());
        Assert.That(labels, Is.EqualTo(new[] { "tpu-like", "tpu-like #2" }));
    }
}
