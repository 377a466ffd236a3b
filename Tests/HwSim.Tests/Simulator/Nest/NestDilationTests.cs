using HwSim.Simulator.Nest;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;
using static HwSim.Simulator.Nest.NestDim;
using static HwSim.Simulator.Nest.NestTensor;

using static HwSim.Tests.Simulator.Nest.NestHand;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// Dilated convolutions in the nest engine (Simulator/Nest/README.md, Problem): input row h = p·Hstride + r·DilationH, so an input
/// tile's rows are the set {p·stride + r·dilation}, with gaps, and its overlap with the previous tile is no longer an interval.
/// Small cases worked out by hand, the closed-form tile size against enumeration, a padded dilated layer from its LayerShape against
/// the direct convolution. The random agreement and output tests (NestAgreementTests, NestReferenceOutputTests) cover dilated cases too.
/// </summary>
[TestFixture]
public sealed class NestDilationTests
{
    /// <summary>
    /// N1 M1 C1 P3 R2 (Q = S = 1), dilation 2, a buffer keeping only inputs (unbounded) under DRAM. Input rows h = p·stride + 2r:
    /// - P at DRAM, R in the buffer: epoch p holds {p·stride, p·stride + 2}.
    ///   - stride 1 (H = 5): {0,2}, {1,3}, {2,4}: no tile shares a row with the one before: fills 2 + 2 + 2 = 6 (row 2 comes back:
    ///     only the previous tile is kept);
    ///   - stride 2 (H = 7): {0,2}, {2,4}, {4,6}: fills 2 + 1 + 1 = 4, each of the used rows 0, 2, 4, 6 once (1, 3, 5 never).
    /// - R at DRAM, P in the buffer: epoch r holds {2r + p·stride : p &lt; 3}.
    ///   - stride 1: {0,1,2}, {2,3,4}: fills 3 + 2 = 5;
    ///   - stride 2: {0,2,4}, {2,4,6}: the tiles share {2,4}, two rows apart: fills 3 + 1 = 4.
    /// DRAM reads what the buffer fills. 6 cycles of one MAC: the buffer is read one input a cycle (6); DRAM, the innermost keeper of
    /// weights and outputs, one weight a cycle (6) and one output update a cycle (6), of which 3 (the second tap of each output,
    /// whichever loop is outside) read back a partial sum.
    /// </summary>
    [TestCase(1, true, 6)]
    [TestCase(2, true, 4)]
    [TestCase(1, false, 5)]
    [TestCase(2, false, 4)]
    public void DilatedSlidingWindow_FillsOnlyTheNewRows_ByHand(int stride, bool pAtDram, long fills)
    {
        var problem = new NestProblem(1, 1, 1, 3, 1, 2, 1, stride, dilationH: 2);
        Assert.That(problem.H, Is.EqualTo(stride == 1 ? 5 : 7));
        var arch = Arch(Level("buffer", null, 1, 1, Inputs));
        var mapping = pAtDram ? Map(NestLevelLoops.Of([T(P, 3)]), NestLevelLoops.Of([T(R, 2)])) : Map(NestLevelLoops.Of([T(R, 2)]), NestLevelLoops.Of([T(P, 3)]));
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Inputs, 6, fills, 0, engine);
            Expect(counts, 0, Inputs, fills, 0, 0, engine);
            Expect(counts, 0, Weights, 6, 0, 0, engine);
            Expect(counts, 0, Outputs, 3, 0, 6, engine);
            Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((6L, 6L)), engine);
        }
    }

    /// <summary>
    /// Multicast of dilated tiles that overlap in part: N1 M1 C1 P3 R2, stride 2, dilation 2 (H = 7), R2 spread on DRAM's X fan-out
    /// to two input buffers, P3 in each. Buffer r holds {2r + 2p : p &lt; 3}: {0,2,4} and {2,4,6}. Each fills 3 (6 in all); DRAM reads
    /// their union {0,2,4,6} once, 4 (rows 2 and 4 multicast). 3 cycles of 2 MACs: each buffer is read one input a cycle (6); DRAM
    /// is read the two taps' weights a cycle (6) and updated once a cycle (3): both MACs add into o(p), reduced in the network,
    /// and no output is touched in two cycles, so no partial sum is read back.
    /// </summary>
    [Test]
    public void DilatedSiblings_ShareTheirCommonRowsByMulticast_ByHand()
    {
        var problem = new NestProblem(1, 1, 1, 3, 1, 2, 1, hStride: 2, dilationH: 2);
        var arch = new NestArchitecture([Level("DRAM", null, 2, 1, Weights, Inputs, Outputs), Level("buffer", null, 1, 1, Inputs)]);
        var mapping = Map(NestLevelLoops.Of([], [X(R, 2)]), NestLevelLoops.Of([T(P, 3)]));
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Inputs, 6, 6, 0, engine);
            Expect(counts, 0, Inputs, 4, 0, 0, engine);
            Expect(counts, 0, Weights, 6, 0, 0, engine);
            Expect(counts, 0, Outputs, 0, 0, 3, engine);
            Assert.That((counts.Macs, counts.Cycles, counts.UsedInstances[1]), Is.EqualTo((6L, 3L, 2L)), engine);
        }
    }

    /// <summary>
    /// The closed form of a tile's input rows (NestMapping.Rows, which the mapper's capacity check uses) against the set
    /// {p·stride + r·dilation} enumerated, for every outputs and kernel extent to 12 and stride and dilation to 6; and with
    /// dilation 1, the dense window's rows, (outputs − 1)·stride + kernel, or outputs·kernel when the kernel skips rows.
    /// </summary>
    [Test]
    public void TileRows_ClosedForm_EqualsTheEnumeratedSet()
    {
        for (var stride = 1; stride <= 6; stride++)
            for (var dilation = 1; dilation <= 6; dilation++)
                for (var outputs = 1; outputs <= 12; outputs++)
                    for (var kernel = 1; kernel <= 12; kernel++)
                    {
                        var rows = new HashSet<long>();
                        for (var p = 0; p < outputs; p++)
                            for (var r = 0; r < kernel; r++)
                                rows.Add((long)p * stride + (long)r * dilation);
                        Assert.That(NestMapping.Rows(outputs, kernel, stride, dilation), Is.EqualTo(rows.Count), $"outputs {outputs}, kernel {kernel}, stride {stride}, dilation {dilation}");
                        if (dilation == 1)
                            Assert.That(rows.Count, Is.EqualTo(kernel >= stride ? (outputs - 1) * stride + kernel : outputs * kernel));
                    }
    }

    /// <summary>
    /// A padded dilated layer (3 channels of 9x9, 2 filters 3x3, pad 2, dilation 2x2: 9x9 outputs) taken by NestProblem.From and run
    /// by the reference engine on a buffer with a 3x3 fan-out: its outputs equal the direct convolution's on the unpadded input
    /// (the padding stored as zeros, H = W = 8 + 2·2 + 1 = 13), and both engines count the same. The buffer's input tile is one
    /// output row's: 3 rows {p, p + 2, p + 4} by 13 columns, 39 words, next to 9 weights and 9 outputs (57 of its 64).
    /// </summary>
    [Test]
    public void DilatedLayer_FromItsShape_EqualsTheDirectConvolution()
    {
        var shape = LayerShape.Conv(3, 9, 9, 2, 3, pad: 2, dilation: 2);
        var problem = NestProblem.From(shape);
        Assert.That(problem, Is.EqualTo(new NestProblem(1, 2, 3, 9, 9, 3, 3, dilationH: 2, dilationW: 2)));
        Assert.That((problem.H, problem.W, problem.ToString()), Is.EqualTo((13, 13, "N1 M2 C3 P9 Q9 R3 S3 dil 2x2")));
        var arch = new NestArchitecture([
            new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 1, 1),
            new NestLevel("buffer", [Weights, Inputs, Outputs], 64, 3, 3),
            new NestLevel("reg", [Weights], 1, 1, 1),
        ]);
        var mapping = Map(NestLevelLoops.Of([T(M, 2), T(C, 3), T(P, 9)]), NestLevelLoops.Of([T(Q, 9)], [X(R, 3), new NestLoop(S, 3, NestAxis.Y)]), NestLevelLoops.Of([]));
        Assert.That(mapping.TileElements(problem, Inputs, 1), Is.EqualTo(39));
        Assert.That(mapping.Unfit(problem, arch), Is.Null);

        var rng = new Random(13);
        var inputs = Enumerable.Range(0, checked((int)shape.InputElements)).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var weights = Enumerable.Range(0, checked((int)shape.WeightElements)).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        var padded = new long[problem.Elements(Inputs)];
        for (var c = 0; c < shape.Channels; c++)
            for (var h = 0; h < shape.Height; h++)
                for (var w = 0; w < shape.Width; w++)
                    padded[(c * problem.H + h + 2) * problem.W + w + 2] = inputs[(c * shape.Height + h) * shape.Width + w];
        var result = NestReference.Run(problem, arch, mapping, weights, padded);
        Assert.That(result.Outputs, Is.EqualTo(ReferenceConvolution.Compute(new ReferenceData(new LayerWorkload("dilated", shape), inputs, weights))));
        Assert.That(NestAnalysis.Count(problem, arch, mapping).ToString(), Is.EqualTo(result.Counts.ToString()));
        Assert.That(result.Counts.Macs, Is.EqualTo(shape.Macs));
    }

    [Test]
    public void Problem_TakesDilation_FromTheShape_AndValidatesIt()
    {
        var asymmetric = NestProblem.From(new LayerShape(LayerKind.Convolution, 1, 8, 20, 20, 8, 3, 3, 1, 2, Padding.Uniform(1), dilationH: 2, dilationW: 3, groups: 2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(asymmetric.ToString(), Is.EqualTo("G2 N1 M4 C4 P18 Q8 R3 S3 stride 1x2 dil 2x3"));
            Assert.That((asymmetric.DilationH, asymmetric.DilationW), Is.EqualTo((2, 3)));
            Assert.That((asymmetric.H, asymmetric.W), Is.EqualTo((17 + 4 + 1, 14 + 6 + 1)), "(P - 1)·stride + (R - 1)·dilation + 1: the padded 22 columns but the last, which no output reaches");
            Assert.That(new NestProblem(1, 8, 4, 56, 56, 3, 3).ToString(), Is.EqualTo("N1 M8 C4 P56 Q56 R3 S3"), "no dil when 1x1");
            Assert.That(new NestProblem(1, 8, 4, 56, 56, 3, 3) == new NestProblem(1, 8, 4, 56, 56, 3, 3, dilationH: 2), Is.False, "dilation is part of the problem");
        }
        Assert.That(() => new NestProblem(1, 1, 1, 1, 1, 1, 1, dilationH: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("DilationH must be at least 1"));
        Assert.That(() => new NestProblem(1, 1, 1, 1, 1, 1, 1, dilationW: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("DilationW must be at least 1"));
        Assert.That(() => new NestProblem(1, 1, 1, 1, 1, 3, 1, dilationH: int.MaxValue), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("2^31 - 1 rows or columns"));
    }

    private static NestLevel Level(string name, long? capacity, int fanoutX, int fanoutY, params NestTensor[] keeps) => new(name, [.. keeps], capacity, fanoutX, fanoutY);

    /// <summary>DRAM (keeps everything, no fan-out) above <paramref name="inner"/>.</summary>
    private static NestArchitecture Arch(NestLevel inner) => new([Level("DRAM", null, 1, 1, Weights, Inputs, Outputs), inner]);
}
