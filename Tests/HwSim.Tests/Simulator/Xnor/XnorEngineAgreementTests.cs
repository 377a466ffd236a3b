using NUnit.Framework;
using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Xnor;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Xnor;

/// <summary>
/// The fast XNOR model against the cycle-stepped reference on random small layers, formats,
/// arrays, buffers and DRAM channels: same run/not-run, cycles, stalls, folds and every count,
/// and the reference's output equal to the plain convolution. Tiny buffers cut K into chunks,
/// so many cases run partial folds (partial sums shifted in, drained at accumulator width and,
/// with a tiny output buffer, spilled to DRAM and read back).
/// </summary>
[TestFixture]
public sealed class XnorEngineAgreementTests
{
    public sealed record Case(LayerWorkload Layer, ArchitectureSpec Arch, int Seed)
    {
        public XnorUnitSpec Unit => (XnorUnitSpec)Arch.Units[0];

        public override string ToString() =>
            $"{Layer} | unit {Unit.Rows}x{Unit.Cols} lanes {Unit.Lanes} | buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B word {Arch.Buffers.WordBits} | dram {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    private static readonly NumberFormat[] Formats =
        [NumberFormat.Binary, NumberFormat.Ternary, NumberFormat.Int(2), NumberFormat.Int(3), NumberFormat.Int(4),
         NumberFormat.UInt(1), NumberFormat.UInt(2), NumberFormat.UInt(3), NumberFormat.UInt(4)];

    // From 'nothing fits' through 'tiles and strips reload per fold' to 'whole layer resident'.
    private static readonly long[] BufferBytes = [2, 4, 8, 16, 32, 64, 128, 512, 4096, 1 << 20, 1 << 20, 1 << 20];

    private static readonly int[] WordBits = [8, 16, 64, 256];

    private static readonly Gen<(NumberFormat Weight, NumberFormat Input)> Precisions =
        from pick in Gen.Int[0, 9]
        from w in Gen.Int[0, Formats.Length - 1]
        from a in Gen.Int[0, Formats.Length - 1]
        select pick < 6 ? (NumberFormat.Binary, NumberFormat.Binary) : (Formats[w], Formats[a]);

    // Up to 12 channels per group and 3x3 kernels: reductions up to 108 terms, so lanes > 64 matter.
    private static readonly Gen<LayerShape> Shapes =
        from groups in Gen.Int[1, 3]
        from channelsPerGroup in Gen.Int[1, 12]
        from filtersPerGroup in Gen.Int[1, 6]
        from batch in Gen.Int[1, 2]
        from height in Gen.Int[1, 9]
        from width in Gen.Int[1, 9]
        from kernelHeight in Gen.Int[1, 3]
        from kernelWidth in Gen.Int[1, 3]
        from stride in Gen.Int[1, 2].Array[2]
        from pads in Gen.Int[0, 2].Array[4]
        from dilation in Gen.Int[1, 2].Array[2]
        where dilation[0] * (kernelHeight - 1) + 1 <= height + pads[0] + pads[1]
           && dilation[1] * (kernelWidth - 1) + 1 <= width + pads[2] + pads[3]
        select new LayerShape(LayerKind.Convolution, batch, groups * channelsPerGroup, height, width, groups * filtersPerGroup,
            kernelHeight, kernelWidth, stride[0], stride[1], new Padding(pads[0], pads[1], pads[2], pads[3]), dilation[0], dilation[1], groups);

    private static readonly Gen<Case> Cases =
        from shape in Shapes
        from precision in Precisions
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from lanesRange in Gen.Int[0, 2]
        from lanes in lanesRange switch { 0 => Gen.Int[1, 8], 1 => Gen.Int[9, 40], _ => Gen.Int[60, 70] }
        from buffers in Gen.Int[0, BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 16]
        from seed in Gen.Int[0, int.MaxValue]
        select new Case(
            new LayerWorkload("l", shape, OperandPrecision.For(precision.Weight, precision.Input, shape.GemmK)),
            new ArchitectureSpec("random", 100, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
                new BufferSpec(BufferBytes[buffers[0]], BufferBytes[buffers[1]], BufferBytes[buffers[2]], WordBits[word]),
                [new XnorUnitSpec("xnor", rows, cols, lanes, maxBits: 4)]),
            seed);

