using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.CostModel.Technology;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Systolic;
using HwSim.Tests.Support;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Tensors;
using NUnit.Framework;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Pipeline;

/// <summary>
/// The zero-gating figures of Simulator/README.md §8: the real ResNet-18 (ImageNet weights,
/// Data/ResNet18.onnx) quantised PACT W4A4 on one synthetic input with its tensors dumped, its 20
/// inner layers on eyeriss-like with and without <c>skip: zero_operands</c>: gated MACs and the
/// compute energy saved (fast engine, from the quantizer's input_popcount_hist), and the reference
/// engine on layer3.1.conv2's dumped codes against the fast engine's expectation.
/// </summary>
public sealed class ZeroGatingResNet18Tests
{
    // As in ValueSkippingResNet18Tests.
    private const string Layer = QuantizedResNet18.Layer3_1_Conv2;

    [Test]
    public void ResNet18_on_eyeriss_like_with_zero_gating_gives_the_readme_figures()
    {
        var network = QuantizedResNet18.Get();
        var (workload, inner) = (network.Workload, network.Inner);
        var plainArch = Presets.Get("eyeriss-like");
        var pe = (SystolicUnitSpec)plainArch.Units.Single();
        var gatedArch = plainArch with { Units = [pe with { Skip = SkipMode.ZeroOperands }] };

        NetworkResult Fast(ArchitectureSpec arch) => new(workload.Name, arch.Name,
            [.. inner.Select(l => Simulation.Run(l, arch, new SystolicModel((SystolicUnitSpec)arch.Units.Single())))]);
        EnergyReport Priced(ArchitectureSpec arch, NetworkResult result) =>
            Evaluator.PriceEnergy(workload, arch, result, EnergyTable.Default, EnergyContext.Of(arch, TechnologyScaling.Identity45nm));
        var (plain, gated) = (Fast(plainArch), Fast(gatedArch));
        var (plainEnergy, gatedEnergy) = (Priced(plainArch, plain), Priced(gatedArch, gated));
        var gatedMacs = gated.Layers.Sum(l => l.Counts.Total(PrimitiveAction.GatedMac));
        var macs = gated.Layers.Sum(l => l.Macs);

        var (layer, data, outputs) = network.Codes(Layer);
        var reference = ReferenceEngine.Simulate(layer, gatedArch, new SystolicReference((SystolicUnitSpec)gatedArch.Units.Single()), data);
        var fastLayer = gated.Layers.Single(l => l.Layer == Layer);
        var (referenceGated, fastGated) = (reference.Result.Counts.Total(PrimitiveAction.GatedMac), fastLayer.Counts.Total(PrimitiveAction.GatedMac));

        TestContext.Out.WriteLine($"gated {gatedMacs} of {macs} MACs; compute {plainEnergy[EnergyComponent.Compute].Microjoules:F3} -> {gatedEnergy[EnergyComponent.Compute].Microjoules:F3} uJ; " +
            $"total {plainEnergy.Total.Microjoules:F3} -> {gatedEnergy.Total.Microjoules:F3} uJ; cycles {plainEnergy.Cycles} -> {gatedEnergy.Cycles}; {Layer}: reference {referenceGated}, fast {fastGated}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(inner, Has.Count.EqualTo(20));
            Assert.That(reference.Output, Is.EqualTo(outputs), "the quantizer's outputs");
            Assert.That(gatedEnergy.Cycles, Is.EqualTo(plainEnergy.Cycles), "gating saves energy, not cycles");
            Assert.That(reference.Result.ComputeCycles, Is.EqualTo(fastLayer.ComputeCycles));
            // Tolerance: the fast engine takes every term's zero share from the layer's codes, the
            // reference engine meets the real zeros, which a fold's pixels and a border pixel's fewer
            // windows weight differently (ZeroGatingTests); within 1 % here, measured -0.33 %.
            Assert.That((double)fastGated / referenceGated - 1, Is.InRange(-0.01, 0.01));
            // Pinned as measured (TorchSharp on 1 thread is deterministic); energies in uJ to 1e-3.
            Assert.That((gatedMacs, macs), Is.EqualTo((1_181_990_990L, 1_811_152_896L)));
            Assert.That((referenceGated, fastGated), Is.EqualTo((105_620_224L, 105_276_672L)));
            Assert.That(plainEnergy[EnergyComponent.Compute].Microjoules, Is.EqualTo(200.395).Within(1e-3));
            Assert.That(gatedEnergy[EnergyComponent.Compute].Microjoules, Is.EqualTo(68.144).Within(1e-3));
            Assert.That(plainEnergy.Total.Microjoules, Is.EqualTo(15_153.687).Within(1e-3));
            Assert.That(gatedEnergy.Total.Microjoules, Is.EqualTo(15_021.436).Within(1e-3));
        }
    }
}
