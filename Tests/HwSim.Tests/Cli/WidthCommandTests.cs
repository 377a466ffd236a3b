using NUnit.Framework;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Width;
using HwSim.Tests.Support;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim width</c> end to end, in-process: ResNet-18 at W1A1 (first/last fp32) widened 1 to 4
/// times against fp32 and int8 baselines. The break-even width must agree with the per-width
/// table: between the two grid widths whose ratios straddle 1, with the ratio there close to 1
/// or the ratios either side of it straddling 1 (channel rounding makes cost a staircase).
/// </summary>
public class WidthCommandTests
{
    private static readonly Lazy<JsonElement> Int8 = new(() => Json("int8"));
    // W1A1 ResNet-18 stays below fp32 on both counts up to k = 4 (NoCrossing_... checks that); AlexNet
    // at W1A1 crosses fp32 between k = 4 and 8 on both, so there the search has something to find.
    private static readonly Lazy<JsonElement> Fp32 = new(() => Json("fp32", "1,2,4,8", "alexnet"));

    private static JsonElement Json(string baseline, string widths = "1,2,3,4", string network = "resnet18")
    {
        var r = CliRunner.Run("width", network, "--wbits", "1", "--abits", "1", "--widths", widths, "--baseline", baseline, "--format", "json", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static List<(double K, double Energy, double Latency)> Ratios(JsonElement root) =>
        [.. root.GetProperty("widths").EnumerateArray().Select(w =>
            (w.GetProperty("k").GetDouble(), w.GetProperty("energy_ratio").GetDouble(), w.GetProperty("latency_ratio").GetDouble()))];

    private static double? Found(JsonElement root, string what) =>
        root.GetProperty("break_even").GetProperty(what) is { ValueKind: JsonValueKind.Number } k ? k.GetDouble() : null;

    /// <summary>
    /// The grid straddles 1 (every caller picks a grid that does: a check that passed without a
    /// crossing would test nothing); the search must find it between the straddling widths, and
    /// the widths either side of the answer must agree with it.
    /// </summary>
    private static void AssertConsistentWithTable(JsonElement root, string what, Func<(double K, double Energy, double Latency), double> ratio)
    {
        var grid = Ratios(root);
        var straddle = Enumerable.Range(0, grid.Count - 1).FirstOrDefault(i => (ratio(grid[i]) - 1) * (ratio(grid[i + 1]) - 1) <= 0, -1);
        var found = Found(root, what);
        Assert.That(straddle, Is.GreaterThanOrEqualTo(0), $"no grid interval straddles 1 for {what} ({string.Join(", ", grid.Select(g => $"{ratio(g)} at {g.K}"))}): the test needs a grid with a crossing");
        Assert.That(found, Is.Not.Null, $"grid widths {grid[straddle].K} and {grid[straddle + 1].K} straddle 1");
        Assert.That(found!.Value, Is.InRange(grid[straddle].K, grid[straddle + 1].K));

        // Price the widths either side of the answer (and the answer) and check that they agree with it.
        var k = found.Value;
        var near = Json(root.GetProperty("baseline").GetString()!,
            string.Join(",", new[] { k - 0.01, k, k + 0.01 }.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture))), root.GetProperty("network").GetString()!);
        var (below, at, above) = (Ratios(near)[0], Ratios(near)[1], Ratios(near)[2]);
        Assert.That(Math.Abs(ratio(at) - 1) <= 0.01 || (ratio(below) - 1) * (ratio(above) - 1) <= 0, Is.True,
            $"{what} ratio {ratio(below)} at {below.K}, {ratio(at)} at {k}, {ratio(above)} at {above.K}");
        Assert.That(root.GetProperty("break_even_ratio").GetProperty(what).GetDouble(), Is.EqualTo(ratio(at)).Within(1e-12));
    }

    [Test]
    public void Fp32Baseline_BreakEvens_AgreeWithTheTable()
    {
        AssertConsistentWithTable(Fp32.Value, "energy", r => r.Energy);
        AssertConsistentWithTable(Fp32.Value, "latency", r => r.Latency);
    }

    [Test]
    public void Int8Baseline_BreakEvens_AgreeWithTheTable()
    {
        AssertConsistentWithTable(Int8.Value, "energy", r => r.Energy);
        AssertConsistentWithTable(Int8.Value, "latency", r => r.Latency);
        // W1A1 at k = 1 is cheaper than int8 and 4x wider is dearer: there is a crossing to find.
        Assert.That(Found(Int8.Value, "energy"), Is.Not.Null);
    }

