using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitFusion;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.BitFusion;

/// <summary>
/// Bit Fusion's published arithmetic, on both engines: products per fusion unit per cycle for each
/// fused width, and a GEMM's cycles equal to the fusion arithmetic of the authors' simulator plus
/// HwSim's fill and drain, worked out by hand.
/// </summary>
[TestFixture]
public sealed class FusionPaperTests
{
    private static readonly ArchitectureSpec NoMemoryLimits = Presets.Get("bitfusion-like") with
    {
        Dram = DramSpec.Unlimited,
        Buffers = new BufferSpec(1 << 24, 1 << 24, 1 << 24),
    };

    private static LayerWorkload Gemm(int m, int k, int n, NumberFormat weight, NumberFormat input) =>
        new("gemm", LayerShape.Gemm(m, k, n), OperandPrecision.For(weight, input, k));

    // Products one fusion unit of 16 BitBricks completes per cycle. Sharma et al., ISCA 2018: a
    // fusion unit fuses its 16 2-bit BitBricks into 16 2x2-bit, 4 4x4-bit or 1 8x8-bit product(s),
    // mixed widths in between; the authors' simulator gives the same factor as
    // get_perf_factor = int(8 / i_bits) x int(8 / w_bits) (hsharma35/bitfusion,
    // bitfusion/src/simulator/accelerator.py, pmax 8, pmin 2; C). 16-bit operands (temporal
    // fusion, which that simulator does not model: int(8/16) = 0) are derived (D): a 16x16 product
    // is 8 x 8 = 64 BitBrick products, 4 cycles of 16; 16x8 is 32, 2 cycles; 16x2 is 8, so two
    // products per cycle.
    [TestCase(2, 2, 16.0)]
    [TestCase(4, 4, 4.0)]
    [TestCase(8, 8, 1.0)]
    [TestCase(16, 16, 0.25)]
    [TestCase(8, 2, 4.0)]
    [TestCase(2, 8, 4.0)]
    [TestCase(4, 2, 8.0)]
    [TestCase(8, 4, 2.0)]
    [TestCase(16, 8, 0.5)]
    [TestCase(16, 4, 1.0)]
    [TestCase(16, 2, 2.0)]
    public void PeakProductsPerFusionUnitPerCycle_ArePublishedFusionFactors(int weightBits, int inputBits, double products)
    {
        var unit = new FusionUnitSpec("fu", 1, 1, maxBits: 16);
        var layer = Gemm(1, 16, 1, NumberFormat.Int(weightBits), NumberFormat.UInt(inputBits));
        Assert.That(new FusionModel(unit).PeakMacsPerCycle(new GemmProblem(layer)), Is.EqualTo(products));
    }

