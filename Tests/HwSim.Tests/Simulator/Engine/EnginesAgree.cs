using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads.Layers;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Engine;

/// <summary>The agreement every kind's property test asserts on each random case.</summary>
internal static class EnginesAgree
{
    /// <summary>
    /// Runs both engines on <paramref name="layer"/> with random operands from <paramref name="seed"/>
    /// and asserts they agree exactly (whether the layer ran, cycles, stalls, folds, every count) and
    /// that the reference's output equals the plain-loop convolution. Returns the fast result.
    /// </summary>
    public static LayerResult Check(object testCase, LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, IReferenceUnit unit, int seed) =>
        Check(testCase, layer, arch, model, unit, ReferenceData.Random(layer, seed));

    /// <summary>As above, on the operands <paramref name="data"/>.</summary>
    public static LayerResult Check(object testCase, LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, IReferenceUnit unit, ReferenceData data)
    {
        var fast = Simulation.Run(layer, arch, model);
        var reference = ReferenceEngine.Simulate(layer, arch, unit, data);
        var r = reference.Result;
        Assert.That(r.Ran, Is.EqualTo(fast.Ran), () => $"{testCase}\nfast: {fast.NotRunReason}\nreference: {r.NotRunReason}");
        if (!fast.Ran)
            return fast;
        Assert.That((r.ComputeCycles, r.StallCycles, r.TotalCycles, r.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.TotalCycles, fast.Folds)),
            () => $"{testCase}\n(compute, stall, total, folds)");
        Assert.That(r.Counts, Is.EqualTo(fast.Counts), () => $"{testCase}\nfast:      {fast.Counts}\nreference: {r.Counts}");
        Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), () => $"{testCase}\noutput differs from the reference convolution");
        return fast;
    }
}
