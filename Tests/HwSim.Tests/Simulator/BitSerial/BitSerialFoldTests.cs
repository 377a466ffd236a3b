using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// Small GEMMs worked by hand: cycles per layer in both serial modes, every count of one fold
/// (fast model and reference), sign planes at the formats' extremes, and strip reuse.
/// </summary>
[TestFixture]
public sealed class BitSerialFoldTests
{
    private static readonly ArchitectureSpec Large = Arch(DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20));

    private static ArchitectureSpec Arch(DramSpec dram, BufferSpec buffers) =>
        new("test", 500, dram, buffers, [new BitSerialUnitSpec("placeholder", 1, 1, 1, SerialMode.Activations, 8)]);

    private static LayerWorkload Gemm(int m, int k, int n, NumberFormat weight, NumberFormat input) =>
        new("gemm", LayerShape.Gemm(m, k, n), OperandPrecision.For(weight, input, k));

    // M=5, K=10, N=3 on 2x2 PEs of 4 lanes, int4 weights, uint3 activations: column folds of 2 and 1
    // filters, row folds of 2, 2 and 1 pixels, ceil(10/4) = 3 steps per fold.
    //   serial activations: 3 cycles per step, folds 3*3 + sr = 11, 11, 10 per column fold -> 2 * 32 = 64;
    //   serial both: 4*3 = 12 cycles per step, folds 3*12 + sr = 38, 38, 37 -> 2 * 113 = 226.
    [TestCase(SerialMode.Activations, 64)]
    [TestCase(SerialMode.Both, 226)]
    public void SmallGemm_CyclesWorkedByHand(SerialMode serial, long cycles)
    {
        var layer = Gemm(5, 10, 3, NumberFormat.Int(4), NumberFormat.UInt(3));
        var unit = new BitSerialUnitSpec("bs", 2, 2, 4, serial, 8);

        var fast = Simulation.Run(layer, Large, new BitSerialModel(unit));
        var data = ReferenceData.Random(layer, 7);
        var reference = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((fast.ComputeCycles, fast.StallCycles, fast.Folds), Is.EqualTo((cycles, 0L, 6L)));
            Assert.That((reference.Result.ComputeCycles, reference.Result.StallCycles), Is.EqualTo((cycles, 0L)));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }

    /// <summary>One fold's cycles and counts, each derived by hand below.</summary>
    public sealed record Expected(long Cycles, long Busy, long And, long ShiftAccumulate, long RegisterWrite, long RegisterRead);

    // One fold: M=2 pixels on 2 rows, N=3 filters on 3 columns (P = 6 PEs), K=5 terms on 2 lanes
    // (steps of 2, 2, 1 terms: S = 3), int3 weights (b_w 3), uint2 activations (b_a 2), accumulator
    // int8 (3 + 2 + ceil(log2 5)), output uint2. Operand loads P*T*(b_a + b_w) = 6*5*5 = 150 bits;
    // drain: 3 columns x one move (1*8 write, 8 read) and two emits (2*8 read).
    //   serial activations, cps 2: cycles 3*2 + 2 = 8; busy = shift-accumulates = 6*3*2 = 36;
    //     AND = adder-tree bits = P*T*b_w*b_a = 180; writes 150 + 36*8 + 3*8 = 462;
    //     reads P*T*b_a*(1 + b_w) = 240, + 36*8 + 3*3*8 = 600.
    //   serial both, cps 6: cycles 3*6 + 2 = 20; busy 6*3*6 = 108; AND 180;
    //     writes 150 + 108*8 + 24 = 1038; reads 2*P*T*b_w*b_a = 360, + 864 + 72 = 1296.
    private static IEnumerable<TestCaseData> OneFoldCases()
    {
        yield return new TestCaseData(SerialMode.Activations, new Expected(8, 36, 180, 36, 462, 600)).SetArgDisplayNames("serial activations");
        yield return new TestCaseData(SerialMode.Both, new Expected(20, 108, 180, 108, 1038, 1296)).SetArgDisplayNames("serial both");
    }

    [TestCaseSource(nameof(OneFoldCases))]
    public void OneFold_EveryCountWorkedByHand(SerialMode serial, Expected expected)
    {
        var layer = Gemm(2, 5, 3, NumberFormat.Int(3), NumberFormat.UInt(2));
        var unit = new BitSerialUnitSpec("bs", 2, 3, 2, serial, 8);
        var problem = new GemmProblem(layer);
        var model = new BitSerialModel(unit);
        var fold = model.Grid(problem).Folds(problem).Single();
        Assert.That(problem.AccumulatorFormat, Is.EqualTo(NumberFormat.Int(8)));

        var fast = model.Cost(problem, fold);
        var operands = new GemmOperands(problem, ReferenceData.Random(layer, 3));
        var stepping = new BitSerialReference(unit).Start(operands, fold);
        long cycles = 1;
        while (!stepping.Step()) cycles++;
        var measured = stepping.Measured(cycles);

        foreach (var cost in new[] { fast, measured })
            using (Assert.EnterMultipleScope())
            {
                Assert.That((cost.ComputeCycles, cost.BusyPeCycles), Is.EqualTo((expected.Cycles, expected.Busy)));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.AndBitOp)], Is.EqualTo(expected.And));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.PopcountInputBit)], Is.EqualTo(expected.And));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.ShiftAccumulate, 8)], Is.EqualTo(expected.ShiftAccumulate));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterWriteBit)], Is.EqualTo(expected.RegisterWrite));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterReadBit)], Is.EqualTo(expected.RegisterRead));
                Assert.That(cost.Compute.Counts, Has.Count.EqualTo(5), "no Multiply or Add: the datapath has AND gates, an adder tree and a shift-accumulator");
                // SRAM, once per step for all planes: 2 rows x 5 uint2, 3 columns x 5 int3, 6 uint2 outputs.
                Assert.That((cost.IfmapReadBits, cost.WeightReadBits, cost.OfmapReadBits, cost.OfmapWriteBits), Is.EqualTo((20L, 45L, 0L, 12L)));
            }
    }

    // Sign planes at the extremes: (-128)(-128) + 127(-128) + (-1)(127) = 16384 - 16256 - 127 = 1;
    // binary x ternary: (-1)(-1) + (+1)(0) + (+1)(+1) = 2 with both as 2-bit two's complement.
    [TestCase("int8", "int8", new long[] { -128, 127, -1 }, new long[] { -128, -128, 127 }, 1)]
    [TestCase("binary", "ternary", new long[] { -1, 1, 1 }, new long[] { -1, 0, 1 }, 2)]
    [TestCase("uint8", "uint1", new long[] { 255, 255, 1 }, new long[] { 1, 1, 0 }, 510)]
    [TestCase("ternary", "int2", new long[] { -1, -1, 0 }, new long[] { -2, 1, -2 }, 1)]
    public void SignPlanes_ExtremeValuesComputeExactly(string weight, string input, long[] weights, long[] inputs, long dot)
    {
        var layer = Gemm(1, 3, 1, NumberFormat.Parse(weight), NumberFormat.Parse(input));
        var data = new ReferenceData(layer, inputs, weights);
        foreach (var serial in new[] { SerialMode.Activations, SerialMode.Both })
        {
            var unit = new BitSerialUnitSpec("bs", 1, 1, 2, serial, 8);
            var run = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);
            Assert.That(run.Output, Is.EqualTo(new[] { dot }), serial.ToString);
        }
    }

    // A 1x1 conv on a 2x8 uint8 input does not fit half of a 16 B input buffer (16 B > 8 B), so
    // folds fetch strips of one input row (8 B). On 2 rows, output row 0 is covered by folds 0..3
    // and row 1 by folds 4..7: the strip changes once, so 2 strips = 16 B come in, not 8 x 8 B.
    [Test]
    public void ConsecutiveFoldsReadingTheSameRows_FetchTheStripOnce()
    {
        var layer = new LayerWorkload("row", LayerShape.Conv(1, 2, 8, 1, 1), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.UInt(8), 1));
        var arch = Arch(new DramSpec(4), new BufferSpec(16, 64, 64));
        var unit = new BitSerialUnitSpec("bs", 2, 1, 1, SerialMode.Activations, 8);

        var fast = Simulation.Run(layer, arch, new BitSerialModel(unit));
        var reference = ReferenceEngine.Simulate(layer, arch, new BitSerialReference(unit), ReferenceData.Random(layer, 1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fast.Folds, Is.EqualTo(8));
            // 16 B of strips + 1 B of weights in; 16 uint8 outputs out.
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)], Is.EqualTo(17));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramWriteByte)], Is.EqualTo(16));
            Assert.That(reference.Result.Counts, Is.EqualTo(fast.Counts));
            Assert.That(reference.Result.TotalCycles, Is.EqualTo(fast.TotalCycles));
        }
    }

    [Test]
    public void Registered_AsTheBitSerialKindsModel()
    {
        var unit = new BitSerialUnitSpec("bs", 2, 2, 4, SerialMode.Both, 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UnitModels.For(unit), Is.InstanceOf<BitSerialModel>());
            Assert.That(ReferenceUnits.For(unit), Is.InstanceOf<BitSerialReference>());
        }
    }
}
