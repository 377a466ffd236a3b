using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Tests.Simulator.Architecture;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Mapping;

/// <summary>
/// Issue 13 item 1: both engines agree exactly (cycles, stalls, folds, every count) on random
/// architectures whose storage levels are shared or split, of their own word widths and banks,
/// double- or single-buffered, under random loop nests and the fixed mapping; and both refuse
/// the same mappings (the shared-level sum rule).
/// </summary>
public class StorageAgreementTests
{
    private static readonly Gen<(LoopNestCase Case, bool Fixed)> Cases =
        from c in LoopNestCases.Cases
        from storage in StorageLevelCases.Levels
        from useFixed in Gen.Int[0, 3]
        let dram = storage.Single ? DramSpec.Unlimited : c.Arch.Dram
        select (c with { Arch = new ArchitectureSpec("storage", 500, dram, storage.Buffers, [c.Unit]) }, useFixed == 0);

    [Test]
    public void BothEnginesAgreeOnRandomStorageLevels()
    {
        long ran = 0, refused = 0, shared = 0, single = 0, fixedRuns = 0;
        SeededCases.Check(Cases, 600, 13, t =>
        {
            var (c, useFixed) = t;
            var mapping = useFixed ? FixedMapping.Instance : (LayerMapping?)LoopNestAgreementTests.Legal(c) ?? c.Mapping;
            var model = UnitModels.For(c.Unit);
            var fast = Simulation.Run(c.Layer, c.Arch, model, mapping);
            var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, ReferenceUnits.For(c.Unit), ReferenceData.Random(c.Layer, c.Seed), mapping).Result;
            Assert.That(reference.Ran, Is.EqualTo(fast.Ran), () => $"{c}\n{mapping}\nfast: {fast.NotRunReason}\nreference: {reference.NotRunReason}");
            if (!fast.Ran)
            {
                Interlocked.Increment(ref refused);
                return;
            }
            Assert.That((reference.ComputeCycles, reference.StallCycles, reference.TotalCycles, reference.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.TotalCycles, fast.Folds)),
                () => $"{c}\n{mapping}\n(compute, stall, total, folds)");
            Assert.That(reference.Counts, Is.EqualTo(fast.Counts), () => $"{c}\n{mapping}\nfast:      {fast.Counts}\nreference: {reference.Counts}");
            Interlocked.Increment(ref ran);
            if (c.Arch.Buffers.Levels.Any(l => l.Shared)) Interlocked.Increment(ref shared);
            if (c.Arch.Buffers.Levels.Any(l => !l.DoubleBuffered)) Interlocked.Increment(ref single);
            if (mapping is FixedMapping) Interlocked.Increment(ref fixedRuns);
        });
        TestContext.Out.WriteLine($"ran {ran} (with a shared level {shared}, a single-buffered level {single}, fixed mapping {fixedRuns}), refused by both {refused}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThanOrEqualTo(300));
            Assert.That(shared, Is.GreaterThan(200));
            Assert.That(single, Is.GreaterThan(30));
            Assert.That(fixedRuns, Is.GreaterThan(50));
            Assert.That(refused, Is.GreaterThan(10));
        }
    }
}
