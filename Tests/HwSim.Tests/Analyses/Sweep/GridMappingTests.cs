using HwSim.Analyses.Sweep;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Sweep;

/// <summary>
/// The grid keys <c>mapping</c> and <c>objective</c>: read in both YAML styles, their errors, the
/// point's policy (grid value, else the sweep-wide policy), the objective a fixed point ignores,
/// and the hash. The CLI's end-to-end runs (fixed vs search, resume, shards) are in
/// Tests/HwSim.Tests/Cli/SweepCommandTests.Mapping.cs.
/// </summary>
public class GridMappingTests
{
    private static readonly Workload AlexNet = NetworkZoo.Get("alexnet");

    private static GridFile Grid(TempDir dir, string vary, string name = "grid.yaml") =>
        GridFile.Load(dir.File(name, "version: 1\nbase: lowbit-default\nvary:\n" + vary));

    private static SweepDefinition Definition(GridFile grid, MappingPolicy? mapping = null, string techs = "45")
    {
        var policy = PrecisionPolicy.FromBits(2, 2, FirstLastFormat.Keep(NumberFormat.Fp32));
        var arch = grid.ResolveBase(null);
        var nodes = techs.Split(',').Select(nm => new TechChoice($"{nm}nm", TechnologyScaling.From45nm(int.Parse(nm, System.Globalization.CultureInfo.InvariantCulture))));
        var precision = new PrecisionChoice(2, 2, policy, policy.Apply(AlexNet));
        return new SweepDefinition(AlexNet, [precision], arch, grid.Bind(arch, mapping, [precision.Workload]), nodes, CostTables.Default, mapping);
    }

    private static InputException Error(Action action) => Assert.Throws<InputException>(action)!;

    [Test]
    public void BlockAndFlowStylesReadTheKeysInAnyCase()
    {
        using var dir = new TempDir();
        var block = Grid(dir, "  mapping: [Fixed, SEARCH]\n  objective:\n    - energy\n    - Latency\n    - EDP\n", "block.yaml");
        var flow = GridFile.Load(dir.File("flow.yaml", "version: 1\nvary: { mapping: [fixed, search], objective: [energy, latency, edp] }\n"));
        foreach (var grid in new[] { block, flow })
        {
            Assert.Multiple(() =>
            {
                Assert.That(grid.Dimensions.Select(d => d.Path), Is.EqualTo(new[] { "mapping", "objective" }), grid.File);
                Assert.That(grid.Dimensions[0].Values.Select(v => v.Text), Is.EqualTo(new[] { "fixed", "search" }), "canonical spelling");
                Assert.That(grid.Dimensions[0].Values.Select(v => v.Value), Is.EqualTo(new[] { GridMapping.Fixed, GridMapping.Searched }));
                Assert.That(grid.Dimensions[1].Values.Select(v => v.Text), Is.EqualTo(new[] { "energy", "latency", "edp" }));
                Assert.That(grid.Dimensions[1].Values.Select(v => v.Value), Is.EqualTo(new object[] { MappingObjective.Energy, MappingObjective.Latency, MappingObjective.Edp }));
            });
        }
        Assert.That(GridParameter.Known, Does.Contain("mapping (fixed|search|FILE)").And.Contain("objective (energy|latency|edp)"));
    }

    [Test]
    public void APolicyKeyLeavesTheArchitectureAlone()
    {
        using var dir = new TempDir();
        var sweep = Definition(Grid(dir, "  mapping: [fixed, search]\n  objective: [energy, latency]\n"));
        Assert.That(Enumerable.Range(0, 4).Select(i => sweep.Architecture(sweep.Point(i))), Is.All.EqualTo(sweep.BaseArchitecture));
    }

    [TestCase("  mapping: [fixed, serch]\n", "vary.mapping[1]", "'serch' is not 'fixed', 'search' or a mapping YAML file (no such file: ")]
    [TestCase("  mapping: [fixed, fixed]\n", "vary.mapping[1]", "fixed is already in the list at [0]")]
    [TestCase("  mapping: fixed\n", "vary.mapping", "must be a list of values, e.g. [fixed, search]")]
    [TestCase("  objective: [energy, speed]\n", "vary.objective[1]", "'speed' is not a mapper objective (known: energy, latency, edp)")]
    [TestCase("  objective: [1]\n", "vary.objective[0]", "'1' is not a mapper objective")]
    public void BadValuesNameTheGridLineAndRule(string vary, string field, string rule)
    {
        using var dir = new TempDir();
        var e = Error(() => Grid(dir, vary));
        Assert.That(e.Message, Does.StartWith($"{dir.File("grid.yaml")}, line 4, field '{field}': {rule}"));
    }

