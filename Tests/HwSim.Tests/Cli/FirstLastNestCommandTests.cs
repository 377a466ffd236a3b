using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim first-last --arch</c> a nest design: each format's network runs through the nest study (as hwsim energy runs a nest
/// design), the kept layers' shares are kept over total of that study, and the kept "unit" is the whole design. The network is
/// docs/examples/nest/tiny_cnn.csv, so each run takes seconds.
/// </summary>
public sealed class FirstLastNestCommandTests
{
    private static readonly string Tiny = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv");

    private static readonly string[] W8A8 = ["--wbits", "8", "--abits", "8"];

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static long L(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    [Test]
    public void Json_SharesAreKeptOverTotal_AndSameIsWhatEnergyPrints()
    {
        var root = Json(CliRunner.Run(["first-last", Tiny, "--arch", "eyeriss-rs", .. W8A8, "--keep", "fp32,same", "-f", "json", "-q"]));
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.That(root.GetProperty("architecture").GetString(), Is.EqualTo("eyeriss-rs"));
        Assert.That(rows.Select(r => r.GetProperty("keep").GetString()), Is.EqualTo(new[] { "fp32", "same" }));
        foreach (var row in rows)
        {
            var kept = row.GetProperty("kept");
            var totals = row.GetProperty("totals");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(row.TryGetProperty("not_run", out _), Is.False);
                Assert.That(row.GetProperty("kept_units").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { "eyeriss-rs" }));
                Assert.That(L(totals, "macs"), Is.EqualTo(1_292_800L));
                Assert.That(L(kept, "macs"), Is.EqualTo(113_152L));
                Assert.That(D(row, "cycles_share"), Is.EqualTo((double)L(kept, "cycles") / L(totals, "cycles")));
                Assert.That(D(row, "energy_share"), Is.EqualTo(D(kept, "energy_pj") / D(totals, "energy_pj")));
                Assert.That(D(row, "compute_energy_share"), Is.EqualTo(D(kept, "compute_energy_pj") / D(totals, "compute_energy_pj")));
                Assert.That(D(row, "kept_unit_area_share"), Is.EqualTo(1.0));
                Assert.That(D(kept, "area_um2"), Is.EqualTo(D(totals, "area_um2")));
            }
        }
        // "same" is the network at W8A8 throughout: hwsim energy runs the same nest study (mapper, seed, samples, tables).
        var energy = Json(CliRunner.Run(["energy", Tiny, "--arch", "eyeriss-rs", .. W8A8, "--first-last", "same", "-f", "json", "-q"])).GetProperty("totals");
        var same = rows[1].GetProperty("totals");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(L(same, "cycles"), Is.EqualTo(L(energy, "cycles")));
            Assert.That(D(same, "energy_pj"), Is.EqualTo(D(energy, "energy_pj")).Within(1e-12).Percent);
        }
    }

    /// <summary>
    /// Each new search is a progress line on standard error, with its layer, problem, formats and outcome: tiny_cnn at fp32 and
    /// same (int8) first/last has 5 distinct (problem, formats): conv1 and fc at both formats, conv2 = conv3 once at int8. -q silences them.
    /// </summary>
    [Test]
    public void Progress_ALinePerSearch_UnlessQuiet()
    {
        var loud = CliRunner.Run(["first-last", Tiny, "--arch", "eyeriss-rs", .. W8A8, "--keep", "fp32,same", "-f", "json"]);
        Assert.That(loud.ExitCode, Is.Zero, loud.ToString());
        var lines = loud.Error.Split('\n').Where(l => l.StartsWith("  searched ", StringComparison.Ordinal)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines, Has.Count.EqualTo(5), loud.Error);
            Assert.That(lines, Has.One.Match(@"^  searched conv1 \(N1 M16 C3 P16 Q16 R3 S3, fp32 x fp32\): [0-9,]+ of 2,000 samples fit, [0-9.]+ s$"));
            Assert.That(lines.Count(l => l.Contains("fc (", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(lines.Count(l => l.Contains("conv2 (", StringComparison.Ordinal) || l.Contains("conv3 (", StringComparison.Ordinal)), Is.EqualTo(1));
        }
        var quiet = CliRunner.Run(["first-last", Tiny, "--arch", "eyeriss-rs", .. W8A8, "--keep", "fp32,same", "-f", "json", "-q"]);
        Assert.That((quiet.ExitCode, quiet.Error), Is.EqualTo((0, "")));
    }

    [Test]
    public void TableCsvAndPlot()
    {
        using var dir = new TempDir();
        string[] args = ["first-last", Tiny, "--arch", "eyeriss-rs", .. W8A8, "--keep", "int8"];
        var table = CliRunner.Run([.. args, "--plot", Path.Combine(dir.Path, "shares"), "-q"]);
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Output, Does.Contain("tiny-cnn on eyeriss-rs at 45nm HP, inner W:int8 A:uint8"));
            Assert.That(table.Output, Does.Contain("100.00 % (eyeriss-rs)"));
            Assert.That(table.Output, Does.Contain("its share is 100 %"));
            Assert.That(File.Exists(Path.Combine(dir.Path, "shares.png")), Is.True);
            Assert.That(File.Exists(Path.Combine(dir.Path, "shares.svg")), Is.True);
        }
        var csv = CliRunner.Run([.. args, "-f", "csv", "-q"]);
        Assert.That(csv.ExitCode, Is.Zero, csv.ToString());
        var lines = csv.Output.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.StartWith("tiny-cnn,int8,conv1;fc,eyeriss-rs,"));
    }

    [Test]
    public void AFormatTheDesignCannotRun_IsARowWithItsReason()
    {
        var r = CliRunner.Run("first-last", Tiny, "--arch", Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "stripes_like.yaml"),
            "--wbits", "16", "--abits", "8", "--keep", "fp32,int8", "-f", "csv", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var lines = r.Output.TrimEnd('\n').Split('\n');
        Assert.That(lines[1], Does.StartWith("tiny-cnn,fp32,conv1;fc,,").And.EndWith("this layer has fp32 weights and fp32 inputs\""));
        Assert.That(lines[1], Does.Contain("first/last not run on stripes_like (2 layers, e.g. conv1): the design's PEs are bit-serial"));
        Assert.That(lines[2], Does.StartWith("tiny-cnn,int8,conv1;fc,stripes_like,").And.EndWith(","));
    }

    [Test]
    public void FixedMapping_IsRefused() =>
        BadInputTests.AssertOneLineError(CliRunner.Run("first-last", Tiny, "--arch", "eyeriss-rs", "--mapping", "fixed"), "--mapping", "no fixed schedule");

    [Test]
    public void AnotherDesignsMappingFile_IsRefusedAtItsLine() =>
        BadInputTests.AssertOneLineError(CliRunner.Run("first-last", Tiny, "--arch", "eyeriss-rs", "--mapping", Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "simple_ws.mapping.yaml")),
            "simple_ws.mapping.yaml", "line 8", "'pe_spad' is not a level of design 'eyeriss-rs'");

    [Test]
    public void AMappingFile_MapsItsLayers_AndNoKeptLayerHasNoArea()
    {
        // Timeloop's eyeriss_like exercise: one inner layer, so nothing is kept; its mapping file gives Timeloop's 86,016 cycles.
        var timeloop = Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop");
        var row = Json(CliRunner.Run("first-last", Path.Combine(timeloop, "eyeriss_like.csv"), "--arch", "eyeriss-rs", "--mapping", Path.Combine(timeloop, "eyeriss_like.mapping.yaml"),
            "--keep", "int8", "-f", "json", "-q")).GetProperty("rows")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(L(row.GetProperty("totals"), "cycles"), Is.EqualTo(86_016L));
            Assert.That(row.GetProperty("kept_layers").GetArrayLength(), Is.Zero);
            Assert.That(row.GetProperty("kept_units").GetArrayLength(), Is.Zero);
            Assert.That(D(row, "kept_unit_area_share"), Is.Zero);
            Assert.That(D(row, "cycles_share"), Is.Zero);
        }
    }
}
