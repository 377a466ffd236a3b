using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.DotProduct;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.DotProduct;

/// <summary>
/// Register counts worked out by hand for one fold of a 2x2 dot-product array with 4 lanes, under
/// the register convention of Simulator/README.md §5: loads are writes, and only the drain's moves
/// through the chain multiplexer and out to the output buffer are reads.
/// </summary>
[TestFixture]
public sealed class DotProductHandCheckedTests
{
    private static readonly DotProductUnitSpec Unit = new("dp", 2, 2, 4, NumberFormat.Int(8));

    private static readonly ArchitectureSpec Arch =
        new("hand", 100, DramSpec.Unlimited, BufferSpec.FromKilobytes(64, 64, 64), [Unit]);

    /// <summary>
    /// GEMM M = 2 pixels, K = 6 terms, N = 2 filters, int4 weights x uint4 inputs: one fold of
    /// P = 4 PEs, S = ceil(6/4) = 2 steps, cycles 2 + 2 drain = 4. Writes: operands 4 x 6 x (4 + 4)
    /// = 192 bits, accumulator 4 PEs x 2 steps, drain moves 2 columns x 1 = 2 accumulator loads.
    /// Reads: 2 columns x (2 values out to the buffer + 1 chain move) = 6 accumulator reads; the
    /// operands on their multipliers and the accumulator on its adder are never read.
    /// </summary>
    [Test]
    public void OneFold_ReadsOnlyThroughTheDrain()
    {
        var layer = new LayerWorkload("hand", LayerShape.Gemm(2, 6, 2),
            OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(4), 6));
        var data = new ReferenceData(layer, [1, 2, 3, 4, 5, 6, 15, 14, 13, 0, 1, 2], [-8, 7, 1, -1, 2, 3, 0, -2, 5, 6, -7, 4]);
        var fast = Simulation.Run(layer, Arch, new DotProductModel(Unit));
        var reference = ReferenceEngine.Simulate(layer, Arch, new DotProductReference(Unit), data);
        var acc = layer.Precision.Accumulator.Bits;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((fast.Folds, fast.ComputeCycles), Is.EqualTo((1L, 4L)));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.RegisterWriteBit)], Is.EqualTo(192 + (8 + 2) * acc));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.RegisterReadBit)], Is.EqualTo(6 * acc));
            Assert.That(reference.Result.Counts, Is.EqualTo(fast.Counts));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }
}
