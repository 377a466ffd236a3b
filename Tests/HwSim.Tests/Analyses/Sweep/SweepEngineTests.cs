using System.Collections.Concurrent;
using HwSim.Analyses.Sweep;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Sweep;

/// <summary>The sweep engine's pieces without the command line: shards, point ids, the hash, the runner, the evaluator, resuming, CSV rows, grids.</summary>
public class SweepEngineTests
{
    /// <summary>2 array heights x 3 DRAM bandwidths over lowbit-default; the CLI tests sweep it too.</summary>
    internal const string Grid = """
        version: 1
        base: lowbit-default
        vary:
          units[0].rows: [8, 16]
          dram.bandwidth_bytes_per_cycle: [8, 16, unlimited]
        """;

    [Test]
    public void ShardsPartitionTheIds()
    {
        var shards = Enumerable.Range(0, 4).Select(i => Shard.Parse($"{i}/4")).ToList();
        var ids = shards.SelectMany(s => s.Ids(23)).Order().ToList();
        Assert.That(ids, Is.EqualTo(Enumerable.Range(0, 23).Select(i => (long)i)));
        Assert.That(shards[3].Ids(23), Is.EqualTo(new long[] { 3, 7, 11, 15, 19 }));
    }

    private static SweepDefinition SmallDefinition(TempDir dir, string techs = "45nm,7nm")
    {
        var grid = GridFile.Load(dir.File("grid.yaml", Grid));
        var arch = grid.ResolveBase(null);
        var workload = NetworkZoo.Get("alexnet");
        var precisions = new[] { 2, 4 }.Select(b =>
        {
            var policy = PrecisionPolicy.FromBits(b, b, FirstLastFormat.Keep(NumberFormat.Fp32));
            return new PrecisionChoice(b, b, policy, policy.Apply(workload));
        });
        var nodes = techs.Split(',').Select(t => new TechChoice(t, HwSim.CostModel.Technology.TechnologyScaling.From45nm(int.Parse(t[..^2], System.Globalization.CultureInfo.InvariantCulture))));
        return new SweepDefinition(workload, precisions, arch, grid.Bind(arch), nodes, CostTables.Default);
    }

    [Test]
    public void PointIdsDecodeInCartesianOrder()
    {
        using var dir = new TempDir();
        var sweep = SmallDefinition(dir);
        var p = sweep.Point(21);
        Assert.Multiple(() =>
        {
            Assert.That(sweep.PointCount, Is.EqualTo(24));
            Assert.That((p.Precision, p.Values.ToArray(), p.Tech), Is.EqualTo((1, new[] { 1, 1 }, 1)));
            Assert.That(sweep.Architecture(p).Units[0].Rows, Is.EqualTo(16));
            Assert.That(sweep.Architecture(p).Dram.BandwidthBytesPerCycle, Is.EqualTo(16));
            Assert.That(sweep.SimulationKey(20), Is.EqualTo(sweep.SimulationKey(21)), "the nodes of one configuration share a simulation");
        });
    }

    [Test]
    public void TheHashDependsOnWhatIsComputedOnly()
    {
        using var dir = new TempDir();
        var first = SmallDefinition(dir).Hash;
        var again = SmallDefinition(dir).Hash;
        Assert.That(again, Is.EqualTo(first), "built twice, hashed alike");
        Assert.That(SmallDefinition(dir, "45nm").Hash, Is.Not.EqualTo(first), "one node fewer is another sweep");
    }

    [Test]
    public void ModelEvaluatorEqualsTheEvaluatorAtEveryNode()
    {
        using var dir = new TempDir();
        var sweep = SmallDefinition(dir);
        var points = new[] { sweep.Point(20), sweep.Point(21) };
        foreach (var (point, result) in ModelEvaluator.Instance.Evaluate(sweep, points))
        {
            var e = Evaluator.Evaluate(sweep.Precisions[point.Precision].Workload, sweep.Architecture(point), sweep.Cost(point));
            Assert.That(result, Is.EqualTo(ModelEvaluator.Result(e.Energy, e.Area)), $"point {point.Id}");
        }
    }

