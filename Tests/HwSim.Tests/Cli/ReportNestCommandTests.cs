using System.Globalization;
using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim report --arch</c> a nest design: the report's folder with its summary, energy by level, first/last and width sections run
/// by the nest engine, each figure what the verb of its own (energy, first-last, width) prints for the same options. The network is
/// docs/examples/nest/tiny_cnn.csv on docs/examples/timeloop/eyeriss_like.yaml (no clock), so a report takes seconds.
/// </summary>
public sealed class ReportNestCommandTests
{
    private static readonly string Tiny = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv");

    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", file);

    private static readonly string Eyeriss = Example("eyeriss_like.yaml");

    // The report's own defaults, spelled out for the verbs it is compared with.
    private static readonly string[] W4A2 = ["--wbits", "4", "--abits", "2", "--first-last", "fp32"];

    private TempDir dir = null!;
    private string folder = null!;
    private JsonElement report;

    [OneTimeSetUp]
    public void RunReportOnce()
    {
        dir = new TempDir();
        folder = Path.Combine(dir.Path, "rep");
        report = Json(CliRunner.Run(["report", Tiny, "--arch", Eyeriss, "--keep", "fp32,same", "--widths", "1,2", "-o", folder, "-f", "json", "-q"]));
    }

    [OneTimeTearDown]
    public void RemoveFolder() => dir.Dispose();

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private string Md => File.ReadAllText(Path.Combine(folder, "report.md"));

    [Test]
    public void WritesTheArrayReportsFiles()
    {
        string[] expected =
        [
            "area.csv", "energy-per-layer.csv", "energy-per-layer.png", "energy-per-layer.svg", "energy.json", "first-last.csv", "first-last.json",
            "first-last.png", "first-last.svg", "report.md", "width.csv", "width.json", "width.png", "width.svg",
        ];
        Assert.That(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(expected));
        Assert.That(Md, Does.StartWith("# HwSim report: tiny-cnn on eyeriss_like\n"));
        Assert.That(Md, Does.Contain("## Where the energy goes").And.Contain("| level shared_glb |").And.Contain("| MACs (compute) |")
            .And.Contain("Energy by array component and by unit is left out").And.Contain("## What the first and last layers cost")
            .And.Contain("## Width break-even").And.Contain("latency ratio is the cycle ratio"));
    }

