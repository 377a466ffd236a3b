using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Results;
using HwSim.Simulator.Systolic;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import.ScaleSim;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Systolic;

/// <summary>
/// scalesim_compat against SCALE-Sim v2's own numbers (docs/reference/scalesim/SEMANTICS.md): AlexNet's
/// Total Cycles at 32x32 os from a real run, its utilisation, mapping efficiency and SRAM
/// counts, and the ws/is formulas on a layer small enough to work out by hand.
/// </summary>
public class ScaleSimCompatTests
{
    private static ArchitectureSpec Arch(SystolicUnitSpec unit) =>
        new("scalesim", 1000, DramSpec.Unlimited, new BufferSpec(1L << 30, 1L << 30, 1L << 30, 8), [unit]);

    private static SystolicUnitSpec Unit(Dataflow dataflow, int rows, int cols) =>
        new("array", rows, cols, dataflow, NumberFormat.Fp32, scaleSimCompat: true);

    [Test]
    public void AlexNetTotalCyclesEqualScaleSimsRun()
    {
        var unit = Unit(Dataflow.OutputStationary, 32, 32);
        var alexnet = ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("alexnet.csv"));
        var results = alexnet.Layers.Select(l => Simulation.Run(l, Arch(unit), new SystolicModel(unit))).ToList();
        Assert.That(results.Select(r => r.TotalCycles), Is.EqualTo(new long[] { 121_124, 334_831, 113_567, 168_863, 112_575 }));
        Assert.That(results.Select(r => r.StallCycles), Is.All.Zero);
    }

    [Test]
    public void AlexNetGemmsAreScaleSims()
    {
        // SCALE-Sim: M = E_h * E_w with E = ceil((H - R + s) / s) (224, 11, s4: 55; 27, 5: 23; 13, 3: 11), K = R * S * C, N = filters.
        var alexnet = ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("alexnet.csv"));
        var gemms = alexnet.Layers.Select(l => new GemmProblem(l)).Select(p => (p.M, p.K, p.N, p.Groups));
        Assert.That(gemms, Is.EqualTo(new[]
        {
            (55L * 55, 11L * 11 * 3, 96L, 1), (23L * 23, 5L * 5 * 96, 256L, 1), (11L * 11, 3L * 3 * 256, 384L, 1),
            (11L * 11, 3L * 3 * 384, 384L, 1), (11L * 11, 3L * 3 * 384, 256L, 1),
        }));
    }

    [Test]
    public void AlexNetConv1UtilisationMappingEfficiencyAndSramCounts()
    {
        var unit = Unit(Dataflow.OutputStationary, 32, 32);
        var conv1 = ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("alexnet.csv")).Layers[0];
        var r = Simulation.Run(conv1, Arch(unit), new SystolicModel(unit));
        // M = 3025, K = 363, N = 96; row_fold = 95, col_fold = 3, 285 folds.
        const long m = 3025, k = 363, n = 96, rowFold = 95, colFold = 3, folds = 285;
        var bits = NumberFormat.Fp32.Bits;
        Assert.Multiple(() =>
        {
            Assert.That(r.Folds, Is.EqualTo(folds));
            Assert.That(r.Utilisation, Is.EqualTo((double)(m * n * k) / (121_124L * 32 * 32)).Within(1e-12));
            Assert.That(r.MappingEfficiency, Is.EqualTo((double)(m * n) / (rowFold * 32 * colFold * 32)).Within(1e-12));
            // IFMAP reads M*K*col_fold, FILTER reads K*N*row_fold, OFMAP writes M*N + folds*(AR + AC), in elements.
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ifmap)], Is.EqualTo(m * k * colFold * bits));
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Weight)], Is.EqualTo(k * n * rowFold * bits));
            // The output buffer is also read to write the outputs to DRAM (M*N), which SCALE-Sim's SRAM count does not include.
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)], Is.EqualTo((m * n + folds * (32 + 32)) * bits));
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap)], Is.EqualTo(m * n * bits));
        });
    }

    // A 6x6 single-channel image, 3x3 kernel, stride 1, 8 filters: M = 16, K = 9, N = 8, on a 4x3 array.
    private static readonly LayerWorkload Small =
        new("small", LayerShape.Conv(1, 6, 6, 8, 3), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), 9));

    [Test]
    public void WeightStationaryFormula()
    {
        // ws: rows K = 9 -> row_fold 3, cols N = 8 -> col_fold 3, T = M = 16; 9 folds of
        // 2*4 + 3 + 16 - 2 = 25 cycles: 9*25 - 1 = 224.
        var unit = Unit(Dataflow.WeightStationary, 4, 3) with { Format = NumberFormat.Int(8) };
        var r = Simulation.Run(Small, Arch(unit), new SystolicModel(unit));
        Assert.That((r.Folds, r.TotalCycles, r.StallCycles), Is.EqualTo((9L, 224L, 0L)));
        // IFMAP M*K*col_fold = 16*9*3, FILTER K*N = 72, OFMAP M*N*row_fold = 16*8*3 (two row
        // folds of partial sums at the 20-bit accumulator, one of int8 outputs), no partial-sum reads.
        AssertSram(r, ifmapBits: 8 * 432, weightBits: 8 * 72, ofmapWriteBits: 20 * 256 + 8 * 128);
    }

    [Test]
    public void InputStationaryFormula()
    {
        // is: rows K = 9 -> row_fold 3, cols M = 16 -> col_fold 6, T = N = 8; 18 folds of
        // 2*4 + 3 + 8 - 2 = 17 cycles: 18*17 - 1 = 305.
        var unit = Unit(Dataflow.InputStationary, 4, 3) with { Format = NumberFormat.Int(8) };
        var r = Simulation.Run(Small, Arch(unit), new SystolicModel(unit));
        Assert.That((r.Folds, r.TotalCycles, r.StallCycles), Is.EqualTo((18L, 305L, 0L)));
        // IFMAP M*K = 144, FILTER K*N*col_fold = 72*6, OFMAP M*N*row_fold = 128*3.
        AssertSram(r, ifmapBits: 8 * 144, weightBits: 8 * 432, ofmapWriteBits: 20 * 256 + 8 * 128);
    }

    [Test]
    public void OutputStationaryFormula()
    {
        // os: rows M = 16 -> row_fold 4, cols N = 8 -> col_fold 3, T = K = 9; 12 folds of
        // 9 + 4 + 3 - 2 = 14 cycles: 12*14 - 1 = 167.
        var unit = Unit(Dataflow.OutputStationary, 4, 3) with { Format = NumberFormat.Int(8) };
        var r = Simulation.Run(Small, Arch(unit), new SystolicModel(unit));
        Assert.That((r.Folds, r.TotalCycles, r.StallCycles), Is.EqualTo((12L, 167L, 0L)));
        // IFMAP M*K*col_fold = 144*3, FILTER K*N*row_fold = 72*4, OFMAP M*N + folds*(AR+AC) = 128 + 12*7.
        AssertSram(r, ifmapBits: 8 * 432, weightBits: 8 * 288, ofmapWriteBits: 8 * 212);
    }

    [Test]
    public void ChunkedOutputStationaryUsesEachChunksT()
    {
        // SCALE-Sim never chunks; HwSim does when a fold's tile does not fit, and then applies the
        // per-fold formula with the chunk's T. A 40 B weight buffer (half 20 B) cannot hold the
        // 72 B of weights nor a fold's 9x3 tile (27 B); chunks of 5 (5x3 = 15 B) fit: K [0,5) and
        // [5,9). Each of the 12 tiles: (5 + 4 + 3 - 2) + (4 + 4 + 3 - 2) = 19 cycles; only the
        // layer's first fold is one short: 12*19 - 1 = 227.
        var unit = Unit(Dataflow.OutputStationary, 4, 3) with { Format = NumberFormat.Int(8) };
        var arch = Arch(unit) with { Buffers = new BufferSpec(1L << 30, 40, 1L << 30, 8) };
        var r = Simulation.Run(Small, arch, new SystolicModel(unit));
        Assert.That((r.Folds, r.TotalCycles, r.StallCycles), Is.EqualTo((24L, 227L, 0L)));
        // Reads as unchunked; OFMAP writes: the first chunks' M*N partial sums and their 12*(AR+AC)
        // extra entries at the 20-bit accumulator, the second chunks' at int8.
        AssertSram(r, ifmapBits: 8 * 432, weightBits: 8 * 288, ofmapWriteBits: 20 * (128 + 12 * 7) + 8 * (128 + 12 * 7));
    }

    [Test]
    public void OneByOneArrayKeepsIdleCyclesACount()
    {
        // 1x1 os: folds of T + 1 + 1 - 2 = T cycles, the first one T - 1 < its T MACs.
        var unit = Unit(Dataflow.OutputStationary, 1, 1) with { Format = NumberFormat.Int(8) };
        var r = Simulation.Run(Small, Arch(unit), new SystolicModel(unit));
        Assert.That(r.TotalCycles, Is.EqualTo(16 * 8 * 9 - 1));
        Assert.That(r.Counts[ActionKey.Simple(PrimitiveAction.IdlePeCycle)], Is.Zero);
    }

    [Test]
    public void ReferenceEngineRefusesCompatUnits()
    {
        Assert.That(() => new SystolicReference(Unit(Dataflow.OutputStationary, 2, 2)), Throws.ArgumentException);
    }

    private static void AssertSram(LayerResult r, long ifmapBits, long weightBits, long ofmapWriteBits)
    {
        Assert.Multiple(() =>
        {
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ifmap)], Is.EqualTo(ifmapBits));
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Weight)], Is.EqualTo(weightBits));
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)], Is.EqualTo(ofmapWriteBits));
            Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap)], Is.EqualTo(8 * Small.Shape.OutputElements), "only the outputs' way to DRAM");
        });
    }
}
