using System.Globalization;
using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim compare</c> with nest designs as --arch (a file with top-level levels:, or the built-in eyeriss-rs): each design's
/// cycles and energy per inference are what <c>hwsim energy</c> prints for it alone (the same nest study: mapper, seed, samples,
/// tables), its area is the nest area model's, and without a clock its latency and EDP are not given ("-", JSON null, empty CSV cells).
/// The workload is the Timeloop simple_ws exercise's one layer (int16 throughout), so that the runs stay short.
/// </summary>
public sealed class CompareNestTests
{
    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", file);

    private static readonly string Layer = Example("simple_ws.csv");

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static JsonElement[] Configs(params string[] archs) =>
        [.. Json(CliRunner.Run(["compare", Layer, .. archs.SelectMany(a => new[] { "--arch", a }), "-f", "json", "-q"])).GetProperty("configs").EnumerateArray()];

    /// <summary>hwsim energy's totals for a nest design alone.</summary>
    private static JsonElement NestEnergy(string arch) => Json(CliRunner.Run("energy", Layer, "--arch", arch, "-f", "json", "-q")).GetProperty("totals");

    [Test]
    public void TwoNestDesigns_FiguresAreWhatEnergyPrintsForEach()
    {
        string[] archs = [Example("simple_ws.yaml"), "eyeriss-rs"];
        var configs = Configs(archs);
        Assert.That(configs.Select(c => c.GetProperty("architecture").GetString()), Is.EqualTo(new[] { "simple_ws", "eyeriss-rs" }));
        Assert.That(configs.Select(c => c.TryGetProperty("file", out var f) ? f.GetString() : null), Is.EqualTo(new[] { archs[0], null }));
        for (var i = 0; i < archs.Length; i++)
        {
            var energy = NestEnergy(archs[i]);
            var c = configs[i];
            // The same study priced the same way: identical doubles (batch 1, so per inference is the total).
            using (Assert.EnterMultipleScope())
            {
                Assert.That(c.GetProperty("cycles").GetInt64(), Is.EqualTo(energy.GetProperty("cycles").GetInt64()), archs[i]);
                Assert.That(c.GetProperty("energy_uj").GetDouble(), Is.EqualTo(energy.GetProperty("energy_pj").GetDouble() * 1e-6), archs[i]);
                Assert.That(c.GetProperty("tops_per_w").GetDouble(),
                    Is.EqualTo(2.0 * energy.GetProperty("macs").GetInt64() / (energy.GetProperty("energy_pj").GetDouble() * 1e-12) / 1e12), archs[i]);
                Assert.That(c.GetProperty("latency_ms").ValueKind, Is.EqualTo(JsonValueKind.Null), "no clock, no latency");
                Assert.That(c.GetProperty("edp_js").ValueKind, Is.EqualTo(JsonValueKind.Null), "no clock, no EDP");
                Assert.That(c.GetProperty("ratio_to_first").GetProperty("latency").ValueKind, Is.EqualTo(JsonValueKind.Null));
                Assert.That(c.GetProperty("layers_not_run").GetInt32(), Is.Zero);
            }
        }
    }

