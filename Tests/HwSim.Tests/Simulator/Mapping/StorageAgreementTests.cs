using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
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
    private static readonly long[] Bytes = [12, 48, 200, 600, 2000, 1 << 20];
    private static readonly int[] WordBits = [8, 16, 64, 256];

    /// <summary>The ways to put three operands in levels: all shared, one pair shared (three ways), all split.</summary>
    private static readonly BufferKind[][][] Partitions =
    [
        [[BufferKind.Ifmap, BufferKind.Weight, BufferKind.Ofmap]],
        [[BufferKind.Ifmap, BufferKind.Ofmap], [BufferKind.Weight]],
        [[BufferKind.Ifmap, BufferKind.Weight], [BufferKind.Ofmap]],
        [[BufferKind.Weight, BufferKind.Ofmap], [BufferKind.Ifmap]],
        [[BufferKind.Ifmap], [BufferKind.Weight], [BufferKind.Ofmap]],
    ];

    private static readonly Gen<(LoopNestCase Case, bool Fixed)> Cases =
        from c in LoopNestCases.Cases
        from partition in Gen.Int[0, Partitions.Length - 1]
        from sizes in Gen.Int[0, Bytes.Length - 1].Array[3]
        from words in Gen.Int[0, WordBits.Length - 1].Array[3]
        from banks in Gen.Int[0, 5].Array[3]
        from single in Gen.Int[0, 3].Array[3]
        from useFixed in Gen.Int[0, 3]
        from singles in Gen.Int[0, 4]
        // A single-buffered level needs an unlimited channel (ArchitectureSpec's rule): such cases get one.
        let levels = Partitions[partition].Select((holds, i) =>
            new StorageLevel($"l{i}", Bytes[sizes[i]], WordBits[words[i]], holds, 1 << banks[i], doubleBuffered: !(singles == 0 && single[i] <= 1)))
        let dram = singles == 0 ? DramSpec.Unlimited : c.Arch.Dram
        select (c with { Arch = new ArchitectureSpec("storage", 500, dram, new BufferSpec(levels), [c.Unit]) }, useFixed == 0);

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
