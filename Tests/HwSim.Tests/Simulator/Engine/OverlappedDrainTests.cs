using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.DotProduct;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Tests.Simulator.BitSerial;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Engine;

/// <summary>
/// Issue 13 item 5, fold pipelining (<c>drain: overlapped</c>, Simulator/README.md §3): both engines,
/// implemented apart (closed forms and <see cref="DramTimeline"/>; a cycle-stepped array holding two
/// folds), agree exactly on random layers of every kind that can overlap, and against schedules
/// worked out by hand.
/// </summary>
public sealed class OverlappedDrainTests
{
    public sealed record Case(LayerWorkload Layer, UnitSpec Unit, ArchitectureSpec Arch, int Seed)
    {
        public override string ToString() =>
            $"{Layer} {Layer.Precision.Weight}x{Layer.Precision.Input} | {Unit} | buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, " +
            $"word {Arch.Buffers.WordBits} | DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    // The bit-serial agreement shapes with up to 6 groups, so the fast engine's closed form over equal groups (4 or more) sees overlaps across groups.
    private static readonly Gen<LayerShape> Shapes =
        from shape in BitSerialAgreementTests.Shapes
        from factor in Gen.Int[1, 2]
        select EqualGroupsTests.MoreGroups(shape, factor);

    /// <summary>Per kind (0-1 bit-serial activations/both, 2 xnor, 3 dotproduct), an overlapped unit and formats it runs.</summary>
    private static readonly Gen<(UnitSpec Unit, NumberFormat Weight, NumberFormat Input)> Units =
        from kind in Gen.Int[0, 3]
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from lanes in Gen.Int[1, 9]
        from wBits in Gen.Int[2, 6]
        from aBits in Gen.Int[1, 6]
        from bpc in Gen.Int[0, 2]
        from binary in Gen.Int[0, 2]
        select kind switch
        {
            <= 1 => ((UnitSpec)new BitSerialUnitSpec("bs", rows, cols, lanes, (SerialMode)kind, maxBits: 8, bitsPerCycle: 1 << bpc) { Drain = DrainMode.Overlapped },
                binary == 0 ? NumberFormat.Ternary : NumberFormat.Int(wBits), NumberFormat.UInt(aBits)),
            2 => (new XnorUnitSpec("xnor", rows, cols, lanes, maxBits: 6) { Drain = DrainMode.Overlapped },
                binary == 0 ? NumberFormat.Int(wBits) : NumberFormat.Binary, binary == 0 ? NumberFormat.UInt(aBits) : NumberFormat.Binary),
            _ => (new DotProductUnitSpec("dp", rows, cols, lanes, NumberFormat.Int(8)) { Drain = DrainMode.Overlapped },
                NumberFormat.Int(wBits), NumberFormat.UInt(aBits)),
        };

    private static readonly Gen<Case> Cases =
        from shape in Shapes
        from unit in Units
        from buffers in Gen.Int[-2, BitSerialAgreementTests.BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, BitSerialAgreementTests.WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 12]
        from seed in Gen.Int[0, 1_000_000]
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(
                BitSerialAgreementTests.Bytes(buffers[0], shape.InputElements / shape.Groups, unit.Input),
                BitSerialAgreementTests.Bytes(buffers[1], shape.WeightElements / shape.Groups, unit.Weight),
                BitSerialAgreementTests.Bytes(buffers[2], shape.OutputElements / shape.Groups, NumberFormat.Int(32)),
                BitSerialAgreementTests.WordBits[word]), [unit.Unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(unit.Weight, unit.Input, shape.GemmK)), unit.Unit, arch, seed);

    private static ActivityCounts WithoutIdle(ActivityCounts counts) =>
        ActivityCounts.From(counts.Counts.Where(kv => kv.Key.Action != PrimitiveAction.IdlePeCycle));

