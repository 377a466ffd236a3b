using HwSim.Simulator.Architecture;
using HwSim.Simulator.Memory;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Memory;

/// <summary>The fold-level timeline against schedules worked out by hand from README §4.</summary>
public class DramTimelineTests
{
    private static FoldTraffic Load(long bytes, long write = 0, long psumRead = 0) => new(bytes, 0, psumRead, 0, write);

    private static DramTimeline Run(DramSpec dram, params (long Cycles, FoldTraffic Traffic)[] folds)
    {
        var t = new DramTimeline(dram);
        for (var i = 0; i < folds.Length; i++)
            t.Add(folds[i].Cycles, folds[i].Traffic, i + 1 < folds.Length ? folds[i + 1].Traffic : null);
        return t;
    }

    [Test]
    public void UnlimitedBandwidthNeverStalls()
    {
        var t = Run(DramSpec.Unlimited, (10, Load(1000, 50)), (7, Load(5000, 50)));
        Assert.That((t.ComputeCycles, t.StallCycles, t.TotalCycles), Is.EqualTo((17L, 0L, 17L)));
    }

    [Test]
    public void FirstLoadIsExposedLaterLoadsHideBehindCompute()
    {
        // 4 B/cycle. Fold 0 load 40 B: cycles 0-9, fold 0 runs 10-29 (20 cycles); fold 1's 40 B
        // load requested at 10, done at 20; fold 0 writes 8 B at 30-31. Fold 1 runs 30-49; its
        // 8 B write 50-51. Total 52 = 40 compute + 12 stall.
        var t = Run(new DramSpec(4), (20, Load(40, 8)), (20, Load(40, 8)));
        Assert.That((t.ComputeCycles, t.StallCycles, t.TotalCycles), Is.EqualTo((40L, 12L, 52L)));
    }

    [Test]
    public void SlowPrefetchStallsTheNextFold()
    {
        // 1 B/cycle. Fold 0 load 5 B: 0-4, runs 5-7 (3 cycles). Fold 1's 10 B requested at 5: 5-14.
        // Fold 1 starts at 15, runs 15-17. Total 18 = 6 compute + 12 stall.
        var t = Run(new DramSpec(1), (3, Load(5)), (3, Load(10)));
        Assert.That((t.ComputeCycles, t.StallCycles, t.TotalCycles), Is.EqualTo((6L, 12L, 18L)));
    }

    [Test]
    public void SpilledPartialSumsAreReadBackAfterTheyAreWritten()
    {
        // 2 B/cycle, no operand loads. Fold 0 runs 0-9, spills 6 B (10-12); fold 1 reads them back
        // (13-15) and starts at 16, runs 16-25, writes its 4 B outputs 26-27. Total 28.
        var t = Run(new DramSpec(2), (10, new FoldTraffic(0, 0, 0, 6, 0)), (10, new FoldTraffic(0, 0, 6, 0, 4)));
        Assert.That((t.ComputeCycles, t.StallCycles, t.TotalCycles), Is.EqualTo((20L, 8L, 28L)));
    }

    [Test]
    public void TransfersAreServedInRequestOrder()
    {
        // 1 B/cycle. Fold 0: load 2 (0-1), runs 2-3; fold 1's load of 3 requested at 2 (2-4).
        // Fold 0's write of 4 requested at 4 waits for the channel: 5-8. Fold 1 starts at 5
        // (its load is done), runs 5-6; its write of 1 waits: 9. Total 10.
        var t = Run(new DramSpec(1), (2, Load(2, 4)), (2, Load(3, 1)));
        Assert.That(t.TotalCycles, Is.EqualTo(10L));
        Assert.That(t.StallCycles, Is.EqualTo(6L));
    }
}