    [Test]
    public void FastModelEqualsReference_OnRandomLayers()
    {
        int ran = 0, chunked = 0, spilled = 0, ragged = 0;
        Cases.Sample(c =>
        {
            var (fast, reference, expected) = RunBoth(c);
            Assert.That(Mismatch(fast, reference.Result), Is.Null, () => $"{c}\n{Mismatch(fast, reference.Result)}");
            if (!fast.Ran)
                return;
            Interlocked.Increment(ref ran);
            Assert.That(reference.Output, Is.EqualTo(expected), c.ToString);
            var (problem, chunk) = TimeChunk(c);
            if (chunk >= problem.K)
                return;
            Interlocked.Increment(ref chunked);
            // Partial sums that do not fit in half the output buffer go to DRAM and come back.
            if (GemmProblem.PackedBytes(Math.Min(c.Unit.Rows, problem.M) * Math.Min(c.Unit.Cols, problem.N), problem.AccumulatorFormat) > c.Arch.Buffers.Half(BufferKind.Ofmap))
                Interlocked.Increment(ref spilled);
            // Chunks that end inside a step's word: the chunk boundary, not the lanes, cuts the step.
            if (chunk % c.Unit.Lanes != 0)
                Interlocked.Increment(ref ragged);
        }, iter: 4000);

        TestContext.Out.WriteLine($"ran {ran}, chunked {chunked} (partial sums spilled {spilled}, chunk not a multiple of lanes {ragged})");
        // Guards the generator: the comparison means little if almost nothing fits, or nothing is chunked.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThan(3000));
            Assert.That(chunked, Is.GreaterThan(1000));
            Assert.That(spilled, Is.GreaterThan(150));
            Assert.That(ragged, Is.GreaterThan(800));
        }
    }

    /// <summary>The layer's GEMM and the time chunk both engines fold it with (K itself when it is not cut).</summary>
    internal static (GemmProblem Problem, long Chunk) TimeChunk(Case c)
    {
        var problem = new GemmProblem(c.Layer);
        var (grid, _) = Chunking.Fit(problem, new XnorModel(c.Unit).Grid(problem), c.Arch.Buffers);
        return (problem, Math.Min(grid.TimeChunk, problem.K));
    }

    /// <summary>
    /// Reductions of 108 terms on words of 63 to 70 lanes (steps straddle the 64-bit boundary), with
    /// int4 and ternary weight tiles reloaded per column fold (their 5-filter matrix exceeds half the weight buffer).
    /// </summary>
    [TestCase(63, "binary", "binary")]
    [TestCase(64, "binary", "binary")]
    [TestCase(65, "binary", "binary")]
    [TestCase(70, "binary", "binary")]
    [TestCase(65, "int4", "binary")]
    [TestCase(70, "ternary", "uint3")]
    public void WideReductions_Agree(int lanes, string weight, string input)
    {
        var shape = LayerShape.Conv(12, 5, 5, 5, 3, pad: 1);
        var layer = new LayerWorkload("wide", shape, OperandPrecision.For(NumberFormat.Parse(weight), NumberFormat.Parse(input), shape.GemmK));
        var unit = new XnorUnitSpec("xnor", 3, 2, lanes, maxBits: 4);
        var c = new Case(layer, new ArchitectureSpec("wide", 100, new DramSpec(3), new BufferSpec(1 << 20, 256, 1 << 20), [unit]), lanes);

        var (fast, reference, expected) = RunBoth(c);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fast.Ran, Is.True, fast.NotRunReason);
            Assert.That(Mismatch(fast, reference.Result), Is.Null);
            Assert.That(reference.Output, Is.EqualTo(expected));
        }
    }

    internal static (LayerResult Fast, ReferenceEngine.Run Reference, long[] Expected) RunBoth(Case c)
    {
        var data = ReferenceData.Random(c.Layer, c.Seed);
        var fast = Simulation.Run(c.Layer, c.Arch, new XnorModel(c.Unit));
        var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, new XnorReference(c.Unit), data);
        return (fast, reference, ReferenceConvolution.Compute(data));
    }

    /// <summary>Null when the engines agree, else both results side by side.</summary>
    internal static string? Mismatch(LayerResult fast, LayerResult reference)
    {
        var same = fast.Ran == reference.Ran
            && (!fast.Ran || (fast.ComputeCycles == reference.ComputeCycles && fast.StallCycles == reference.StallCycles
                && fast.TotalCycles == reference.TotalCycles && fast.Folds == reference.Folds && fast.Counts.Equals(reference.Counts)));
        return same ? null : $"fast:      {Describe(fast)}\nreference: {Describe(reference)}";
    }

    private static string Describe(LayerResult r) => r.Ran
        ? $"compute {r.ComputeCycles}, stall {r.StallCycles}, total {r.TotalCycles}, folds {r.Folds}\n    {r.Counts}"
        : $"not run: {r.NotRunReason}";
}