    [Test]
    public void Property_BothEnginesAgree_AndOverlapOnlySavesCycles()
    {
        long ran = 0, notRun = 0, shorter = 0, stalled = 0, partial = 0, manyGroups = 0;
        var kinds = new long[4];
        SeededCases.Check(Cases, 1500, 1305, c =>
        {
            var fast = EnginesAgree.Check(c, c.Layer, c.Arch, UnitModels.For(c.Unit), ReferenceUnits.For(c.Unit), c.Seed);
            if (!fast.Ran)
            {
                Interlocked.Increment(ref notRun);
                return;
            }
            // The same folds and actions as the serial unit; only the timing (and so the idle PE-cycles) may differ, never for the worse.
            var serial = Simulation.Run(c.Layer, c.Arch, UnitModels.For(c.Unit with { Drain = DrainMode.Serial }));
            Assert.That(WithoutIdle(fast.Counts), Is.EqualTo(WithoutIdle(serial.Counts)), c.ToString);
            Assert.That(fast.Folds, Is.EqualTo(serial.Folds));
            Assert.That(fast.TotalCycles, Is.LessThanOrEqualTo(serial.TotalCycles), c.ToString);
            Assert.That(fast.ComputeCycles, Is.LessThanOrEqualTo(serial.ComputeCycles), c.ToString);
            if (c.Arch.Dram.BandwidthBytesPerCycle is null)
                Assert.That(fast.StallCycles, Is.Zero, c.ToString);
            Interlocked.Increment(ref ran);
            Interlocked.Increment(ref kinds[c.Unit switch { BitSerialUnitSpec b => (int)b.Serial, XnorUnitSpec => 2, _ => 3 }]);
            if (fast.TotalCycles < serial.TotalCycles) Interlocked.Increment(ref shorter);
            if (fast.StallCycles > 0) Interlocked.Increment(ref stalled);
            if (c.Layer.Shape.Groups >= 4) Interlocked.Increment(ref manyGroups);
            var problem = new GemmProblem(c.Layer);
            var (grid, _) = Chunking.Fit(problem, UnitModels.For(c.Unit).Grid(problem), c.Arch.Buffers);
            if (grid.TimeChunk < problem.K) Interlocked.Increment(ref partial);
        });
        TestContext.Out.WriteLine($"ran {ran} (bit-serial activations/both {kinds[0]}/{kinds[1]}, xnor {kinds[2]}, dotproduct {kinds[3]}; shorter than serial {shorter}, " +
            $"stalled {stalled}, K in chunks {partial}, 4+ groups {manyGroups}), not run {notRun}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThan(800));
            Assert.That(kinds, Has.All.GreaterThan(150));
            Assert.That(shorter, Is.GreaterThan(400));
            Assert.That(stalled, Is.GreaterThan(300));
            Assert.That(partial, Is.GreaterThan(100));
            Assert.That(manyGroups, Is.GreaterThan(150));
        }
    }

    /// <summary>
    /// Two folds by hand. A 2x1 bit-serial array, 1 lane, serial activations; a 1x1 convolution of a
    /// 2x2 image of 3 channels into 1 filter, int2 x uint2: M = 4 pixels on 2 rows (2 row folds),
    /// K = 3, N = 1. Each fold: 3 steps x 2 planes = 6 compute cycles, then 2 drain cycles: 8.
    /// Serial: fold 1 runs 8..15, 16 cycles. Overlapped: fold 1 starts when fold 0's drain begins,
    /// cycle 6, computes 6..11 while fold 0 drains 6..7, drains 12..13: 14 cycles, none of them
    /// stalls (everything fits, DRAM unlimited). Busy PE-cycles 2 folds x 2 PEs x 6 = 24, so idle
    /// 14 x 2 - 24 = 4 (serial: 32 - 24 = 8).
    /// </summary>
    [Test]
    public void TwoFolds_ByHand()
    {
        var shape = new LayerShape(LayerKind.Convolution, 1, 3, 2, 2, 1, 1, 1, 1, 1, new Padding(0, 0, 0, 0), 1, 1, 1);
        var layer = new LayerWorkload("two", shape, OperandPrecision.For(NumberFormat.Int(2), NumberFormat.UInt(2), shape.GemmK));
        foreach (var (drain, total, idle) in new[] { (DrainMode.Serial, 16L, 8L), (DrainMode.Overlapped, 14L, 4L) })
        {
            var unit = new BitSerialUnitSpec("bs", 2, 1, lanes: 1, SerialMode.Activations, maxBits: 8) { Drain = drain };
            var arch = new ArchitectureSpec("hand", 500, DramSpec.Unlimited, BufferSpec.FromKilobytes(64, 64, 64, 64), [unit]);
            var fast = EnginesAgree.Check(drain, layer, arch, UnitModels.For(unit), ReferenceUnits.For(unit), 7);
            Assert.That((fast.Folds, fast.TotalCycles, fast.ComputeCycles, fast.StallCycles, fast.Counts[ActionKey.Simple(PrimitiveAction.IdlePeCycle)]),
                Is.EqualTo((2L, total, total, 0L, idle)), drain.ToString());
        }
    }

