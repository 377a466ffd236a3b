using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Xnor;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Xnor;

/// <summary>
/// FINN's matrix-vector-activation unit as an XNOR unit of 1 row, PE columns and SIMD lanes:
/// its cycles per layer are (MH/PE)*(MW/SIMD)*output pixels, plus one drain cycle per fold here
/// (a fold is one pixel on PE filters). Layers and folding of the CNV-W1A1 CIFAR-10 network as
/// Xilinx's BNN-PYNQ ships it (bnn/src/network/cnvW1A1/hw/config.h, whose "Ext Latency" column
/// is that product: 28224, 20736, 28800, 20736, 18432 for L1..L5, 32768 for L6 and L7).
/// </summary>
[TestFixture]
public sealed class XnorFinnTests
{
    private static ArchitectureSpec Unlimited(XnorUnitSpec unit) =>
        new("finn", 100, DramSpec.Unlimited, BufferSpec.FromKilobytes(1024, 1024, 1024), [unit]);

    private static IEnumerable<TestCaseData> CnvLayers()
    {
        // name, shape, PE, SIMD, FINN's Ext Latency, expected cycles = latency + (MH/PE) x pixels folds.
        yield return Layer("L1 3x3 64->64 on 30x30", LayerShape.Conv(64, 30, 30, 64, 3), 32, 32, 28_224, 28_224 + 2 * 784);
        yield return Layer("L2 3x3 64->128 on 14x14", LayerShape.Conv(64, 14, 14, 128, 3), 16, 32, 20_736, 20_736 + 8 * 144);
        yield return Layer("L3 3x3 128->128 on 12x12", LayerShape.Conv(128, 12, 12, 128, 3), 16, 32, 28_800, 28_800 + 8 * 100);
        yield return Layer("L4 3x3 128->256 on 5x5", LayerShape.Conv(128, 5, 5, 256, 3), 4, 32, 20_736, 20_736 + 64 * 9);
        yield return Layer("L5 3x3 256->256 on 3x3", LayerShape.Conv(256, 3, 3, 256, 3), 1, 32, 18_432, 18_432 + 256 * 1);
        yield return Layer("L6 FC 256->512", LayerShape.FullyConnected(256, 512), 1, 4, 32_768, 32_768 + 512);
        yield return Layer("L7 FC 512->512", LayerShape.FullyConnected(512, 512), 1, 8, 32_768, 32_768 + 512);

        static TestCaseData Layer(string name, LayerShape shape, int pe, int simd, long finnLatency, long cycles) =>
            new TestCaseData(shape, pe, simd, finnLatency, cycles).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(CnvLayers))]
    public void MvauCycles_AreFinnLatencyPlusOneDrainPerFold(LayerShape shape, int pe, int simd, long finnLatency, long cycles)
    {
        var unit = new XnorUnitSpec("mvau", rows: 1, cols: pe, lanes: simd, maxBits: 1);
        var layer = new LayerWorkload("cnv", shape, OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, shape.GemmK));
        long mw = shape.GemmK, mh = shape.Filters, pixels = shape.GemmM;

        var result = Simulation.Run(layer, Unlimited(unit), new XnorModel(unit));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mh / pe * (mw / simd) * pixels, Is.EqualTo(finnLatency), "FINN's formula on this layer");
            Assert.That(result.Folds, Is.EqualTo(mh / pe * pixels));
            Assert.That(result.ComputeCycles, Is.EqualTo(cycles));
            Assert.That(result.StallCycles, Is.Zero);
        }
    }

    // L4, L5 and L6: small enough to step cycle by cycle in a unit test.
    private static IEnumerable<TestCaseData> SmallCnvLayers() => CnvLayers().Skip(3).Take(3);

    /// <summary>The reference array steps the smaller CNV layers (L4, L5, L6) to the same cycles, counts and output.</summary>
    [TestCaseSource(nameof(SmallCnvLayers))]
    public void ReferenceAgrees_OnSmallCnvLayers(LayerShape shape, int pe, int simd, long finnLatency, long cycles)
    {
        var unit = new XnorUnitSpec("mvau", rows: 1, cols: pe, lanes: simd, maxBits: 1);
        var layer = new LayerWorkload("cnv", shape, OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, shape.GemmK));
        var data = ReferenceData.Random(layer, seed: pe + simd);

        var fast = Simulation.Run(layer, Unlimited(unit), new XnorModel(unit));
        var reference = ReferenceEngine.Simulate(layer, Unlimited(unit), new XnorReference(unit), data);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(XnorEngineAgreementTests.Mismatch(fast, reference.Result), Is.Null);
            Assert.That(reference.Result.ComputeCycles, Is.EqualTo(cycles), $"FINN latency {finnLatency} + one drain cycle per fold");
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }
}
