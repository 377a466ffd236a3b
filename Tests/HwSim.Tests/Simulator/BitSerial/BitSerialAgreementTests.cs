using NUnit.Framework;
using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Tests.Simulator.Engine;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// The fast bit-serial model against the cycle-stepped reference on random small layers, formats,
/// arrays (1, 2 or 4 bits per cycle), buffers and DRAM channels: same cycles, stalls, folds and every count, and the
/// reference's output equal to the plain-loop convolution. Tiny buffers make many layers cut K
/// into time chunks (partial reductions with partial sums shifted back in, kept on chip or spilled).
/// </summary>
[TestFixture]
public sealed class BitSerialAgreementTests
{
    public sealed record Case(LayerWorkload Layer, BitSerialUnitSpec Unit, ArchitectureSpec Arch, int Seed)
    {
        public override string ToString() =>
            $"{Layer} | {Unit.Rows}x{Unit.Cols} lanes {Unit.Lanes} serial {Unit.Serial} bpc {Unit.BitsPerCycle} | buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, " +
            $"word {Arch.Buffers.WordBits} | DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    internal static readonly Gen<LayerShape> Shapes =
        from groups in Gen.Int[1, 3]
        from channelsPerGroup in Gen.Int[1, 3]
        from filtersPerGroup in Gen.Int[1, 3]
        from batch in Gen.Int[1, 2]
        from h in Gen.Int[1, 9]
        from w in Gen.Int[1, 9]
        from r in Gen.Int[1, 3]
        from s in Gen.Int[1, 3]
        from strideH in Gen.Int[1, 2]
        from strideW in Gen.Int[1, 2]
        from pads in Gen.Int[0, 2].Array[4]
        from dilationH in Gen.Int[1, 2]
        from dilationW in Gen.Int[1, 2]
        where dilationH * (r - 1) + 1 <= h + pads[0] + pads[1] && dilationW * (s - 1) + 1 <= w + pads[2] + pads[3]
        select new LayerShape(LayerKind.Convolution, batch, groups * channelsPerGroup, h, w, groups * filtersPerGroup, r, s,
            strideH, strideW, new Padding(pads[0], pads[1], pads[2], pads[3]), dilationH, dilationW, groups);

    // Weights: intB, binary, ternary, uintB; activations: uintB, intB, binary, ternary (all within max_bits 8).
    internal static readonly Gen<NumberFormat> Weights =
        from kind in Gen.Int[0, 3]
        from bits in Gen.Int[2, 8]
        select kind switch { 0 => NumberFormat.Int(bits), 1 => NumberFormat.Binary, 2 => NumberFormat.Ternary, _ => NumberFormat.UInt(bits) };

    internal static readonly Gen<NumberFormat> Activations =
        from kind in Gen.Int[0, 3]
        from bits in Gen.Int[1, 8]
        select kind switch { 0 => NumberFormat.UInt(bits), 1 => NumberFormat.Int(Math.Max(2, bits)), 2 => NumberFormat.Binary, _ => NumberFormat.Ternary };

    // Shared with the other kinds' agreement tests. From a single byte per half (nearly nothing fits: strips, re-fetches, 'does not fit') to everything resident;
    // a negative choice (two in nine) sizes it one byte short of holding a group's whole operand, so folds fetch strips or tiles.
    internal static readonly long[] BufferBytes = [2, 16, 32, 64, 160, 400, 1 << 20];

    internal static long Bytes(int choice, long elements, NumberFormat format) =>
        choice >= 0 ? BufferBytes[choice] : Math.Max(2, 2 * (GemmProblem.PackedBytes(elements, format) - 1));

    internal static readonly int[] WordBits = [8, 16, 64, 256];

    private static readonly Gen<Case> Cases =
        from shape in Shapes
        from weight in Weights
        from activation in Activations
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from lanes in Gen.Int[1, 9]
        from serial in Gen.Int[0, 1]
        from bitsPerCycleChoice in Gen.Int[0, 3]
        from buffers in Gen.Int[-2, BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 16]
        from seed in Gen.Int[0, 1_000_000]
        let unit = new BitSerialUnitSpec("bs", rows, cols, lanes, (SerialMode)serial, maxBits: 8, bitsPerCycle: bitsPerCycleChoice == 0 ? 1 : 1 << (bitsPerCycleChoice - 1))
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(
                Bytes(buffers[0], shape.InputElements / shape.Groups, activation),
                Bytes(buffers[1], shape.WeightElements / shape.Groups, weight),
                Bytes(buffers[2], shape.OutputElements / shape.Groups, NumberFormat.Int(32)), WordBits[word]), [unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(weight, activation, shape.GemmK)), unit, arch, seed);

    [Test]
    public void Property_FastModelEqualsReference()
    {
        long ran = 0, notRun = 0, stalled = 0, strips = 0, tiles = 0, chunked = 0, spilled = 0;
        Cases.Sample(c =>
        {
            var fast = EnginesAgree.Check(c, c.Layer, c.Arch, new BitSerialModel(c.Unit), new BitSerialReference(c.Unit), c.Seed);
            if (!fast.Ran)
            {
                Interlocked.Increment(ref notRun);
                return;
            }
            Interlocked.Increment(ref ran);
            if (fast.StallCycles > 0) Interlocked.Increment(ref stalled);
            var problem = new GemmProblem(c.Layer);
            var planner = new TrafficPlanner(problem, c.Arch.Buffers);
            if (!planner.InputResident) Interlocked.Increment(ref strips);
            if (!planner.WeightsResident) Interlocked.Increment(ref tiles);
            // The same chunked grid both engines ran: K cut into time chunks means partial reductions.
            var (grid, _) = Chunking.Fit(problem, new BitSerialModel(c.Unit).Grid(problem), c.Arch.Buffers);
            if (grid.TimeChunk < problem.K)
            {
                Interlocked.Increment(ref chunked);
                // Partial sums of a tile too large for half the ofmap buffer go to DRAM and come back.
                if (grid.Folds(problem).Any(f => !f.EndsReduction(problem.K) &&
                        GemmProblem.PackedBytes(f.M.Length * f.N.Length, problem.AccumulatorFormat) > c.Arch.Buffers.Half(BufferKind.Ofmap)))
                    Interlocked.Increment(ref spilled);
            }
        }, iter: 2400, print: c => c.ToString());

        TestContext.Out.WriteLine($"ran {ran} (input in strips {strips}, weights in tiles {tiles}, K in time chunks {chunked} of which partial sums spilled {spilled}, stalled {stalled}), not run {notRun}");
        // The generator must reach every regime, or agreement would be agreement on little.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.GreaterThan(1_000));
            Assert.That(notRun, Is.GreaterThan(50));
            Assert.That(stalled, Is.GreaterThan(500));
            Assert.That(strips, Is.GreaterThan(200));
            Assert.That(tiles, Is.GreaterThan(60));
            Assert.That(chunked, Is.GreaterThan(300));
            Assert.That(spilled, Is.GreaterThan(30));
        }
    }
}
