using System.Collections.Immutable;
using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>NestLevelConstraint's permutation, read as Timeloop reads it: innermost first, unlisted dimensions outside, unit loops ignored.</summary>
public sealed class NestLevelConstraintTests
{
    private static readonly NestLevelConstraint PeSpad = new(Permutation: [NestDim.P, NestDim.Q, NestDim.R, NestDim.S]);

    // Temporal loops outermost first, as NestLevelLoops holds them.
    private static NestLevelLoops Loops(params (NestDim Dim, int Bound)[] outermostFirst) =>
        NestLevelLoops.Of(outermostFirst.Select(x => new NestLoop(x.Dim, x.Bound)));

    [Test]
    public void TheExercisesOrder_Obeys() =>
        // simple_ws's pe_spad in Timeloop's mapping: R3 Q2 P2 outermost first, P innermost.
        Assert.That(PeSpad.Broken(Loops((NestDim.R, 3), (NestDim.Q, 2), (NestDim.P, 2))), Is.Null);

    [Test]
    public void UnlistedDimensionsOutside_Obey() =>
        Assert.That(PeSpad.Broken(Loops((NestDim.M, 2), (NestDim.C, 3), (NestDim.S, 3), (NestDim.P, 4))), Is.Null);

    [Test]
    public void ListedDimensionsOutOfOrder_Break() =>
        // The pre-permutation 119.54 uJ pick's pe_spad: M4 P16 S3, S innermost.
        Assert.That(PeSpad.Broken(Loops((NestDim.M, 4), (NestDim.P, 16), (NestDim.S, 3))),
            Is.EqualTo("temporal P16 (outside S3; permutation [P, Q, R, S], innermost first)"));

    [Test]
    public void AnUnlistedDimensionInsideAListedOne_Breaks() =>
        Assert.That(PeSpad.Broken(Loops((NestDim.S, 3), (NestDim.M, 2))), Is.EqualTo("temporal S3 (outside M2; permutation [P, Q, R, S], innermost first)"));

    [Test]
    public void UnitLoops_AreNoLoops() =>
        // Timeloop puts unit factors first (innermost) and drops them from the nest: a bound-1 loop is never out of order.
        Assert.That(PeSpad.Broken(Loops((NestDim.S, 1), (NestDim.R, 3), (NestDim.M, 1), (NestDim.P, 2))), Is.Null);

    /// <summary>Unlisted dimensions rank 9, the dimension count, above any position a permutation of all nine could give (it was 7 with seven).</summary>
    [Test]
    public void Rank_IsThePositionInnermostFirst_UnlistedNine()
    {
        Assert.That(Enum.GetValues<NestDim>().Select(PeSpad.Rank), Is.EqualTo(new[] { 9, 9, 9, 0, 1, 2, 3, 9, 9 }));
        Assert.That(Enum.GetValues<NestDim>().Select(NestLevelConstraint.None.Rank), Is.All.EqualTo(9));
    }

    /// <summary>
    /// A G loop outermost at level 0 obeys any constraints (the groups one after another need no hardware support); anywhere else G
    /// is checked like any dimension.
    /// </summary>
    [Test]
    public void GroupsOutermostAtTheTop_AlwaysAllowed()
    {
        var noG = new NestLevelConstraint(Temporal: [NestDim.M, NestDim.P]);
        NestMapping Top(params NestLoop[] loops) => new([NestLevelLoops.Of(loops), NestLevelLoops.Of([])]);
        var constraints = new[] { noG, noG };
        Assert.That(NestLevelConstraint.Broken(Top(new(NestDim.G, 4), new(NestDim.M, 2)), constraints), Is.Null);
        Assert.That(NestLevelConstraint.Broken(Top(new(NestDim.M, 2), new(NestDim.G, 4)), constraints), Is.EqualTo("level 0: temporal G4"));
        Assert.That(NestLevelConstraint.Broken(new NestMapping([NestLevelLoops.Of([]), NestLevelLoops.Of([new(NestDim.G, 4)])]), constraints), Is.EqualTo("level 1: temporal G4"));
    }

    [Test]
    public void ARepeatedDimension_IsRefused() =>
        Assert.That(() => new NestLevelConstraint(Permutation: [NestDim.P, NestDim.Q, NestDim.P]),
            Throws.ArgumentException.With.Message.Contains("permutation [P, Q, P] lists a dimension twice"));

    [Test]
    public void Mapping_NamesTheLevel()
    {
        var mapping = new NestMapping([Loops((NestDim.Q, 4)), Loops((NestDim.S, 3), (NestDim.M, 2))]);
        Assert.That(NestLevelConstraint.Broken(mapping, [NestLevelConstraint.None, PeSpad]), Is.EqualTo("level 1: temporal S3 (outside M2; permutation [P, Q, R, S], innermost first)"));
        Assert.That(NestLevelConstraint.Broken(mapping, [NestLevelConstraint.None, new NestLevelConstraint(Temporal: ImmutableHashSet.Create(NestDim.S))]), Is.EqualTo("level 1: temporal M2"));
    }
}
