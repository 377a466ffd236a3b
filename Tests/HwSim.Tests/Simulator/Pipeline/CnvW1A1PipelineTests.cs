using HwSim.Simulator.Architecture;
using HwSim.Simulator.Pipeline;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Pipeline;

/// <summary>
/// FINN's CNV-W1A1 as Xilinx's BNN-PYNQ ships it (github.com/Xilinx/BNN-PYNQ at d39c1c7), on the
/// finn-like preset with the committed workload examples/cnv-w1a1/cnv-w1a1.csv.
/// Sources of the pinned figures:
/// <list type="bullet">
/// <item>bnn/src/network/cnvW1A1/hw/config.h: per layer PE, SIMD and "Ext Latency", FINN's cycles
/// per image = output pixels x (K^2 C / SIMD) x (filters / PE): 32400, 28224, 20736, 28800, 20736,
/// 18432 (L0..L5), 32768, 32768, 8192 (L6..L8). The slowest are L6 and L7, 32768 cycles.</item>
/// <item>Clock: the PYNQ-Z1/Z2 bitstream runs at 100 MHz (cnvW1A1-pynqZ1-Z2.hwh FREQ_HZ 100000000),
/// the Ultra96 one at 299,999,695 Hz (cnvW1A1-ultra96.hwh).</item>
/// <item>Published throughput: notebooks/CNV-BNN_Road-Signs.ipynb classifies 1,330 tiles in
/// 145,902 us, "109.70 usec per image, 9115.71 images per second". The notebook does not name its
/// board; 32768 cycles at the Ultra96's 300 MHz is 109.23 us (at the PYNQ-Z1's 100 MHz 327.7 us),
/// so it is the 300 MHz build. Single image: CNV-BNN_Cifar10.ipynb, "Inference took 528.00
/// microseconds".</item>
/// </list>
/// HwSim's stages are FINN's cycles plus one cycle (a fold is one output pixel on PE filters, its
/// drain one cycle; Simulator/README.md §3): the preset's units drain overlapped, as FINN's MVAU
/// (finn-hlslib mvau.hpp, one loop at II = 1) writes a fold's outputs while the next fold
/// computes, so only the last fold's drain is exposed. The bottleneck is FINN's, L6/L7 (fc6, fc7:
/// 32,769 cycles against FINN's 32,768). With serial drains (every fold draining before the next,
/// as HwSim modelled FINN before fold pipelining) each fold added its cycle: 1 per 9 steps on
/// conv0 (SIMD 3 over K^2 C = 27) made conv0 the bottleneck (36,000 cycles), 9.0 % fewer frames
/// per second than FINN's formula; that is pinned too. Not tuned.
/// </summary>
[TestFixture]
public sealed class CnvW1A1PipelineTests
{
    private static Workload Cnv() => WorkloadCsv.Read(Path.Combine(RepoPaths.Root, "examples", "cnv-w1a1", "cnv-w1a1.csv"));

    // config.h, L0..L8: PE, SIMD, Ext Latency.
    private static readonly (int Pe, int Simd, long FinnCycles)[] Folding =
        [(16, 3, 32_400), (32, 32, 28_224), (16, 32, 20_736), (16, 32, 28_800), (4, 32, 20_736), (1, 32, 18_432), (1, 4, 32_768), (1, 8, 32_768), (4, 1, 8_192)];

    // HwSim's stage cycles: FINN's plus the last fold's one-cycle drain.
    private static readonly long[] StageCycles = [32_401, 28_225, 20_737, 28_801, 20_737, 18_433, 32_769, 32_769, 8_193];

    // With serial drains: FINN's plus one drain cycle per fold (output pixels x filters / PE).
    private static readonly long[] SerialStageCycles = [36_000, 29_792, 21_888, 29_600, 21_312, 18_688, 33_280, 33_280, 8_208];

    private static ArchitectureSpec SerialDrains(ArchitectureSpec arch) => arch with { Units = [.. arch.Units.Select(u => u with { Drain = DrainMode.Serial })] };

    [Test]
    public void Preset_HasConfigHsFolding_AndTheWorkloadsShapesGiveItsExtLatency()
    {
        var arch = Presets.Get("finn-like");
        var cnv = Cnv();
        Assert.That(arch.Execution, Is.EqualTo(Execution.LayerPipelined));
        Assert.That(cnv.Layers, Has.Length.EqualTo(9));
        for (var i = 0; i < 9; i++)
        {
            var layer = cnv.Layers[i];
            var unit = arch.Units.Single(u => u.Name == layer.Unit);
            var lanes = unit switch { XnorUnitSpec x => x.Lanes, HwSim.Simulator.DotProduct.DotProductUnitSpec d => d.Lanes, _ => 0 };
            long pixels = layer.Shape.OutputHeight * layer.Shape.OutputWidth, k = layer.Shape.GemmK, filters = layer.Shape.Filters;
            using (Assert.EnterMultipleScope())
            {
                Assert.That((unit.Rows, unit.Cols, lanes), Is.EqualTo((1, Folding[i].Pe, Folding[i].Simd)), layer.Name);
                Assert.That(pixels * (k / Folding[i].Simd) * (filters / Folding[i].Pe), Is.EqualTo(Folding[i].FinnCycles), $"{layer.Name}: FINN's formula on the CSV's shape");
            }
        }
    }

