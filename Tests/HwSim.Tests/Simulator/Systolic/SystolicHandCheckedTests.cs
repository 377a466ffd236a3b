using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Systolic;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Systolic;

/// <summary>
/// Cycles and counts worked out by hand from README §3-§5 and the register closed forms, checked
/// on both engines. Every GEMM here is int8 x int8 with int8 outputs.
/// </summary>
public class SystolicHandCheckedTests
{
    private static LayerWorkload Gemm(int m, int k, int n) =>
        new("gemm", LayerShape.Gemm(m, k, n), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), k));

    private static SystolicUnitSpec Unit(Dataflow dataflow, int rows, int cols) => new("array", rows, cols, dataflow, NumberFormat.Int(8));

    private static ArchitectureSpec Arch(SystolicUnitSpec unit, DramSpec? dram = null) =>
        new("hand", 1000, dram ?? DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20), [unit]);

    // GEMM M=3, K=4, N=5; folds go column fold outermost.
    // os 2x2: rows M -> sr 2,1; cols N -> sc 2,2,1; T = K = 4; T + AR + sc - 1 = 5 + sc: 7,7 | 7,7 | 6,6 = 40.
    // ws 2x2: rows K -> sr 2,2; cols N -> sc 2,2,1; T = M = 3; sr + T + sc + AR - 1 = 6 + sc: 8,8 | 8,8 | 7,7 = 46.
    // is 2x2: rows K -> sr 2,2; cols M -> sc 2,1; T = N = 5; 8 + sc: 10,10 | 9,9 = 38.
    // os 3x2: rows M -> sr 3; sc 2,2,1; T = 4; 4 + 3 + sc - 1: 8 | 8 | 7 = 23.
    // ws 3x2: rows K -> sr 3,1; sc 2,2,1; T = 3; sr + 3 + sc + 3 - 1: 10,8 | 10,8 | 9,7 = 52 (sums from the
    //   1-row folds pass two unused rows).
    [TestCase(Dataflow.OutputStationary, 2, 2, 6, 40)]
    [TestCase(Dataflow.WeightStationary, 2, 2, 6, 46)]
    [TestCase(Dataflow.InputStationary, 2, 2, 4, 38)]
    [TestCase(Dataflow.OutputStationary, 3, 2, 3, 23)]
    [TestCase(Dataflow.WeightStationary, 3, 2, 6, 52)]
    public void Gemm3x4x5Cycles(Dataflow dataflow, int rows, int cols, long folds, long cycles)
    {
        var layer = Gemm(3, 4, 5);
        var unit = Unit(dataflow, rows, cols);
        var fast = Simulation.Run(layer, Arch(unit), new SystolicModel(unit));
        var data = ReferenceData.Random(layer, 7);
        var reference = ReferenceEngine.Simulate(layer, Arch(unit), new SystolicReference(unit), data);
        Assert.Multiple(() =>
        {
            Assert.That((fast.Folds, fast.ComputeCycles, fast.StallCycles), Is.EqualTo((folds, cycles, 0L)));
            Assert.That((reference.Result.Folds, reference.Result.ComputeCycles, reference.Result.StallCycles), Is.EqualTo((folds, cycles, 0L)));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        });
    }

    [Test]
    public void SlowDramStallsOnlyTheFirstLoadAndTheLastWrite()
    {
        // os 2x2, GEMM 3x4x5 at 4 B/cycle. Fold 0 waits for all weights (20 B) and inputs (12 B):
        // 8 cycles. Folds then run back to back (7,7,7,7,6,6 = 40 cycles): their writes (4 or 2 B,
        // one cycle) leave while the next fold runs and nothing more is loaded. The last fold's
        // 1 B output leaves in the cycle after it: 8 + 40 + 1 = 49 cycles, 9 of them stalls.
        var layer = Gemm(3, 4, 5);
        var unit = Unit(Dataflow.OutputStationary, 2, 2);
        var fast = Simulation.Run(layer, Arch(unit, new DramSpec(4)), new SystolicModel(unit));
        var reference = ReferenceEngine.Simulate(layer, Arch(unit, new DramSpec(4)), new SystolicReference(unit), ReferenceData.Random(layer, 1)).Result;
        Assert.That((fast.ComputeCycles, fast.StallCycles, fast.TotalCycles), Is.EqualTo((40L, 9L, 49L)));
        Assert.That((reference.ComputeCycles, reference.StallCycles, reference.TotalCycles), Is.EqualTo((40L, 9L, 49L)));
    }

    [Test]
    public void OutputStationaryFoldCounts()
    {
        // GEMM M=2, K=3, N=2 on a 2x2 os array: one fold, sr = sc = 2, T = 3; accumulator int18
        // (8 + 8 + ceil(log2 3)). Cycles T + AR + sc - 1 = 6: PE(1,1) does its last MAC at
        // 2 + 1 + 1 = 4 and its result leaves in cycle 5; PE(0,1)'s moves down in cycle 4 and
        // leaves with it.
        // Inputs forwarded sr(sc-1)T = 6 times and weights (sr-1)sc·T = 6 times, 8 bits each;
        // accumulator written by 12 MACs (12 x 18 bits); row 0's two results cross one
        // output-chain register (2 x 18 bits): writes 48 + 48 + 216 + 36 = 348 bits. Reads (only
        // through a multiplexer or the port, Simulator/README.md §5): the 4 results as they
        // leave, 4 x 18 = 72 bits; forwarded operands and the accumulator's feedback are wires.
        // Buffers: 2 rows x 3 inputs, 2 columns x 3 weights, 4 int8 outputs.
        var cost = FoldCost(Gemm(2, 3, 2), Unit(Dataflow.OutputStationary, 2, 2));
        AssertCost(cost, cycles: 6, macs: 12, registerReads: 72, registerWrites: 348, ifmap: 6 * 8, weight: 6 * 8, ofmapRead: 0, ofmapWrite: 4 * 8);
    }

    [Test]
    public void WeightStationaryFoldCounts()
    {
        // GEMM M=2, K=2, N=2 on a 3x2 ws array: one fold, sr = 2, sc = 2, T = 2, AR = 3;
        // accumulator int17. Cycles sr + T + sc + AR - 1 = 8.
        // Weight load: row 1's weights are written twice, row 0's once: 6 writes x 8 bits. Inputs
        // forwarded sr(sc-1)T = 4 times (32 bits). Sums: 8 MAC writes, the 4 column sums pass the
        // unused row (4 writes): 12 x 17 = 204 bits. Writes 48 + 32 + 204 = 284. Reads
        // (Simulator/README.md §5): only the 4 sums leaving, 4 x 17 = 68; the held weights, the
        // load chain, the forwarded inputs and the sums from above are wired to what they feed.
        // Buffers: 2 rows x 2 inputs, 4 weights, 2 columns x 2 int8 outputs.
        var cost = FoldCost(Gemm(2, 2, 2), Unit(Dataflow.WeightStationary, 3, 2));
        AssertCost(cost, cycles: 8, macs: 8, registerReads: 68, registerWrites: 284, ifmap: 4 * 8, weight: 4 * 8, ofmapRead: 0, ofmapWrite: 4 * 8);
    }

    [Test]
    public void InputStationaryFoldThatContinuesAReduction()
    {
        // GEMM M=2, K=3, N=2 on a 2x2 is array: rows K -> sr 2, 1; the second fold (k = 2) adds
        // to the first fold's partial sums and ends the reduction. Accumulator int18. Its
        // cycles: sr + T + sc + AR - 1 = 1 + 2 + 2 + 2 - 1 = 6. Inputs stationary: 2 loads (16
        // bits); weights streamed along the row: 2 forwards (16); sums: AR·sc·T = 8 writes of 18
        // bits (4 MAC writes, 4 passes). Writes 16 + 16 + 144 = 176; reads only the 4 sums leaving,
        // 4 x 18 = 72 (Simulator/README.md §5). It reads back the 4 partial sums
        // (18 bits) and writes 4 int8 outputs.
        var layer = Gemm(2, 3, 2);
        var unit = Unit(Dataflow.InputStationary, 2, 2);
        var (first, second) = (FoldCost(layer, unit, 0), FoldCost(layer, unit, 1));
        AssertCost(second, cycles: 6, macs: 4, registerReads: 72, registerWrites: 176, ifmap: 2 * 8, weight: 2 * 8, ofmapRead: 4 * 18, ofmapWrite: 4 * 8);
        Assert.That(first.OfmapWriteBits, Is.EqualTo(4 * 18), "the first fold's partial sums leave at accumulator width");
    }

    // GEMM M=2, K=4, N=2 (int8 x int8, accumulator int18 = 8 + 8 + log2 4, int8 outputs) on a 2x2 os
    // array with an 8 B weight buffer: the 4x2 weights (8 B) do not fit in half of it (4 B), nor does
    // a fold's whole K x N tile, so Chunking halves K: chunks of 2, two folds over the same outputs,
    // K [0,2) then [2,4). Inputs (2x4 = 8 B) stay resident in the ample input buffer.
    // Fold 0 (starts, does not end the reduction): sr = sc = 2, T = 2, AR = 2.
    //   Cycles T + AR + sc - 1 = 5. MACs 8. Registers: inputs sr(sc-1)T = 4 x 8, weights
    //   (sr-1)sc·T = 4 x 8, accumulator sr·sc·T = 8 x 18, output chain sc(sr(AR-1) - sr(sr-1)/2) = 2 x 18:
    //   32 + 32 + 144 + 36 = 244 bits written; read: the 4 results leaving, 4 x 18 = 72 (Simulator/README.md §5). Buffers: 2 rows x 2 inputs (32 bits), 2 columns x 2
    //   weights (32), no partial sums read, 4 partial sums written at accumulator width (72).
    // Fold 1 (continues and ends it): preload sr = 2 cycles, then the same MAC stream 2 cycles late.
    //   Cycle 0: each column's acc[0] takes row 1's partial sum (1 write); cycle 1: acc[1] takes it from
    //   acc[0] (1 read: through the accumulator's input multiplexer; 1 write), acc[0] takes row 0's
    //   (1 write); the first MAC adds the preloaded sum by wire (no read): 6 writes and 2 reads of 18
    //   bits more than fold 0 = 352 bits written, 108 read.
    //   PE(1,1) does MAC t = 1 at 2 + 1 + 1 + 1 = 5, its result leaves in cycle 6: 7 cycles
    //   (sr + T + AR + sc - 1). Buffers: inputs 32, weights 32, 4 partial sums read back (72), 4 int8
    //   outputs written (32). Adds stay one per MAC: the preloaded sum is added by the first MAC.
    private static LayerWorkload OsChunkedLayer() => Gemm(2, 4, 2);

    private static ArchitectureSpec OsChunkedArch(long ofmapBytes, DramSpec dram) =>
        new("hand", 1000, dram, new BufferSpec(1 << 20, 8, ofmapBytes, wordBits: 64), [Unit(Dataflow.OutputStationary, 2, 2)]);

    [Test]
    public void OutputStationaryPartialReductionFolds()
    {
        var layer = OsChunkedLayer();
        var unit = Unit(Dataflow.OutputStationary, 2, 2);
        var arch = OsChunkedArch(1 << 20, DramSpec.Unlimited);
        var problem = new GemmProblem(layer);
        Assert.That(problem.AccumulatorFormat.Bits, Is.EqualTo(18));
        var (grid, unfit) = Chunking.Fit(problem, new SystolicModel(unit).Grid(problem), arch.Buffers);
        Assert.That((unfit, grid.TimeChunk), Is.EqualTo(((string?)null, 2L)));
        Assert.That(grid.Folds(problem).Select(f => (f.K, f.StartsReduction, f.EndsReduction(4))),
            Is.EqualTo(new[] { (new Span(0, 2), true, false), (new Span(2, 4), false, true) }));

        var first = FoldCost(layer, unit, 0, arch);
        var second = FoldCost(layer, unit, 1, arch);
        AssertCost(first, cycles: 5, macs: 8, registerReads: 72, registerWrites: 244, ifmap: 32, weight: 32, ofmapRead: 0, ofmapWrite: 4 * 18);
        AssertCost(second, cycles: 7, macs: 8, registerReads: 108, registerWrites: 352, ifmap: 32, weight: 32, ofmapRead: 4 * 18, ofmapWrite: 4 * 8);
    }

    // The whole layer on both engines, every count. Words are 64 bits, rounded up per fold and stream.
    // Kept (1 MiB output buffer): the 9 B of partial sums stay on chip.
    //   Ifmap: array reads 32 + 32 bits (1 + 1 words); the 8 B input is loaded with fold 0 (64 bits, 1 word).
    //   Weight: array reads 32 + 32 (1 + 1 words); each fold loads its 4 B tile (32 + 32 bits, 1 + 1 words).
    //   Ofmap: array reads 72 (2 words); array writes 72 + 32 (2 + 1 words); the 4 B of outputs drain to
    //   DRAM (32 bits read, 1 word). DRAM: 8 + 4 + 4 = 16 B read, 4 B written.
    //   Cycles 5 + 7 = 12, no stalls (unlimited DRAM); idle PE-cycles 12 x 4 - 16 = 32.
    // Spilled (16 B output buffer, half 8 B < 9 B) at 4 B/cycle: fold 0 waits for 12 B (3 cycles), runs
    //   in cycles 3-7 while fold 1's 4 B weight tile arrives; at 8 its 9 B of partial sums go to DRAM
    //   (cycles 8-10) and come back (11-13); fold 1 runs 14-20, its 4 B of outputs leave in 21: 22
    //   cycles, 10 of them stalls; idle 22 x 4 - 16 = 72. On top of the kept case the ofmap buffer is
    //   read by the spill (72 bits, 2 words) and written by the read-back (72 bits, 2 words); DRAM
    //   16 + 9 = 25 B read, 4 + 9 = 13 B written.
    [TestCase(false, 12L, 0L)]
    [TestCase(true, 12L, 10L)]
    public void OutputStationaryPartialReductionLayer(bool spilled, long compute, long stalls)
    {
        var layer = OsChunkedLayer();
        var unit = Unit(Dataflow.OutputStationary, 2, 2);
        var arch = spilled ? OsChunkedArch(16, new DramSpec(4)) : OsChunkedArch(1 << 20, DramSpec.Unlimited);
        var problem = new GemmProblem(layer);
        var spill = spilled ? 72L : 0;
        var words = spilled ? 2L : 0;
        var expected = ActivityCounts.From([
            new(ActionKey.Multiply(problem.WeightFormat, problem.InputFormat), 16),
            new(ActionKey.Add(problem.AccumulatorFormat), 16),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), 72 + 108),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), 244 + 352),
            new(ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ifmap), 64),
            new(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ifmap, 64), 2),
            new(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ifmap), 64),
            new(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ifmap, 64), 1),
            new(ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Weight), 64),
            new(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Weight, 64), 2),
            new(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Weight), 64),
            new(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Weight, 64), 2),
            new(ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap), 72 + 32 + spill),
            new(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ofmap, 64), 2 + 1 + words),
            new(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap), 72 + 32 + spill),
            new(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ofmap, 64), 2 + 1 + words),
            new(ActionKey.Simple(PrimitiveAction.DramReadByte), spilled ? 25 : 16),
            new(ActionKey.Simple(PrimitiveAction.DramWriteByte), spilled ? 13 : 4),
            new(ActionKey.Simple(PrimitiveAction.IdlePeCycle), (compute + stalls) * 4 - 16),
        ]);
        var fast = Simulation.Run(layer, arch, new SystolicModel(unit));
        var data = ReferenceData.Random(layer, 11);
        var reference = ReferenceEngine.Simulate(layer, arch, new SystolicReference(unit), data);
        foreach (var (name, r) in new[] { ("fast", fast), ("reference", reference.Result) })
            Assert.Multiple(() =>
            {
                Assert.That((r.Folds, r.ComputeCycles, r.StallCycles), Is.EqualTo((2, compute, stalls)), name);
                Assert.That(r.Counts, Is.EqualTo(expected), $"{name}\nactual:   {r.Counts}\nexpected: {expected}");
            });
        Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
    }

    // The fold's cost from the fast model, after checking that the reference measures the same
    // (folds of the grid as chunked for the architecture's buffers; ample buffers by default).
    private static FoldCost FoldCost(LayerWorkload layer, SystolicUnitSpec unit, int index = 0, ArchitectureSpec? arch = null)
    {
        var problem = new GemmProblem(layer);
        var model = new SystolicModel(unit);
        var folds = Chunking.Fit(problem, model.Grid(problem), (arch ?? Arch(unit)).Buffers).Grid.Folds(problem).ToList();
        var reference = new SystolicReference(unit);
        var operands = new GemmOperands(problem, ReferenceData.Random(layer, 3));
        FoldCost measured = null!;
        for (var i = 0; i <= index; i++)
        {
            var fold = reference.Start(operands, folds[i]);
            long cycles = 1;
            while (!fold.Step()) cycles++;
            measured = fold.Measured(cycles);
        }
        var fast = model.Cost(problem, folds[index]);
        Assert.That(measured with { Compute = fast.Compute }, Is.EqualTo(fast), "reference vs fast");
        Assert.That(measured.Compute, Is.EqualTo(fast.Compute), $"reference {measured.Compute}\nfast {fast.Compute}");
        return fast;
    }

    private static void AssertCost(FoldCost cost, long cycles, long macs, long registerReads, long registerWrites, long ifmap, long weight, long ofmapRead, long ofmapWrite)
    {
        Assert.Multiple(() =>
        {
            Assert.That((cost.ComputeCycles, cost.BusyPeCycles), Is.EqualTo((cycles, macs)));
            Assert.That(cost.Compute.Total(PrimitiveAction.Multiply), Is.EqualTo(macs));
            Assert.That(cost.Compute.Total(PrimitiveAction.Add), Is.EqualTo(macs));
            Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterReadBit)], Is.EqualTo(registerReads));
            Assert.That(cost.Compute[ActionKey.Simple(PrimitiveAction.RegisterWriteBit)], Is.EqualTo(registerWrites));
            Assert.That((cost.IfmapReadBits, cost.WeightReadBits, cost.OfmapReadBits, cost.OfmapWriteBits), Is.EqualTo((ifmap, weight, ofmapRead, ofmapWrite)));
        });
    }
}
