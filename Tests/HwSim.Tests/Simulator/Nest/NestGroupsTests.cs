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
/// Grouped convolutions in the nest engine (Simulator/Nest/README.md, Groups): the G groups run one after another as the
/// outermost loop of level 0 and share nothing, so every count is G times one group's. Small cases worked out by hand, a
/// depthwise layer from a LayerShape against the direct convolution, and the mapper on a grouped problem. The random
/// agreement and output tests (NestAgreementTests, NestReferenceOutputTests) cover grouped cases too.
/// </summary>
[TestFixture]
public sealed class NestGroupsTests
{
    /// <summary>
    /// NestReferenceHandTests (a) with G = 3 (N1 M2 C2 P3 per group, a 2-word weight buffer, DRAM [M2, P3], buffer [C2]). One
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
        var mapping = Map(NestLevelLoops.Of([T(M, 2), T(P, 3)]), NestLevelLoops.Of([T(C, 2)]));
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
    /// buffer [R3]. One group slides its window over rows {0,1,2}, {1,2,3}, {2,3,4}, {3,4,5} of its own channel: fills 3 + 1 + 1 + 1
    /// = 6, DRAM reads 6; the MACs read the buffer 12 times, DRAM's weight once a cycle (12); outputs o(p) are updated 3 times
    /// each, 12 updates of which 8 read back a partial sum. The next group's window starts on another channel: 6 fills again, not
    /// 3 (a dense layer with its 4 filters inside P would fill the shared input 6 times in all). Four groups: 4 x each.
    /// </summary>
    [Test]
    public void Depthwise_EachChannelFillsItsOwnWindow_ByHand()
    {
        var problem = new NestProblem(1, 1, 1, 4, 1, 3, 1, groups: 4);
        var arch = Arch(Level("buffer", null, Inputs));
        var mapping = Map(NestLevelLoops.Of([T(P, 4)]), NestLevelLoops.Of([T(R, 3)]));
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
    /// and both engines count G x one group's counts (the same mapping of the ungrouped problem, times 3).
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
        var result = NestReference.Run(problem, arch, mapping, weights, padded);
        Assert.That(result.Outputs, Is.EqualTo(ReferenceConvolution.Compute(new ReferenceData(new LayerWorkload("dw", shape), inputs, weights))));

        var one = NestAnalysis.Count(new NestProblem(1, 1, 1, 5, 5, 3, 3), arch, mapping);
        var expected = Times(3, one);
        Assert.That(result.Counts.ToString(), Is.EqualTo(expected), "reference");
        Assert.That(NestAnalysis.Count(problem, arch, mapping).ToString(), Is.EqualTo(expected), "analysis");
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
    /// The mapper searches one group: on G = 4 it picks the mapping it picks for the ungrouped problem (every cost is 4 times
    /// one group's, so the order of the samples is the same), and its counts are 4 times that pick's.
    /// </summary>
    [Test]
    public void Mapper_SearchesOneGroup()
    {
        var arch = new NestArchitecture([
            new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 1, 1),
            new NestLevel("buffer", [Weights, Inputs, Outputs], 128, 2, 2),
            new NestLevel("reg", [Weights], 1, 1, 1),
        ]);
        var constraints = Enumerable.Repeat(NestLevelConstraint.None, 3).ToList();
        static double Cost(NestCounts c) => 100.0 * NestAccessesAt(c, 0) + NestAccessesAt(c, 1) + c.Cycles;
        var grouped = NestMapper.Search(new NestProblem(1, 2, 2, 4, 4, 3, 3, groups: 4), arch, constraints, Cost, 300, seed: 5);
        var one = NestMapper.Search(new NestProblem(1, 2, 2, 4, 4, 3, 3), arch, constraints, Cost, 300, seed: 5);
        Assert.That(grouped.Mapping.Describe(arch), Is.EqualTo(one.Mapping.Describe(arch)));
        Assert.That(grouped.Counts.ToString(), Is.EqualTo(Times(4, one.Counts)));
        Assert.That((grouped.Sampled, grouped.Valid), Is.EqualTo((one.Sampled, one.Valid)));
        Assert.That(grouped.Mapping.Describe(arch, 4), Does.StartWith("DRAM [Weights, Inputs, Outputs]\n  for G in [0:4) (groups, one after another)\n"));
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
