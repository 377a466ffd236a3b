using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Tests.Simulator.Engine;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// Value-dependent fold lengths (<c>skip</c>, Simulator/README.md §8) under fold pipelining
/// (<c>drain: overlapped</c>, §3): a fold's compute phase B is then the sum of its steps' group
/// cycles, and the next fold overlaps its drain by min(D, B). The fast engine's expectation from
/// the histogram is exact where every group's largest measure is the histogram's only value (one
/// code throughout, no padding), so there both engines must agree exactly on random layers,
/// chunks and DRAM channels; on random codes the reference engine is checked against the serial
/// drain and, on constructed tensors, against the schedule worked out by hand.
/// </summary>
[TestFixture]
public sealed class SkipOverlappedDrainTests
{
    public sealed record Case(LayerWorkload Layer, BitSerialUnitSpec Unit, ArchitectureSpec Arch, int Seed)
    {
        public override string ToString() =>
            $"{Layer} {Layer.Precision.Weight}x{Layer.Precision.Input} | {Unit.Rows}x{Unit.Cols} lanes {Unit.Lanes} serial {Unit.Serial} bpc {Unit.BitsPerCycle} skip {Unit.Skip} | " +
            $"buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, word {Arch.Buffers.WordBits} | " +
            $"DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    // Convolutions without padding (a padded position is a zero code the histogram of real input does not hold).
    private static readonly Gen<LayerShape> Shapes =
        from groups in Gen.Int[1, 3]
        from channelsPerGroup in Gen.Int[1, 4]
        from filtersPerGroup in Gen.Int[1, 4]
        from batch in Gen.Int[1, 2]
        from h in Gen.Int[1, 8]
        from w in Gen.Int[1, 8]
        from r in Gen.Int[1, 3]
        from s in Gen.Int[1, 3]
        from strideH in Gen.Int[1, 2]
        from strideW in Gen.Int[1, 2]
        where r <= h && s <= w
        select new LayerShape(LayerKind.Convolution, batch, groups * channelsPerGroup, h, w, groups * filtersPerGroup, r, s,
            strideH, strideW, new Padding(0, 0, 0, 0), 1, 1, groups);

    // skip 0: zero_bits (serial activations, 1 bit per cycle, the only combination it takes); 1: dynamic_precision on either serial mode.
    private static readonly Gen<Case> Cases =
        from shape in Shapes
        from weightBits in Gen.Int[2, 8]
        from activation in BitSerialAgreementTests.Activations
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from lanes in Gen.Int[1, 9]
        from skip in Gen.Int[0, 1]
        from serial in Gen.Int[0, 1]
        from bpc in Gen.Int[0, 2]
        from buffers in Gen.Int[-2, BitSerialAgreementTests.BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, BitSerialAgreementTests.WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 12]
        from seed in Gen.Int[0, 1_000_000]
        let unit = skip == 0
            ? new BitSerialUnitSpec("bs", rows, cols, lanes, SerialMode.Activations, 8, 1, SkipMode.ZeroBits) { Drain = DrainMode.Overlapped }
            : new BitSerialUnitSpec("bs", rows, cols, lanes, (SerialMode)serial, 8, 1 << bpc, SkipMode.DynamicPrecision) { Drain = DrainMode.Overlapped }
        let weight = NumberFormat.Int(weightBits)
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(
                BitSerialAgreementTests.Bytes(buffers[0], shape.InputElements / shape.Groups, activation),
                BitSerialAgreementTests.Bytes(buffers[1], shape.WeightElements / shape.Groups, weight),
                BitSerialAgreementTests.Bytes(buffers[2], shape.OutputElements / shape.Groups, NumberFormat.Int(32)),
                BitSerialAgreementTests.WordBits[word]), [unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(weight, activation, shape.GemmK)), unit, arch, seed);

    private static ActivityCounts WithoutIdle(ActivityCounts counts) =>
        ActivityCounts.From(counts.Counts.Where(kv => kv.Key.Action != PrimitiveAction.IdlePeCycle));