    // The same factors measured: one unit, one filter, as many terms as it fuses per pass (or 1),
    // 100 pixels streamed. Cycles = 1 (weight load) + 100 x passes + cols 1 + rows 1 - 1, so the
    // stream takes exactly 100 x passes cycles for 100 x lanes MACs.
    [TestCase(2, 2, 16, 1)]
    [TestCase(4, 4, 4, 1)]
    [TestCase(8, 8, 1, 1)]
    [TestCase(8, 2, 4, 1)]
    [TestCase(16, 16, 1, 4)]
    [TestCase(16, 8, 1, 2)]
    [TestCase(16, 2, 4, 2)]
    public void StreamOfOneUnit_TakesPassesCyclesPerPixel_OnBothEngines(int weightBits, int inputBits, int lanes, int passes)
    {
        var unit = new FusionUnitSpec("fu", 1, 1, maxBits: 16);
        var arch = NoMemoryLimits with { Units = [unit] };
        var layer = Gemm(100, lanes, 1, NumberFormat.Int(weightBits), NumberFormat.Int(inputBits));
        var fast = Simulation.Run(layer, arch, new FusionModel(unit));
        var data = ReferenceData.Random(layer, 7);
        var reference = ReferenceEngine.Simulate(layer, arch, new FusionReference(unit), data);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fast.Folds, Is.EqualTo(1));
            Assert.That(fast.ComputeCycles, Is.EqualTo(1 + 100 * passes + 1 + 1 - 1));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.FusionUnitCycle)], Is.EqualTo(100 * passes));
            Assert.That(reference.Result.ComputeCycles, Is.EqualTo(fast.ComputeCycles));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }

    // A 49 x 256 x 64 GEMM (a 7x7 map, 256 channels in, 64 out, 1x1 kernel) on bitfusion-like's
    // 16 x 32 units, memory out of the way (unlimited DRAM, large buffers: no chunks, no stalls).
    // The authors' simulator (accelerator.py get_compute_cycles, im2col) charges
    // batch·oh·ow x ceil(oc/M) x ceil(ni/(N x perf)) = 49 x ceil(64/32) x ceil(256/(16 x perf));
    // HwSim runs the same folds (ceil(256/(16 x L)) row folds x 2 column folds, each streaming the
    // 49 pixels) and adds per fold its weight load, skew and drain: 1 + 49·passes + 32 + 16 - 1.
    // W2A2: L 16, 1 x 2 folds: authors 49 x 2 x 1 = 98; HwSim 2 x (1 + 49 + 47) = 194.
    // W8A2: L 4, 4 x 2 folds: authors 49 x 2 x 4 = 392; HwSim 8 x 97 = 776.
    // W4A4: L 4, 4 x 2 folds: authors 392; HwSim 776.
    // W8A8: L 1, 16 x 2 folds: authors 49 x 2 x 16 = 1,568; HwSim 32 x 97 = 3,104.
    // W16A16: L 1, 4 passes, 32 folds: (authors: not modelled) 32 x 49 x 4 = 6,272 + fill; HwSim 32 x (1 + 196 + 47) = 7,808.
    [TestCase(2, 2, 98L, 194L)]
    [TestCase(8, 2, 392L, 776L)]
    [TestCase(4, 4, 392L, 776L)]
    [TestCase(8, 8, 1568L, 3104L)]
    [TestCase(16, 16, 6272L, 7808L)]
    public void GemmCycles_AreTheFusionArithmetic_PlusFillAndDrain(int weightBits, int inputBits, long streamCycles, long cycles)
    {
        var layer = Gemm(49, 256, 64, NumberFormat.Int(weightBits), NumberFormat.Int(inputBits));
        var unit = (FusionUnitSpec)NoMemoryLimits.Units.Single();
        var model = new FusionModel(unit);
        var problem = new GemmProblem(layer);
        var folds = model.Grid(problem).FoldCount(problem);
        var fast = Simulation.Run(layer, NoMemoryLimits, model);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fast.StallCycles, Is.Zero);
            Assert.That(fast.TotalCycles, Is.EqualTo(cycles));
            Assert.That(fast.TotalCycles - folds * (1 + 32 + 16 - 1), Is.EqualTo(streamCycles), "the stream alone is the authors' arithmetic");
            // K and N fill every fold exactly: each fold occupies all 16 x 32 units (its rows are
            // units, not terms), and all 512 are busy in every stream cycle.
            Assert.That(fast.MappingEfficiency, Is.EqualTo(1.0));
            Assert.That(fast.Counts[ActionKey.Simple(PrimitiveAction.FusionUnitCycle)], Is.EqualTo(streamCycles * 512));
        }
    }

    // Signed and unsigned handling at the extremes (Sharma et al., ISCA 2018: a BitBrick extends
    // each 2-bit piece to 3 bits by a sign mode, signed only for the top piece of a signed operand,
    // so one unit multiplies signed and unsigned operands alike): every weight and input at its
    // format's most negative or largest code, through the reference's BitBricks, against the
    // plain-loop convolution.
    [TestCase("int2", "uint2")]
    [TestCase("int3", "int3")]
    [TestCase("int8", "uint8")]
    [TestCase("uint8", "int8")]
    [TestCase("int5", "uint7")]
    [TestCase("binary", "ternary")]
    [TestCase("int16", "int16")]
    [TestCase("int16", "uint2")]
    [TestCase("uint16", "int9")]
    [TestCase("int12", "uint16")]
    public void ExtremeCodes_ComeOutBitExact(string weightFormat, string inputFormat)
    {
        var (w, a) = (NumberFormat.Parse(weightFormat), NumberFormat.Parse(inputFormat));
        var unit = new FusionUnitSpec("fu", 2, 2, maxBits: 16);
        var arch = NoMemoryLimits with { Units = [unit] };
        var layer = new LayerWorkload("conv", LayerShape.Conv(3, 4, 4, 3, 3, pad: 1), OperandPrecision.For(w, a, 27));
        foreach (var (wPick, aPick) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
        {
            long Code(NumberFormat f, int pick, int i) => f.Kind switch
            {
                NumberKind.Binary => (i + pick) % 2 == 0 ? -1 : 1,
                _ => (i + pick) % 3 == 2 ? 0 : (pick == 0 ? f.CodeRange!.Value.Min : f.CodeRange!.Value.Max),
            };
            var s = layer.Shape;
            var data = new ReferenceData(layer,
                [.. Enumerable.Range(0, (int)s.InputElements).Select(i => Code(a, aPick, i))],
                [.. Enumerable.Range(0, (int)s.WeightElements).Select(i => Code(w, wPick, i))]);
            var run = ReferenceEngine.Simulate(layer, arch, new FusionReference(unit), data);
            Assert.That(run.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), $"{w} x {a}, picks {wPick}/{aPick}");
        }
    }
}
