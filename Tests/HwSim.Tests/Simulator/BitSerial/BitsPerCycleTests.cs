using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;

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

    // Loom (Sharify et al., DAC 2018; docs/reference/energy-area.md): convolution time scales with
    // both precisions; its multi-bit variants take g bits of each per cycle. On loom-like with
    // bits_per_cycle g, AlexNet's convolutions at w x a bits take S x ceil(w/g) x ceil(a/g) + D
    // cycles exactly (S dot steps and D drain cycles over all folds, neither depending on g), so
    // the gain over g = 1 lies between (w·a·S + D)/(cps·S + D)'s lower bound w·a·S/(cps·S + D) and the ideal w·a/cps.
    [TestCase(8, 8)]
    [TestCase(16, 5)]
    [TestCase(3, 7)]
    public void LoomLike_AlexNetConvs_ScaleWithCeilOfBitsOverG(int weightBits, int activationBits)
    {
        var arch = Presets.Get("loom-like");
        var loom = (BitSerialUnitSpec)arch.Units.Single();
        var layers = NetworkZoo.Get("alexnet").Layers.Where(l => l.Kind == LayerKind.Convolution)
            .Select(l => l with { Precision = OperandPrecision.For(NumberFormat.Int(weightBits), NumberFormat.UInt(activationBits), l.Shape.GemmK) }).ToList();
        long steps = 0, drain = 0;
        foreach (var layer in layers)
        {
            var problem = new GemmProblem(layer);
            var (grid, _) = HwSim.Simulator.Memory.Chunking.Fit(problem, new BitSerialModel(loom).Grid(problem), arch.Buffers);
            foreach (var fold in grid.Folds(problem))
            {
                steps += (fold.K.Length + loom.Lanes - 1) / loom.Lanes;
                drain += fold.Rows + (fold.StartsReduction ? 0 : fold.Rows);
            }
        }
        long Compute(int g) => layers.Sum(l => Simulation.Run(l, arch, new BitSerialModel(loom with { BitsPerCycle = g })).ComputeCycles);

        var atOne = Compute(1);
        Assert.That(atOne, Is.EqualTo(weightBits * activationBits * steps + drain));
        foreach (var g in new[] { 2, 4 })
        {
            var cps = (long)((weightBits + g - 1) / g) * ((activationBits + g - 1) / g);
            var cycles = Compute(g);
            var gain = (double)atOne / cycles;
            TestContext.Out.WriteLine($"W{weightBits}A{activationBits}, g = {g}: {cycles:N0} compute cycles, {gain:F3}x fewer than g = 1 (ideal {(double)weightBits * activationBits / cps:F3})");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(cycles, Is.EqualTo(cps * steps + drain), $"g = {g}");
                Assert.That(gain, Is.InRange((double)weightBits * activationBits * steps / (cps * steps + drain), (double)weightBits * activationBits / cps), $"g = {g}");
            }
        }
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
