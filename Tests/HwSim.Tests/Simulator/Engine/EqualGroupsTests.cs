using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Systolic;
using HwSim.Tests.Simulator.Systolic;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Engine;

/// <summary>
/// Issue 11 item 3: the fast engine walks a few groups of a grouped layer and adds the other
/// equal groups in closed form. It must still agree exactly with the cycle-stepped reference
/// engine, which steps every group, and a layer of ten million groups must run at once.
/// </summary>
public class EqualGroupsTests
{
    [Test]
    public void ClosedFormGroupsEqualTheCycleSteppedReference()
    {
        // The systolic agreement cases with 4 to 9 times their groups (the closed form needs 4 or more).
        var cases =
            from c in SystolicCases.Cases
            from factor in Gen.Int[4, 9]
            select c with { Layer = MoreGroups(c.Layer, factor) };
        var ran = 0;
        cases.Sample(c =>
        {
            var fast = Simulation.Run(c.Layer, c.Arch, new SystolicModel(c.Unit));
            var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, new SystolicReference(c.Unit), ReferenceData.Random(c.Layer, c.Seed)).Result;
            Assert.That(reference.Ran, Is.EqualTo(fast.Ran), $"{c}\nfast: {fast.NotRunReason}; reference: {reference.NotRunReason}");
            if (!fast.Ran)
                return;
            Interlocked.Increment(ref ran);
            Assert.That((reference.ComputeCycles, reference.StallCycles, reference.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.Folds)), c.ToString());
            Assert.That(reference.Counts, Is.EqualTo(fast.Counts), $"{c}\nreference: {reference.Counts}\nfast:      {fast.Counts}");
        }, iter: 400, seed: "0N0XIzNsQ0O2");
        Assert.That(ran, Is.GreaterThan(100));
    }

    [Test]
    public void TenMillionDepthwiseGroupsRunInClosedForm()
    {
        // 10^7 groups x 2 folds each: a walk of 2 x 10^7 folds is above the cap, so this runs only
        // because the equal groups are added in closed form (before, it ran for minutes).
        const int groups = 10_000_000;
        var layer = new LayerWorkload("dw", LayerShape.Depthwise(groups, 4, 4, 3, pad: 1));
        var arch = Presets.Get("lowbit-default");
        var result = Simulation.Evaluate(layer, arch);
        Assert.That(result.Ran, Is.True, result.NotRunReason);
        var perGroup = Simulation.Evaluate(new LayerWorkload("dw", LayerShape.Depthwise(1, 4, 4, 3, pad: 1)), arch);
        Assert.That(result.Folds, Is.EqualTo(groups * perGroup.Folds));
        Assert.That(result.ComputeCycles, Is.EqualTo(groups * perGroup.ComputeCycles));
        Assert.That(result.Macs, Is.EqualTo(groups * 144L));
    }

    internal static LayerWorkload MoreGroups(LayerWorkload layer, int factor) => new(layer.Name, MoreGroups(layer.Shape, factor), layer.Precision);

    /// <summary><paramref name="s"/> with <paramref name="factor"/> times its groups (and channels and filters).</summary>
    internal static LayerShape MoreGroups(LayerShape s, int factor) =>
        new(s.Kind, s.Batch, s.Channels * factor, s.Height, s.Width, s.Filters * factor, s.KernelHeight, s.KernelWidth,
            s.StrideH, s.StrideW, s.Padding, s.DilationH, s.DilationW, s.Groups * factor);
}
