using NUnit.Framework;
using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitFusion;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Tests.Simulator.Engine;
using HwSim.Tests.Simulator.BitSerial;

namespace HwSim.Tests.Simulator.BitFusion;

/// <summary>
/// The fast fusion model against the cycle-stepped reference on random small layers, operand
/// formats of 1 to 16 bits (every spatial fusion, temporal passes, signed and unsigned, binary and
/// ternary), arrays, buffers and DRAM channels: same cycles, stalls, folds and every count, and
/// the reference's output (computed from 2-bit pieces through BitBricks) equal to the plain-loop
/// convolution. Tiny buffers cut M into time chunks and K over row folds leaves partial sums.
/// </summary>
[TestFixture]
public sealed class FusionAgreementTests
{
    public sealed record Case(LayerWorkload Layer, FusionUnitSpec Unit, ArchitectureSpec Arch, int Seed)
    {
        public override string ToString() =>
            $"{Layer} | {Unit.Rows}x{Unit.Cols} | buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, " +
            $"word {Arch.Buffers.WordBits} | DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    // The bit-serial agreement test's layers, buffers and words: the same regimes for every kind.
    private static readonly Gen<LayerShape> Shapes = BitSerialAgreementTests.Shapes;

    // Widths weighted towards the fusion boundaries (2, 4, 8, 16) and the ones between them.
    private static readonly Gen<int> Bits = Gen.OneOf(Gen.Int[2, 4], Gen.Int[2, 8], Gen.Int[2, 16]);

    private static readonly Gen<NumberFormat> Operands =
        from kind in Gen.Int[0, 3]
        from bits in Bits
        select kind switch { 0 => NumberFormat.Int(bits), 1 => NumberFormat.UInt(bits), 2 => NumberFormat.Binary, _ => bits <= 4 ? NumberFormat.Ternary : NumberFormat.Int(bits) };

    private static long Bytes(int choice, long elements, NumberFormat format) => BitSerialAgreementTests.Bytes(choice, elements, format);

    private static readonly long[] BufferBytes = BitSerialAgreementTests.BufferBytes;

    private static readonly int[] WordBits = BitSerialAgreementTests.WordBits;

    private static readonly Gen<Case> Cases =
        from shape in Shapes
        from weight in Operands
        from activation in Operands
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from buffers in Gen.Int[-2, BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 16]
        from seed in Gen.Int[0, 1_000_000]
        let unit = new FusionUnitSpec("bf", rows, cols, maxBits: 16)
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(
                Bytes(buffers[0], shape.InputElements / shape.Groups, activation),
                Bytes(buffers[1], shape.WeightElements / shape.Groups, weight),
                Bytes(buffers[2], shape.OutputElements / shape.Groups, NumberFormat.Int(32)), WordBits[word]), [unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(weight, activation, shape.GemmK)), unit, arch, seed);

    [Test]
    public void Property_FastModelEqualsReference()
    {
        long ran = 0, notRun = 0, stalled = 0, chunked = 0, partial = 0, temporal = 0, spatial16 = 0, idleRows = 0;
        Cases.Sample(c =>
        {
            var fast = EnginesAgree.Check(c, c.Layer, c.Arch, new FusionModel(c.Unit), new FusionReference(c.Unit), c.Seed);
            if (!fast.Ran)
            {
                Interlocked.Increment(ref notRun);
                return;
            }
            Interlocked.Increment(ref ran);
            if (fast.StallCycles > 0) Interlocked.Increment(ref stalled);
            var problem = new GemmProblem(c.Layer);
            var model = new FusionModel(c.Unit);
            var (grid, _) = Chunking.Fit(problem, model.Grid(problem), c.Arch.Buffers);
            if (grid.TimeChunk < problem.M) Interlocked.Increment(ref chunked);
            if (grid.RowFolds(problem) > 1) Interlocked.Increment(ref partial);
            if (grid.Folds(problem).Any(f => f.Rows < c.Unit.Rows)) Interlocked.Increment(ref idleRows);
            var p = c.Layer.Precision;
            if (Math.Max(p.Weight.Bits, p.Input.Bits) > 8) Interlocked.Increment(ref temporal);
            if (grid.TermsPerRow == 16) Interlocked.Increment(ref spatial16);
        }, iter: 1500, print: c => c.ToString());

        TestContext.Out.WriteLine($"ran {ran} (M in time chunks {chunked}, K over row folds {partial}, idle rows {idleRows}, temporal passes {temporal}, 2x2 fusion {spatial16}, stalled {stalled}), not run {notRun}");
        // The generator must reach every regime, or agreement would be agreement on little; the
        // floors are about half of what runs reach (e.g. temporal passes 199 to 228 of 1,500), as samples vary.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThan(800));
            Assert.That(notRun, Is.GreaterThan(30));
            Assert.That(stalled, Is.GreaterThan(300));
            Assert.That(chunked, Is.GreaterThan(100));
            Assert.That(partial, Is.GreaterThan(120));
            Assert.That(idleRows, Is.GreaterThan(200));
            Assert.That(temporal, Is.GreaterThan(100));
            Assert.That(spatial16, Is.GreaterThan(100));
        }
    }
}
