using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Simulator.Xnor;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Xnor;

/// <summary>
/// Dot products, cycles and counts worked out by hand for one 1x1 XNOR PE: a padded binary
/// convolution whose steps hold fewer valid lanes than terms, and a bit-plane dot product; and
/// for a 2x2 array whose reduction is cut into two chunks (partial sums drained, shifted back in).
/// </summary>
[TestFixture]
public sealed class XnorHandCheckedTests
{
    private static readonly XnorUnitSpec OnePe = new("xnor", rows: 1, cols: 1, lanes: 4, maxBits: 4);

    private static readonly ArchitectureSpec Arch =
        new("hand", 100, DramSpec.Unlimited, BufferSpec.FromKilobytes(64, 64, 64), [OnePe]);

    private static readonly ActionKey Xnor = ActionKey.Simple(PrimitiveAction.XnorBitOp);
    private static readonly ActionKey And = ActionKey.Simple(PrimitiveAction.AndBitOp);
    private static readonly ActionKey Popcount = ActionKey.Simple(PrimitiveAction.PopcountInputBit);
    private static readonly ActionKey Reads = ActionKey.Simple(PrimitiveAction.RegisterReadBit);
    private static readonly ActionKey Writes = ActionKey.Simple(PrimitiveAction.RegisterWriteBit);
    private static readonly ActionKey Idle = ActionKey.Simple(PrimitiveAction.IdlePeCycle);

    /// <summary>
    /// 3x3 binary input, one 3x3 binary filter, pad 1: 9 output pixels, K = 9 terms, 4 lanes, so
    /// each pixel takes 3 steps of 4, 4 and 1 terms.
    /// <code>
    /// x = +1 -1 +1     w = -1 +1 +1
    ///     -1 -1 +1         +1 -1 -1
    ///     +1 +1 -1         -1 +1 +1
    /// </code>
    /// Pixel (0,0) sees x through kernel taps (r,s) = (1,1) (1,2) (2,1) (2,2) only (k = 4, 5, 7, 8):
    /// step 0 (k 0..3) is all padding: pop 0, n_valid 0, adds 0 (unmasked, the padding lanes'
    /// 0 bits would XNOR-match w's 0 bits at k = 0 and 3 and add +2);
    /// step 1 (k 4..7): k4 x+1 w-1 no, k5 x-1 w-1 match, k6 padding, k7 x-1 w+1 no: pop 1, n 3, adds -1;
    /// step 2 (k 8): x-1 w+1 no: pop 0, n 1, adds -1. Dot = -2 = (+1)(-1) + (-1)(-1) + (-1)(+1) + (-1)(+1).
    /// The centre sees all nine: -1 -1 +1 -1 +1 -1 -1 +1 -1 = -3. Pixel (2,2) sees taps (0,0) (0,1)
    /// (1,0) (1,1): four matches, 2*4 - 4 = +4.
    /// </summary>
    [Test]
    public void PaddedBinaryConv_MasksPaddingLanes()
    {
        var layer = new LayerWorkload("padded", LayerShape.Conv(1, 3, 3, 1, 3, pad: 1),
            OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, 9));
        var data = new ReferenceData(layer, [1, -1, 1, -1, -1, 1, 1, 1, -1], [-1, 1, 1, 1, -1, -1, -1, 1, 1]);

        var (fast, reference) = RunBoth(layer, data);

