using HwSim.Simulator.Nest;
using NUnit.Framework;
using static HwSim.Simulator.Nest.NestDim;
using static HwSim.Simulator.Nest.NestTensor;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// Tiny nests whose counts are worked out by hand from the rules of Simulator/Nest/README.md, one rule per case:
/// temporal reuse across an irrelevant loop, sliding windows, multicast, spatial reduction and the first touch of
/// partial sums. Each count is (reads, fills, updates) of one level and operand, summed over its instances.
/// </summary>
[TestFixture]
public sealed class NestReferenceHandTests
{
    /// <summary>
    /// (a) N1 M2 C2 P3, a buffer keeping only weights (2 words) under DRAM, C2 in the buffer. Weights ignore P.
    /// - P inside M at DRAM: the buffer's epochs (m, p) hold {w(m,0), w(m,1)}; the tile changes only with m:
    ///   fills 2 + 0 + 0 + 2 + 0 + 0 = 4 (each weight once), so DRAM reads 4.
    /// - P outside M: epochs (p, m) alternate the two filters' tiles: 6 epochs x 2 = 12 fills, DRAM reads 12.
    /// Either way the MACs read a weight from the buffer every cycle (12 cycles, 1 MAC); DRAM, the innermost keeper
    /// of inputs and outputs, is read one input per cycle (12) and updated one output per cycle (12), 6 of those
    /// updates (c = 1) read back the partial sum written at c = 0.
    /// </summary>
    [TestCase(true, 4)]
    [TestCase(false, 12)]
    public void WeightsAreReusedAcrossAnIrrelevantInnerLoop_AndRefetchedUnderAnOuterOne(bool pInner, long fills)
    {
        var problem = new NestProblem(1, 2, 2, 3, 1, 1, 1);
        var arch = Arch(Level("buffer", 2, 1, 1, Weights));
        var dram = pInner ? new[] { T(M, 2), T(P, 3) } : [T(P, 3), T(M, 2)];
        var counts = Run(problem, arch, Map(NestLevelLoops.Of(dram), NestLevelLoops.Of([T(C, 2)])));
        Expect(counts, 1, Weights, 12, fills, 0);
        Expect(counts, 0, Weights, fills, 0, 0);
        Expect(counts, 0, Inputs, 12, 0, 0);
        Expect(counts, 0, Outputs, 6, 0, 12);
        Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((12L, 12L)));
    }

    /// <summary>
    /// (b) Sliding window: N1 M1 C1 P4 R3 (Q = S = 1), P at DRAM, R in a buffer keeping only inputs. Epoch p holds
    /// input rows {p·Hstride + r : r &lt; 3}:
    /// - stride 1 (H = 6): {0,1,2}, {1,2,3}, {2,3,4}, {3,4,5}: fills 3 + 1 + 1 + 1 = 6, each row once;
    /// - stride 2 (H = 9): {0,1,2}, {2,3,4}, {4,5,6}, {6,7,8}: fills 3 + 2 + 2 + 2 = 9, each row once.
    /// With the loops swapped (R at DRAM, P in the buffer) epoch r holds {r + p·Hstride : p &lt; 4}:
    /// - stride 1: {0..3}, {1..4}, {2..5}: fills 4 + 1 + 1 = 6;
    /// - stride 2: {0,2,4,6}, {1,3,5,7}, {2,4,6,8}: nothing shared with the previous tile, fills 4 + 4 + 4 = 12
    ///   (rows 2, 4, 6 come back: only the previous tile is kept).
    /// DRAM reads what the buffer fills; the MACs read one input a cycle (12).
    /// </summary>
    [TestCase(1, true, 6)]
    [TestCase(2, true, 9)]
    [TestCase(1, false, 6)]
    [TestCase(2, false, 12)]
    public void SlidingWindow_FillsOnlyTheNewRows(int stride, bool pAtDram, long fills)
    {
        var problem = new NestProblem(1, 1, 1, 4, 1, 3, 1, stride);
        var arch = Arch(Level("buffer", null, 1, 1, Inputs));
        var mapping = pAtDram ? Map(NestLevelLoops.Of([T(P, 4)]), NestLevelLoops.Of([T(R, 3)])) : Map(NestLevelLoops.Of([T(R, 3)]), NestLevelLoops.Of([T(P, 4)]));
        var counts = Run(problem, arch, mapping);
        Expect(counts, 1, Inputs, 12, fills, 0);
        Expect(counts, 0, Inputs, fills, 0, 0);
    }

    /// <summary>
    /// (c) Multicast: N1 M2 C1 P2, DRAM with fan-out 2 on X to two weight registers (1 word each).
    /// - M2 at DRAM (temporal), P2 spatial: both registers need w(m) in epoch m. Fills 2 instances x 2 epochs = 4;
    ///   DRAM reads the union per epoch, 1 + 1 = 2. The MACs read their register every cycle: 2 x 2 = 4. DRAM, the
    ///   innermost keeper of inputs, serves its two MACs two different inputs (h = p) a cycle: 4 reads.
    /// - P2 at DRAM, M2 spatial: register m keeps w(m) across both epochs: fills 2 + 0, DRAM reads 2 (two different
    ///   weights, no multicast). Both MACs now use the same input each cycle: DRAM reads 1 a cycle, 2.
    /// Outputs: 2 distinct a cycle at DRAM, 4 updates, none touched before.
    /// </summary>
    [TestCase(true, 4, 2, 4)]
    [TestCase(false, 2, 2, 2)]
    public void Multicast_OneParentReadServesInstancesNeedingTheSameElement(bool sameWeight, long fills, long dramWeightReads, long dramInputReads)
    {
        var problem = new NestProblem(1, 2, 1, 2, 1, 1, 1);
        var arch = new NestArchitecture([Level("DRAM", null, 2, 1, Weights, Inputs, Outputs), Level("weight_reg", 1, 1, 1, Weights)]);
        var dram = sameWeight ? NestLevelLoops.Of([T(M, 2)], [X(P, 2)]) : NestLevelLoops.Of([T(P, 2)], [X(M, 2)]);
        var counts = Run(problem, arch, Map(dram, NestLevelLoops.Of([])));
        Expect(counts, 1, Weights, 4, fills, 0);
        Expect(counts, 0, Weights, dramWeightReads, 0, 0);
        Expect(counts, 0, Inputs, dramInputReads, 0, 0);
        Expect(counts, 0, Outputs, 0, 0, 4);
        Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((4L, 2L)));
        Assert.That(counts.UsedInstances, Is.EqualTo(new[] { 1L, 2L }));
    }

    /// <summary>
    /// (d) Spatial reduction: two output registers (1 word) under DRAM's fan-out 2, spatial C2, P2 temporal.
    /// - C = 2: register c holds o(p) in epoch p: 2 updates each (4), nothing touched before (no fills, no reads).
    ///   DRAM is updated once per epoch with the two registers' sum, the union {o(p)}: 2 updates, not 4.
    /// - C = 4, C2 (temporal, outer) x P2 at DRAM and C2 spatial: epochs (ct, p); each register's tile changes every
    ///   epoch, o(0), o(1), o(0), o(1): fills 2 per register (ct = 1), 4; DRAM serves the two registers' identical
    ///   fills once: 2 reads; updates at DRAM, one union per epoch: 4. The registers' MACs: 8 updates, of which the
    ///   4 at ct = 1 read the old partial sum.
    /// </summary>
    [TestCase(2, 4, 0, 0, 0, 2)]
    [TestCase(4, 8, 4, 4, 2, 4)]
    public void SpatialReduction_ParentUpdatedOncePerReducedOutput(int channels, long regUpdates, long regReads, long regFills, long dramReads, long dramUpdates)
    {
        var problem = new NestProblem(1, 1, channels, 2, 1, 1, 1);
        var arch = new NestArchitecture([Level("DRAM", null, 2, 1, Weights, Inputs, Outputs), Level("output_reg", 1, 1, 1, Outputs)]);
        var dram = channels == 2 ? NestLevelLoops.Of([T(P, 2)], [X(C, 2)]) : NestLevelLoops.Of([T(C, 2), T(P, 2)], [X(C, 2)]);
        var counts = Run(problem, arch, Map(dram, NestLevelLoops.Of([])));
        Expect(counts, 1, Outputs, regReads, regFills, regUpdates);
        Expect(counts, 0, Outputs, dramReads, 0, dramUpdates);
    }

    /// <summary>
    /// (e) Partial sums' first touch: N1 M1 C2 P3, a 1-word output buffer under DRAM, no loops in it.
    /// - C outside P at DRAM: epochs (c, p) hold o(0), o(1), o(2), o(0), o(1), o(2): 6 tile changes, 3 first
    ///   touches, so 3 fills (c = 1), served by 3 DRAM reads. The MACs: 6 updates, 3 read an old partial sum.
    /// - P outside C: o(0), o(0), o(1), o(1), o(2), o(2): 3 changes, all first touches: no fills, no DRAM reads;
    ///   the MACs still read back 3 partial sums (c = 1, in the buffer).
    /// DRAM takes a write-back each time an output leaves the buffer and one for the last tile (the README's rule,
    /// Timeloop's): C outside P, 5 leaves + 1 = 6; P outside C, 2 leaves + 1 = 3 (an output that stays from one epoch
    /// to the next stays in the buffer).
    /// </summary>
    [TestCase(true, 3, 6)]
    [TestCase(false, 0, 3)]
    public void OutputFills_AreTileChangesMinusFirstTouches(bool cOuter, long fills, long writeBacks)
    {
        var problem = new NestProblem(1, 1, 2, 3, 1, 1, 1);
        var arch = Arch(Level("output_buffer", 1, 1, 1, Outputs));
        var dram = cOuter ? new[] { T(C, 2), T(P, 3) } : [T(P, 3), T(C, 2)];
        var counts = Run(problem, arch, Map(NestLevelLoops.Of(dram), NestLevelLoops.Of([])));
        Expect(counts, 1, Outputs, 3, fills, 6);
        Expect(counts, 0, Outputs, fills, 0, writeBacks);
    }

    [Test]
    public void UnfitMappings_AndWrongOperands_AreRefusedWithTheReason()
    {
        var problem = new NestProblem(1, 2, 2, 3, 1, 1, 1);
        var arch = Arch(Level("buffer", 1, 1, 1, Weights));
        var mapping = Map(NestLevelLoops.Of([T(M, 2), T(P, 3)]), NestLevelLoops.Of([T(C, 2)]));
        var (weights, inputs) = NestRandom.Operands(problem, 1);
        Assert.That(() => NestReference.Run(problem, arch, mapping, weights, inputs),
            Throws.ArgumentException.With.Message.Contains(mapping.Unfit(problem, arch)!).And.Message.Contains("holds 1"));
        var fits = Arch(Level("buffer", 2, 1, 1, Weights));
        Assert.That(() => NestReference.Run(problem, fits, mapping, weights[1..], inputs), Throws.ArgumentException.With.Message.Contains("weights"));
        Assert.That(() => NestReference.Run(problem, fits, mapping, weights, inputs[1..]), Throws.ArgumentException.With.Message.Contains("inputs"));
    }

    private static NestLoop T(NestDim dim, int bound) => new(dim, bound);

    private static NestLoop X(NestDim dim, int bound) => new(dim, bound, NestAxis.X);

    private static NestLevel Level(string name, long? capacity, int fanoutX, int fanoutY, params NestTensor[] keeps) =>
        new(name, [.. keeps], capacity, fanoutX, fanoutY);

    /// <summary>DRAM (keeps everything, no fan-out) above <paramref name="inner"/>.</summary>
    private static NestArchitecture Arch(NestLevel inner) => new([Level("DRAM", null, 1, 1, Weights, Inputs, Outputs), inner]);

    private static NestMapping Map(params NestLevelLoops[] levels) => new([.. levels]);

    /// <summary>The reference's counts on seeded operands (their outputs are checked in <see cref="NestReferenceOutputTests"/>).</summary>
    private static NestCounts Run(NestProblem problem, NestArchitecture arch, NestMapping mapping)
    {
        var (weights, inputs) = NestRandom.Operands(problem, 7);
        return NestReference.Run(problem, arch, mapping, weights, inputs).Counts;
    }

    private static void Expect(NestCounts counts, int level, NestTensor tensor, long reads, long fills, long updates) =>
        Assert.That(counts[level, tensor], Is.EqualTo(new NestAccesses(reads, fills, updates)), () => $"level {level} {tensor} (reads, fills, updates)\n{counts}");
}
