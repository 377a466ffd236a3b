using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
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
        // IFMAP M*K*col_fold = 16*9*3, FILTER K*N = 72, OFMAP M*N*row_fold = 16*8*3 (partial
        // sums too are one int8 word each, as SCALE-Sim counts them), no partial-sum reads.
        AssertSram(r, ifmapBits: 8 * 432, weightBits: 8 * 72, ofmapWriteBits: 8 * 384);
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
        AssertSram(r, ifmapBits: 8 * 144, weightBits: 8 * 432, ofmapWriteBits: 8 * 384);
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

    [TestCase(Dataflow.OutputStationary)]
    [TestCase(Dataflow.WeightStationary)]
    [TestCase(Dataflow.InputStationary)]
    public void BufferSizesChangeNoCycleAndNoSramCount(Dataflow dataflow)
    {
        // SCALE-Sim never cuts a fold to fit its SRAM. 40 B input and weight buffers and a 20 B
        // output buffer (halves of 20, 20 and 10 B) hold neither the 36 B image, the 72 B of
        // weights nor every fold's tile, which changes HwSim's own timing; a compat unit runs the
        // same folds as with 1 GiB.
        var unit = Unit(dataflow, 4, 3) with { Format = NumberFormat.Int(8) };
        var tiny = Arch(unit) with { Buffers = new BufferSpec(40, 40, 20, 8) };
        var small = Simulation.Run(Small, tiny, new SystolicModel(unit));
        var large = Simulation.Run(Small, Arch(unit), new SystolicModel(unit));
        Assert.That(small.Ran, Is.True, small.NotRunReason);
        Assert.That((small.Folds, small.TotalCycles, small.StallCycles), Is.EqualTo((large.Folds, large.TotalCycles, 0L)));
        foreach (var b in new[] { BufferKind.Ifmap, BufferKind.Weight })
            Assert.That(small.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, b)], Is.EqualTo(large.Counts[ActionKey.Sram(PrimitiveAction.SramReadBit, b)]), b.ToString());
        Assert.That(small.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)],
            Is.EqualTo(large.Counts[ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)]), "partial sums stay on chip: no spill refills");

        // HwSim's own timing on the same buffers does change (chunks or does not run), so the checks above can fail.
        var own = unit with { ScaleSimCompat = false };
        var ownTiny = Simulation.Run(Small, tiny with { Units = [own] }, new SystolicModel(own));
        var ownLarge = Simulation.Run(Small, Arch(own), new SystolicModel(own));
        Assert.That((ownTiny.Ran, ownTiny.Folds, ownTiny.TotalCycles), Is.Not.EqualTo((ownLarge.Ran, ownLarge.Folds, ownLarge.TotalCycles)));
    }

    /// <summary>SCALE-Sim v2's shipped configs/scale.cfg: a 32x32 array, 64 KB IFMAP, filter and OFMAP SRAMs, 1-byte words.</summary>
    private static ArchitectureSpec ScaleCfg(Dataflow dataflow) =>
        new("scale.cfg", 1000, DramSpec.Unlimited, new BufferSpec(64 * 1024, 64 * 1024, 64 * 1024, 8),
            [new SystolicUnitSpec("array", 32, 32, dataflow, NumberFormat.Int(8), scaleSimCompat: true)]);

    // SEMANTICS.md's model restated: (rows, columns, time) per dataflow, column folds outer, no overlap.
    private static (long Sr, long Sc, long T) OnArray(Dataflow d, long m, long n, long k) => d switch
    {
        Dataflow.OutputStationary => (m, n, k),
        Dataflow.WeightStationary => (k, n, m),
        _ => (k, m, n),
    };

    private static long Ceil(long a, long b) => (a + b - 1) / b;

    [TestCase(Dataflow.OutputStationary)]
    [TestCase(Dataflow.WeightStationary)]
    [TestCase(Dataflow.InputStationary)]
    public void AlexNetWithScaleCfgBuffersMatchesScaleSim(Dataflow dataflow)
    {
        // Compat cycles are SCALE-Sim's whatever the SRAM; os: its real run's Total Cycles.
        var arch = ScaleCfg(dataflow);
        var unit = (SystolicUnitSpec)arch.Units[0];
        var int8 = NumberFormat.Int(8);
        var layers = ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("alexnet.csv")).Layers
            .Select(l => l with { Precision = OperandPrecision.For(int8, int8, new GemmProblem(l).K) }).ToList();
        // For os (scale.cfg's dataflow) and ws these buffers do constrain HwSim's own mapping: it
        // cuts the time dimension of some layer (is happens to fit every AlexNet layer).
        var own = new SystolicModel(unit with { ScaleSimCompat = false });
        if (dataflow != Dataflow.InputStationary)
            Assert.That(layers.Select(l => new GemmProblem(l)).Any(p => Chunking.Fit(p, own.Grid(p), arch.Buffers).Grid.TimeChunk < FoldGrid.Extent(p, own.Grid(p).InTime)));
        var results = layers.Select(l => Simulation.Run(l, arch, new SystolicModel(unit))).ToList();
        if (dataflow == Dataflow.OutputStationary)
            Assert.That(results.Select(r => r.TotalCycles), Is.EqualTo(new long[] { 121_124, 334_831, 113_567, 168_863, 112_575 }));
        Assert.Multiple(() =>
        {
            foreach (var (layer, r) in layers.Zip(results))
            {
                var p = new GemmProblem(layer);
                long m = p.M, n = p.N, k = p.K;
                var (sr, sc, t) = OnArray(dataflow, m, n, k);
                long rowFold = Ceil(sr, 32), colFold = Ceil(sc, 32), folds = rowFold * colFold;
                var perFold = dataflow == Dataflow.OutputStationary ? t + 32 + 32 - 2 : 2 * 32 + 32 + t - 2;
                Assert.That((r.Folds, r.TotalCycles, r.StallCycles), Is.EqualTo((folds, folds * perFold - 1, 0L)), layer.Name);
                // SCALE-Sim's SRAM counts in 1-byte words = int8 elements on 8-bit words.
                var (ifmap, filter, ofmap) = dataflow switch
                {
                    Dataflow.OutputStationary => (m * k * colFold, k * n * rowFold, m * n + folds * (32 + 32)),
                    Dataflow.WeightStationary => (m * k * colFold, k * n, m * n * rowFold),
                    _ => (m * k, k * n * colFold, m * n * rowFold),
                };
                Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ifmap, 8)], Is.EqualTo(ifmap), layer.Name + " IFMAP reads");
                Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Weight, 8)], Is.EqualTo(filter), layer.Name + " FILTER reads");
                // The output buffer's writes also take partial sums refilled from DRAM: a compat unit never spills, so there are none.
                Assert.That(r.Counts[ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ofmap, 8)], Is.EqualTo(ofmap), layer.Name + " OFMAP writes");
            }
        });
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
