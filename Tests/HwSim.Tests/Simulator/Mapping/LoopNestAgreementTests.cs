using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Mapping;

/// <summary>
/// Issue 12 item 4: both engines execute any legal loop-nest mapping. Over random small layers
/// (groups, stride, padding, dilation, batch) on every unit kind (systolic os/ws/is, bit-serial in
/// both serial modes, xnor, dotproduct, fusion; half the bit-serial, xnor and dotproduct units with
/// overlapped drains) with tight to ample buffers and DRAM channels from 1 B/cycle to
/// unlimited, and random legal mappings: the same cycles, stalls, folds and every count from both
/// engines, the reference's output equal to the plain convolution for integer formats, and the
/// planner's closed-form DRAM bytes equal to the reference's.
/// </summary>
public class LoopNestAgreementTests
{
    /// <summary>
    /// The case's mapping if legal, else the same order with blocks of one fold, else also time
    /// chunks of one; null when even that breaks a capacity (the layer cannot run at all).
    /// </summary>
    internal static LoopNestMapping? Legal(LoopNestCase c)
    {
        var problem = new GemmProblem(c.Layer);
        var grid = UnitModels.For(c.Unit).Grid(problem);
        LoopNestMapping[] tries =
        [
            c.Mapping,
            new(c.Mapping.TimeChunk, c.Mapping.Order, 1, 1, 1),
            new(1, c.Mapping.Order, 1, 1, 1),
        ];
        return tries.FirstOrDefault(m => MappingRules.Unfit(problem, grid, c.Arch.Buffers, m) is null);
    }

    [Test]
    public void BothEnginesAgreeOnRandomLegalLoopNests()
    {
        long ran = 0, cannotRun = 0, overlapped = 0, stalls = 0, multiFoldBlocks = 0, psumsSpilled = 0, psumsKept = 0, weightsReused = 0, inputsReused = 0, floats = 0;
        var kinds = new long[8];
        SeededCases.Check(LoopNestCases.Cases, 1600, 12, c =>
        {
            var mapping = Legal(c);
            var model = UnitModels.For(c.Unit);
            var data = ReferenceData.Random(c.Layer, c.Seed);
            var fast = Simulation.Run(c.Layer, c.Arch, model, mapping ?? c.Mapping);
            var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, ReferenceUnits.For(c.Unit), data, mapping ?? c.Mapping);
            var r = reference.Result;
            Assert.That(r.Ran, Is.EqualTo(fast.Ran), () => $"{c}\nfast: {fast.NotRunReason}\nreference: {r.NotRunReason}");
            if (mapping is null)
            {
                Assert.That(fast.Ran, Is.False, c.ToString);
                Assert.That(fast.NotRunReason, Does.Contain("is illegal"));
                Interlocked.Increment(ref cannotRun);
                return;
            }
            Assert.That(fast.Ran, Is.True, () => $"{c}\n{fast.NotRunReason}");
            Assert.That((r.ComputeCycles, r.StallCycles, r.TotalCycles, r.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.TotalCycles, fast.Folds)),
                () => $"{c}\nlegal mapping {mapping}\n(compute, stall, total, folds)");
            Assert.That(r.Counts, Is.EqualTo(fast.Counts), () => $"{c}\nlegal mapping {mapping}\nfast:      {fast.Counts}\nreference: {r.Counts}");
            Assert.That((fast.Mapping, r.Mapping), Is.EqualTo(((LayerMapping)mapping, (LayerMapping)mapping)));
            if (!data.IsFloat)
                Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), () => $"{c}\nlegal mapping {mapping}\noutput differs from the plain convolution");
            else
                Interlocked.Increment(ref floats);

            // The planner's closed form against the reference's element-by-element account.
            var problem = new GemmProblem(c.Layer);
            var nest = new LoopNest(problem, model.Grid(problem), mapping);
            var (read, write) = BlockPlanner.DramBytes(nest);
            Assert.That((read, write), Is.EqualTo((r.Counts.Total(PrimitiveAction.DramReadByte), r.Counts.Total(PrimitiveAction.DramWriteByte))),
                () => $"{c}\nlegal mapping {mapping}\n(read, write) closed form vs reference");

            Interlocked.Increment(ref ran);
            Interlocked.Increment(ref kinds[c.Unit switch
            {
                HwSim.Simulator.Architecture.SystolicUnitSpec s => (int)s.Dataflow,
                HwSim.Simulator.Architecture.BitSerialUnitSpec b => 3 + (int)b.Serial,
                HwSim.Simulator.DotProduct.DotProductUnitSpec => 6,
                HwSim.Simulator.Architecture.FusionUnitSpec => 7,
                _ => 5,
            }]);
            if (fast.StallCycles > 0) Interlocked.Increment(ref stalls);
            if (c.Unit.Drain == HwSim.Simulator.Architecture.DrainMode.Overlapped) Interlocked.Increment(ref overlapped);
            if (nest.FoldsPerGroup > nest.BlocksPerGroup) Interlocked.Increment(ref multiFoldBlocks);
            if (nest.Tiles(GemmDim.K) > 1)
                Interlocked.Increment(ref nest.Blocks(GemmDim.K) > 1 && !nest.InnermostChanging(GemmDim.K) ? ref psumsSpilled : ref psumsKept);
            if (nest.Blocks(GemmDim.M) > 1 && nest.InnermostChanging(GemmDim.M)) Interlocked.Increment(ref weightsReused);
            if (nest.Blocks(GemmDim.N) > 1 && nest.InnermostChanging(GemmDim.N)) Interlocked.Increment(ref inputsReused);
        });

        TestContext.Out.WriteLine($"ran {ran} (systolic os/ws/is {kinds[0]}/{kinds[1]}/{kinds[2]}, bit-serial activations/both {kinds[3]}/{kinds[4]}, xnor {kinds[5]}, dotproduct {kinds[6]}, fusion {kinds[7]}; drain overlapped {overlapped}; " +
            $"stalled {stalls}, blocks of several folds {multiFoldBlocks}, partial sums spilled {psumsSpilled} / kept {psumsKept}, " +
            $"weights reused over M {weightsReused}, inputs reused over N {inputsReused}, float {floats}), no legal mapping {cannotRun}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThanOrEqualTo(1_000));
            Assert.That(kinds, Has.All.GreaterThan(100));
            Assert.That(stalls, Is.GreaterThan(300));
            Assert.That(overlapped, Is.GreaterThan(150));
            Assert.That(multiFoldBlocks, Is.GreaterThan(300));
            Assert.That(psumsSpilled, Is.GreaterThan(50));
            Assert.That(psumsKept, Is.GreaterThan(50));
            Assert.That(weightsReused, Is.GreaterThan(50));
            Assert.That(inputsReused, Is.GreaterThan(50));
            Assert.That(floats, Is.GreaterThan(20));
            Assert.That(cannotRun, Is.GreaterThan(10));
        }
    }
}
