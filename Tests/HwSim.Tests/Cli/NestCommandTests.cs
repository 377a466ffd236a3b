using System.Globalization;
using System.Text.Json;
using HwSim.Simulator.Nest;
using HwSim.Tests.CostModel.Nest;
using HwSim.Tests.Simulator.Nest;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim nest</c> on Timeloop's three exercises (docs/examples/timeloop/*.yaml and *.mapping.yaml) gives exactly the
/// library's figures (TimeloopNestEnergyTests.Priced, NestAnalysis.Count); the mapper path; the README's commands.
/// </summary>
public sealed class NestCommandTests
{
    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", file);

    private static string Tech(string design) => design == "eyeriss_like" ? "32nm" : "45nm";

    /// <summary>
    /// The command the README quotes for <paramref name="design"/>, relative to the repository: hwsim energy, which prints what hwsim
    /// nest prints for a nest design (NestRouteTests.Energy_WithTheMappingFile_PrintsWhatNestPrints).
    /// </summary>
    private static string Command(string design) =>
        $"hwsim energy docs/examples/timeloop/{design}.csv --arch docs/examples/timeloop/{design}.yaml --mapping docs/examples/timeloop/{design}.mapping.yaml --tech {Tech(design)}";

    private static CliResult Run(string design, params string[] extra) =>
        CliRunner.Run(["nest", Example($"{design}.csv"), "--arch", Example($"{design}.yaml"), "--mapping", Example($"{design}.mapping.yaml"), "--tech", Tech(design), .. extra]);

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void Exercise_GivesTheLibrarysFigures(string design)
    {
        var root = Json(Run(design, "-f", "json", "-q"));
        var report = TimeloopNestEnergyTests.Priced(design);
        var arch = TimeloopNests.Architecture(design);
        var counts = NestAnalysis.Count(TimeloopNests.Problem, arch, TimeloopNests.Mapping(design));
        var layer = root.GetProperty("layers")[0];
        using (Assert.EnterMultipleScope())
        {
            // The same sums of the same products in the same order: equal to the last bit.
            Assert.That(root.GetProperty("totals").GetProperty("energy_pj").GetDouble(), Is.EqualTo(report.Total.Value));
            Assert.That(layer.GetProperty("mapping").GetProperty("source").GetString(), Is.EqualTo("given"));
            Assert.That(layer.GetProperty("cycles").GetInt64(), Is.EqualTo(counts.Cycles));
            Assert.That(layer.GetProperty("mac_energy_pj").GetDouble(), Is.EqualTo(report.Macs.Value));
            var levels = layer.GetProperty("levels");
            for (var l = 0; l < arch.Levels.Length; l++)
            {
                var level = levels[l];
                Assert.That(level.GetProperty("energy_pj").GetDouble(), Is.EqualTo(report.Levels[l].Total.Value), arch.Levels[l].Name);
                foreach (var op in level.GetProperty("operands").EnumerateArray())
                {
                    var a = counts[l, Enum.Parse<NestTensor>(op.GetProperty("operand").GetString()!, ignoreCase: true)];
                    Assert.That((op.GetProperty("reads").GetInt64(), op.GetProperty("fills").GetInt64(), op.GetProperty("updates").GetInt64()),
                        Is.EqualTo((a.Reads, a.Fills, a.Updates)), $"{arch.Levels[l].Name} {op.GetProperty("operand")}");
                }
            }
        }
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void Exercise_JsonMappingHasTheGivenLoops(string design)
    {
        var loops = Json(Run(design, "-f", "json", "-q")).GetProperty("layers")[0].GetProperty("mapping").GetProperty("loops").EnumerateArray().ToList();
        var arch = TimeloopNests.Architecture(design);
        var given = TimeloopNests.Mapping(design).Loops().ToList();
        Assert.That(loops.Select(l => (l.GetProperty("level").GetString(), l.GetProperty("dim").GetString(), l.GetProperty("trips").GetInt64(), l.TryGetProperty("spatial", out var axis) ? axis.GetString() : null)),
            Is.EqualTo(given.Select(g => (arch.Levels[g.Level].Name, g.Loop.Dim.ToString(), (long)g.Loop.Bound, g.Loop.Axis?.ToString().ToLowerInvariant()))));
        // The outermost loop over a dimension covers all of it: its trips times its step is the problem's size.
        var p = TimeloopNests.Problem;
        foreach (var dim in Enum.GetValues<NestDim>())
        {
            var outer = loops.FirstOrDefault(l => l.GetProperty("dim").GetString() == dim.ToString());
            if (outer.ValueKind != JsonValueKind.Undefined)
                Assert.That(outer.GetProperty("trips").GetInt64() * outer.GetProperty("step").GetInt64(), Is.EqualTo(p.Size(dim)), dim.ToString());
        }
    }

    [TestCase("simple_ws", "132.112")]
    [TestCase("simple_os", "127.499")]
    [TestCase("eyeriss_like", "50.183")]
    public void Exercise_TablePrintsTheTotal(string design, string uj)
    {
        var r = Run(design, "--show-mapping");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain($"{uj} uJ"));
        Assert.That(r.Output, Does.Contain(TimeloopNests.Mapping(design).Describe(TimeloopNests.Architecture(design))), "--show-mapping prints the nest");
    }

