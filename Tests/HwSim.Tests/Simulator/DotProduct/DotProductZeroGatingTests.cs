using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.DotProduct;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.DotProduct;

/// <summary>
/// Zero-operand gating on dot-product units (skip: zero_operands, Simulator/README.md §8): a lane
/// whose input term is zero counts a GatedMac instead of its Multiply and its Add; cycles and every
/// other count are as without gating.
/// </summary>
[TestFixture]
public sealed class DotProductZeroGatingTests
{
    private static readonly ArchitectureSpec Large = new("test", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20),
        [new DotProductUnitSpec("placeholder", 1, 1, 1, NumberFormat.Int(8))]);

    // GEMM M=2, K=4, N=1, A(m, k) = input[k*2 + m]: row 0 is 1 0 0 0, row 1 is 5 0 3 0, so 5 of the
    // 8 lane products have a zero input; 2x1 PEs of 4 lanes take them in one step.
    private static readonly long[] Input = [1, 5, 0, 0, 0, 3, 0, 0];
    private static readonly long[] Weights = [3, -2, 7, -8];

    private static DotProductUnitSpec Unit(SkipMode skip = SkipMode.ZeroOperands, int rows = 2, int lanes = 4) =>
        new DotProductUnitSpec("dp", rows, 1, lanes, NumberFormat.Int(8)) { Skip = skip };

    private static ActivityCounts ValueIndependent(ActivityCounts counts) => ActivityCounts.From(counts.Counts
        .Where(kv => kv.Key.Action is not (PrimitiveAction.Multiply or PrimitiveAction.Add or PrimitiveAction.GatedMac)));

    [Test]
    public void SmallGemm_GatedLanesWorkedByHand_AndTheFastEngineAgrees()
    {
        var layer = new LayerWorkload("gemm", LayerShape.Gemm(2, 4, 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(4), 4))
        {
            Statistics = new ValueStatistics { InputPopcountHistogram = CodeHistogram.Of(Input, NumberFormat.UInt(4), CodeMeasure.SetBits, "input_popcount_hist") },
        };
        var data = new ReferenceData(layer, Input, Weights);
        var gated = ReferenceEngine.Simulate(layer, Large, new DotProductReference(Unit()), data);
        var plain = ReferenceEngine.Simulate(layer, Large, new DotProductReference(Unit(SkipMode.None)), data);
        var fast = Simulation.Run(layer, Large, new DotProductModel(Unit()));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(gated.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
            Assert.That(gated.Result.Counts.Total(PrimitiveAction.GatedMac), Is.EqualTo(5));
            Assert.That(gated.Result.Counts.Total(PrimitiveAction.Multiply), Is.EqualTo(3));
            Assert.That(plain.Result.Counts.Total(PrimitiveAction.Multiply), Is.EqualTo(8));
            Assert.That(gated.Result.ComputeCycles, Is.EqualTo(plain.Result.ComputeCycles));
            Assert.That(ValueIndependent(gated.Result.Counts), Is.EqualTo(ValueIndependent(plain.Result.Counts)));
            Assert.That(fast.Counts, Is.EqualTo(gated.Result.Counts), "one fold without padding: the expectation is exact");
            Assert.That(fast.ComputeCycles, Is.EqualTo(gated.Result.ComputeCycles));
        }
    }

    // As ZeroGatingTests' random convolutions (same tolerance and reasons): padding, a third of the
    // codes zero, several folds and time chunks.
    [Test]
    public void RandomConvolutions_ReferenceExact_FastWithinTolerance()
    {
        var layer = new LayerWorkload("conv", LayerShape.Conv(5, 6, 5, 3, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(3), NumberFormat.Int(5), 45));
        var small = Large with { Buffers = new BufferSpec(64, 64, 1 << 20) };
        var unit = new DotProductUnitSpec("dp", 3, 2, 4, NumberFormat.Int(8)) { Skip = SkipMode.ZeroOperands };
        for (var seed = 1; seed <= 3; seed++)
        {
            var data = ReferenceData.Random(layer, seed);
            for (var i = 0; i < data.Input.Length; i += 3) data.Input[i] = 0;
            var measured = layer with { Statistics = new ValueStatistics { InputPopcountHistogram = CodeHistogram.Of(data.Input, NumberFormat.Int(5), CodeMeasure.SetBits, "input_popcount_hist") } };
            data = new ReferenceData(measured, data.Input, data.Weights);
            var run = ReferenceEngine.Simulate(measured, small, new DotProductReference(unit), data);
            var plain = ReferenceEngine.Simulate(measured, small, new DotProductReference(unit with { Skip = SkipMode.None }), data);
            var fast = Simulation.Run(measured, small, new DotProductModel(unit));
            var (referenceGated, fastGated) = (run.Result.Counts.Total(PrimitiveAction.GatedMac), fast.Counts.Total(PrimitiveAction.GatedMac));
            TestContext.Out.WriteLine($"seed {seed}: reference {referenceGated}, fast {fastGated} gated of {run.Result.Macs}, {run.Result.Folds} folds");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(run.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), $"seed {seed}");
                Assert.That(run.Result.Folds, Is.GreaterThan(6), $"seed {seed}");
                Assert.That(run.Result.ComputeCycles, Is.EqualTo(plain.Result.ComputeCycles), $"seed {seed}");
                Assert.That(ValueIndependent(run.Result.Counts), Is.EqualTo(ValueIndependent(plain.Result.Counts)), $"seed {seed}");
                Assert.That(fast.ComputeCycles, Is.EqualTo(run.Result.ComputeCycles), $"seed {seed}");
                Assert.That(ValueIndependent(fast.Counts), Is.EqualTo(ValueIndependent(run.Result.Counts)), $"seed {seed}");
                Assert.That(Math.Abs(fastGated - referenceGated), Is.LessThanOrEqualTo(0.02 * referenceGated + 0.5 * run.Result.Folds), $"seed {seed}");
            }
        }
    }

    [Test]
    public void Spec_RefusesTheBitSerialTimingModes() =>
        Assert.That(Assert.Throws<InputException>(() => _ = Unit(SkipMode.DynamicPrecision))!.Rule, Does.Contain("a dotproduct unit takes skip: none or zero_operands"));
}
