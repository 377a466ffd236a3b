using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Reference;

/// <summary>Both engines over a whole network with a loop-nest mapping per layer.</summary>
public class ReferenceSimulationMappingTests
{
    [Test]
    public void EveryLayerAgreesWithTheFastEngineUnderLoopNests()
    {
        var net = new Workload("two",
        [
            new LayerWorkload("conv1", LayerShape.Conv(3, 6, 6, 4, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(4), 27)),
            new LayerWorkload("conv2", LayerShape.Conv(4, 6, 6, 5, 3, stride: 2), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(4), 36)),
        ]);
        var arch = new ArchitectureSpec("tiny", 500, new DramSpec(2), new BufferSpec(256, 256, 256, 8),
            [new BitSerialUnitSpec("bits", 3, 2, lanes: 4, SerialMode.Both, maxBits: 8)]);
        // K innermost in blocks of two fold tiles: partial sums stay on chip between K-blocks of one output block.
        LayerMapping Mapping(LayerWorkload layer, HwSim.Simulator.Units.IUnitModel model) =>
            new LoopNestMapping(8, [GemmDim.N, GemmDim.M, GemmDim.K], 2, 2, 1);
        var reference = ReferenceSimulation.Run(net, arch, seed: 5, mappings: Mapping);
        var fast = Simulation.Evaluate(net, arch, Mapping);
        var fixedRun = Simulation.Evaluate(net, arch);
        Assert.That(reference.Layers.Select(l => l.Ran), Is.All.True, string.Join("; ", reference.Layers.Select(l => l.NotRunReason)));
        Assert.That(reference.Layers.Select(l => (l.TotalCycles, l.StallCycles, l.Folds)), Is.EqualTo(fast.Layers.Select(l => (l.TotalCycles, l.StallCycles, l.Folds))));
        Assert.That(reference.Layers.Select(l => l.Counts.Counts), Is.EqualTo(fast.Layers.Select(l => l.Counts.Counts)));
        Assert.That(fast.Layers.Select(l => l.Mapping), Has.All.InstanceOf<LoopNestMapping>());
        // The mapping changed the schedule: the DRAM traffic differs from the fixed mapping's.
        Assert.That(fast.Layers.Select(l => l.Counts.Total(PrimitiveAction.DramReadByte)), Is.Not.EqualTo(fixedRun.Layers.Select(l => l.Counts.Total(PrimitiveAction.DramReadByte))));
    }
}