    [Test]
    public void Summary_IsWhatEnergyPrints()
    {
        var energy = Json(CliRunner.Run(["energy", Tiny, "--arch", Eyeriss, .. W4A2, "-f", "json", "-q"])).GetProperty("totals");
        var mine = report.GetProperty("energy").GetProperty("totals");
        using (Assert.EnterMultipleScope())
        {
            // The mapper's search is seeded, so the cycles are pinned exactly; energies are sums in another order at most: 1e-9 %.
            Assert.That(mine.GetProperty("cycles").GetInt64(), Is.EqualTo(50_848L));
            Assert.That(energy.GetProperty("cycles").GetInt64(), Is.EqualTo(50_848L));
            Assert.That(mine.GetProperty("energy_pj").GetDouble(), Is.EqualTo(energy.GetProperty("energy_pj").GetDouble()).Within(1e-9).Percent);
            var uj = energy.GetProperty("energy_per_inference_uj").GetDouble();
            Assert.That(Md, Does.Contain($"| energy per inference | {uj.ToString("0.000", CultureInfo.InvariantCulture)} uJ |"));
            Assert.That(Md, Does.Contain("| cycles | 50,848 |"));
            Assert.That(Md, Does.Contain("| latency | none (the design gives no clock_mhz) |"));
            // TOPS/W is operations per joule: given without a clock, 2 ops per MAC over the study's energy.
            var topsPerWatt = 2.0 * mine.GetProperty("macs").GetInt64() / (mine.GetProperty("energy_pj").GetDouble() * 1e-12) / 1e12;
            Assert.That(Md, Does.Contain($"| efficiency | {topsPerWatt.ToString("0.00", CultureInfo.InvariantCulture)} TOPS/W (2 ops per MAC; no clock needed) |"));
            Assert.That(report.GetProperty("area_mm2").GetDouble(), Is.GreaterThan(0));
        }
        // area.csv: the levels and the MACs add up to the total.
        var rows = File.ReadAllLines(Path.Combine(folder, "area.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var parts = rows.Where(r => r[0] != "total").Sum(r => double.Parse(r[2], CultureInfo.InvariantCulture));
        Assert.That(parts, Is.EqualTo(double.Parse(rows.Single(r => r[0] == "total")[2], CultureInfo.InvariantCulture)).Within(1e-9).Percent);
    }

    [Test]
    public void FirstLastShares_AreWhatFirstLastPrints()
    {
        var firstLast = Json(CliRunner.Run(["first-last", Tiny, "--arch", Eyeriss, "--wbits", "4", "--abits", "2", "--keep", "fp32,same", "-f", "json", "-q"]))
            .GetProperty("rows").EnumerateArray().ToList();
        var mine = report.GetProperty("first_last").GetProperty("rows").EnumerateArray().ToList();
        Assert.That(mine.Select(r => r.GetProperty("keep").GetString()), Is.EqualTo(new[] { "fp32", "same" }));
        for (var i = 0; i < mine.Count; i++)
            using (Assert.EnterMultipleScope())
            {
                Assert.That(mine[i].GetProperty("energy_share").GetDouble(), Is.EqualTo(firstLast[i].GetProperty("energy_share").GetDouble()).Within(1e-9).Percent);
                Assert.That(mine[i].GetProperty("cycles_share").GetDouble(), Is.EqualTo(firstLast[i].GetProperty("cycles_share").GetDouble()));
            }
        // The same study priced the summary and the first/last table's fp32 row (the report's first/last format).
        var fp32 = mine[0].GetProperty("totals");
        Assert.That(fp32.GetProperty("cycles").GetInt64(), Is.EqualTo(report.GetProperty("energy").GetProperty("totals").GetProperty("cycles").GetInt64()));
    }

    [Test]
    public void Width_IsWhatWidthPrints()
    {
        var width = Json(CliRunner.Run(["width", Tiny, "--arch", Eyeriss, "--widths", "1,2", "--baseline", "int8", "-f", "json", "-q"]));
        var mine = report.GetProperty("width");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mine.GetProperty("widths").EnumerateArray().Select(p => p.GetProperty("cycles").GetInt64()),
                Is.EqualTo(width.GetProperty("widths").EnumerateArray().Select(p => p.GetProperty("cycles").GetInt64())));
            Assert.That(mine.GetProperty("break_even").GetProperty("energy").GetDouble(),
                Is.EqualTo(width.GetProperty("break_even").GetProperty("energy").GetDouble()).Within(1e-9).Percent);
        }
    }

    [Test]
    public void WithAClock_LatencyThroughputAndEfficiencyAreGiven()
    {
        using var tmp = new TempDir();
        // eyeriss_like.yaml with a 200 MHz clock: the same study, now with time.
        var design = tmp.File("clocked.yaml", File.ReadAllText(Eyeriss) + "\nclock_mhz: 200\n");
        var out_ = Path.Combine(tmp.Path, "rep");
        var r = Json(CliRunner.Run(["report", Tiny, "--arch", design, "--keep", "same", "--no-width", "-o", out_, "-f", "json", "-q"]));
        var totals = r.GetProperty("energy").GetProperty("totals");
        var seconds = totals.GetProperty("cycles").GetInt64() / 200e6;
        var tops = 2.0 * 1_292_800 / seconds / 1e12;
        var topsPerWatt = tops / (totals.GetProperty("energy_pj").GetDouble() * 1e-12 / seconds);
        var md = File.ReadAllText(Path.Combine(out_, "report.md"));
        Assert.That(md, Does.Contain($"| latency | {(seconds * 1e3).ToString("0.000", CultureInfo.InvariantCulture)} ms (at 200 MHz) |")
            .And.Contain($"| efficiency | {topsPerWatt.ToString("0.00", CultureInfo.InvariantCulture)} TOPS/W |")
            .And.Contain($"({tops.ToString("0.000", CultureInfo.InvariantCulture)} TOPS, 2 ops per MAC)"));
    }

