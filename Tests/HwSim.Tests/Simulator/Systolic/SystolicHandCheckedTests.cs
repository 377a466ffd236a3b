using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
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
        // accumulator written by 12 MACs and read by 8 of them plus 4 times as results leave
        // (12 x 18 bits); row 0's two results cross one output-chain register (2 x 18 bits).
        // Reads = writes = 48 + 48 + 216 + 36 = 348 bits.
        // Buffers: 2 rows x 3 inputs, 2 columns x 3 weights, 4 int8 outputs.
        var cost = FoldCost(Gemm(2, 3, 2), Unit(Dataflow.OutputStationary, 2, 2));
        AssertCost(cost, cycles: 6, macs: 12, registerReads: 348, registerWrites: 348, ifmap: 6 * 8, weight: 6 * 8, ofmapRead: 0, ofmapWrite: 4 * 8);
    }

    [Test]
    public void WeightStationaryFoldCounts()
    {
        // GEMM M=2, K=2, N=2 on a 3x2 ws array: one fold, sr = 2, sc = 2, T = 2, AR = 3;
        // accumulator int17. Cycles sr + T + sc + AR - 1 = 8.
        // Weight load: row 1's weights are written twice and read once, row 0's written once:
        // 6 writes, 2 reads x 8 bits; each of the 8 MACs reads its weight (64 bits). Inputs
        // forwarded sr(sc-1)T = 4 times (32 bits each way). Sums: 8 MAC writes, the 4 column sums
        // pass the unused row (4 writes), 4 reads by row 1's MACs, 4 by the pass row, 4 as they
        // leave: 12 x 17 = 204 bits each way.
        // Reads 16 + 64 + 32 + 204 = 316, writes 48 + 32 + 204 = 284.
        // Buffers: 2 rows x 2 inputs, 4 weights, 2 columns x 2 int8 outputs.
        var cost = FoldCost(Gemm(2, 2, 2), Unit(Dataflow.WeightStationary, 3, 2));
        AssertCost(cost, cycles: 8, macs: 8, registerReads: 316, registerWrites: 284, ifmap: 4 * 8, weight: 4 * 8, ofmapRead: 0, ofmapWrite: 4 * 8);
    }

    [Test]
    public void InputStationaryFoldThatContinuesAReduction()
    {
        // GEMM M=2, K=3, N=2 on a 2x2 is array: rows K -> sr 2, 1; the second fold (k = 2) adds
        // to the first fold's partial sums and ends the reduction. Accumulator int18. Its
        // cycles: sr + T + sc + AR - 1 = 1 + 2 + 2 + 2 - 1 = 6. Inputs stationary: 2 loads (16
        // bits), 4 MAC reads (32); weights streamed along the row: 2 forwards (16 each way); sums:
        // AR·sc·T = 8 reads and writes of 18 bits (4 MAC writes, 4 passes, 4 pass reads, 4 leaving).
        // Reads 32 + 16 + 144 = 192, writes 16 + 16 + 144 = 176. It reads back the 4 partial sums
        // (18 bits) and writes 4 int8 outputs.
        var layer = Gemm(2, 3, 2);
        var unit = Unit(Dataflow.InputStationary, 2, 2);
        var (first, second) = (FoldCost(layer, unit, 0), FoldCost(layer, unit, 1));
        AssertCost(second, cycles: 6, macs: 4, registerReads: 192, registerWrites: 176, ifmap: 2 * 8, weight: 2 * 8, ofmapRead: 4 * 18, ofmapWrite: 4 * 8);
        Assert.That(first.OfmapWriteBits, Is.EqualTo(4 * 18), "the first fold's partial sums leave at accumulator width");
    }

    // The fold's cost from the fast model, after checking that the reference measures the same.
    private static FoldCost FoldCost(LayerWorkload layer, SystolicUnitSpec unit, int index = 0)
    {
        var problem = new GemmProblem(layer);
        var model = new SystolicModel(unit);
        var folds = model.Grid(problem).Folds(problem).ToList();
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