    private static FoldTraffic Traffic(long load, long write) => new(load, 0, 0, 0, write);

    /// <summary>
    /// 1 B/cycle; two folds of 8 cycles whose last 2 drain. Fold 0 loads 2 B (0-1), runs 2..9, its
    /// drain begins at 8; fold 1's 5 B arrive 2-6. Fold 1 starts at max(8, 7) = 8, computes 8..13,
    /// drains 14..15 (fold 0's ended at 10), ends 16. Fold 0's 3 B leave 10-12, fold 1's 1 B at 16:
    /// 17 cycles, 14 with a fold in the array (2..15), 3 stalls. Serial: fold 1 runs 10..17, 19 cycles.
    /// </summary>
    [Test]
    public void Timeline_LateLoadShortensTheOverlap()
    {
        foreach (var (overlaps, total, compute) in new[] { (false, 19L, 16L), (true, 17L, 14L) })
        {
            var t = new DramTimeline(new DramSpec(1));
            t.Add(8, Traffic(2, 3), true, 5, null, overlaps ? 2 : 0, false);
            t.Add(8, Traffic(5, 1), true, null, null, overlaps ? 2 : 0, overlaps);
            Assert.That((t.TotalCycles, t.ComputeCycles, t.StallCycles), Is.EqualTo((total, compute, total - compute)), $"overlaps {overlaps}");
        }
    }

    /// <summary>
    /// 1 B/cycle; three folds of 8 cycles whose last 2 drain. Fold 0 loads 1 B (0), runs 1..8, drains
    /// from 7; fold 1's 1 B arrives at 1. Fold 1 starts at 7 and requests fold 2's 4 B then, before
    /// fold 0's 2 B of outputs (requested at 9): the loads take 7-10, the outputs 11-12. Fold 1
    /// computes 7..12, drains 13..14; fold 2 starts at 13 (loads in at 11), computes 13..18, drains
    /// 19..20; fold 1's 1 B leaves at 15, fold 2's at 21: 22 cycles, 20 in the array (1..20).
    /// Serial: fold 0's outputs go first (9-10), fold 2's loads 11-14, folds at 1, 9, 17: 26 cycles.
    /// </summary>
    [Test]
    public void Timeline_AnOverlappingFoldsLoadsGoBeforeTheOutputsRequestedLater()
    {
        foreach (var (overlaps, total, compute) in new[] { (false, 26L, 24L), (true, 22L, 20L) })
        {
            var t = new DramTimeline(new DramSpec(1));
            var drain = overlaps ? 2 : 0;
            t.Add(8, Traffic(1, 2), true, 1, null, drain, false);
            t.Add(8, Traffic(1, 1), true, 4, null, drain, overlaps);
            t.Add(8, Traffic(4, 1), true, null, null, drain, overlaps);
            Assert.That((t.TotalCycles, t.ComputeCycles, t.StallCycles), Is.EqualTo((total, compute, total - compute)), $"overlaps {overlaps}");
        }
    }

    /// <summary>A fold that continues a reduction (reads partial sums back) never overlaps: the timeline refuses it.</summary>
    [Test]
    public void Timeline_AFoldThatReadsBackCannotOverlap()
    {
        var t = new DramTimeline(new DramSpec(1));
        t.Add(8, Traffic(1, 2), true, 0, 4, 2, false);
        Assert.Throws<InvalidOperationException>(() => t.Add(8, new FoldTraffic(0, 0, 4, 0, 1), true, null, null, 2, true));
    }
}
