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
    private static string ResNet18Onnx => Path.Combine(AppContext.BaseDirectory, "Data", "ResNet18.onnx");

    // ResNet-18's layer3.1.conv2 (14x14 pixels, 256 x 3x3 x 256), as in ValueSkippingResNet18Tests.
    private const string Layer = "Convolution341";

    [Test]
    public void ResNet18_on_eyeriss_like_with_zero_gating_gives_the_readme_figures()
    {
        set_num_threads(1);
        using var dir = new TempDir();
        var (csv, tensors) = (Path.Combine(dir.Path, "r18.csv"), Path.Combine(dir.Path, "tensors"));
        var run = CliRunner.Run("quantize", ResNet18Onnx, "--calib-synthetic", "1", "--batch-size", "1", "--dump-tensors", tensors, "-o", csv, "-q");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var workload = WorkloadCsv.Read(csv);
        var inner = workload.Layers.Where(l => !l.Precision.Input.IsFloat).ToList();
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

        var layer = inner.Single(l => l.Name == Layer);
        var entry = TensorDump.Read(tensors).Find(Layer)!;
        var data = new ReferenceData(layer, NpyArray.Read(Path.Combine(tensors, entry.InputFile)).Values, NpyArray.Read(Path.Combine(tensors, entry.WeightFile)).Values);
        var reference = ReferenceEngine.Simulate(layer, gatedArch, new SystolicReference((SystolicUnitSpec)gatedArch.Units.Single()), data);
        var fastLayer = gated.Layers.Single(l => l.Layer == Layer);
        var (referenceGated, fastGated) = (reference.Result.Counts.Total(PrimitiveAction.GatedMac), fastLayer.Counts.Total(PrimitiveAction.GatedMac));

        TestContext.Out.WriteLine($"gated {gatedMacs} of {macs} MACs; compute {plainEnergy[EnergyComponent.Compute].Microjoules:F3} -> {gatedEnergy[EnergyComponent.Compute].Microjoules:F3} uJ; " +
            $"total {plainEnergy.Total.Microjoules:F3} -> {gatedEnergy.Total.Microjoules:F3} uJ; cycles {plainEnergy.Cycles} -> {gatedEnergy.Cycles}; {Layer}: reference {referenceGated}, fast {fastGated}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(inner, Has.Count.EqualTo(20));
            Assert.That(reference.Output, Is.EqualTo(NpyArray.Read(Path.Combine(tensors, entry.OutputFile!)).Values), "the quantizer's outputs");
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
