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
        static string Show(NestLevelConstraint c) => string.Join(" | ", new[] { c.Temporal, c.SpatialX, c.SpatialY }.Select(s => s is null ? "any" : string.Join(",", s.Order())))
            + " | " + (c.Permutation is { } p ? string.Join(",", p) : "any order"); // the permutation in its own (innermost-first) order
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

    // A two-level design whose buffer (levels[1], line 4) carries the permutation under test.
    private static NestDesign WithPermutation(string permutation) => NestDesignFile.Read(
        $"version: 1\nname: t\nlevels:\n  - {{ name: b, class: sram, depth: 4, width: 32, permutation: {permutation} }}\n".Replace("levels:\n", "levels:\n  - { name: D, class: dram }\n", StringComparison.Ordinal), "t.yaml");

    [Test]
    public void Permutation_IsReadInnermostFirst()
    {
        var c = WithPermutation("[p, Q, R, S]").Constraints;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(c[0].Permutation, Is.Null, "none given: any order");
            Assert.That(c[1].Permutation, Is.EqualTo(new[] { NestDim.P, NestDim.Q, NestDim.R, NestDim.S }));
            Assert.That(c[1].Rank(NestDim.P), Is.Zero, "the first listed is the innermost");
            Assert.That(WithPermutation("[]").Constraints[1].Permutation, Is.Empty, "an empty list constrains nothing");
        }
    }

    [TestCase("[P, X, R]", "'X' is not a dimension (allowed: N, M, C, P, Q, R, S, B, G)")]
    [TestCase("[P, Q, p]", "'p' is listed twice (a permutation gives each dimension one place, innermost first)")]
    [TestCase("PQRS", "must be a list such as [P, Q, R, S] (innermost first)")]
    [TestCase("[[P, Q]]", "must be a single value")]
    public void Permutation_BadValues_NameTheFileLineAndField(string permutation, string rule)
    {
        var e = Assert.Throws<HwSim.Workloads.InputException>(() => WithPermutation(permutation))!;
        Assert.That((e.File, e.Location, e.Field, e.Rule), Is.EqualTo(("t.yaml", "line 5", "levels[1].permutation", rule)));
    }

    [Test]
    public void Permutation_BindsTheMapperOnly_AGivenMappingIsTakenAsWritten()
    {
        // As for the temporal and spatial sets: a mapping file's mapping is the user's, checked for fit (NestMapping.Unfit), not
        // against the design's constraints. simple_ws's pe_spad with S inside P breaks [P, Q, R, S] and still runs.
        var d = Design("simple_ws");
        var text = File.ReadAllText(Example("simple_ws.mapping.yaml")).Replace("pe_spad: { temporal: [R3, Q2, P2] }", "pe_spad: { temporal: [R3, P2, Q2] }", StringComparison.Ordinal);
        var mapping = NestMappingFile.Read(text, "m.yaml", d).For("conv", TimeloopNests.Problem, d.Architecture);
        Assert.That(mapping, Is.Not.Null);
        Assert.That(NestLevelConstraint.Broken(mapping!, d.Constraints), Is.EqualTo("level 2: temporal P2 (outside Q2; permutation [P, Q, R, S], innermost first)"));
    }
}