    [Test]
    public void TableOutput_NamesTheLevels()
    {
        using var tmp = new TempDir();
        var r = CliRunner.Run(["report", Tiny, "--arch", Eyeriss, "--keep", "same", "--no-width", "-o", Path.Combine(tmp.Path, "rep"), "-q"]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("on nest design eyeriss_like").And.Contain("weights_spad").And.Contain("left out").And.Contain("report folder:"));
    }

    [Test]
    public void ABitSerialDesign_NamesItsComputeAsHwsimNestDoes()
    {
        using var tmp = new TempDir();
        var out_ = Path.Combine(tmp.Path, "rep");
        var stripes = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "stripes_like.yaml");
        var r = CliRunner.Run(["report", Tiny, "--arch", stripes, "--wbits", "8", "--abits", "8", "--first-last", "int8", "--keep", "same", "--no-width", "-o", out_, "-q"]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(out_, "report.md")), Does.Contain("| compute (bit-steps and accumulations) |"));
    }

    [Test]
    public void AnError_LeavesNoFolder_AndAnEarlierReportWhole()
    {
        using var tmp = new TempDir();
        var out_ = Path.Combine(tmp.Path, "rep");
        // A mapping file whose fc entry does not multiply to fc's channels: an error found while the studies run, after the folder was checked.
        var bad = tmp.File("bad.yaml", "version: 1\nlayers:\n  fc:\n    DRAM: { temporal: [C3] }\n");
        string[] ws = ["report", Tiny, "--arch", Example("simple_ws.yaml"), "--wbits", "8", "--abits", "8", "--first-last", "int8", "--keep", "int8,same", "--no-width", "-o", out_, "-q"];
        BadInputTests.AssertOneLineError(CliRunner.Run([.. ws, "--mapping", bad]), "fc", "bad.yaml");
        Assert.That(Directory.Exists(out_), Is.False, "no half folder");

        Assert.That(CliRunner.Run(ws).ExitCode, Is.Zero);
        var before = Directory.GetFiles(out_).Order(StringComparer.Ordinal).ToDictionary(f => f, File.ReadAllBytes);
        BadInputTests.AssertOneLineError(CliRunner.Run([.. ws, "--mapping", bad]), "fc");
        Assert.That(Directory.GetFiles(out_).Order(StringComparer.Ordinal), Is.EqualTo(before.Keys));
        foreach (var (file, bytes) in before)
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), file);
    }

    [Test]
    public void AWidthSectionThatCannotRun_IsLeftOutWithWhy()
    {
        using var tmp = new TempDir();
        var out_ = Path.Combine(tmp.Path, "rep");
        // simple_ws holds 16-bit values: the width study's fp32 first and last layers do not fit, after the main study ran.
        var r = CliRunner.Run("report", Tiny, "--arch", Example("simple_ws.yaml"), "--wbits", "8", "--abits", "8", "--first-last", "int8", "--keep", "int8,same", "--widths", "1,2", "-o", out_);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(File.ReadAllText(Path.Combine(out_, "report.md")), Does.Contain("## Width break-even (WRPN)\n\nLeft out: ").And.Contain("does not run on simple_ws"));
        Assert.That(r.Output, Does.Contain("width break-even left out: "));
    }

    [TestCase("--mapping", "fixed", "no fixed schedule")]
    [TestCase("--objective", "speed", "speed")]
    [TestCase("--keep", "fp64", "--keep")]
    public void BadCombinations_AreOneLineErrors(string option, string value, string says)
    {
        using var tmp = new TempDir();
        var out_ = Path.Combine(tmp.Path, "rep");
        BadInputTests.AssertOneLineError(CliRunner.Run("report", Tiny, "--arch", "eyeriss-rs", option, value, "-o", out_, "-q"), says);
        Assert.That(Directory.Exists(out_), Is.False);
    }

    [Test]
    public void AMappingFileOfAnotherDesign_IsRefused()
    {
        using var tmp = new TempDir();
        var out_ = Path.Combine(tmp.Path, "rep");
        var r = CliRunner.Run("report", Tiny, "--arch", "eyeriss-rs", "--mapping", Example("simple_ws.mapping.yaml"), "-o", out_, "-q");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), r.ToString());
        Assert.That(Directory.Exists(out_), Is.False);
    }
}