    [Test]
    public void AMappingFileIsFoundBesideTheGridReadOnceAndHashedByItsBytes()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("study"));
        var maps = dir.File(Path.Combine("study", "maps.yaml"), "layers:\n  \"features.*\": fixed\n");
        var grid = Grid(dir, "  mapping: [search, maps.yaml]\n", Path.Combine("study", "grid.yaml"));
        var value = grid.Dimensions[0].Values[1];
        Assert.Multiple(() =>
        {
            Assert.That(value.Text, Is.EqualTo("maps.yaml"), "the CSV cell is the path as the grid writes it");
            Assert.That(((GridMapping)value.Value!).File!.File, Is.EqualTo(maps), "found beside the grid, wherever the sweep starts");
        });
        var sweep = Definition(grid);
        var policy = sweep.Policy(sweep.Point(1));
        Assert.Multiple(() =>
        {
            Assert.That(policy.Source, Is.EqualTo(maps));
            Assert.That(policy.ConstraintOf("features.3").Fixed, Is.True);
            Assert.That(policy.ConstraintOf("classifier.1"), Is.EqualTo(MappingConstraint.None));
        });

        // The same grid text with an edited file is another sweep (its rows differ): the file is read once, when the grid is.
        var before = sweep.Hash;
        File.WriteAllText(maps, "layers:\n  \"classifier.*\": fixed\n");
        Assert.That(sweep.Policy(sweep.Point(1)).ConstraintOf("features.3").Fixed, Is.True, "the grid read before the edit keeps what it read");
        Assert.That(Definition(Grid(dir, "  mapping: [search, maps.yaml]\n", Path.Combine("study", "grid.yaml"))).Hash, Is.Not.EqualTo(before));
    }

    [Test]
    public void AnInvalidMappingFileNamesTheGridLineAndTheFilesOwnError()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.yaml", "layers:\n  features.0: fixd\n");
        var e = Error(() => Grid(dir, "  mapping:\n    - fixed\n    - bad.yaml\n"));
        Assert.That(e.Message, Is.EqualTo($"{dir.File("grid.yaml")}, line 6, field 'vary.mapping[1]': the mapping file is not valid: " +
                                          $"{bad}, line 2, field 'layers.features.0': must be 'fixed' or a mapping of constraints (order, time_chunk, block_m, block_k, block_n, rows, cols), got 'fixd'"));
    }

    [Test]
    public void AMappingFileIsCheckedAgainstTheWorkloadWhenBound()
    {
        using var dir = new TempDir();
        var other = dir.File("resnet.yaml", "layers:\n  conv1: fixed\n");
        var grid = Grid(dir, "  mapping: [search, resnet.yaml]\n");
        var e = Error(() => Definition(grid));
        Assert.That(e.Message, Does.StartWith($"{dir.File("grid.yaml")}, line 4, field 'vary.mapping[1]': the mapping file does not fit: {other}, line 2, field 'layers.conv1': names no layer of workload 'alexnet'"));
    }

    [Test]
    public void APointsPolicyIsTheGridsValueElseTheSweepWideOne()
    {
        using var dir = new TempDir();
        // mapping (2) x objective (2): ids 0 fixed/energy, 1 fixed/latency, 2 search/energy, 3 search/latency.
        var both = Definition(Grid(dir, "  mapping: [fixed, search]\n  objective: [energy, latency]\n"));
        Assert.That(Enumerable.Range(0, 4).Select(i => both.Policy(both.Point(i))),
            Is.EqualTo(new[] { MappingPolicy.Fixed, MappingPolicy.Fixed, MappingPolicy.Default, MappingPolicy.SearchFor(MappingObjective.Latency) }));
        Assert.That(both.Cost(both.Point(3)).Mapping, Is.EqualTo(MappingPolicy.SearchFor(MappingObjective.Latency)), "the point is priced and mapped with its policy");

        // Only mapping varied: a search takes the sweep-wide objective (--objective).
        var mappingOnly = Definition(Grid(dir, "  mapping: [fixed, search]\n"), MappingPolicy.SearchFor(MappingObjective.Edp));
        Assert.That(mappingOnly.Policy(mappingOnly.Point(1)), Is.EqualTo(MappingPolicy.SearchFor(MappingObjective.Edp)));

        // Only objective varied: the sweep-wide mapping file keeps its constraints under each objective.
        var constrained = MappingFile.Read("layers:\n  features.0: fixed\n", "m.yaml").Policy(MappingObjective.Energy);
        var objectiveOnly = Definition(Grid(dir, "  objective: [energy, edp]\n"), constrained);
        var p = objectiveOnly.Policy(objectiveOnly.Point(1));
        Assert.That((p.Objective, p.Source, p.ConstraintOf("features.0").Fixed), Is.EqualTo((MappingObjective.Edp, "m.yaml", true)));

        // No key: the sweep-wide policy itself.
        var none = Definition(Grid(dir, "  units[0].rows: [8]\n"), MappingPolicy.Fixed);
        Assert.That(none.Policy(none.Point(0)), Is.SameAs(MappingPolicy.Fixed));
    }

    [Test]
    public void AFixedPointsObjectiveCellReadsNone()
    {
        using var dir = new TempDir();
        var sweep = Definition(Grid(dir, "  mapping: [fixed, search]\n  objective: [energy, latency]\n"));
        Assert.That(sweep.Header, Does.Contain("mapping").And.Contain("objective"));
        var cells = Enumerable.Range(0, 4).Select(i => sweep.ParameterCells(sweep.Point(i)).Skip(6).Take(2).ToArray()).ToList();
        Assert.That(cells, Is.EqualTo(new[] { new[] { "fixed", "none" }, ["fixed", "none"], ["search", "energy"], ["search", "latency"] }));
    }

    [Test]
    public void AnObjectiveNoPointSearchesWithIsRefused()
    {
        using var dir = new TempDir();
        var sweepWideFixed = Error(() => Definition(Grid(dir, "  objective: [energy, latency]\n"), MappingPolicy.Fixed));
        Assert.That(sweepWideFixed.Message, Does.StartWith($"{dir.File("grid.yaml")}, line 4, field 'vary.objective': every point maps with the fixed schedule (the sweep's mapping policy is fixed), which has no objective"));
        var gridFixed = Error(() => Definition(Grid(dir, "  mapping: [fixed]\n  objective: [latency]\n")));
        Assert.That(gridFixed.Message, Does.StartWith($"{dir.File("grid.yaml")}, line 5, field 'vary.objective': every point maps with the fixed schedule ('mapping' on line 4 is only fixed)"));
    }

    [Test]
    public void TheHashChangesWithTheMappingAndObjectiveValues()
    {
        using var dir = new TempDir();
        string Hash(string vary, MappingPolicy? mapping = null) => Definition(Grid(dir, vary), mapping).Hash;
        var hashes = new[]
        {
            Hash("  mapping: [fixed, search]\n"),
            Hash("  mapping: [search, fixed]\n"),
            Hash("  mapping: [fixed, search]\n", MappingPolicy.SearchFor(MappingObjective.Latency)),
            Hash("  mapping: [fixed, search]\n  objective: [energy]\n"),
            Hash("  mapping: [fixed, search]\n  objective: [latency]\n"),
            Hash("  objective: [latency]\n"),
        };
        Assert.That(hashes.Distinct().Count(), Is.EqualTo(hashes.Length), string.Join(", ", hashes));
        Assert.That(Hash("  mapping: [fixed, search]\n"), Is.EqualTo(hashes[0]), "read twice, hashed alike");
    }

    [Test]
    public void EveryPointIsMappedWithItsOwnPolicyAtEveryNode()
    {
        using var dir = new TempDir();
        var sweep = Definition(Grid(dir, "  mapping: [fixed, search]\n  objective: [energy, latency]\n"), techs: "45,7");
        Assert.That(sweep.PointCount, Is.EqualTo(8));
        for (var config = 0; config < 4; config++)
        {
            var points = new[] { sweep.Point(2 * config), sweep.Point(2 * config + 1) };
            foreach (var (point, result) in ModelEvaluator.Instance.Evaluate(sweep, points))
            {
                var e = Evaluator.Evaluate(sweep.Precisions[0].Workload, sweep.Architecture(point), sweep.Cost(point));
                Assert.That(result, Is.EqualTo(ModelEvaluator.Result(e.Energy, e.Area)), $"point {point.Id}");
            }
        }
    }

    [Test]
    public void TheReadmesMappingKeysExampleLoads()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("```yaml\nvary:\n  units[lowbit].rows: [8, 16, 32]\n  mapping:", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README.md's sweep section shows the mapping keys");
        var body = readme[(start + "```yaml\n".Length)..readme.IndexOf("```", start + 3, StringComparison.Ordinal)];
        using var dir = new TempDir();
        dir.File("maps.yaml", "layers:\n  \"features.*\": fixed\n");
        var sweep = Definition(GridFile.Load(dir.File("grid.yaml", "version: 1\nbase: lowbit-default\n" + body)));
        Assert.That(sweep.Dimensions.Select(d => d.Dimension.Values.Length), Is.EqualTo(new[] { 3, 3, 2 }));
        Assert.That(sweep.Policy(sweep.Point(5)).Source, Is.EqualTo(dir.File("maps.yaml")), "point 5: rows 8, maps.yaml, latency");
    }
}
