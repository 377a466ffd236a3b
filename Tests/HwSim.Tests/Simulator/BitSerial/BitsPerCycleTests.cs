using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// bits_per_cycle (Loom's 2- and 4-bit variants, UNPU): a serial operand of b planes takes
/// ceil(b / bpc) cycles; the planes' work (AND gates, popcount inputs) is the same, the
/// shift-accumulates follow the cycles, and outputs stay exact with sign planes inside a group.
/// </summary>
[TestFixture]
public sealed class BitsPerCycleTests
{
    private static readonly ArchitectureSpec Large = new("test", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20),
        [new BitSerialUnitSpec("placeholder", 1, 1, 1, SerialMode.Activations, 8)]);

    private static LayerWorkload Gemm(NumberFormat weight, NumberFormat input) =>
        new("gemm", LayerShape.Gemm(5, 10, 3), OperandPrecision.For(weight, input, 10));

    // M=5, K=10, N=3 on 2x2 PEs of 4 lanes, int4 weights, uint3 activations: 2 column folds x row
    // folds of 2, 2 and 1 pixels, 3 steps per fold; a fold takes 3*cps + sr cycles, so a column
    // fold takes 9*cps + 5 and the layer 18*cps + 10.
    //   activations: cps = ceil(3/bpc) = 3, 2, 1;  both: ceil(4/bpc)*ceil(3/bpc) = 12, 4, 1.
    [TestCase(SerialMode.Activations, 1, 64)]
    [TestCase(SerialMode.Activations, 2, 46)]
    [TestCase(SerialMode.Activations, 4, 28)]
    [TestCase(SerialMode.Both, 1, 226)]
    [TestCase(SerialMode.Both, 2, 82)]
    [TestCase(SerialMode.Both, 4, 28)]
    public void SmallGemm_CyclesWorkedByHand(SerialMode serial, int bitsPerCycle, long cycles)
    {
        var layer = Gemm(NumberFormat.Int(4), NumberFormat.UInt(3));
        var unit = new BitSerialUnitSpec("bs", 2, 2, 4, serial, 8, bitsPerCycle);
        var one = unit with { BitsPerCycle = 1 };

        var fast = Simulation.Run(layer, Large, new BitSerialModel(unit));
        var atOne = Simulation.Run(layer, Large, new BitSerialModel(one));
        var data = ReferenceData.Random(layer, 7);
        var reference = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((fast.ComputeCycles, fast.StallCycles, fast.Folds), Is.EqualTo((cycles, 0L, 6L)));
            Assert.That(reference.Result.Counts, Is.EqualTo(fast.Counts));
            Assert.That(reference.Result.ComputeCycles, Is.EqualTo(cycles));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
            // Every plane (pair) is still ANDed and popcounted; only the cycles, and with them the shift-accumulates, shrink.
            Assert.That(fast.Counts.Total(PrimitiveAction.AndBitOp), Is.EqualTo(atOne.Counts.Total(PrimitiveAction.AndBitOp)));
            Assert.That(fast.Counts.Total(PrimitiveAction.PopcountInputBit), Is.EqualTo(atOne.Counts.Total(PrimitiveAction.PopcountInputBit)));
            var cps = (cycles - 10) / 18;
            Assert.That(fast.Counts.Total(PrimitiveAction.ShiftAccumulate), Is.EqualTo(15 * 3 * cps), "one per PE per cycle of a step: PEs over the folds 4+4+2 + 2+2+1 = 15, 3 steps each");
        }
    }

    // Signed operands at their extremes with the sign plane sharing a cycle with other planes
    // (int3 at bpc 2: planes {0,1} and {2}; at bpc 4: {0,1,2}) or alone (int5 at bpc 4: {0..3} and {4}).
    [TestCase(SerialMode.Activations, 2, 3)]
    [TestCase(SerialMode.Activations, 4, 3)]
    [TestCase(SerialMode.Activations, 4, 5)]
    [TestCase(SerialMode.Both, 2, 3)]
    [TestCase(SerialMode.Both, 4, 5)]
    public void SignPlanesInsideAGroup_StayExact(SerialMode serial, int bitsPerCycle, int bits)
    {
        var layer = Gemm(NumberFormat.Int(bits), NumberFormat.Int(bits));
        var s = layer.Shape;
        var min = -(1L << (bits - 1));
        var max = (1L << (bits - 1)) - 1;
        var input = Enumerable.Range(0, (int)s.InputElements).Select(i => i % 3 == 0 ? min : i % 3 == 1 ? max : -1L).ToArray();
        var weights = Enumerable.Range(0, (int)s.WeightElements).Select(i => i % 2 == 0 ? min : max).ToArray();
        var data = new ReferenceData(layer, input, weights);
        var unit = new BitSerialUnitSpec("bs", 2, 2, 4, serial, 8, bitsPerCycle);

        var reference = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);

        Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(8)]
    public void OtherWidths_AreRejected_NamingTheKey(int bitsPerCycle)
    {
        var e = Assert.Throws<InputException>(() => _ = new BitSerialUnitSpec("bs", 2, 2, 4, SerialMode.Both, 8, bitsPerCycle))!;
        Assert.That((e.Field, e.Rule), Is.EqualTo(("units[].bits_per_cycle", $"must be 1, 2 or 4, got {bitsPerCycle}")));
    }
}