    /// <summary>
    /// One random code throughout the input (weights random): every group's largest measure is that
    /// code's, which is the histogram's only value, so the fast engine's expectation is exact and the
    /// engines must agree on cycles, stalls and every count, with K cut into chunks, folds that
    /// continue reductions (which never overlap) and DRAM channels that delay the overlap.
    /// </summary>
    [Test]
    public void Property_OneCodeThroughout_BothEnginesAgree()
    {
        long ran = 0, notRun = 0, shorter = 0, stalled = 0, partial = 0, zeroBits = 0, both = 0, held = 0;
        SeededCases.Check(Cases, 1200, 1408, c =>
        {
            var random = ReferenceData.Random(c.Layer, c.Seed);
            var code = random.Input[c.Seed % random.Input.Length];
            var input = Enumerable.Repeat(code, random.Input.Length).ToArray();
            var layer = c.Layer with { Statistics = ValueSkippingTests.Measured(input, c.Layer.Precision.Input) };
            var fast = EnginesAgree.Check(c, layer, c.Arch, new BitSerialModel(c.Unit), new BitSerialReference(c.Unit), new ReferenceData(layer, input, random.Weights));
            if (!fast.Ran)
            {
                Interlocked.Increment(ref notRun);
                return;
            }
            var serial = Simulation.Run(layer, c.Arch, new BitSerialModel(c.Unit with { Drain = DrainMode.Serial }));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(WithoutIdle(fast.Counts), Is.EqualTo(WithoutIdle(serial.Counts)), c.ToString);
                Assert.That(fast.TotalCycles, Is.LessThanOrEqualTo(serial.TotalCycles), c.ToString);
            }
            Interlocked.Increment(ref ran);
            if (c.Unit.Skip == SkipMode.ZeroBits) Interlocked.Increment(ref zeroBits);
            if (c.Unit.Serial == SerialMode.Both) Interlocked.Increment(ref both);
            if (fast.TotalCycles < serial.TotalCycles) Interlocked.Increment(ref shorter);
            if (fast.StallCycles > 0) Interlocked.Increment(ref stalled);
            var problem = new GemmProblem(layer);
            var (grid, _) = Chunking.Fit(problem, new BitSerialModel(c.Unit).Grid(problem), c.Arch.Buffers);
            if (grid.TimeChunk < problem.K) Interlocked.Increment(ref partial);
            // A skipped step can be shorter than the drain before it: the next fold's results wait in their bank.
            var stepCycles = ValueSkipping.StepCycles(c.Unit, BitPlanes.Of(layer.Precision.Weight).Bits,
                CodeHistogram.Measure(code, layer.Precision.Input, ValueSkipping.MeasureOf(c.Unit.Skip)));
            if ((problem.K + c.Unit.Lanes - 1) / c.Unit.Lanes * stepCycles < Math.Min(c.Unit.Rows, problem.M)) Interlocked.Increment(ref held);
        });
        TestContext.Out.WriteLine($"ran {ran} (zero_bits {zeroBits}, serial both {both}; shorter than serial {shorter}, stalled {stalled}, K in chunks {partial}, " +
            $"compute shorter than the drain {held}), not run {notRun}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThan(700));
            Assert.That(zeroBits, Is.GreaterThan(200));
            Assert.That(both, Is.GreaterThan(100));
            Assert.That(shorter, Is.GreaterThan(300));
            Assert.That(stalled, Is.GreaterThan(200));
            Assert.That(partial, Is.GreaterThan(80));
            Assert.That(held, Is.GreaterThan(50));
        }
    }

    /// <summary>
    /// Random codes (a third of them zero), padding and small buffers: the reference engine's outputs
    /// stay exact, overlapping the drain changes no count but the idle PE-cycles and never costs
    /// cycles, and skipping never costs cycles under either drain.
    /// </summary>
    [Test]
    public void Property_RandomCodes_ReferenceOverlapOnlySavesCycles()
    {
        var padded =
            from c in Cases
            from pad in Gen.Int[0, 1]
            let shape = c.Layer.Shape with { Padding = new Padding(pad, pad, pad, pad) }
            select c with { Layer = new LayerWorkload("random", shape, c.Layer.Precision) };
        long ran = 0, shorter = 0;
        SeededCases.Check(padded, 300, 1409, c =>
        {
            var data = ReferenceData.Random(c.Layer, c.Seed);
            for (var i = 0; i < data.Input.Length; i += 3) data.Input[i] = 0;
            var overlapped = ReferenceEngine.Simulate(c.Layer, c.Arch, new BitSerialReference(c.Unit), data);
            if (!overlapped.Result.Ran)
                return;
            var serial = ReferenceEngine.Simulate(c.Layer, c.Arch, new BitSerialReference(c.Unit with { Drain = DrainMode.Serial }), data);
            var plain = ReferenceEngine.Simulate(c.Layer, c.Arch, new BitSerialReference(c.Unit with { Skip = SkipMode.None }), data);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(overlapped.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), c.ToString);
                Assert.That(WithoutIdle(overlapped.Result.Counts), Is.EqualTo(WithoutIdle(serial.Result.Counts)), c.ToString);
                Assert.That(overlapped.Result.Folds, Is.EqualTo(serial.Result.Folds), c.ToString);
                Assert.That(overlapped.Result.TotalCycles, Is.LessThanOrEqualTo(serial.Result.TotalCycles), c.ToString);
                if (c.Arch.Dram.BandwidthBytesPerCycle is null)
                    Assert.That(overlapped.Result.ComputeCycles, Is.LessThanOrEqualTo(plain.Result.ComputeCycles), c.ToString);
            }
            Interlocked.Increment(ref ran);
            if (overlapped.Result.TotalCycles < serial.Result.TotalCycles) Interlocked.Increment(ref shorter);
        });
        TestContext.Out.WriteLine($"ran {ran}, shorter than serial {shorter}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThan(180));
            Assert.That(shorter, Is.GreaterThan(80));
        }
    }

    /// <summary>
    /// ValueSkippingTests' Pragmatic tensors (a 1x1 convolution, 4 row folds of 4 pixels x 2 steps of
    /// 16 channels on 4x4 PEs of 16 lanes, group g's largest activation with exactly Histogram[g] 1
    /// bits) with fold 3's groups all zero: the folds compute B = 1+1, 2+3, 8+5, 1+1 cycles and drain
    /// D = 4. Serial: 2+5+13+2 + 4x4 = 38. Overlapped (everything on chip, DRAM unlimited): fold 0
    /// computes 0..1, drains 2..5; fold 1 computes 2..6, drains 7..10; fold 2 computes 7..19, drains
    /// 20..23; fold 3 computes 20..21 but its drain waits for fold 2's (its results held in their
    /// bank) and runs 24..27: 28 cycles, against 2+5+13+2+4 = 26 had fold 3 not been held.
    /// </summary>
    [Test]
    public void PragmaticGroups_ScheduleWorkedByHand([Values(SkipMode.ZeroBits, SkipMode.DynamicPrecision)] SkipMode skip)
    {
        int[] histogram = [0, 1, 2, 3, 8, 5, 0, 0];
        var layer = new LayerWorkload("conv1x1", LayerShape.Conv(32, 4, 4, 4, 1), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.UInt(8), 32));
        var (input, weights) = ValueSkippingTests.PragmaticTensors(layer, histogram, 5);
        foreach (var (drain, cycles, idle) in new[] { (DrainMode.Serial, 38L, 38 * 16 - 22 * 16L), (DrainMode.Overlapped, 28L, 28 * 16 - 22 * 16L) })
        {
            var unit = new BitSerialUnitSpec("pra", 4, 4, 16, SerialMode.Activations, 8, 1, skip) { Drain = drain };
            var arch = new ArchitectureSpec("hand", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20), [unit]);
            var run = ReferenceEngine.Simulate(layer, arch, new BitSerialReference(unit), new ReferenceData(layer, input, weights));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(run.Output, Is.EqualTo(ReferenceConvolution.Compute(new ReferenceData(layer, input, weights))));
                Assert.That((run.Result.ComputeCycles, run.Result.TotalCycles, run.Result.Counts[ActionKey.Simple(PrimitiveAction.IdlePeCycle)]),
                    Is.EqualTo((cycles, cycles, idle)), drain.ToString());
            }
        }
    }
}