    [Test]
    public void Csv_HasOneRowPerLayer()
    {
        var r = Run("simple_ws", "-f", "csv");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var lines = r.Output.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.StartWith("conv,true,10838016,903168," + TimeloopNestEnergyTests.Priced("simple_ws").Total.Value.ToString("R", CultureInfo.InvariantCulture) + ","));
    }

    [Test]
    public void Mapper_NeverWorseThanTheGivenMapping_AndItsPickReRuns()
    {
        using var dir = new TempDir();
        var saved = dir.File("picked.yaml");
        var searched = Json(Run("simple_ws", "--search", "--samples", "200", "--seed", "3", "--save-mapping", saved, "-f", "json", "-q"));
        var given = TimeloopNestEnergyTests.Priced("simple_ws").Total.Value;
        var energy = searched.GetProperty("totals").GetProperty("energy_pj").GetDouble();
        var rerun = Json(CliRunner.Run("nest", Example("simple_ws.csv"), "--arch", Example("simple_ws.yaml"), "--mapping", saved, "-f", "json", "-q"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(searched.GetProperty("layers")[0].GetProperty("mapping").GetProperty("source").GetString(), Is.EqualTo("searched"));
            Assert.That(searched.GetProperty("layers")[0].GetProperty("sampled").GetInt64(), Is.EqualTo(201), "200 samples and the candidate");
            Assert.That(energy, Is.LessThanOrEqualTo(given));
            Assert.That(rerun.GetProperty("totals").GetProperty("energy_pj").GetDouble(), Is.EqualTo(energy), "the saved pick re-runs to the same energy");
        }
    }

    [TestCase("energy")]
    [TestCase("latency")]
    [TestCase("edp")]
    public void Mapper_RunsWithoutAMappingFile(string objective)
    {
        var root = Json(CliRunner.Run("nest", Example("simple_ws.csv"), "--arch", Example("simple_ws.yaml"), "--samples", "100", "--objective", objective, "-f", "json", "-q"));
        var layer = root.GetProperty("layers")[0];
        Assert.That((layer.GetProperty("ran").GetBoolean(), layer.GetProperty("mapping").GetProperty("source").GetString()), Is.EqualTo((true, "searched")));
        Assert.That(layer.GetProperty("macs").GetInt64(), Is.EqualTo(TimeloopNests.Problem.Macs));
    }

    /// <summary>
    /// A depthwise layer (4 channels, groups 4: G4 N1 M1 C1 P6 Q6 R3 S3, 1,296 MACs), a grouped one (groups 2: M2 C2 per group) and a
    /// dilated one (dilation 2: the 3x3 kernel spans 5x5, so 4x4 outputs, 4·4·16·9 = 2,304 MACs) run next to a dense one, with the
    /// groups and dilations in the JSON, and all four in the totals.
    /// </summary>
    [Test]
    public void GroupedAndDilatedLayers_Run()
    {
        using var dir = new TempDir();
        var csv = dir.File("g.csv", "name,c,h,w,k,r,s,stride,groups,dilation\nplain,4,8,8,4,3,3,1,1,1\ndw,4,8,8,4,3,3,1,4,1\ngrouped,4,8,8,4,3,3,1,2,1\ndilated,4,8,8,4,3,3,1,1,2\n");
        // int16 values: simple_ws' registers are 16 bits wide, and a level narrower than one value runs nothing (NestDesign.ArchitectureFor).
        var root = Json(CliRunner.Run("nest", csv, "--arch", Example("simple_ws.yaml"), "--samples", "50", "--wbits", "16", "--abits", "16", "--first-last", "int16", "-f", "json", "-q"));
        var layers = root.GetProperty("layers");
        var macs = new[] { 5_184L, 1_296L, 2_592L, 2_304L };
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Enumerable.Range(0, 4).Select(i => layers[i].GetProperty("ran").GetBoolean()), Is.EqualTo(new[] { true, true, true, true }));
            Assert.That(Enumerable.Range(0, 4).Select(i => layers[i].GetProperty("groups").GetInt32()), Is.EqualTo(new[] { 1, 4, 2, 1 }));
            Assert.That(Enumerable.Range(0, 4).Select(i => (layers[i].GetProperty("dilation_h").GetInt32(), layers[i].GetProperty("dilation_w").GetInt32())),
                Is.EqualTo(new[] { (1, 1), (1, 1), (1, 1), (2, 2) }));
            Assert.That(layers[1].GetProperty("problem").GetString(), Is.EqualTo("G4 N1 M1 C1 P6 Q6 R3 S3"));
            Assert.That(layers[2].GetProperty("problem").GetString(), Is.EqualTo("G2 N1 M2 C2 P6 Q6 R3 S3"));
            Assert.That(layers[3].GetProperty("problem").GetString(), Is.EqualTo("N1 M4 C4 P4 Q4 R3 S3 dil 2x2"));
            Assert.That(Enumerable.Range(0, 4).Select(i => layers[i].GetProperty("macs").GetInt64()), Is.EqualTo(macs));
            Assert.That(root.GetProperty("totals").GetProperty("energy_pj").GetDouble(),
                Is.EqualTo(Enumerable.Range(0, 4).Sum(i => layers[i].GetProperty("energy_pj").GetDouble())).Within(1e-9).Percent);
            Assert.That(root.GetProperty("totals").GetProperty("macs").GetInt64(), Is.EqualTo(macs.Sum()));
        }
        var table = CliRunner.Run("nest", csv, "--arch", Example("simple_ws.yaml"), "--samples", "50", "--wbits", "16", "--abits", "16", "--first-last", "int16", "--show-mapping");
        Assert.That(table.Output, Does.Contain("G4 N1 M1 C1 P6 Q6 R3 S3").And.Contain("for G in [0:4) (groups, one after another)")
            .And.Contain("N1 M4 C4 P4 Q4 R3 S3 dil 2x2"), table.ToString());
    }

    /// <summary>
    /// A grouped layer's saved mapping holds its G loop like any other (on eyeriss-rs, whose PE array takes no G, outermost at DRAM:
    /// G8) and re-runs to the same figures.
    /// </summary>
    [Test]
    public void GroupedLayer_SavedMappingReRuns()
    {
        using var dir = new TempDir();
        var csv = dir.File("g.csv", "name,c,h,w,k,r,s,stride,pad,groups\ndw,8,8,8,8,3,3,1,1,8\n");
        var saved = dir.File("picked.yaml");
        var searched = Json(CliRunner.Run("nest", csv, "--arch", Example("eyeriss_like.yaml"), "--samples", "100", "--save-mapping", saved, "-f", "json", "-q"));
        var rerun = Json(CliRunner.Run("nest", csv, "--arch", Example("eyeriss_like.yaml"), "--mapping", saved, "-f", "json", "-q"));
        Assert.That(File.ReadAllText(saved), Does.Contain("DRAM: { temporal: [G8] }"), "the group loop in the mapping file");
        Assert.That(rerun.GetProperty("layers")[0].GetProperty("mapping").GetProperty("source").GetString(), Is.EqualTo("given"));
        Assert.That((rerun.GetProperty("totals").GetProperty("energy_pj").GetDouble(), rerun.GetProperty("totals").GetProperty("cycles").GetInt64()),
            Is.EqualTo((searched.GetProperty("totals").GetProperty("energy_pj").GetDouble(), searched.GetProperty("totals").GetProperty("cycles").GetInt64())));
    }

    [Test]
    public void Help_HasAnExample() =>
        Assert.That(CliRunner.Run("nest", "--help").Output, Does.Contain("Example: hwsim nest docs/examples/timeloop/simple_ws.csv"));

    /// <summary>README's Timeloop section quotes the three commands these tests run.</summary>
    [Test]
    public void Readme_QuotesTheCommands()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (var design in TimeloopNests.Designs)
            Assert.That(readme, Does.Contain(Command(design)), design);
    }
}
