using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// Small GEMMs worked by hand: cycles per layer in both serial modes, every count of one fold
/// (fast model and reference), every count of a reduction cut into two time chunks, sign planes
/// at the formats' extremes, and strip reuse.
/// </summary>
[TestFixture]
public sealed class BitSerialFoldTests
{
    private static readonly ArchitectureSpec Large = Arch(DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20));

    private static ArchitectureSpec Arch(DramSpec dram, BufferSpec buffers) =>
        new("test", 500, dram, buffers, [new BitSerialUnitSpec("placeholder", 1, 1, 1, SerialMode.Activations, 8)]);

    private static LayerWorkload Gemm(int m, int k, int n, NumberFormat weight, NumberFormat input) =>
        new("gemm", LayerShape.Gemm(m, k, n), OperandPrecision.For(weight, input, k));

    // M=5, K=10, N=3 on 2x2 PEs of 4 lanes, int4 weights, uint3 activations: column folds of 2 and 1
    // filters, row folds of 2, 2 and 1 pixels, ceil(10/4) = 3 steps per fold.
    //   serial activations: 3 cycles per step, folds 3*3 + sr = 11, 11, 10 per column fold -> 2 * 32 = 64;
    //   serial both: 4*3 = 12 cycles per step, folds 3*12 + sr = 38, 38, 37 -> 2 * 113 = 226.
    [TestCase(SerialMode.Activations, 64)]
    [TestCase(SerialMode.Both, 226)]
    public void SmallGemm_CyclesWorkedByHand(SerialMode serial, long cycles)
    {
        var layer = Gemm(5, 10, 3, NumberFormat.Int(4), NumberFormat.UInt(3));
        var unit = new BitSerialUnitSpec("bs", 2, 2, 4, serial, 8);

        var fast = Simulation.Run(layer, Large, new BitSerialModel(unit));
        var data = ReferenceData.Random(layer, 7);
        var reference = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((fast.ComputeCycles, fast.StallCycles, fast.Folds), Is.EqualTo((cycles, 0L, 6L)));
            Assert.That((reference.Result.ComputeCycles, reference.Result.StallCycles), Is.EqualTo((cycles, 0L)));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }

    /// <summary>One fold's cycles and counts, each derived by hand below.</summary>
    public sealed record Expected(long Cycles, long Busy, long And, long ShiftAccumulate, long RegisterWrite, long RegisterRead);

    // One fold: M=2 pixels on 2 rows, N=3 filters on 3 columns (P = 6 PEs), K=5 terms on 2 lanes
    // (steps of 2, 2, 1 terms: S = 3), int3 weights (b_w 3), uint2 activations (b_a 2), accumulator
    // int8 (3 + 2 + ceil(log2 5)), output uint2. Operand loads P*T*(b_a + b_w) = 6*5*5 = 150 bits;
    // drain: 3 columns x one move (1*8 write, 8 read) and two emits (2*8 read). Reads under the
    // register convention (Simulator/README.md §5): planes selected through a multiplexer and the
    // chain, not the held weight (wired to its AND gates) nor the accumulator feeding its adder.
    //   serial activations, cps 2: cycles 3*2 + 2 = 8; busy = shift-accumulates = 6*3*2 = 36;
    //     AND = adder-tree bits = P*T*b_w*b_a = 180; writes 150 + 36*8 + 3*8 = 462;
    //     reads P*T*b_a = 60 (one activation bit per lane per cycle), + 3*3*8 = 132.
    //   serial both, cps 6: cycles 3*6 + 2 = 20; busy 6*3*6 = 108; AND 180;
    //     writes 150 + 108*8 + 24 = 1038; reads 2*P*T*b_w*b_a = 360, + 72 = 432.
    private static IEnumerable<TestCaseData> OneFoldCases()
    {
        yield return new TestCaseData(SerialMode.Activations, new Expected(8, 36, 180, 36, 462, 132)).SetArgDisplayNames("serial activations");
        yield return new TestCaseData(SerialMode.Both, new Expected(20, 108, 180, 108, 1038, 432)).SetArgDisplayNames("serial both");
    }

    [TestCaseSource(nameof(OneFoldCases))]
    public void OneFold_EveryCountWorkedByHand(SerialMode serial, Expected expected)
    {
        var layer = Gemm(2, 5, 3, NumberFormat.Int(3), NumberFormat.UInt(2));
        var unit = new BitSerialUnitSpec("bs", 2, 3, 2, serial, 8);
        var problem = new GemmProblem(layer);
        var model = new BitSerialModel(unit);
        var fold = model.Grid(problem).Folds(problem).Single();
        Assert.That(problem.AccumulatorFormat, Is.EqualTo(NumberFormat.Int(8)));

        var fast = model.Cost(problem, fold);
        var operands = new GemmOperands(problem, ReferenceData.Random(layer, 3));
        var stepping = new BitSerialReference(unit).Start(operands, fold);
        long cycles = 1;
        while (!stepping.Step()) cycles++;
        var measured = stepping.Measured(cycles);

        foreach (var cost in new[] { fast, measured })
            using (Assert.EnterMultipleScope())
            {
                Assert.That((cost.ComputeCycles, cost.BusyPeCycles), Is.EqualTo((expected.Cycles, expected.Busy)));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.AndBitOp)], Is.EqualTo(expected.And));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.PopcountInputBit)], Is.EqualTo(expected.And));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.ShiftAccumulate, 8)], Is.EqualTo(expected.ShiftAccumulate));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterWriteBit)], Is.EqualTo(expected.RegisterWrite));
                Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterReadBit)], Is.EqualTo(expected.RegisterRead));
                Assert.That(cost.Compute.Counts, Has.Count.EqualTo(5), "no Multiply or Add: the datapath has AND gates, an adder tree and a shift-accumulator");
                // SRAM, once per step for all planes: 2 rows x 5 uint2, 3 columns x 5 int3, 6 uint2 outputs.
                Assert.That((cost.IfmapReadBits, cost.WeightReadBits, cost.OfmapReadBits, cost.OfmapWriteBits), Is.EqualTo((20L, 45L, 0L, 12L)));
            }
    }

    /// <summary>One fold's SRAM streams, in bits.</summary>
    public sealed record ExpectedSram(long IfmapRead, long WeightRead, long OfmapRead, long OfmapWrite);

    // Two time chunks: M=2 pixels on 2 rows, N=3 filters on 3 columns (P = 6 PEs), K=7 terms on 2
    // lanes, int3 weights (b_w 3), uint2 activations (b_a 2), accumulator int8 (3 + 2 + ceil(log2 7)),
    // output uint2. The 7x3 int3 weights (63 bits, 8 B) do not fit half of a 10 B weight buffer
    // (5 B); a chunk of ceil(7/2) = 4 terms (4x3 int3 = 36 bits, 5 B) does: folds K [0,4) then [4,7).
    //   Fold 0, K [0,4): T 4, S 2; starts the reduction (no shift-in), does not end it (drains
    //     6 partial sums at 8 bits). Loads P*T*(b_a + b_w) = 6*4*5 = 120; drain 3 columns x
    //     (1 move: 8 written, 8 read; 2 emits: 16 read) = 24 written, 72 read.
    //     SRAM: ifmap 2 rows x 4 x 2 = 16, weights 3 columns x 4 x 3 = 36, ofmap read 0, write 6*8 = 48.
    //   Fold 1, K [4,7): T 3, S 2 (2 + 1 terms); first shifts the 6 partial sums in: 2 cycles, per
    //     column 2 entries (16 written) + 1 move (8 written, 8 read) = 3 x 24 = 72 written, 24 read;
    //     ends the reduction (6 uint2 outputs). Loads 6*3*5 = 90.
    //     SRAM: ifmap 2 x 3 x 2 = 12, weights 3 x 3 x 3 = 27, ofmap read 6*8 = 48, write 6*2 = 12.
    //   serial activations, cps 2: busy = shift-accumulates = 6*2*2 = 24 per fold (shift-in idle);
    //     fold 0: cycles 2*2 + 2 = 6; AND P*T*b_w*b_a = 6*4*6 = 144; writes 120 + 24*8 + 24 = 336;
    //       reads P*T*b_a = 48 (the held weights and the accumulator feeding its adder are not
    //       read, Simulator/README.md §5), + 72 = 120.
    //     fold 1: cycles 2 + 2*2 + 2 = 8; AND 6*3*6 = 108; writes 90 + 192 + 24 + 72 = 378;
    //       reads 6*3*2 = 36, + 72 + 24 = 132.
    //   serial both, cps 6: busy 6*2*6 = 72 per fold, accumulator writes 72*8 = 576;
    //     fold 0: cycles 2*6 + 2 = 14; AND 144; writes 120 + 576 + 24 = 720; reads 2*6*4*6 = 288, + 72 = 360.
    //     fold 1: cycles 2 + 2*6 + 2 = 16; AND 108; writes 90 + 576 + 24 + 72 = 762; reads 2*6*3*6 = 216, + 72 + 24 = 312.
    private static IEnumerable<TestCaseData> TwoChunkCases()
    {
        var sram = new[] { new ExpectedSram(16, 36, 0, 48), new ExpectedSram(12, 27, 48, 12) };
        yield return new TestCaseData(SerialMode.Activations,
            new[] { new Expected(6, 24, 144, 24, 336, 120), new Expected(8, 24, 108, 24, 378, 132) }, sram).SetArgDisplayNames("serial activations");
        yield return new TestCaseData(SerialMode.Both,
            new[] { new Expected(14, 72, 144, 72, 720, 360), new Expected(16, 72, 108, 72, 762, 312) }, sram).SetArgDisplayNames("serial both");
    }

    private static readonly LayerWorkload TwoChunkLayer = Gemm(2, 7, 3, NumberFormat.Int(3), NumberFormat.UInt(2));

    private static ArchitectureSpec TwoChunkArch(long ofmapBytes) => Arch(DramSpec.Unlimited, new BufferSpec(1 << 20, 10, ofmapBytes));

    [TestCaseSource(nameof(TwoChunkCases))]
    public void TwoChunkFolds_EveryCountWorkedByHand(SerialMode serial, Expected[] expected, ExpectedSram[] sram)
    {
        var unit = new BitSerialUnitSpec("bs", 2, 3, 2, serial, 8);
        var problem = new GemmProblem(TwoChunkLayer);
        var model = new BitSerialModel(unit);
        var (grid, unfit) = Chunking.Fit(problem, model.Grid(problem), TwoChunkArch(1 << 20).Buffers);
        var folds = grid.Folds(problem).ToList();
        Assert.That((unfit, grid.TimeChunk, problem.AccumulatorFormat, problem.OutputFormat), Is.EqualTo(((string?)null, 4L, NumberFormat.Int(8), NumberFormat.UInt(2))));
        Assert.That(folds.Select(f => f.K), Is.EqualTo(new[] { new Span(0, 4), new Span(4, 7) }));

        var operands = new GemmOperands(problem, ReferenceData.Random(TwoChunkLayer, 5));
        var reference = new BitSerialReference(unit);
        for (var i = 0; i < folds.Count; i++)
        {
            var fast = model.Cost(problem, folds[i]);
            var stepping = reference.Start(operands, folds[i]);
            long cycles = 1;
            while (!stepping.Step()) cycles++;
            var measured = stepping.Measured(cycles);
            var (e, m) = (expected[i], sram[i]);
            foreach (var cost in new[] { fast, measured })
                using (Assert.EnterMultipleScope())
                {
                    Assert.That((cost.ComputeCycles, cost.BusyPeCycles), Is.EqualTo((e.Cycles, e.Busy)), $"fold {i}");
                    Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.AndBitOp)], Is.EqualTo(e.And), $"fold {i}");
                    Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.PopcountInputBit)], Is.EqualTo(e.And), $"fold {i}");
                    Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.ShiftAccumulate, 8)], Is.EqualTo(e.ShiftAccumulate), $"fold {i}");
                    Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterWriteBit)], Is.EqualTo(e.RegisterWrite), $"fold {i}");
                    Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterReadBit)], Is.EqualTo(e.RegisterRead), $"fold {i}");
                    Assert.That(cost.Compute.Counts, Has.Count.EqualTo(5), $"fold {i}");
                    Assert.That((cost.IfmapReadBits, cost.WeightReadBits, cost.OfmapReadBits, cost.OfmapWriteBits),
                        Is.EqualTo((m.IfmapRead, m.WeightRead, m.OfmapRead, m.OfmapWrite)), $"fold {i}");
                }
        }
        // Only the final chunk adds into the output, from the first chunk's partial sums shifted in.
        Assert.That(operands.Output, Is.EqualTo(ReferenceConvolution.Compute(operands.Data)));
    }

    // The same layer end to end, serial activations: 6 + 8 = 14 cycles, no stalls (DRAM unlimited),
    // idle 14*6 - 48 = 36 PE-cycles. DRAM in: the whole input (14 uint2, 4 B) once, weight tiles
    // 5 B + 4 B; out: 6 uint2 outputs, 2 B. The 6 partial sums (int8, 6 B) stay in a 1 MiB ofmap
    // buffer; half of a 10 B one (5 B) cannot hold them, so they go out and come back: +6 B each way.
    // Ofmap SRAM bits: array reads 48 and writes 48 + 12 = 60, plus 8x every DRAM byte out as reads
    // (kept 16, spilled 64) and 8x the partial sums read back as writes (spilled 48).
    [TestCase(1 << 20, 13, 2, 64, 60)]
    [TestCase(10, 19, 8, 112, 108)]
    public void TwoChunkLayer_KeepsOrSpillsPartialSums(long ofmapBytes, long dramRead, long dramWrite, long ofmapReadBits, long ofmapWriteBits)
    {
        var unit = new BitSerialUnitSpec("bs", 2, 3, 2, SerialMode.Activations, 8);
        var arch = TwoChunkArch(ofmapBytes);
        var data = ReferenceData.Random(TwoChunkLayer, 11);
        var fast = Simulation.Run(TwoChunkLayer, arch, new BitSerialModel(unit));
        var reference = ReferenceEngine.Simulate(TwoChunkLayer, arch, new BitSerialReference(unit), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((fast.ComputeCycles, fast.StallCycles, fast.Folds), Is.EqualTo((14L, 0L, 2L)));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.IdlePeCycle)], Is.EqualTo(36));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)], Is.EqualTo(dramRead));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramWriteByte)], Is.EqualTo(dramWrite));
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap)], Is.EqualTo(ofmapReadBits));
            Assert.That(fast.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)], Is.EqualTo(ofmapWriteBits));
            Assert.That((reference.Result.ComputeCycles, reference.Result.StallCycles, reference.Result.Folds), Is.EqualTo((14L, 0L, 2L)));
            Assert.That(reference.Result.Counts, Is.EqualTo(fast.Counts));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }

    // Sign planes at the extremes: (-128)(-128) + 127(-128) + (-1)(127) = 16384 - 16256 - 127 = 1;
    // binary x ternary: (-1)(-1) + (+1)(0) + (+1)(+1) = 2 with both as 2-bit two's complement.
    [TestCase("int8", "int8", new long[] { -128, 127, -1 }, new long[] { -128, -128, 127 }, 1)]
    [TestCase("binary", "ternary", new long[] { -1, 1, 1 }, new long[] { -1, 0, 1 }, 2)]
    [TestCase("uint8", "uint1", new long[] { 255, 255, 1 }, new long[] { 1, 1, 0 }, 510)]
    [TestCase("ternary", "int2", new long[] { -1, -1, 0 }, new long[] { -2, 1, -2 }, 1)]
    public void SignPlanes_ExtremeValuesComputeExactly(string weight, string input, long[] weights, long[] inputs, long dot)
    {
        var layer = Gemm(1, 3, 1, NumberFormat.Parse(weight), NumberFormat.Parse(input));
        var data = new ReferenceData(layer, inputs, weights);
        foreach (var serial in new[] { SerialMode.Activations, SerialMode.Both })
        {
            var unit = new BitSerialUnitSpec("bs", 1, 1, 2, serial, 8);
            var run = ReferenceEngine.Simulate(layer, Large, new BitSerialReference(unit), data);
            Assert.That(run.Output, Is.EqualTo(new[] { dot }), serial.ToString);
        }
    }

    // A 1x1 conv on a 2x8 uint8 input does not fit half of a 16 B input buffer (16 B > 8 B), so
    // folds fetch strips of one input row (8 B). On 2 rows, output row 0 is covered by folds 0..3
    // and row 1 by folds 4..7: the strip changes once, so 2 strips = 16 B come in, not 8 x 8 B.
    [Test]
    public void ConsecutiveFoldsReadingTheSameRows_FetchTheStripOnce()
    {
        var layer = new LayerWorkload("row", LayerShape.Conv(1, 2, 8, 1, 1), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.UInt(8), 1));
        var arch = Arch(new DramSpec(4), new BufferSpec(16, 64, 64));
        var unit = new BitSerialUnitSpec("bs", 2, 1, 1, SerialMode.Activations, 8);

        var fast = Simulation.Run(layer, arch, new BitSerialModel(unit));
        var reference = ReferenceEngine.Simulate(layer, arch, new BitSerialReference(unit), ReferenceData.Random(layer, 1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fast.Folds, Is.EqualTo(8));
            // 16 B of strips + 1 B of weights in; 16 uint8 outputs out.
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)], Is.EqualTo(17));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.DramWriteByte)], Is.EqualTo(16));
            Assert.That(reference.Result.Counts, Is.EqualTo(fast.Counts));
            Assert.That(reference.Result.TotalCycles, Is.EqualTo(fast.TotalCycles));
        }
    }

    [Test]
    public void Registered_AsTheBitSerialKindsModel()
    {
        var unit = new BitSerialUnitSpec("bs", 2, 2, 4, SerialMode.Both, 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UnitModels.For(unit), Is.InstanceOf<BitSerialModel>());
            Assert.That(ReferenceUnits.For(unit), Is.InstanceOf<BitSerialReference>());
        }
    }
}
