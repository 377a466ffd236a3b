using System.Text.Json;
using HwSim.Tests.Support;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class FirstLastCommandTests
{
    // ResNet-18 from the zoo (README table): conv1 and fc are the first and last layers.
    private const long ResNet18Macs = 1_814_073_344;
    private const long Conv1Macs = 118_013_952;
    private const long FcMacs = 512_000;

    private static JsonElement Json(params string[] args)
    {
        var r = CliRunner.Run(["first-last", .. args, "--format", "json", "--quiet"]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static List<JsonElement> Rows(JsonElement root) => [.. root.GetProperty("rows").EnumerateArray()];

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static long L(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    [Test]
    public void BiRealNetAccountingOfResNet18()
    {
        // Bi-Real Net (Liu et al. 2018), ResNet-18: 1-bit inner layers; conv1, fc and the three
        // 1x1 downsample convs real-valued. OPs = BOPs/64 + FLOPs = 1.640e8.
        var row = Rows(Json("resnet18", "--wbits", "1", "--abits", "1", "--keep", "fp32", "--real-downsample")).Single();
        var totals = row.GetProperty("totals");
        var kept = row.GetProperty("kept");
        Assert.Multiple(() =>
        {
            Assert.That(L(totals, "bops"), Is.EqualTo(1_676_279_808));
            Assert.That(L(totals, "flops"), Is.EqualTo(137_793_536));
            Assert.That(D(totals, "ops"), Is.EqualTo(163_985_408.0));
            Assert.That(L(totals, "macs"), Is.EqualTo(ResNet18Macs));
            Assert.That(row.GetProperty("kept_layers").GetArrayLength(), Is.EqualTo(5), "conv1, fc and three downsample convs");
            // The kept layers are exactly the FLOPs: fp32 everywhere, nothing binary among them.
            Assert.That(L(kept, "flops"), Is.EqualTo(137_793_536));
            Assert.That(L(kept, "bops"), Is.Zero);
            Assert.That(D(row, "ops_share"), Is.EqualTo(137_793_536 / 163_985_408.0));
        });
    }

    [Test]
    public void SharesAreKeptOverNetworkFromTheZooNumbers()
    {
        var rows = Rows(Json());
        Assert.That(rows.Select(r => r.GetProperty("keep").GetString()), Is.EqualTo(new[] { "fp32", "fp16", "int8", "same" }), "default --keep");
        foreach (var row in rows)
        {
            var kept = row.GetProperty("kept");
            var totals = row.GetProperty("totals");
            Assert.Multiple(() =>
            {
                Assert.That(D(row, "macs_share"), Is.EqualTo((double)(Conv1Macs + FcMacs) / ResNet18Macs));
                Assert.That(L(totals, "macs"), Is.EqualTo(ResNet18Macs));
                Assert.That(D(row, "bit_ops_share"), Is.EqualTo((double)L(kept, "bit_ops") / L(totals, "bit_ops")));
                Assert.That(D(row, "cycles_share"), Is.EqualTo((double)L(kept, "cycles") / L(totals, "cycles")));
                Assert.That(D(row, "energy_share"), Is.EqualTo(D(kept, "energy_pj") / D(totals, "energy_pj")));
                Assert.That(D(row, "compute_energy_share"), Is.EqualTo(D(kept, "compute_energy_pj") / D(totals, "compute_energy_pj")));
                Assert.That(D(row, "kept_unit_area_share"), Is.EqualTo(D(kept, "area_um2") / D(totals, "area_um2")));
                foreach (var share in new[] { "macs_share", "bit_ops_share", "ops_share", "cycles_share", "compute_energy_share", "energy_share", "kept_unit_area_share" })
                    Assert.That(D(row, share), Is.InRange(0.0, 1.0), share);
            });
        }
        // Inner W4A2 (8 bit-ops per MAC); fp32 first/last: 32 x 32 per MAC.
        var fp32 = rows[0];
        Assert.Multiple(() =>
        {
            Assert.That(L(fp32.GetProperty("kept"), "bit_ops"), Is.EqualTo(1024 * (Conv1Macs + FcMacs)));
            Assert.That(L(fp32.GetProperty("totals"), "bit_ops"), Is.EqualTo(1024 * (Conv1Macs + FcMacs) + 8 * (ResNet18Macs - Conv1Macs - FcMacs)));
            Assert.That(fp32.GetProperty("kept_units").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { "fp" }), "fp32 runs on the fp unit of lowbit-default");
        });
    }

    [Test]
    public void SameKeepsNothingHigher()
    {
        var row = Rows(Json("--keep", "same")).Single();
        // Every layer W4A2: bit-ops are 8 x MACs everywhere, so their share is the MACs share.
        Assert.That(D(row, "bit_ops_share"), Is.EqualTo(D(row, "macs_share")));
        Assert.That(row.GetProperty("kept_units").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { "lowbit" }));

        // The energy of conv1 and fc in the same configuration, as 'hwsim energy' prices it.
        var energy = CliRunner.Run("energy", "resnet18", "--wbits", "4", "--abits", "2", "--first-last", "same", "--format", "json");
        Assert.That(energy.ExitCode, Is.Zero, energy.ToString());
        var root = JsonDocument.Parse(energy.Output).RootElement;
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.That(layers.Where(l => l.GetProperty("name").GetString() is "conv1" or "fc").All(l => l.GetProperty("unit").GetString() == "lowbit"), Is.True);
        var firstLast = layers.Where(l => l.GetProperty("name").GetString() is "conv1" or "fc").Sum(l => D(l, "energy_pj"));
        var cycles = layers.Where(l => l.GetProperty("name").GetString() is "conv1" or "fc").Sum(l => L(l, "cycles"));
        var totals = root.GetProperty("totals");
        Assert.Multiple(() =>
        {
            Assert.That(D(row, "energy_share"), Is.EqualTo(firstLast / D(totals, "energy_pj")).Within(1e-12));
            Assert.That(D(row, "cycles_share"), Is.EqualTo((double)cycles / L(totals, "cycles")));
        });
    }

    [Test]
    public void HigherPrecisionFirstLastCostsMore()
    {
        var rows = Rows(Json("--keep", "fp32,int8,same")).ToDictionary(r => r.GetProperty("keep").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(D(rows["fp32"], "energy_share"), Is.GreaterThan(D(rows["int8"], "energy_share")));
            Assert.That(D(rows["int8"], "energy_share"), Is.GreaterThan(D(rows["same"], "energy_share")));
            Assert.That(D(rows["fp32"], "bit_ops_share"), Is.GreaterThan(D(rows["int8"], "bit_ops_share")));
        });
    }

    [Test]
    public void AllCoversTheZoo()
    {
        var rows = Rows(Json("--all"));
        Assert.That(rows.Select(r => r.GetProperty("network").GetString()), Is.EqualTo(NetworkZoo.Names), "one row per network, fp32 only without --keep");
        foreach (var row in rows)
        {
            Assert.That(row.GetProperty("keep").GetString(), Is.EqualTo("fp32"));
            foreach (var share in new[] { "macs_share", "bit_ops_share", "cycles_share", "energy_share" })
                Assert.That(D(row, share), Is.GreaterThan(0.0).And.LessThanOrEqualTo(1.0), $"{row.GetProperty("network")} {share}");
        }

        var two = Rows(Json("--all", "--keep", "fp32,same"));
        Assert.That(two, Has.Count.EqualTo(2 * NetworkZoo.Names.Length), "network x format");
        Assert.That(two.All(r => D(r, "energy_share") is > 0 and <= 1), Is.True);
    }

    [Test]
    public void LayersThatCannotRunAreSaidInTheRow()
    {
        var rows = Rows(Json("--arch", "tpu-like", "--keep", "fp32,int8")).ToDictionary(r => r.GetProperty("keep").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(rows["fp32"].GetProperty("not_run").GetString(), Does.StartWith("first/last not run on tpu-like"));
            Assert.That(rows["fp32"].TryGetProperty("energy_share", out _), Is.False, "no energy share without the kept layers' energy");
            Assert.That(D(rows["fp32"], "macs_share"), Is.EqualTo((double)(Conv1Macs + FcMacs) / ResNet18Macs), "counts need no simulation");
            Assert.That(rows["int8"].TryGetProperty("not_run", out _), Is.False);
            Assert.That(D(rows["int8"], "energy_share"), Is.InRange(0.0, 1.0));
        });

        var table = CliRunner.Run("first-last", "--arch", "tpu-like", "--keep", "fp32");
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        Assert.That(table.Output, Does.Contain("first/last not run on tpu-like").And.Contain("not run"));
    }

    [Test]
    public void TableAndCsv()
    {
        var table = CliRunner.Run("first-last", "--wbits", "1", "--abits", "1", "--real-downsample");
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        Assert.That(table.Output, Does.Contain("share of the kept layers").And.Contain("conv1, fc + 3 downsample")
            .And.Contain("1,676,279,808").And.Contain("163,985,408").And.Contain("OPs = BOPs/64 + FLOPs"));

        var csv = CliRunner.Run("first-last", "--format", "csv");
        Assert.That(csv.ExitCode, Is.Zero, csv.ToString());
        var lines = csv.Output.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(5), "header and one line per default format");
        Assert.That(lines[0], Does.StartWith("network,keep,kept_layers,"));
        Assert.That(lines[1], Does.StartWith("resnet18,fp32,conv1;fc,fp,"));
    }

    [Test]
    public void PlotWritesPngAndSvgOnly()
    {
        using var dir = new TempDir();
        var output = dir.File("shares.json");
        var r = CliRunner.Run("first-last", "--keep", "fp32,same", "--plot", dir.File("shares"), "--format", "json", "-o", output);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var png = File.ReadAllBytes(dir.File("shares.png"));
        Assert.Multiple(() =>
        {
            Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
            Assert.That(File.ReadAllText(dir.File("shares.svg")), Does.Contain("<svg"));
            Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(),
                Is.EqualTo(new[] { "shares.json", "shares.png", "shares.svg" }), "no temporary files left");
        });
    }

    [TestCase("--keep", "fp8", "--keep", "fp8")]
    [TestCase("--keep", "fp32,fp32", "--keep", "twice")]
    [TestCase("--keep", ",", "--keep", "comma-separated")]
    [TestCase("--wbits", "0", "--wbits", "1 to 32")]
    [TestCase("--wformat", "ternary", "--wformat", "ternary weights take 2 bits")]
    public void BadOptionsAreOneLineErrors(string option, string value, string field, string rule)
    {
        var r = CliRunner.Run("first-last", option, value);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd('\n', '\r').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
            Assert.That(lines[0], Does.StartWith("error: ").And.Contain(field).And.Contain(rule));
            Assert.That(r.Output, Is.Empty);
        });
    }

    [Test]
    public void AllTakesNoWorkload()
    {
        var r = CliRunner.Run("first-last", "resnet50", "--all");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error, Does.StartWith("error: ").And.Contain("--all"));
    }
}
