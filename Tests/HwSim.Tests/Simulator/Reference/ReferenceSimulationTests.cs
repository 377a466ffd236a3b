using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Reference;

/// <summary>The cycle-stepped engine over a whole network, through the library alone (no command line).</summary>
public class ReferenceSimulationTests
{
    private static readonly OperandPrecision Int4 = OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(4), 9);

    private static Workload TwoLayers() => new("two",
    [
        new LayerWorkload("conv1", LayerShape.Conv(3, 6, 6, 4, 3), Int4),
        new LayerWorkload("conv2", LayerShape.Conv(4, 4, 4, 5, 3), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(4), 36)),
    ]);

    private static ArchitectureSpec Arch(UnitSpec unit) =>
        new("tiny", 500, new DramSpec(4), new BufferSpec(4096, 4096, 4096, 8), [unit]);

    [Test]
    public void EveryLayerAgreesWithTheFastEngine()
    {
        var arch = Arch(new BitSerialUnitSpec("bits", 3, 2, lanes: 4, SerialMode.Both, maxBits: 8));
        var lines = new List<string>();
        var reference = ReferenceSimulation.Run(TwoLayers(), arch, seed: 3, progress: lines.Add);
        var fast = Simulation.Evaluate(TwoLayers(), arch);
        Assert.That(reference.Layers.Select(l => l.Ran), Is.All.True);
        Assert.That(reference.Layers.Select(l => l.TotalCycles), Is.EqualTo(fast.Layers.Select(l => l.TotalCycles)));
        Assert.That(reference.Layers.Select(l => l.Counts.Counts), Is.EqualTo(fast.Layers.Select(l => l.Counts.Counts)));
        Assert.That(lines, Has.Count.EqualTo(2).And.Some.Contains("reference 2/2: conv2"));
    }

    [Test]
    public void AScaleSimCompatUnitIsAnInputErrorBeforeAnyLayerRuns()
    {
        var arch = Arch(new SystolicUnitSpec("array", 4, 4, Dataflow.OutputStationary, NumberFormat.Int(8), scaleSimCompat: true));
        var int8 = OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), 9);
        var net = new Workload("one", [new LayerWorkload("a", LayerShape.Conv(3, 6, 6, 4, 3), int8)]);
        var lines = new List<string>();
        var e = Assert.Throws<InputException>(() => ReferenceSimulation.Run(net, arch, seed: 1, progress: lines.Add));
        Assert.That(e!.Field, Is.EqualTo(ReferenceSimulation.UnsupportedField));
        Assert.That(e.Rule, Does.Contain("unit 'array'").And.Contain("layer 'a'").And.Contain("scalesim_compat: true"));
        Assert.That(lines, Is.Empty, "refused before the first layer steps");
    }

    [Test]
    public void ALayerAboveTheLimitIsAnInputError()
    {
        var arch = Arch(new BitSerialUnitSpec("bits", 3, 2, lanes: 4, SerialMode.Both, maxBits: 8));
        var e = Assert.Throws<InputException>(() => ReferenceSimulation.Run(TwoLayers(), arch, seed: 1, maxMacs: 1000));
        Assert.That(e!.Field, Is.EqualTo(ReferenceSimulation.MacLimitField));
        Assert.That(e.Rule, Does.Contain("layer 'conv1' has 1,728 MACs, more than the limit of 1,000"));
    }
}
