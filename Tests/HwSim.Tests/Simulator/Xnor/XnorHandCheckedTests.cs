using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Xnor;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Xnor;

/// <summary>
/// Dot products, cycles and counts worked out by hand for one 1x1 XNOR PE: a padded binary
/// convolution whose steps hold fewer valid lanes than terms, and a bit-plane dot product.
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
        // registers 3 x 9 lane bits + 3 x 6 accumulator bits each way, plus the drain's one 6-bit read.
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
            Assert.That(fast.Counts[Reads], Is.EqualTo(9 * (27 + 18 + 6)));
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
        // Reads: 2 planes x 3 lanes x 4 cycles + 4 x 6 accumulator + 6 drain; writes: 4 planes x 3 lanes + 4 x 6.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reference.Output, Is.EqualTo(new long[] { -5 }));
            Assert.That(XnorEngineAgreementTests.Mismatch(fast, reference.Result), Is.Null);
            Assert.That(fast.ComputeCycles, Is.EqualTo(5));
            Assert.That(fast.Counts[And], Is.EqualTo(12));
            Assert.That(fast.Counts[Popcount], Is.EqualTo(12));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.ShiftAccumulate, 6)], Is.EqualTo(4));
            Assert.That(fast.Counts[Reads], Is.EqualTo(24 + 24 + 6));
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

    private static (LayerResult Fast, ReferenceEngine.Run Reference) RunBoth(LayerWorkload layer, ReferenceData data) =>
        (Simulation.Run(layer, Arch, new XnorModel(OnePe)), ReferenceEngine.Simulate(layer, Arch, new XnorReference(OnePe), data));
}
