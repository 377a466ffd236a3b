using System.Collections.Immutable;
using HwSim.Simulator.Nest;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;
using static HwSim.Simulator.Nest.NestDim;
using static HwSim.Simulator.Nest.NestTensor;

using static HwSim.Tests.Simulator.Nest.NestHand;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// Grouped convolutions in the nest engine (Simulator/Nest/README.md, Groups): G is a ninth dimension indexing all three operands.
/// A G loop outermost at level 0 runs the groups one after another, which share nothing, so every count is G times one group's
/// (by hand, and on random cases against one group's counts); G loops elsewhere spread groups over PEs or keep several in a
/// buffer (by hand). A depthwise layer from a LayerShape against the direct convolution, and the mapper on grouped problems. The
/// random agreement and output tests (NestAgreementTests, NestReferenceOutputTests) cover G loops at any level too.
/// </summary>
[TestFixture]
public sealed class NestGroupsTests
{
    /// <summary>
    /// NestReferenceHandTests (a) with G = 3 (N1 M2 C2 P3 per group, a 2-word weight buffer, DRAM [G3, M2, P3], buffer [C2]). One
    /// group: buffer weights (reads 12, fills 4), DRAM weights reads 4, inputs reads 12, outputs (reads 6, updates 12), 12 cycles.
    /// Group g uses weights w(2g + m, c), channels 2g + c and filters 2g + m: its first epoch finds none of them in the buffer
    /// (the last tile of group g - 1 held w(2g - 1, ·)), so it fills its 4 weights again, and its outputs start from zero.
    /// Every count is 3 times one group's.
    /// </summary>
    [Test]
    public void ThreeGroups_CountThreeTimesOneGroup_ByHand()
    {
        var problem = new NestProblem(1, 2, 2, 3, 1, 1, 1, groups: 3);
        var arch = Arch(Level("buffer", 2, Weights));
        var mapping = Map(NestLevelLoops.Of([T(G, 3), T(M, 2), T(P, 3)]), NestLevelLoops.Of([T(C, 2)]));
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Weights, 36, 12, 0, engine);
            Expect(counts, 0, Weights, 12, 0, 0, engine);
            Expect(counts, 0, Inputs, 36, 0, 0, engine);
            Expect(counts, 0, Outputs, 18, 0, 36, engine);
            Assert.That((counts.Macs, counts.Cycles, counts.UsedInstances[1]), Is.EqualTo((36L, 36L, 1L)), engine);
        }
    }

    /// <summary>
    /// Depthwise, one dimension: G = 4 channels of one filter each, N1 M1 C1 P4 R3 (Q = S = 1, stride 1), DRAM [P4], an input
    /// buffer [R3], the groups outermost (DRAM [G4, P4]). One group slides its window over rows {0,1,2}, {1,2,3}, {2,3,4}, {3,4,5} of its own channel: fills 3 + 1 + 1 + 1
    /// = 6, DRAM reads 6; the MACs read the buffer 12 times, DRAM's weight once a cycle (12); outputs o(p) are updated 3 times
    /// each, 12 updates of which 8 read back a partial sum. The next group's window starts on another channel: 6 fills again, not
    /// 3 (a dense layer with its 4 filters inside P would fill the shared input 6 times in all). Four groups: 4 x each.
    /// </summary>
    [Test]
    public void Depthwise_EachChannelFillsItsOwnWindow_ByHand()
    {
        var problem = new NestProblem(1, 1, 1, 4, 1, 3, 1, groups: 4);
        var arch = Arch(Level("buffer", null, Inputs));
        var mapping = Map(NestLevelLoops.Of([T(G, 4), T(P, 4)]), NestLevelLoops.Of([T(R, 3)]));
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Inputs, 48, 24, 0, engine);
            Expect(counts, 0, Inputs, 24, 0, 0, engine);
            Expect(counts, 0, Weights, 48, 0, 0, engine);
            Expect(counts, 0, Outputs, 32, 0, 48, engine);
            Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((48L, 48L)), engine);
        }
    }

    /// <summary>
    /// A padded 3x3 depthwise layer (3 channels of 5x5, pad 1) taken by NestProblem.From and run by the reference engine on a
    /// buffer with a 3x3 fan-out: its outputs equal the direct convolution's on the unpadded input (the padding stored as zeros),
    /// and both engines count G x one group's counts (the same mapping of the ungrouped problem, times 3, with G3 outermost at DRAM).
    /// </summary>
    [Test]
    public void DepthwiseLayer_FromItsShape_EqualsTheDirectConvolution_AndCountsGTimesOneGroup()
    {
        var shape = LayerShape.Depthwise(3, 5, 5, 3, pad: 1);
        var problem = NestProblem.From(shape);
        Assert.That(problem, Is.EqualTo(new NestProblem(1, 1, 1, 5, 5, 3, 3, groups: 3)));
        var arch = new NestArchitecture([
            new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 1, 1),
            new NestLevel("buffer", [Weights, Inputs, Outputs], 64, 3, 3),
            new NestLevel("reg", [Weights], 1, 1, 1),
        ]);
        var mapping = Map(NestLevelLoops.Of([T(P, 5)]), NestLevelLoops.Of([T(Q, 5)], [X(R, 3), new NestLoop(S, 3, NestAxis.Y)]), NestLevelLoops.Of([]));

        var rng = new Random(11);
        var inputs = Enumerable.Range(0, checked((int)shape.InputElements)).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var weights = Enumerable.Range(0, checked((int)shape.WeightElements)).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var padded = new long[problem.Elements(Inputs)];
        for (var c = 0; c < shape.Channels; c++)
            for (var h = 0; h < shape.Height; h++)
                for (var w = 0; w < shape.Width; w++)
                    padded[(c * problem.H + h + 1) * problem.W + w + 1] = inputs[(c * shape.Height + h) * shape.Width + w];
        var result = NestReference.Run(problem, arch, mapping.WithGroupsOutermost(3), weights, padded);
        Assert.That(result.Outputs, Is.EqualTo(ReferenceConvolution.Compute(new ReferenceData(new LayerWorkload("dw", shape), inputs, weights))));

        var one = NestAnalysis.Count(new NestProblem(1, 1, 1, 5, 5, 3, 3), arch, mapping);
        var expected = Times(3, one);
        Assert.That(result.Counts.ToString(), Is.EqualTo(expected), "reference");
        Assert.That(NestAnalysis.Count(problem, arch, mapping.WithGroupsOutermost(3)).ToString(), Is.EqualTo(expected), "analysis");
        Assert.That(result.Counts.Macs, Is.EqualTo(shape.Macs));
    }

    [Test]
    public void From_TakesGroupsPerGroup()
    {
        var depthwise = NestProblem.From(LayerShape.Depthwise(32, 112, 112, 3, pad: 1));
        var resnext = NestProblem.From(LayerShape.Conv(128, 56, 56, 256, 3, pad: 1, groups: 32));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(depthwise.ToString(), Is.EqualTo("G32 N1 M1 C1 P112 Q112 R3 S3"));
            Assert.That(resnext.ToString(), Is.EqualTo("G32 N1 M8 C4 P56 Q56 R3 S3"));
            Assert.That(new NestProblem(1, 8, 4, 56, 56, 3, 3).ToString(), Is.EqualTo("N1 M8 C4 P56 Q56 R3 S3"), "no G when G = 1");
            var shape = LayerShape.Conv(128, 56, 56, 256, 3, pad: 1, groups: 32);
            Assert.That(resnext.Macs, Is.EqualTo(shape.Macs));
            Assert.That(resnext.Elements(Weights), Is.EqualTo(shape.WeightElements));
            Assert.That(resnext.Elements(Outputs), Is.EqualTo(shape.OutputElements));
            Assert.That(resnext.Elements(Inputs), Is.EqualTo(128L * 58 * 58), "padded");
        }
        Assert.That(() => new NestProblem(1, 1, 1, 1, 1, 1, 1, groups: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("G must be at least 1"));
    }

    /// <summary>
    /// Where the constraints allow G nowhere (every level's lists name the other eight dimensions), the groups run one after another
    /// outermost at DRAM: on G = 4 the mapper picks the mapping it picks for the ungrouped problem with G4 put outermost at level 0
    /// (the same draws: G's factors take none; every cost is 4 times one group's, so the samples and climbs order the same), and
    /// its counts are 4 times that pick's.
    /// </summary>
    [Test]
    public void Mapper_WithGNowhereAllowed_SearchesOneGroup()
    {
        var arch = MapperArch();
        var others = Enum.GetValues<NestDim>().Where(d => d != G).ToImmutableHashSet();
        var constraints = Enumerable.Repeat(new NestLevelConstraint(others, others, others), 3).ToList();
        var grouped = NestMapper.Search(new NestProblem(1, 2, 2, 4, 4, 3, 3, groups: 4), arch, constraints, MapperCost, 300, seed: 5);
        var one = NestMapper.Search(new NestProblem(1, 2, 2, 4, 4, 3, 3), arch, constraints, MapperCost, 300, seed: 5);
        Assert.That(grouped.Mapping.Describe(arch), Is.EqualTo(one.Mapping.WithGroupsOutermost(4).Describe(arch)));
        Assert.That(grouped.Counts.ToString(), Is.EqualTo(Times(4, one.Counts)));
        Assert.That((grouped.Sampled, grouped.Valid, grouped.Neighbours, grouped.Steps), Is.EqualTo((one.Sampled, one.Valid, one.Neighbours, one.Steps)));
        Assert.That(grouped.Mapping.Describe(arch), Does.StartWith("DRAM [Weights, Inputs, Outputs]\n  for G in [0:4) (groups, one after another)\n"));
    }

    /// <summary>
    /// Unconstrained, the mapper deals G's factors like any dimension's: on a depthwise problem (G = 16, one channel each, 2 x 2
    /// outputs of a 3 x 3 kernel) one group fills at most 12 of the buffer's 4 x 4 PEs (P2 Q2 on one axis, R3 or S3 on the other), so the
    /// groups one after another take 48 cycles or more; searching for the fewest cycles (DRAM accesses breaking ties), the mapper spreads groups over the PEs and
    /// costs less than the one-group search times 16. It is never worse than that search: its pick is a candidate (NestMapper.Search).
    /// </summary>
    [Test]
    public void Mapper_Unconstrained_SpreadsGroupsOverPes()
    {
        var arch = MapperArch(4);
        var constraints = Enumerable.Repeat(NestLevelConstraint.None, 3).ToList();
        static double Cycles(NestCounts c) => 1e6 * c.Cycles + NestAccessesAt(c, 0);
        var grouped = NestMapper.Search(new NestProblem(1, 1, 1, 2, 2, 3, 3, groups: 16), arch, constraints, Cycles, 300, seed: 5);
        var one = NestMapper.Search(new NestProblem(1, 1, 1, 2, 2, 3, 3), arch, constraints, Cycles, 300, seed: 5);
        TestContext.Out.WriteLine($"G16 searched with G: {grouped.Cost} ({grouped.Counts.Cycles} cycles), one group times 16: {16 * one.Cost} ({16 * one.Counts.Cycles} cycles)\n{grouped.Mapping.Describe(arch)}");
        Assert.That(grouped.Mapping.Loops().Any(x => x.Loop.Dim == G && x.Loop.Spatial && x.Loop.Bound > 1), grouped.Mapping.Describe(arch));
        Assert.That(grouped.Cost, Is.LessThan(16 * one.Cost));
        Assert.That((grouped.Counts.Cycles, 16 * one.Counts.Cycles), Is.EqualTo((36L, 48L)), "576 MACs on all 16 PEs, against 12 of them");
    }

    private static NestArchitecture MapperArch(int fanout = 2) => new([
        new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 1, 1),
        new NestLevel("buffer", [Weights, Inputs, Outputs], 128, fanout, fanout),
        new NestLevel("reg", [Weights], 1, 1, 1),
    ]);

    private static double MapperCost(NestCounts c) => 100.0 * NestAccessesAt(c, 0) + NestAccessesAt(c, 1) + c.Cycles;

    /// <summary>
    /// Today's model as a property: on 250 random grouped problems (one group's problem, architecture and mapping from NestRandom,
    /// G = 2..4), a mapping whose only G loop is G outermost at level 0 gives every count, the MACs and the cycles exactly G times one
    /// group's under the mapping without it, and the same instances: what NestAnalysis computed before G was a dimension (one group's
    /// counts times G). Both engines.
    /// </summary>
    [Test]
    public void GroupsOutermost_CountGTimesOneGroup_OnRandomCases()
    {
        foreach (var grouped in NestRandom.GroupedCases(250, 16_001))
        {
            var one = NestRandom.Case(grouped.Seed);
            var g = grouped.Problem.Groups;
            Assert.That(grouped.Mapping.Levels[0].Temporal[0], Is.EqualTo(new NestLoop(G, g)), grouped.ToString());
            var expected = Times(g, NestAnalysis.Count(one.Problem, one.Arch, one.Mapping));
            Assert.That(NestAnalysis.Count(grouped.Problem, grouped.Arch, grouped.Mapping).ToString(), Is.EqualTo(expected), $"analysis\n{grouped}");
            if (grouped.Seed % 5 == 0)
            {
                var (weights, inputs) = NestRandom.Operands(grouped.Problem, grouped.Seed);
                Assert.That(NestReference.Run(grouped.Problem, grouped.Arch, grouped.Mapping, weights, inputs).Counts.ToString(), Is.EqualTo(expected), $"reference\n{grouped}");
            }
        }
    }

    /// <summary>
    /// Groups side by side: depthwise G4 M1 C1 P3 (Q = R = S = 1) with G4 spatial on DRAM's 4 x 1 fan-out to PEs that keep their
    /// weight (capacity 1), DRAM [P3]. Each PE fills its own group's weight once (4 fills, 4 DRAM reads: no multicast, the groups'
    /// weights differ) and reads it every cycle (12); each cycle the 4 MACs use 4 distinct inputs (12 DRAM reads) and update 4
    /// distinct outputs (12 updates, none read back: C = R = S = 1). 3 cycles, not 12. The same with M4 of a dense layer in place of
    /// G4 multicasts the one input row: 3 DRAM input reads.
    /// </summary>
    [Test]
    public void GroupsSpatial_EachPeOnItsOwnGroup_ByHand()
    {
        var arch = new NestArchitecture([new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 4, 1), Level("pe", 1, Weights)]);
        var mapping = Map(NestLevelLoops.Of([T(P, 3)], [X(G, 4)]), NestLevelLoops.Of([]));
        foreach (var (engine, counts) in BothEngines(new NestProblem(1, 1, 1, 3, 1, 1, 1, groups: 4), arch, mapping))
        {
            Expect(counts, 1, Weights, 12, 4, 0, engine);
            Expect(counts, 0, Weights, 4, 0, 0, engine);
            Expect(counts, 0, Inputs, 12, 0, 0, engine);
            Expect(counts, 0, Outputs, 0, 0, 12, engine);
            Assert.That((counts.Macs, counts.Cycles, counts.UsedInstances[1]), Is.EqualTo((12L, 3L, 4L)), engine);
        }
        var dense = Map(NestLevelLoops.Of([T(P, 3)], [X(M, 4)]), NestLevelLoops.Of([]));
        foreach (var (engine, counts) in BothEngines(new NestProblem(1, 4, 1, 3, 1, 1, 1), arch, dense))
            Expect(counts, 0, Inputs, 3, 0, 0, engine);
    }

    /// <summary>
    /// Where G sits among the top level's loops: depthwise G2 M1 C1 P2 R2 (Q = S = 1), an input buffer [R2] below DRAM. With G
    /// outermost (DRAM [G2, P2]) each group's window slides: rows {0,1} then {1,2}, 2 + 1 fills per group, 6 in all. With the
    /// groups kept together in the buffer (DRAM [P2], buffer [G2, R2]) a tile holds both groups' rows {p, p + 1}: 4 then 2 fills, 6
    /// again. With G inside P at DRAM (DRAM [P2, G2]) every step changes group and nothing is kept: 2 fills per epoch, 8.
    /// </summary>
    [Test]
    public void GroupsAmongTheTopLoops_KeepOrLoseTheWindow_ByHand()
    {
        var problem = new NestProblem(1, 1, 1, 2, 1, 2, 1, groups: 2);
        var arch = Arch(Level("buffer", null, Inputs));
        foreach (var (name, mapping, fills) in new[]
        {
            ("G outermost", Map(NestLevelLoops.Of([T(G, 2), T(P, 2)]), NestLevelLoops.Of([T(R, 2)])), 6L),
            ("G in the buffer", Map(NestLevelLoops.Of([T(P, 2)]), NestLevelLoops.Of([T(G, 2), T(R, 2)])), 6L),
            ("G inside P", Map(NestLevelLoops.Of([T(P, 2), T(G, 2)]), NestLevelLoops.Of([T(R, 2)])), 8L),
        })
            foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
            {
                Expect(counts, 1, Inputs, 8, fills, 0, $"{name}, {engine}");
                Expect(counts, 0, Inputs, fills, 0, 0, $"{name}, {engine}");
                Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((8L, 8L)), $"{name}, {engine}");
            }
    }

    /// <summary>
    /// G's tiles count in a level's capacity: a buffer [G2, R2] tile of the case above holds 2 groups x 2 rows, 4 words; the
    /// mapping does not fit a 3-word buffer.
    /// </summary>
    [Test]
    public void GroupsInABuffer_CountInItsCapacity()
    {
        var problem = new NestProblem(1, 1, 1, 2, 1, 2, 1, groups: 2);
        var mapping = Map(NestLevelLoops.Of([T(P, 2)]), NestLevelLoops.Of([T(G, 2), T(R, 2)]));
        Assert.That(mapping.TileWords(problem, Inputs, 1), Is.EqualTo(4));
        Assert.That(mapping.Unfit(problem, Arch(Level("buffer", 3, Inputs))), Is.EqualTo("level buffer: its tiles need 4 words (Inputs 4), it holds 3"));
        Assert.That(Map(NestLevelLoops.Of([T(P, 2)]), NestLevelLoops.Of([T(R, 2)])).Unfit(problem, Arch(Level("buffer", 3, Inputs))),
            Is.EqualTo("the bounds of G multiply to 1, the problem has G = 2"));
    }

    private static long NestAccessesAt(NestCounts c, int level) => c.Levels[level].Values.Sum(a => a.Reads + a.Fills + a.Updates);

    /// <summary><paramref name="counts"/> with every access, MAC and cycle count times <paramref name="g"/>, printed as NestCounts prints.</summary>
    private static string Times(long g, NestCounts counts) => new NestCounts(
        [.. counts.Levels.Select(l => l.ToImmutableDictionary(kv => kv.Key, kv => new NestAccesses(g * kv.Value.Reads, g * kv.Value.Fills, g * kv.Value.Updates)))],
        g * counts.Macs, g * counts.Cycles, counts.UsedInstances).ToString();

    private static NestLevel Level(string name, long? capacity, params NestTensor[] keeps) => new(name, [.. keeps], capacity, 1, 1);

    /// <summary>DRAM (keeps everything, no fan-out) above <paramref name="inner"/>.</summary>
    private static NestArchitecture Arch(NestLevel inner) => new([Level("DRAM", null, Weights, Inputs, Outputs), inner]);
}