    [Test]
    public void TheDramTypeIsAGridKeyThatChangesThePriceNotTheCounts()
    {
        using var dir = new TempDir();
        var grid = GridFile.Load(dir.File("grid.yaml", """
            version: 1
            base: lowbit-default
            vary:
              dram.type: [lpddr4, HBM2]
            """));
        var arch = grid.ResolveBase(null);
        var workload = NetworkZoo.Get("alexnet");
        var policy = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32));
        var sweep = new SweepDefinition(workload, [new PrecisionChoice(4, 2, policy, policy.Apply(workload))], arch, grid.Bind(arch),
            [new TechChoice("45nm", HwSim.CostModel.Technology.TechnologyScaling.Identity45nm)], CostTables.Default, HwSim.Simulator.Mapper.MappingPolicy.Fixed);
        var results = ModelEvaluator.Instance.Evaluate(sweep, [sweep.Point(0)]).Concat(ModelEvaluator.Instance.Evaluate(sweep, [sweep.Point(1)])).Select(r => r.Result).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sweep.Architecture(sweep.Point(1)).Dram.Type, Is.EqualTo(DramKind.Hbm2), "canonical spelling, case-insensitive");
            Assert.That(sweep.Architecture(sweep.Point(0)).Dram.Type, Is.EqualTo(DramKind.Lpddr4));
            // HBM2 costs fewer pJ per bit than LPDDR4 (CostModel/Energy/Data/energy-45nm.csv), same bytes moved.
            Assert.That(results[1].EnergyUj, Is.LessThan(results[0].EnergyUj));
            Assert.That(results[1].Cycles, Is.EqualTo(results[0].Cycles), "the type prices bits; it does not time them");
        });
        Assert.That(GridParameter.TryParse("dram.type")!.ParseValue("ddr9", 4).Error, Does.Contain("'ddr9' is not a DRAM type").And.Contain("hbm2"));
    }

    [Test]
    public void TheHelpTextsExampleGridLoads()
    {
        using var dir = new TempDir();
        var grid = GridFile.Load(dir.File("grid.yaml", GridFile.Example));
        Assert.That(grid.Dimensions.Select(d => d.Values.Length), Is.EqualTo(new[] { 3, 2, 2, 2, 2, 2 }));
        Assert.That(grid.Dimensions[^1].Values.Select(v => v.Text), Is.EqualTo(new[] { "fixed", "search" }), "the help shows the mapping key");
        var arch = grid.ResolveBase(null);
        Assert.That(grid.Bind(arch), Has.Length.EqualTo(6), "and binds to its base");
    }

    /// <summary>Counts what it is asked to compute; results are made up (the runner does not look at them).</summary>
    private sealed class CountingEvaluator : IPointEvaluator
    {
        public ConcurrentBag<long> Computed { get; } = [];
        public ConcurrentBag<int> GroupSizes { get; } = [];

        public IEnumerable<(SweepPoint Point, PointResult Result)> Evaluate(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation)
        {
            GroupSizes.Add(sameSimulation.Count);
            foreach (var p in sameSimulation)
            {
                Computed.Add(p.Id);
                yield return (p, new PointResult(p.Id, p.Id, p.Id, 1, 1, 1, 0));
            }
        }
    }

    [Test]
    public void TheRunnerComputesExactlyTheIdsItIsGivenAndGroupsNodes()
    {
        using var dir = new TempDir();
        var sweep = SmallDefinition(dir);
        var counting = new CountingEvaluator();
        var missing = new long[] { 0, 1, 5, 17, 22, 23 };
        var rows = SweepRun.Compute(sweep, missing, counting, jobs: 3);
        Assert.Multiple(() =>
        {
            Assert.That(counting.Computed.Order(), Is.EqualTo(missing));
            Assert.That(rows.Select(r => r.Id), Is.EqualTo(missing), "rows come back sorted by id");
            // 0,1 and 22,23 share a configuration (two nodes each); 5 and 17 are alone.
            Assert.That(counting.GroupSizes.Order(), Is.EqualTo(new[] { 1, 1, 2, 2 }));
        });
    }

    [Test]
    public void ResumePlansTheMissingIdsOfTheShard()
    {
        using var dir = new TempDir();
        var sweep = SmallDefinition(dir);
        var have = new[] { new SweepRow(1, ""), new SweepRow(9, "") };
        Assert.That(SweepResume.Missing(sweep, Shard.Parse("1/4"), have), Is.EqualTo(new long[] { 5, 13, 17, 21 }));
    }

    [Test]
    public void CsvRowsRoundTripQuotedNames() =>
        Assert.That(SweepCsv.Split(string.Join(",", new[] { "a,b", "say \"hi\"", "", "7" }.Select(SweepCsv.Quote))),
            Is.EqualTo(new[] { "a,b", "say \"hi\"", "", "7" }));

    [Test]
    public void ABaseFileIsFoundBesideTheGrid()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("tiny.yaml"), ArchitectureYaml.ToYaml(Presets.Get("finn-like")));
        var grid = GridFile.Load(dir.File("g.yaml", "version: 1\nbase: tiny.yaml\n"));
        Assert.That(grid.ResolveBase(null).Name, Is.EqualTo("finn-like"));
        Assert.That(grid.ResolveBase("tpu-like").Name, Is.EqualTo("tpu-like"), "--arch overrides the grid's base");
    }
}
