using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// Value-dependent timing (skip: zero_bits, dynamic_precision; Simulator/README.md §8): a step's
/// group (the fold's sr rows x the step's lanes) takes as many cycles as its slowest lane needs,
/// at least one; outputs stay exact; the fast engine's expectation from the activation histogram
/// is exact where groups are single activations.
/// </summary>
[TestFixture]
public sealed class ValueSkippingTests
{
    private static readonly ArchitectureSpec Large = new("test", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20),
        [new BitSerialUnitSpec("placeholder", 1, 1, 1, SerialMode.Activations, 8)]);

    // GEMM M=2, K=4, N=1 on 2x1 PEs of 4 lanes: one fold, one step, whose group is all 8 activations.
    // Gemm's input is (1, K, M, 1), so A(m, k) is input[k*2 + m].
    //   pixel 0: 1 0 0 0    set bits 1 0 0 0    precision 1 0 0 0
    //   pixel 1: 5 0 3 0    set bits 2 0 2 0    precision 3 0 2 0
    private static readonly long[] Input = [1, 5, 0, 0, 0, 3, 0, 0];
    private static readonly long[] Weights = [3, -2, 7, -8];

    private static LayerWorkload Small(NumberFormat input) =>
        new("gemm", LayerShape.Gemm(2, 4, 1), OperandPrecision.For(NumberFormat.Int(4), input, 4));

    private static ReferenceEngine.Run Reference(LayerWorkload layer, BitSerialUnitSpec unit, long[] input, long[] weights)
    {
        var data = new ReferenceData(layer, input, weights);
        var run = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);
        Assert.That(run.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), "outputs stay exact");
        return run;
    }

    // Hand-computed: the step takes 4 cycles (uint4) without skip, the largest set-bit count (2) with
    // zero_bits, the largest precision (3) with dynamic_precision, ceil(3/2) = 2 at 2 bits per cycle,
    // 4 weight planes x 3 when both are serial; then 2 drain cycles.
    [TestCase(SkipMode.None, SerialMode.Activations, 1, 6)]
    [TestCase(SkipMode.ZeroBits, SerialMode.Activations, 1, 4)]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Activations, 1, 5)]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Activations, 2, 4)]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Both, 1, 14)]
    public void SmallGemm_CyclesWorkedByHand(SkipMode skip, SerialMode serial, int bitsPerCycle, long cycles)
    {
        var unit = new BitSerialUnitSpec("bs", 2, 1, 4, serial, 8, bitsPerCycle, skip);
        var run = Reference(Small(NumberFormat.UInt(4)), unit, Input, Weights);
        Assert.That(run.Result.ComputeCycles, Is.EqualTo(cycles));
    }

    // zero_bits counts only the lanes that have a 1 bit left: 1 + 2 + 2 = 5 lane-bits, each gating a
    // 4-bit weight into the tree (20 AND and 20 tree-input bits) and reading 1 register bit;
    // dynamic_precision processes 3 planes of all 4 lanes in both PEs (24 lane-planes, 96 gates).
    [TestCase(SkipMode.ZeroBits, 20L)]
    [TestCase(SkipMode.DynamicPrecision, 96L)]
    public void SmallGemm_GateCountsWorkedByHand(SkipMode skip, long gates)
    {
        var unit = new BitSerialUnitSpec("bs", 2, 1, 4, SerialMode.Activations, 8, 1, skip);
        var run = Reference(Small(NumberFormat.UInt(4)), unit, Input, Weights);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.Result.Counts.Total(PrimitiveAction.AndBitOp), Is.EqualTo(gates));
            Assert.That(run.Result.Counts.Total(PrimitiveAction.PopcountInputBit), Is.EqualTo(gates));
            Assert.That(run.Result.Counts.Total(PrimitiveAction.ShiftAccumulate), Is.EqualTo(2 * (run.Result.ComputeCycles - 2)), "one per PE per compute cycle, none for skipped ones");
        }
    }

    // An all-zero group still takes one cycle (DNNsim's ZERO_COUNT), in both modes.
    [TestCase(SkipMode.ZeroBits)]
    [TestCase(SkipMode.DynamicPrecision)]
    public void AllZeroGroup_TakesOneCycle(SkipMode skip)
    {
        var unit = new BitSerialUnitSpec("bs", 2, 1, 4, SerialMode.Activations, 8, 1, skip);
        var run = Reference(Small(NumberFormat.UInt(4)), unit, new long[8], Weights);
        Assert.That(run.Result.ComputeCycles, Is.EqualTo(1 + 2));
    }

    // Signed activations are two's-complement codes. dynamic_precision trims a group to its shortest
    // two's-complement width (-1 needs 1 plane, 1 and -2 need 2) and treats the top kept plane as
    // the sign; zero_bits processes every 1 bit of the code (-1 in int4 is 1111: 4 cycles).
    [TestCase(SkipMode.DynamicPrecision, 2 + 2)]
    [TestCase(SkipMode.ZeroBits, 4 + 2)]
    public void SignedActivations_StayExact(SkipMode skip, long cycles)
    {
        long[] input = [-1, 0, 1, -2, 0, 0, 0, 0];
        var unit = new BitSerialUnitSpec("bs", 2, 1, 4, SerialMode.Activations, 8, 1, skip);
        var run = Reference(Small(NumberFormat.Int(4)), unit, input, Weights);
        Assert.That(run.Result.ComputeCycles, Is.EqualTo(cycles));
    }

    // Random convolutions with padding, time chunks (small buffers) and extreme codes: outputs stay
    // exact and skipping never takes more cycles than not skipping.
    [TestCase(SkipMode.ZeroBits, SerialMode.Activations, 1, "uint8")]
    [TestCase(SkipMode.ZeroBits, SerialMode.Activations, 1, "int5")]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Activations, 1, "int6")]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Activations, 4, "uint7")]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Both, 2, "int4")]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Both, 1, "ternary")]
    public void RandomConvolutions_StayExact(SkipMode skip, SerialMode serial, int bitsPerCycle, string inputFormat)
    {
        var input = NumberFormat.Parse(inputFormat, "input");
        var layer = new LayerWorkload("conv", LayerShape.Conv(5, 6, 5, 3, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(3), input, 45));
        var small = Large with { Buffers = new BufferSpec(64, 64, 1 << 20) };
        var unit = new BitSerialUnitSpec("bs", 3, 2, 4, serial, 8, bitsPerCycle, skip);
        for (var seed = 1; seed <= 3; seed++)
        {
            var data = ReferenceData.Random(layer, seed);
            // Some zeros, so that groups differ.
            for (var i = 0; i < data.Input.Length; i += 3) data.Input[i] = 0;
            var run = ReferenceEngine.Simulate(layer, small, new BitSerialReference(unit), data);
            var plain = ReferenceEngine.Simulate(layer, small, new BitSerialReference(unit with { Skip = SkipMode.None }), data);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(run.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), $"seed {seed}");
                Assert.That(run.Result.ComputeCycles, Is.LessThanOrEqualTo(plain.Result.ComputeCycles), $"seed {seed}");
                Assert.That(run.Result.Folds, Is.EqualTo(plain.Result.Folds).And.GreaterThan(6), $"seed {seed}: several folds, K cut into chunks");
            }
        }
    }

    // Pragmatic (Albericio et al., "Bit-Pragmatic Deep Neural Network Computing", MICRO 2017): a
    // group of lanes that advance together takes as many cycles as its activation with the most 1
    // bits. A 1x1 convolution of 32 channels over 4x4 pixels on 4x4 PEs of 16 lanes (the PIP tile's
    // 16 windows x 16 activations, here 4 pixels per fold) has 4 row folds x 2 steps = 8 groups of 64
    // activations. The tensors are built so that group g's largest activation has exactly
    // Histogram[g] 1 bits (the code 2^b - 1, the others random codes below it): the cycles are
    // then the histogram's prediction, sum over groups of max(1, b) plus 4 drain cycles per fold,
    // and so are dynamic_precision's (2^b - 1 needs b planes, every other code at most b).
    [Test]
    public void Pragmatic_CyclesEqualTheGroupBitHistogramsPrediction([Values(SkipMode.ZeroBits, SkipMode.DynamicPrecision)] SkipMode skip)
    {
        int[] histogram = [0, 1, 2, 3, 8, 5, 1, 4];
        var layer = new LayerWorkload("conv1x1", LayerShape.Conv(32, 4, 4, 4, 1), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.UInt(8), 32));
        var (input, weights) = PragmaticTensors(layer, histogram, 5);
        var unit = new BitSerialUnitSpec("pra", 4, 4, 16, SerialMode.Activations, 8, 1, skip);

        var run = Reference(layer, unit, input, weights);

        var predicted = histogram.Sum(b => Math.Max(1, b)) + 4 * 4;
        Assert.That(predicted, Is.EqualTo(41), "1+1+2+3+8+5+1+4 = 25 compute cycles + 16 drain");
        Assert.That(run.Result.ComputeCycles, Is.EqualTo(predicted));
        Assert.That(Reference(layer, unit with { Skip = SkipMode.None }, input, weights).Result.ComputeCycles, Is.EqualTo(8 * 8 + 16), "without skip: 8 planes per step");
    }

    /// <summary>
    /// Operands of the 1x1 convolution of 32 channels over 4x4 pixels on 4x4 PEs of 16 lanes whose
    /// group g (row fold g / 2, step g % 2) has exactly <paramref name="histogram"/>[g] 1 bits in its
    /// largest activation (the code 2^b - 1, the others random codes below it); int8 weights random.
    /// </summary>
    internal static (long[] Input, long[] Weights) PragmaticTensors(LayerWorkload layer, int[] histogram, int seed)
    {
        var rng = new Random(seed);
        var input = new long[layer.Shape.InputElements];
        for (var fold = 0; fold < 4; fold++)
            for (var step = 0; step < 2; step++)
            {
                var bits = histogram[fold * 2 + step];
                var top = (1L << bits) - 1;
                var chosen = rng.Next(64);
                for (var i = 0; i < 64; i++)
                {
                    var (pixel, channel) = (fold * 4 + i / 16, step * 16 + i % 16);
                    input[channel * 16 + pixel] = i == chosen ? top : rng.NextInt64(top + 1) & top;
                }
            }
        var weights = Enumerable.Range(0, (int)layer.Shape.WeightElements).Select(_ => (long)rng.Next(-128, 128)).ToArray();
        return (input, weights);
    }

    // Where every group is one activation (1 row, 1 lane) independence holds exactly, and the fast
    // engine's expectation from the histogram of the layer's input codes is the reference engine's
    // count over the real values: one fold of 12 steps of one activation each (M = 1).
    [TestCase(SkipMode.ZeroBits, SerialMode.Activations, 1, "uint6")]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Activations, 2, "uint6")]
    [TestCase(SkipMode.DynamicPrecision, SerialMode.Both, 1, "int5")]
    [TestCase(SkipMode.ZeroBits, SerialMode.Activations, 1, "int5")]
    public void SingleActivationGroups_FastEngineExpectationIsExact(SkipMode skip, SerialMode serial, int bitsPerCycle, string inputFormat)
    {
        var format = NumberFormat.Parse(inputFormat, "input");
        var layer = new LayerWorkload("gemm", LayerShape.Gemm(1, 12, 2), OperandPrecision.For(NumberFormat.Int(4), format, 12));
        var data = ReferenceData.Random(layer, 11);
        for (var i = 0; i < data.Input.Length; i += 4) data.Input[i] = 0;
        layer = layer with { Statistics = Measured(data.Input, format) };
        data = new ReferenceData(layer, data.Input, data.Weights);
        var unit = new BitSerialUnitSpec("bs", 1, 2, 1, serial, 8, bitsPerCycle, skip);

        var fast = Simulation.Run(layer, Large, new BitSerialModel(unit));
        var reference = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fast.ComputeCycles, Is.EqualTo(reference.Result.ComputeCycles));
            Assert.That(fast.Counts, Is.EqualTo(reference.Result.Counts));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }

    // E[max of g] from F^g: two activations per group, each 0 (set bits 0) or 3 (2 set bits) with
    // probability 1/2: E[cycles] = 1/4 x 1 (both zero: one cycle) + 3/4 x 2 = 7/4 per step;
    // 8 steps in one fold of 2 rows x 1 lane (K = 8) are 14 cycles, plus 2 drain.
    [Test]
    public void FastEngine_ExpectedMaximumOfAGroup_WorkedByHand()
    {
        var layer = new LayerWorkload("gemm", LayerShape.Gemm(2, 8, 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 8))
        {
            Statistics = new ValueStatistics { InputPopcountHistogram = new CodeHistogram([8, 0, 8], "input_popcount_hist") },
        };
        var unit = new BitSerialUnitSpec("bs", 2, 1, 1, SerialMode.Activations, 8, 1, SkipMode.ZeroBits);
        Assert.That(Simulation.Run(layer, Large, new BitSerialModel(unit)).ComputeCycles, Is.EqualTo(14 + 2));
    }

    // A group of 64 x 64 = 4,096 activations, half of them 0 and half with 2 set bits: the exact
    // powers would pass 65,536 bits, so the expectation is taken in doubles: 2 - 2^-4096 cycles,
    // which rounds to 2, plus 64 drain cycles.
    [Test]
    public void FastEngine_HugeGroups_AreExpectedInDoubles()
    {
        var layer = new LayerWorkload("gemm", LayerShape.Gemm(64, 64, 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 64))
        {
            Statistics = new ValueStatistics { InputPopcountHistogram = new CodeHistogram([2048, 0, 2048], "input_popcount_hist") },
        };
        var unit = new BitSerialUnitSpec("bs", 64, 1, 64, SerialMode.Activations, 8, 1, SkipMode.ZeroBits);
        Assert.That(Simulation.Run(layer, Large, new BitSerialModel(unit)).ComputeCycles, Is.EqualTo(2 + 64));
    }

    [Test]
    public void FastEngine_WithoutTheHistogram_NamesTheLayerAndTheColumn()
    {
        var layer = Small(NumberFormat.UInt(4));
        var unit = new BitSerialUnitSpec("pra", 2, 1, 4, SerialMode.Activations, 8, 1, SkipMode.DynamicPrecision);
        var e = Assert.Throws<InputException>(() => Simulation.Run(layer, Large, new BitSerialModel(unit)))!;
        Assert.That(e.Field, Is.EqualTo("input_precision_hist"));
        Assert.That(e.Rule, Does.Contain("layer 'gemm' has no input_precision_hist").And.Contain("unit 'pra' (skip: dynamic_precision)"));
    }

    [Test]
    public void WithoutSkip_TheHistogramChangesNothing()
    {
        var layer = Small(NumberFormat.UInt(4));
        var measured = layer with { Statistics = Measured(Input, NumberFormat.UInt(4)) };
        var unit = new BitSerialUnitSpec("bs", 2, 1, 4, SerialMode.Activations, 8);
        Assert.That(Simulation.Run(measured, Large, new BitSerialModel(unit)) with { Layer = "x" },
            Is.EqualTo(Simulation.Run(layer, Large, new BitSerialModel(unit)) with { Layer = "x" }));
    }

    [Test]
    public void ZeroBits_NeedsSerialActivationsAndOneBitPerCycle()
    {
        var unit = new BitSerialUnitSpec("bs", 2, 1, 4, SerialMode.Activations, 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Assert.Throws<InputException>(() => _ = new BitSerialUnitSpec("bs", 2, 1, 4, SerialMode.Both, 8, 1, SkipMode.ZeroBits))!.Field, Is.EqualTo("units[].skip"));
            Assert.That(Assert.Throws<InputException>(() => _ = unit with { BitsPerCycle = 2, Skip = SkipMode.ZeroBits })!.Field, Is.EqualTo("units[].skip"));
            Assert.That(Assert.Throws<InputException>(() => _ = unit with { Skip = SkipMode.ZeroBits, Serial = SerialMode.Both })!.Field, Is.EqualTo("units[].serial"));
            Assert.That((unit with { Serial = SerialMode.Both, BitsPerCycle = 4, Skip = SkipMode.DynamicPrecision }).Skip, Is.EqualTo(SkipMode.DynamicPrecision));
        }
    }

    internal static ValueStatistics Measured(long[] input, NumberFormat format) => new()
    {
        InputPopcountHistogram = CodeHistogram.Of(input, format, CodeMeasure.SetBits, "input_popcount_hist"),
        InputPrecisionHistogram = CodeHistogram.Of(input, format, CodeMeasure.Precision, "input_precision_hist"),
    };
}