    [Test]
    public void ANestDesignAgainstAnArrayPreset_EachHasItsOwnVerbsFigures()
    {
        var configs = Configs("eyeriss-like", "eyeriss-rs");
        var array = Json(CliRunner.Run("energy", Layer, "--arch", "eyeriss-like", "-f", "json", "-q")).GetProperty("totals");
        var area = Json(CliRunner.Run("area", "--arch", "eyeriss-like", "--format", "json"));
        var nest = NestEnergy("eyeriss-rs");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(configs[0].GetProperty("cycles").GetInt64(), Is.EqualTo(array.GetProperty("cycles").GetInt64()));
            Assert.That(configs[0].GetProperty("energy_uj").GetDouble(), Is.EqualTo(array.GetProperty("energy_per_inference_uj").GetDouble()));
            Assert.That(configs[0].GetProperty("latency_ms").GetDouble(), Is.EqualTo(array.GetProperty("latency_ms").GetDouble()));
            Assert.That(configs[0].GetProperty("area_mm2").GetDouble(), Is.EqualTo(area.GetProperty("total_mm2").GetDouble()));
            Assert.That(configs[1].GetProperty("cycles").GetInt64(), Is.EqualTo(nest.GetProperty("cycles").GetInt64()));
            Assert.That(configs[1].GetProperty("energy_uj").GetDouble(), Is.EqualTo(nest.GetProperty("energy_pj").GetDouble() * 1e-6));
            Assert.That(configs[1].GetProperty("latency_ms").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(configs[1].GetProperty("ratio_to_first").GetProperty("latency").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(configs[1].GetProperty("ratio_to_first").GetProperty("energy").GetDouble(),
                Is.EqualTo(configs[1].GetProperty("energy_uj").GetDouble() / configs[0].GetProperty("energy_uj").GetDouble()));
        }
    }

    [Test]
    public void TheNestDesignsArea_ByHand()
    {
        // eyeriss-rs for int16 x int16 with int16 partial sums (the layer's formats), 45 nm: shared_glb the CACTI grid point
        // 131072 B x 64 bits x 32 banks (531,133 um^2); 168 PEs, each with three register files (rows x 16 bits at 5.98 um^2 +
        // one ceil(log2 rows)-bit comparator per row at 71 x bits/32) and a MAC: a 16 x 16 multiplier (the int_mult power law
        // through 8x8 282 and 32x32 3495 um^2) and a 16-bit adder (int_add linear between 8 bits 36 and 32 bits 137 um^2).
        double Spad(int rows, int addressBits) => rows * 16 * 5.98 + rows * 71.0 * addressBits / 32;
        var multiplier = 282 * Math.Pow(4, Math.Log(3495 / 282.0) / Math.Log(16));
        var adder = 36 + 101.0 * 8 / 24;
        var um2 = 531133 + 168 * (Spad(12, 4) + Spad(192, 8) + Spad(16, 4) + multiplier + adder);
        var area = Configs(Example("simple_ws.yaml"), "eyeriss-rs")[1].GetProperty("area_mm2").GetDouble();
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eyeriss-rs int16: {area:F6} mm^2"));
        Assert.That(area, Is.EqualTo(um2 * 1e-6).Within(1e-9).Percent);
    }

    [Test]
    public void WithoutAClock_TheTableShowsDashes_TheCsvEmptyCells_AndSaysWhy()
    {
        var table = CliRunner.Run("compare", Layer, "--arch", "eyeriss-like", "--arch", "eyeriss-rs");
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        var latency = table.Output.Split('\n').Single(l => l.Contains("latency ms", StringComparison.Ordinal));
        var edp = table.Output.Split('\n').Single(l => l.Contains("EDP J*s", StringComparison.Ordinal));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(latency.TrimEnd().TrimEnd('│').TrimEnd(), Does.EndWith(" -"), latency);
            Assert.That(edp.TrimEnd().TrimEnd('│').TrimEnd(), Does.EndWith(" -"), edp);
            Assert.That(table.Output, Does.Contain("-: eyeriss-rs is a nest design without clock_mhz, so its latency and EDP are not given (no clock is assumed)."));
        }

        var csv = CliRunner.Run("compare", Layer, "--arch", "eyeriss-like", "--arch", "eyeriss-rs", "-f", "csv");
        Assert.That(csv.ExitCode, Is.Zero, csv.ToString());
        var row = csv.Output.Split('\n').Single(l => l.StartsWith("eyeriss-rs,", StringComparison.Ordinal)).TrimEnd('\r').Split(',');
        using (Assert.EnterMultipleScope())
        {
            Assert.That(row[2], Is.Empty, "latency_ms");
            Assert.That(row[6], Is.Empty, "edp_js");
            Assert.That(row[9], Is.Empty, "ratio_latency");
            Assert.That(row[13], Is.Empty, "ratio_edp");
            Assert.That(csv.Error, Does.Contain("eyeriss-rs is a nest design without clock_mhz"));
        }
    }

    [Test]
    public void WithAClock_LatencyAndEdpFollowFromTheCycles()
    {
        using var dir = new TempDir();
        var clocked = dir.File("ws.yaml", File.ReadAllText(Example("simple_ws.yaml")).Replace("name: simple_ws\n", "name: simple_ws\nclock_mhz: 250\n", StringComparison.Ordinal));
        var c = Configs("eyeriss-like", clocked)[1];
        var seconds = c.GetProperty("cycles").GetInt64() / 250e6;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.GetProperty("latency_ms").GetDouble(), Is.EqualTo(seconds * 1e3).Within(1e-12).Percent);
            Assert.That(c.GetProperty("edp_js").GetDouble(), Is.EqualTo(c.GetProperty("energy_uj").GetDouble() * 1e-6 * seconds).Within(1e-9).Percent);
            Assert.That(c.GetProperty("ratio_to_first").GetProperty("latency").ValueKind, Is.EqualTo(JsonValueKind.Number));
        }
    }

    [Test]
    public void ANestBaselineWithoutAClock_PlotsAndSaysTheRatiosAreNotAvailable()
    {
        using var dir = new TempDir();
        var plot = Path.Combine(dir.Path, "cmp");
        var r = CliRunner.Run("compare", Layer, "--arch", "eyeriss-rs", "--arch", "eyeriss-like", "--plot", plot);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(File.ReadAllText(plot + ".svg"), Does.Contain("<svg"));
        Assert.That(r.Output, Does.Contain("n/a: eyeriss-rs has no latency or EDP, so there is nothing to take those ratios to."));
    }

    [Test]
    public void ABadClock_IsAOneLineErrorNamingTheFileLineAndField()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.yaml", File.ReadAllText(Example("simple_ws.yaml")).Replace("name: simple_ws\n", "name: simple_ws\nclock_mhz: 0\n", StringComparison.Ordinal));
        var line = File.ReadAllLines(bad).ToList().FindIndex(l => l.StartsWith("clock_mhz", StringComparison.Ordinal)) + 1;
        BadInputTests.AssertOneLineError(CliRunner.Run("compare", Layer, "--arch", "eyeriss-like", "--arch", bad),
            "bad.yaml", $"line {line}", "clock_mhz", "must be a clock in MHz above 0, e.g. 200, got '0'");
    }
}
