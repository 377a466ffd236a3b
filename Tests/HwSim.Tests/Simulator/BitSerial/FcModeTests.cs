using NUnit.Framework;
using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Tests.Simulator.Engine;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// fc_mode: multiplex (Stripes' fully connected mode, Simulator/README.md §3): a fold of one window
/// deals its dot steps to the rows in turn and adds the rows' partial sums on the way down the drain.
/// </summary>
[TestFixture]
public sealed class FcModeTests
{
    private static readonly ArchitectureSpec Large = new("test", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20),
        [new BitSerialUnitSpec("placeholder", 1, 1, 1, SerialMode.Activations, 8)]);

    // An FC layer at batch 1: M = 1, K = 22, N = 2 on 4 rows x 2 columns of 4 lanes, uint3 activations,
    // int4 weights: one fold, S = ceil(22/4) = 6 steps, D = min(6, 4) = 4 drain cycles.
    //  serial activations, cps 3 <= R = 4: steps start at cycles 0..5 (rows 0,1,2,3,0,1; row 0 is free
    //    again at 3), the last ends at 5 + 3 = 8 = B; 8 + 4 = 12 cycles (windows: 6 x 3 + 1 = 19).
    //  both serial, cps 4 x 3 = 12 > R: steps 0..3 at 0..3, step 4 on row 0 at 12, step 5 on row 1 at
    //    13, ending at 25 = (5 mod 4) + (5 div 4) x 12 + 12; 25 + 4 = 29 cycles (windows: 6 x 12 + 1 = 73).
    [TestCase(SerialMode.Activations, 3, 12L, 19L)]
    [TestCase(SerialMode.Both, 12, 29L, 73L)]
    public void OneWindow_CyclesAndDrainWorkedByHand(SerialMode serial, int cps, long cycles, long windowsCycles)
    {
        var layer = new LayerWorkload("fc", LayerShape.Gemm(1, 22, 2), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(3), 22));
        var windows = new BitSerialUnitSpec("bs", 4, 2, 4, serial, 8);
        var multiplex = windows with { FcMode = FcMode.Multiplex };
        var data = ReferenceData.Random(layer, 11);

        var fast = EnginesAgree.Check("hand", layer, Large, new BitSerialModel(multiplex), new BitSerialReference(multiplex), data);
        var plain = Simulation.Run(layer, Large, new BitSerialModel(windows));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((fast.ComputeCycles, fast.Folds), Is.EqualTo((cycles, 1L)));
            Assert.That(plain.ComputeCycles, Is.EqualTo(windowsCycles));
            // 2 columns x (D - 1 = 3) accumulator-width adds in the drain; none in windows mode.
            Assert.That(fast.Counts.Total(PrimitiveAction.Add), Is.EqualTo(6));
            Assert.That(plain.Counts.Total(PrimitiveAction.Add), Is.Zero);
            // The same work: 2 PEs per step, 6 steps of cps cycles; every plane (pair) ANDed once.
            Assert.That(fast.Counts.Total(PrimitiveAction.ShiftAccumulate), Is.EqualTo(2 * 6 * cps));
            Assert.That(fast.Counts.Total(PrimitiveAction.AndBitOp), Is.EqualTo(plain.Counts.Total(PrimitiveAction.AndBitOp)));
        }
    }

    [Test]
    public void Multiplex_WithSkip_IsRefusedNamingTheKey()
    {
        var e = Assert.Throws<InputException>(() => _ = new BitSerialUnitSpec("bs", 2, 2, 4, SerialMode.Activations, 8, skip: SkipMode.DynamicPrecision) { FcMode = FcMode.Multiplex })!;
        Assert.That(e.Field, Is.EqualTo("units[].fc_mode"));
    }

    public sealed record Case(LayerWorkload Layer, BitSerialUnitSpec Unit, ArchitectureSpec Arch, int Seed)
    {
        public override string ToString() =>
            $"{Layer} | {Unit.Rows}x{Unit.Cols} lanes {Unit.Lanes} serial {Unit.Serial} bpc {Unit.BitsPerCycle} drain {Unit.Drain} | buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, " +
            $"word {Arch.Buffers.WordBits} | DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    // Fully connected layers (batch 1 or 2, so folds of one window and of several) and small convolutions
    // (a last row fold of one pixel is a fold of one window too).
    private static readonly Gen<LayerShape> Layers = Gen.OneOf(
        from batch in Gen.Int[1, 2]
        from k in Gen.Int[1, 80]
        from n in Gen.Int[1, 9]
        select LayerShape.Gemm(batch, k, n),
        BitSerialAgreementTests.Shapes);

    private static readonly Gen<Case> Cases =
        from shape in Layers
        from weight in BitSerialAgreementTests.Weights
        from activation in BitSerialAgreementTests.Activations
        from rows in Gen.Int[1, 6]
        from cols in Gen.Int[1, 4]
        from lanes in Gen.Int[1, 9]
        from serial in Gen.Int[0, 1]
        from bitsPerCycleChoice in Gen.Int[0, 2]
        from overlapped in Gen.Bool
        from buffers in Gen.Int[-2, BitSerialAgreementTests.BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, BitSerialAgreementTests.WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 16]
        from seed in Gen.Int[0, 1_000_000]
        let unit = new BitSerialUnitSpec("bs", rows, cols, lanes, (SerialMode)serial, maxBits: 8, bitsPerCycle: 1 << bitsPerCycleChoice)
            { FcMode = FcMode.Multiplex, Drain = overlapped ? DrainMode.Overlapped : DrainMode.Serial }
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(
                BitSerialAgreementTests.Bytes(buffers[0], shape.InputElements / shape.Groups, activation),
                BitSerialAgreementTests.Bytes(buffers[1], shape.WeightElements / shape.Groups, weight),
                BitSerialAgreementTests.Bytes(buffers[2], shape.OutputElements / shape.Groups, NumberFormat.Int(32)), BitSerialAgreementTests.WordBits[word]), [unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(weight, activation, shape.GemmK)), unit, arch, seed);

    [Test]
    public void Property_FastModelEqualsReference()
    {
        long ran = 0, multiplexed = 0, chunked = 0, stalled = 0, severalRounds = 0;
        Cases.Sample(c =>
        {
            var fast = EnginesAgree.Check(c, c.Layer, c.Arch, new BitSerialModel(c.Unit), new BitSerialReference(c.Unit), c.Seed);
            if (!fast.Ran)
                return;
            Interlocked.Increment(ref ran);
            if (fast.StallCycles > 0) Interlocked.Increment(ref stalled);
            var problem = new GemmProblem(c.Layer);
            var (grid, _) = Chunking.Fit(problem, new BitSerialModel(c.Unit).Grid(problem), c.Arch.Buffers);
            var ones = grid.Folds(problem).Where(f => f.Rows == 1).ToList();
            if (ones.Count == 0)
                return;
            Interlocked.Increment(ref multiplexed);
            if (ones.Any(f => !f.StartsReduction)) Interlocked.Increment(ref chunked);
            if (ones.Any(f => (f.K.Length + c.Unit.Lanes - 1) / c.Unit.Lanes > c.Unit.Rows)) Interlocked.Increment(ref severalRounds);
        }, iter: 1500, print: c => c.ToString());

        TestContext.Out.WriteLine($"ran {ran}, with folds of one window {multiplexed} (continuing a reduction {chunked}, more steps than rows {severalRounds}), stalled {stalled}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(multiplexed, Is.GreaterThan(400));
            Assert.That(chunked, Is.GreaterThan(50));
            Assert.That(severalRounds, Is.GreaterThan(100));
            Assert.That(stalled, Is.GreaterThan(200));
        }
    }
}
