using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Engine;

/// <summary>Whole networks on the presets: totals are sums of layers, and the counts agree with the workload.</summary>
public class NetworkResultTests
{
    [TestCase("resnet18", "lowbit-default")]
    [TestCase("mobilenet_v2", "lowbit-default")]
    [TestCase("alexnet", "loom-like")]
    [TestCase("googlenet", "bismo-like")]
    public void TotalsAreSumsOfLayersAndWorkMatchesTheWorkload(string network, string preset)
    {
        var policy = PrecisionPolicy.FromBits(4, 2, preset == "lowbit-default" ? FirstLastFormat.Keep(NumberFormat.Fp32) : FirstLastFormat.Same);
        var workload = policy.Apply(NetworkZoo.Get(network));
        var arch = Presets.Get(preset);
        var result = Simulation.Evaluate(workload, arch);
        Assert.Multiple(() =>
        {
            Assert.That(result.AllRan, Is.True, string.Join("; ", result.NotRunLayers.Select(l => $"{l.Layer}: {l.NotRunReason}")));
            Assert.That(result.TotalCycles, Is.EqualTo(result.Layers.Sum(l => l.ComputeCycles + l.StallCycles)));
            Assert.That(result.Macs, Is.EqualTo(workload.Macs));
            Assert.That(result.Counts, Is.EqualTo(result.Layers.Aggregate(ActivityCounts.Empty, (a, l) => a + l.Counts)));
            // Every MAC of an fp32 layer is one fp32 multiply; every low-bit MAC is b_w x b_a AND bit-ops on a bit-serial unit.
            var fpMacs = workload.Layers.Where(l => l.Precision.Weight.IsFloat).Sum(l => l.Macs);
            Assert.That(result.Counts.Total(PrimitiveAction.Multiply), Is.EqualTo(fpMacs));
            Assert.That(result.Layers.All(l => l.Utilisation is > 0 and <= 1), Is.True);
            Assert.That(result.Layers.All(l => l.MappingEfficiency is > 0 and <= 1), Is.True);
        });
    }

    [Test]
    public void IdlePeCyclesCloseTheBalance()
    {
        var workload = PrecisionPolicy.FromBits(2, 2, FirstLastFormat.Same).Apply(NetworkZoo.Get("resnet18"));
        var arch = Presets.Get("loom-like");
        foreach (var layer in Simulation.Evaluate(workload, arch).Layers)
        {
            var idle = layer.Counts[ActionKey.Simple(PrimitiveAction.IdlePeCycle)];
            Assert.That(idle, Is.InRange(0, layer.TotalCycles * layer.PeCount), layer.Layer);
        }
    }
}