        // Accumulator: 1 + 1 + ceil(log2 9) = 6 bits. Per fold (one pixel): 3 steps + 1 drain cycle;
        // registers 3 x 9 lane bits + 3 x 6 accumulator bits written; read only the drain's one 6-bit
        // result (the held lanes feed the gates, the accumulator its adder, by wire: Simulator/README.md §5).
        var add = ActionKey.Add(NumberFormat.Int(6));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reference.Output[0], Is.EqualTo(-2), "pixel (0,0)");
            Assert.That(reference.Output[4], Is.EqualTo(-3), "pixel (1,1)");
            Assert.That(reference.Output[8], Is.EqualTo(4), "pixel (2,2)");
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
            Assert.That(XnorEngineAgreementTests.Mismatch(fast, reference.Result), Is.Null);
            Assert.That((fast.Folds, fast.ComputeCycles, fast.StallCycles), Is.EqualTo((9L, 36L, 0L)));
            Assert.That(fast.Counts[Xnor], Is.EqualTo(81), "9 folds x 9 lanes holding a term, padding included");
            Assert.That(fast.Counts[Popcount], Is.EqualTo(81));
            Assert.That(fast.Counts[add], Is.EqualTo(27), "one 2*pop - n per step");
            Assert.That(fast.Counts[Reads], Is.EqualTo(9 * 6));
            Assert.That(fast.Counts[Writes], Is.EqualTo(9 * (27 + 18)));
            Assert.That(fast.Counts[Idle], Is.EqualTo(36 - 27), "the drain cycles");
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ifmap)], Is.EqualTo(81), "9 input bits per fold");
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Weight)], Is.EqualTo(81), "9 weight bits per fold");
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)], Is.EqualTo(9), "one binary output per fold");
        }
    }

    /// <summary>
    /// int2 weights (-2, 1, -1) times uint2 inputs (3, 2, 1) = -6 + 2 - 1 = -5, in 2 x 2 plane pairs.
    /// Weight planes (two's complement, plane 1 the sign): w0 = 0 1 1, w1 = 1 0 1; input planes
    /// a0 = 1 0 1, a1 = 1 1 0. (0,0): AND 0 0 1, pop 1, +1; (0,1): 0 1 0, +1 &lt;&lt; 1 = +2;
    /// (1,0): 1 0 1, sign plane, -(2 &lt;&lt; 1) = -4; (1,1): 1 0 0, -(1 &lt;&lt; 2) = -4. Sum -5.
    /// </summary>
    [Test]
    public void BitPlaneDot_ShiftsAndNegatesSignPlanes()
    {
        var layer = new LayerWorkload("planes", LayerShape.FullyConnected(3, 1),
            OperandPrecision.For(NumberFormat.Int(2), NumberFormat.UInt(2), 3));
        var data = new ReferenceData(layer, [3, 2, 1], [-2, 1, -1]);

        var (fast, reference) = RunBoth(layer, data);

        // One fold: 1 step of 4 plane-pair cycles + 1 drain cycle; accumulator 2 + 2 + 2 = 6 bits.
        // Reads: 2 planes x 3 lanes x 4 cycles (through the plane multiplexers) + 6 drain, not the
        // accumulator feeding its adder (Simulator/README.md §5); writes: 4 planes x 3 lanes + 4 x 6.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reference.Output, Is.EqualTo(new long[] { -5 }));
            Assert.That(XnorEngineAgreementTests.Mismatch(fast, reference.Result), Is.Null);
            Assert.That(fast.ComputeCycles, Is.EqualTo(5));
            Assert.That(fast.Counts[And], Is.EqualTo(12));
            Assert.That(fast.Counts[Popcount], Is.EqualTo(12));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.ShiftAccumulate, 6)], Is.EqualTo(4));
            Assert.That(fast.Counts[Reads], Is.EqualTo(24 + 6));
            Assert.That(fast.Counts[Writes], Is.EqualTo(12 + 24));
            Assert.That(fast.Counts[Idle], Is.EqualTo(1));
        }
    }

    /// <summary>
    /// A one-PE array walks a 4x4 binary input pixel by pixel with a 1x1 kernel; the input (2 B)
    /// exceeds half of a 2-byte ifmap buffer, so each fold loads its strip: one 4-bit input row,
    /// 1 B. The four pixels of an output row read the same strip, so it is loaded once per row
    /// (README §4: nothing when the strip equals the previous fold's): 4 strips + 1 B of weights.
    /// </summary>
    [Test]
    public void StripSharedByConsecutivePixels_IsLoadedOnce()
    {
        var layer = new LayerWorkload("strips", LayerShape.Conv(1, 4, 4, 1, 1),
            OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, 1));
        var arch = new ArchitectureSpec("strips", 100, new DramSpec(1), new BufferSpec(2, 64, 64), [OnePe]);
        var data = ReferenceData.Random(layer, seed: 1);

        var fast = Simulation.Run(layer, arch, new XnorModel(OnePe));
        var reference = ReferenceEngine.Simulate(layer, arch, new XnorReference(OnePe), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(XnorEngineAgreementTests.Mismatch(fast, reference.Result), Is.Null);
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)], Is.EqualTo(4 + 1));
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ifmap)], Is.EqualTo(4 * 8));
        }
    }

    /// <summary>
    /// A padded binary 1x3 convolution, 2 channels on a 1x2 input, 2 filters, pad 1 left and right:
    /// M = 2 pixels (rows), N = 2 filters (columns), K = 6 terms (k = 3c + s), on a 2x2 array of 2
    /// lanes. The 12 weight bits (2 B) exceed half of a 2-byte weight buffer, so K is cut into
    /// chunks of 3 (one channel each, 6 bits = 1 B per tile): fold 0 covers k 0..2 and drains
    /// partial sums, fold 1 covers k 3..5, first shifting them back in. Each chunk is 2 steps of 2
    /// and 1 terms, so the chunk boundary, not the lanes, cuts the second step.
    /// <code>
    /// x: c0 = +1 +1, c1 = +1 -1      w0: c0 = +1 +1 +1, c1 = +1 -1 +1
    ///                                w1: c0 = -1 -1 -1, c1 = +1 -1 +1
    /// pixel 0 reads (pad, x0, x1) of each channel, pixel 1 (x0, x1, pad).
    /// </code>
    /// Steps (matches/n_valid, dot += 2 pop - n_valid; padding lanes masked):
    /// <code>
    ///             chunk 0: k0 k1 | k2    partial   chunk 1: k3 k4 | k5    output
    /// (p0, w0)    pad,+  1/1 +1  | +  +1   +2      pad,-  0/1 -1  | - -1    0
    /// (p0, w1)    pad,-  0/1 -1  | - -1    -2      pad,-  0/1 -1  | - -1   -4
    /// (p1, w0)    +,+    2/2 +2  | pad 0   +2      +,+    2/2 +2  | pad 0   4
    /// (p1, w1)    -,-    0/2 -2  | pad 0   -2      +,+    2/2 +2  | pad 0   0
    /// </code>
    /// (+ a match, - a mismatch.) Unmasked, the padding lanes at k0 and k2 of w1 (bit 0 against
    /// w1's -1, bit 0) would XNOR to 1 and add +2 each. Output (k, q) = 0, 4, -4, 0.
    /// <para>
    /// Accumulator 1 + 1 + ceil(log2 6) = 5 bits, output binary (1 bit). Per fold and PE: 3 lanes
    /// held (XNOR, popcount, 3 lane-register bits written each), 2 accumulates (5 bits written
    /// each): 4 PEs x (9 + 10) = 76 register bits written, none read (the lanes feed the gates and
    /// the accumulator its adder by wire, Simulator/README.md §5). Drain, per column:
    /// cycle 0 the bottom leaves (read) and the top moves down (read, write), cycle 1 the bottom
    /// leaves (read): 3 reads, 1 write of 5 bits; 2 columns: 30 read, 10 written per fold.
    /// Shift-in (fold 1), per column: cycle 0 the top loads pixel 1's partial sum (write), cycle 1
    /// it moves down (read, write) and the top loads pixel 0's (write): 1 read, 3 writes; 2 columns:
    /// 10 read, 30 written. Reads 2 x 30 + 10 = 70, writes 2 x 76 + 2 x 10 + 30 = 202.
    /// Cycles: fold 0 2 steps + 2 drain = 4, fold 1 2 shift-in + 2 + 2 = 6; busy 4 PEs x 2 x 2 = 16.
    /// SRAM: ifmap 2 rows x 3 terms per fold = 6 bits, weights 2 cols x 3 = 6; ofmap: fold 0 writes
    /// 4 partial sums x 5 = 20 bits, fold 1 reads them (20) and writes 4 outputs x 1 bit.
    /// </para>
    /// <para>
    /// DRAM at 1 B/cycle: fold 0 needs its weight tile (1 B) and the resident input (4 bits, 1 B):
    /// cycles 0-1; fold 0 runs 2-5, meanwhile fold 1's tile (1 B) arrives in cycle 2; fold 1 runs
    /// 6-11; its outputs (4 bits, 1 B) leave in cycle 12. 13 cycles, 3 stalled; idle 13 x 4 - 16 = 36.
    /// Partial sums (20 bits, 3 B) fit in half the 64-byte output buffer: no DRAM for them. SRAM
    /// fills: ifmap 8 bits, weight 16; the output byte's drain reads 8 more ofmap bits.
    /// </para>
    /// </summary>
    [Test]
    public void TwoChunkBinaryFold_ShiftsPartialSumsInAndOut()
    {
        var shape = new LayerShape(LayerKind.Convolution, 1, 2, 1, 2, 2, 1, 3, padding: new Padding(0, 0, 1, 1));
        var layer = new LayerWorkload("chunks", shape, OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, shape.GemmK));
        var data = new ReferenceData(layer, [1, 1, 1, -1], [1, 1, 1, 1, -1, 1, -1, -1, -1, 1, -1, 1]);
        var unit = new XnorUnitSpec("xnor", rows: 2, cols: 2, lanes: 2, maxBits: 1);
        var arch = new ArchitectureSpec("chunks", 100, new DramSpec(1), new BufferSpec(64, 2, 64), [unit]);

        var problem = new GemmProblem(layer);
        var (grid, unfit) = Chunking.Fit(problem, new XnorModel(unit).Grid(problem), arch.Buffers);
        var folds = grid.Folds(problem).ToList();
        // Each fold on its own, in both models (fold 0 then fold 1 on one reference unit: the partial sums pass between them).
        var model = new XnorModel(unit);
        var referenceUnit = new XnorReference(unit);
        var operands = new GemmOperands(problem, data);
        var stepped = folds.Select(f => Step(referenceUnit.Start(operands, f))).ToList();

        var fast = Simulation.Run(layer, arch, model);
        var reference = ReferenceEngine.Simulate(layer, arch, new XnorReference(unit), data);

        var add = ActionKey.Add(NumberFormat.Int(5));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((unfit, grid.TimeChunk), Is.EqualTo(((string?)null, 3L)));
            Assert.That(folds.Select(f => (f.K, f.Rows, f.Cols)), Is.EqualTo(new[] { (new Span(0, 3), 2, 2), (new Span(3, 6), 2, 2) }));
            for (var i = 0; i < 2; i++)
            {
                var cost = model.Cost(problem, folds[i]);
                Assert.That((cost.ComputeCycles, cost.BusyPeCycles, cost.IfmapReadBits, cost.WeightReadBits, cost.OfmapReadBits, cost.OfmapWriteBits),
                    Is.EqualTo(i == 0 ? (4L, 8L, 6L, 6L, 0L, 20L) : (6L, 8L, 6L, 6L, 20L, 4L)), $"fold {i}");
                Assert.That(cost.Compute[Reads], Is.EqualTo(i == 0 ? 30 : 30 + 10), $"fold {i} register reads");
                Assert.That(cost.Compute[Writes], Is.EqualTo(i == 0 ? 76 + 10 : 76 + 10 + 30), $"fold {i} register writes");
                Assert.That(stepped[i], Is.EqualTo(cost).Using<FoldCost>(SameCost), $"fold {i}: reference fold against the model");
            }
            Assert.That(operands.Output, Is.EqualTo(new long[] { 0, 4, -4, 0 }), "stepped folds");

            Assert.That(reference.Output, Is.EqualTo(new long[] { 0, 4, -4, 0 }));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
            Assert.That(XnorEngineAgreementTests.Mismatch(fast, reference.Result), Is.Null);
            Assert.That((fast.Folds, fast.ComputeCycles, fast.StallCycles), Is.EqualTo((2L, 10L, 3L)));
            Assert.That(fast.Counts[Xnor], Is.EqualTo(24), "2 folds x 4 PEs x 3 lanes holding a term");
            Assert.That(fast.Counts[Popcount], Is.EqualTo(24));
            Assert.That(fast.Counts[add], Is.EqualTo(16), "2 folds x 4 PEs x 2 steps");
            Assert.That(fast.Counts[Reads], Is.EqualTo(70));
            Assert.That(fast.Counts[Writes], Is.EqualTo(202));
            Assert.That(fast.Counts[Idle], Is.EqualTo(36), "stalls, shift-in and drain cycles");
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ifmap)], Is.EqualTo(12));
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Weight)], Is.EqualTo(12));
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap)], Is.EqualTo(20 + 8), "shift-in + output drained to DRAM");
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)], Is.EqualTo(20 + 4), "partial sums + outputs");
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ifmap)], Is.EqualTo(8));
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Weight)], Is.EqualTo(16));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)], Is.EqualTo(3));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramWriteByte)], Is.EqualTo(1));
        }
    }

    private static FoldCost Step(IReferenceFold fold)
    {
        var cycles = 1L;
        while (!fold.Step())
            cycles++;
        return fold.Measured(cycles);
    }

    private static bool SameCost(FoldCost a, FoldCost b) =>
        a with { Compute = ActivityCounts.Empty } == b with { Compute = ActivityCounts.Empty } && a.Compute.Equals(b.Compute);

    private static (LayerResult Fast, ReferenceEngine.Run Reference) RunBoth(LayerWorkload layer, ReferenceData data) =>
        (Simulation.Run(layer, Arch, new XnorModel(OnePe)), ReferenceEngine.Simulate(layer, Arch, new XnorReference(OnePe), data));
}