    [Test]
    public void StageCycles_AreFinnsPlusTheLastDrain_AndFc6IsTheBottleneck()
    {
        var p = LayerPipeline.Evaluate(Cnv(), Presets.Get("finn-like"));
        var serial = LayerPipeline.Evaluate(Cnv(), SerialDrains(Presets.Get("finn-like")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Presets.Get("finn-like").Units.Select(u => u.Drain), Is.All.EqualTo(DrainMode.Overlapped));
            Assert.That(p.Complete, Is.True);
            Assert.That(p.Pipeline.Select(s => s.Cycles), Is.EqualTo(StageCycles));
            Assert.That(p.Pipeline.Select(s => s.Cycles), Is.EqualTo(Folding.Select(f => f.FinnCycles + 1)));
            Assert.That(p.Stages.Layers.Select(l => l.StallCycles), Is.All.Zero, "weights on chip, DRAM unlimited");
            // fc6 and fc7 tie (FINN's L6/L7); the first of them is named.
            Assert.That(p.Bottleneck.Layer, Is.EqualTo("fc6"));
            Assert.That(p.BottleneckCycles, Is.EqualTo(32_769));
            // FINN's critical path is 223,056 (the sum of config.h's latencies); HwSim adds each stage's last drain cycle.
            Assert.That(p.LatencyCycles, Is.EqualTo(223_065));
            Assert.That(Folding.Sum(f => f.FinnCycles), Is.EqualTo(223_056));
            // Serial drains, one cycle per fold: 8,992 more, and conv0 the bottleneck.
            Assert.That(serial.Pipeline.Select(s => s.Cycles), Is.EqualTo(SerialStageCycles));
            Assert.That((serial.Bottleneck.Layer, serial.BottleneckCycles, serial.LatencyCycles), Is.EqualTo(("conv0", 36_000L, 232_048L)));
        }
    }

    [Test]
    public void FramesPerSecond_NextToFinnsFormulaAndBnnPynqsMeasurement()
    {
        var p = LayerPipeline.Evaluate(Cnv(), Presets.Get("finn-like"));
        var finnSlowest = Folding.Max(f => f.FinnCycles);

        using (Assert.EnterMultipleScope())
        {
            // At the preset's 100 MHz (PYNQ-Z1): HwSim 3051.7 fps, FINN's formula 3051.8 fps: -0.003 %
            // (serial drains: 2777.8 fps, -9.0 %).
            Assert.That(p.InferencesPerSecond, Is.EqualTo(1e8 / 32_769).Within(1e-9).Percent);
            Assert.That(p.InferencesPerSecond / (1e8 / finnSlowest) - 1, Is.EqualTo(-0.00003).Within(0.00001));
            var serial = LayerPipeline.Evaluate(Cnv(), SerialDrains(Presets.Get("finn-like")));
            Assert.That(serial.InferencesPerSecond, Is.EqualTo(1e8 / 36_000).Within(1e-9).Percent);
            Assert.That(serial.InferencesPerSecond / (1e8 / finnSlowest) - 1, Is.EqualTo(-0.0898).Within(0.0001));
            // At the Ultra96's 300 MHz: HwSim 9155.0 fps, FINN's formula 9155.3, BNN-PYNQ's notebook measured 9115.71:
            // the formula is within 0.5 % of the measurement (host overhead over 1,330 images), HwSim too (serial drains: 8333.3, 8.6 % below).
            var ultra96 = Presets.Get("finn-like") with { ClockMhz = 299.999695 };
            var fast = LayerPipeline.Evaluate(Cnv(), ultra96);
            Assert.That(fast.InferencesPerSecond, Is.EqualTo(9155.0).Within(0.1));
            Assert.That(299.999695e6 / finnSlowest / 9115.71 - 1, Is.EqualTo(0.0044).Within(0.0005));
            Assert.That(fast.InferencesPerSecond / 9115.71 - 1, Is.EqualTo(0.0043).Within(0.0005));
            Assert.That(LayerPipeline.Evaluate(Cnv(), SerialDrains(ultra96)).InferencesPerSecond, Is.EqualTo(8333.3).Within(0.1));
            // Latency: one image through every stage, 223,065 cycles = 743.6 us at 300 MHz, against 528 us measured
            // (the notebook's single image, host overhead included): FINN's sum is pessimistic by its own account
            // (stages overlap within an image), so HwSim's fill overstates the measured latency by 41 % (serial drains: 773.5 us, 46 %).
            Assert.That(fast.LatencySeconds * 1e6, Is.EqualTo(743.6).Within(0.1));
        }
    }

    [Test]
    public void Fifos_AreTwoWordsOfTheProducersPeTimesOutputBits()
    {
        var p = LayerPipeline.Evaluate(Cnv(), Presets.Get("finn-like"));

        // PE of conv0..fc7 = 16, 32, 16, 16, 4, 1, 1, 1 binary outputs; nothing after the last stage.
        Assert.That(p.Pipeline.Select(s => s.FifoBits), Is.EqualTo(new long[] { 32, 64, 32, 32, 8, 2, 2, 2, 0 }));
        Assert.That(p.FifoBits, Is.EqualTo(174));
    }
}
