using HwSim.Analyses.Nest;
using HwSim.CostModel.Nest;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Nest;
using HwSim.Tests.CostModel.Nest;
using HwSim.Tests.Simulator.Nest;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Nest;

/// <summary>
/// docs/examples/timeloop/{design}.yaml and .mapping.yaml read into exactly the C# fixtures: TimeloopNests' levels and
/// mappings, TimeloopNestEnergyTests' level prices, TimeloopConstraints.For (each exercise's arch.yaml constraints as Timeloop applies them).
/// </summary>
public sealed class NestDesignFileTests
{
    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", file);

    internal static NestDesign Design(string design) => NestDesignFile.Load(Example($"{design}.yaml"));

    // TimeloopNestEnergyTests.Costs (private there), the exercises' arch.yaml: LPDDR4; shared_glb 16384 x 64 bit = 128 KiB, 32 banks;
    // simple_*'s pe_spad 192 x 16 bit; eyeriss's spads 12, 192 and 16 x 16 bit; registers.
    private static NestLevelCost[] Costs(string design) => design == "eyeriss_like"
        ? [NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.OfSram(128 * 1024, 64, 32), NestLevelCost.OfRegisterFile(12, 16), NestLevelCost.OfRegisterFile(192, 16), NestLevelCost.OfRegisterFile(16, 16)]
        : [NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.OfSram(128 * 1024, 64, 32), NestLevelCost.OfRegisterFile(192, 16), NestLevelCost.Register, NestLevelCost.Register, NestLevelCost.Register];

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void Design_EqualsTheFixture(string design)
    {
        var read = Design(design);
        var fixture = TimeloopNests.Architecture(design);
        Assert.That(read.Name, Is.EqualTo(design));
        Assert.That(read.Architecture.Levels, Has.Length.EqualTo(fixture.Levels.Length));
        using (Assert.EnterMultipleScope())
        {
            for (var l = 0; l < fixture.Levels.Length; l++)
            {
                var (a, b) = (read.Architecture.Levels[l], fixture.Levels[l]);
                Assert.That((a.Name, a.CapacityWords, a.FanoutX, a.FanoutY), Is.EqualTo((b.Name, b.CapacityWords, b.FanoutX, b.FanoutY)), $"level {l}");
                Assert.That(a.Keeps.SetEquals(b.Keeps), $"level {l} keeps {string.Join(",", a.Keeps)}, fixture {string.Join(",", b.Keeps)}");
            }
            Assert.That(read.Costs, Is.EqualTo(Costs(design)));
        }
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void Constraints_AreTheExercisesConstraints(string design)
    {
        var read = Design(design).Constraints;
        var fixture = TimeloopConstraints.For(design);
        Assert.That(read, Has.Length.EqualTo(fixture.Length));
        static string Show(NestLevelConstraint c) => string.Join(" | ", new[] { c.Temporal, c.SpatialX, c.SpatialY }.Select(s => s is null ? "any" : string.Join(",", s.Order())));
        Assert.That(read.Select(Show), Is.EqualTo(fixture.Select(Show)));
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void Mapping_EqualsTheFixture(string design)
    {
        var d = Design(design);
        var file = NestMappingFile.Load(Example($"{design}.mapping.yaml"), d);
        var read = file.For("conv", TimeloopNests.Problem, d.Architecture);
        var fixture = TimeloopNests.Mapping(design);
        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Loops(), Is.EqualTo(fixture.Loops()));
        Assert.That(read.Levels.Select(l => (l.Temporal.Length, l.Spatial.Length)), Is.EqualTo(fixture.Levels.Select(l => (l.Temporal.Length, l.Spatial.Length))));
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void Write_ReadsBackToTheSameMapping(string design)
    {
        var d = Design(design);
        var text = NestMappingFile.Write([("conv", TimeloopNests.Mapping(design))], d.Architecture);
        var back = NestMappingFile.Read(text, "written.yaml", d).For("conv", TimeloopNests.Problem, d.Architecture);
        Assert.That(back!.Loops(), Is.EqualTo(TimeloopNests.Mapping(design).Loops()), text);
    }

    [Test]
    public void Defaults_KeepAllFanoutOneAnyDimensionDatawidthIsWidth()
    {
        var d = NestDesignFile.Read("version: 1\nname: t\nlevels:\n  - { name: D, class: dram }\n  - { name: b, class: sram, depth: 4, width: 32 }\n", "t.yaml");
        var b = d.Architecture.Levels[1];
        using (Assert.EnterMultipleScope())
        {
            Assert.That((b.CapacityWords, b.FanoutX, b.FanoutY, b.Keeps.Count), Is.EqualTo((4L, 1, 1, 3)));
            Assert.That(d.Costs[1], Is.EqualTo(NestLevelCost.OfSram(16, 32, 1)));
            Assert.That(d.Costs[0], Is.EqualTo(NestLevelCost.OfDram(DramKinds.Default)));
            Assert.That(d.Constraints, Is.All.EqualTo(NestLevelConstraint.None));
        }
    }
}