    [Test]
    public void Json_HasTheDocumentedShape()
    {
        var root = Int8.Value;
        var first = root.GetProperty("widths")[0];
        var baseline = root.GetProperty("baseline_costs");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("network").GetString(), Is.EqualTo("resnet18"));
            Assert.That(root.GetProperty("baseline").GetString(), Is.EqualTo("int8"));
            Assert.That(root.GetProperty("inner").GetString(), Is.EqualTo("binary x binary"));
            Assert.That(root.GetProperty("widths").GetArrayLength(), Is.EqualTo(4));
            Assert.That(Ratios(root).Select(r => r.K), Is.EqualTo(new[] { 1.0, 2, 3, 4 }));
            // k = 1 is the unwidened network: same MACs as the baseline, and ResNet-18's published count.
            Assert.That(first.GetProperty("macs").GetInt64(), Is.EqualTo(1_814_073_344L));
            Assert.That(first.GetProperty("macs_ratio").GetDouble(), Is.EqualTo(1));
            Assert.That(baseline.GetProperty("macs").GetInt64(), Is.EqualTo(1_814_073_344L));
            Assert.That(first.GetProperty("energy_ratio").GetDouble(),
                Is.EqualTo(first.GetProperty("energy_pj").GetDouble() / baseline.GetProperty("energy_pj").GetDouble()).Within(1e-12));
            // Same architecture for both: the area is the same number.
            Assert.That(first.GetProperty("area_um2").GetDouble(), Is.EqualTo(baseline.GetProperty("area_um2").GetDouble()));
            Assert.That(root.GetProperty("search_range").EnumerateArray().Select(x => x.GetDouble()), Is.EqualTo(new[] { 1.0, 4 }));
        }
    }

    [Test]
    public void WiderCostsMore_AndLowBitIsCheaperThanFp32AtWidthOne()
    {
        var grid = Ratios(Fp32.Value);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(grid.Select(r => r.Energy), Is.Ordered.Ascending);
            Assert.That(grid.Select(r => r.Latency), Is.Ordered.Ascending);
            Assert.That(grid[0].Energy, Is.LessThan(1));
        }
    }

    [Test]
    public void NoCrossing_IsNullInJson_AndSaidInTheTable()
    {
        // Widened at most 1.5 times, W1A1 stays far below fp32 on both counts.
        var json = Json("fp32", "1,1.5");
        var table = CliRunner.Run("width", "resnet18", "--widths", "1,1.5", "-q");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(json.GetProperty("break_even").GetProperty("energy").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(json.GetProperty("break_even").GetProperty("latency").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(table.ExitCode, Is.Zero, table.ToString());
            Assert.That(table.Output, Does.Contain("energy break-even: none in [1, 1.5]"));
            Assert.That(table.Output, Does.Contain("latency break-even: none in [1, 1.5]"));
            Assert.That(table.Output, Does.Contain("fp32 baseline"));
            Assert.That(table.Error, Is.Empty, "--quiet");
        }
    }

    [Test]
    public void Table_ShowsTheBreakEvenWidth_AndProgressGoesToStderr()
    {
        var r = CliRunner.Run("width", "resnet18", "--baseline", "int8", "--widths", "1,2");
        var energy = Int8.Value.GetProperty("break_even").GetProperty("energy").GetDouble();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(r.Output, Does.Contain($"energy break-even: k = {energy.ToString("0.00", CultureInfo.InvariantCulture)}: "));
            Assert.That(r.Output, Does.Contain("int8 baseline"));
            Assert.That(r.Output, Does.Contain("area ratio is 1"));
            Assert.That(r.Output, Does.Not.Contain("width: k ="));
            Assert.That(r.Error, Does.Contain("width: k = 2 (grid)"));
        }
    }

    [Test]
    public void Csv_HasBaselineWidthsAndBreakEvenRows()
    {
        var r = CliRunner.Run("width", "resnet18", "--widths", "1,2", "--format", "csv", "-q");
        var lines = r.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(lines[0], Is.EqualTo("kind,k,macs,bit_ops,cycles,energy_pj,area_um2,macs_ratio,bit_ops_ratio,energy_ratio,latency_ratio"));
            Assert.That(lines.Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "kind", "baseline", "widened", "widened", "break_even_energy", "break_even_latency" }));
            Assert.That(lines.Select(l => l.Split(',').Length), Is.All.EqualTo(11));
            Assert.That(lines[2], Does.StartWith("widened,1,1814073344,"));
        }
    }

    [Test]
    public void Plot_WritesPngAndSvg()
    {
        using var dir = new TempDir();
        var basePath = Path.Combine(dir.Path, "width");
        var r = CliRunner.Run("width", "resnet18", "--baseline", "int8", "--widths", "1,2", "--plot", basePath, "-o", Path.Combine(dir.Path, "width.json"), "--format", "json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            Assert.That(File.ReadAllBytes(basePath + ".png").Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
            Assert.That(File.ReadAllText(basePath + ".svg"), Does.Contain("<svg"));
            Assert.That(File.ReadAllText(basePath + ".svg"), Does.Contain("energy break-even k = "));
            Assert.That(JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "width.json"))).RootElement.GetProperty("widths").GetArrayLength(), Is.EqualTo(2));
            Assert.That(r.Error, Does.Contain("wrote"));
        }
    }

    [TestCase("1,abc", "'abc'")]
    [TestCase("0,1", "'0'")]
    [TestCase("-1", "'-1'")]
    [TestCase("1,,2", "''")]
    [TestCase("1,100", "'100'")]
    [TestCase("NaN", "'NaN'")]
    public void BadWidths_OneLineError_ExitTwo(string widths, string quoted)
    {
        var r = CliRunner.Run("width", "resnet18", "--widths", widths);
        AssertOneLineError(r, "--widths", quoted);
    }

    [Test]
    public void BadBaseline_OneLineError_ExitTwo() =>
        AssertOneLineError(CliRunner.Run("width", "resnet18", "--baseline", "int4"), "--baseline", "fp32 or int8");

    [Test]
    public void LayersThatCannotRun_AreAnError_NotARatio()
    {
        // finn-like runs binary layers only; the fp32 baseline cannot run on it.
        AssertOneLineError(CliRunner.Run("width", "resnet18", "--arch", "finn-like", "--first-last", "same", "--widths", "1,2"), "fp32 baseline", "does not run on");
    }

    private static void AssertOneLineError(CliResult r, params string[] parts)
    {
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        var lines = r.Error.TrimEnd('\n', '\r').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), r.ToString());
        Assert.That(lines[0], Does.StartWith("error: "));
        foreach (var p in parts)
            Assert.That(lines[0], Does.Contain(p));
        Assert.That(r.Output, Is.Empty);
    }

    [Test]
    public void WidthsAreSortedAndDeduplicated()
    {
        Assert.That(WidthCommand.ParseWidths("3, 1,2,1"), Is.EqualTo(new[] { 1.0, 2, 3 }));
    }
}
