using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The nest engine's two models agree exactly: NestAnalysis (closed form) against NestReference (every MAC stepped with real
/// operands), count by count at every level, on random problems x architectures x mappings (NestRandom: spatial loops, bypassed
/// operands, strides, split dimensions), on a further share of random cases with 2 to 4 groups (where NestAnalysis takes one
/// group's counts times G and NestReference steps every group), and on Timeloop's three exercises at full size (whose
/// NestAnalysis counts TimeloopNestTests checks against Timeloop's printed statistics).
/// </summary>
public sealed class NestAgreementTests
{
    private static void AssertSame(NestCounts fast, NestCounts reference, string what)
    {
        // NestCounts holds arrays, which records compare by reference: compare the printout, which lists every count.
        Assert.That(fast.ToString(), Is.EqualTo(reference.ToString()), what);
    }

    [Test]
    public void RandomCases_IdenticalCounts()
    {
        var cases = NestRandom.Cases(1_000, 5_001).ToList();
        foreach (var c in cases)
        {
            var (weights, inputs) = NestRandom.Operands(c.Problem, c.Seed);
            AssertSame(NestAnalysis.Count(c.Problem, c.Arch, c.Mapping), NestReference.Run(c.Problem, c.Arch, c.Mapping, weights, inputs).Counts, c.ToString());
        }
        TestContext.Out.WriteLine($"{cases.Count} cases, {cases.Count(c => c.Mapping.Levels.Any(l => l.Spatial.Length > 0))} with spatial loops");
    }

    /// <summary>250 grouped cases next to the 1,000 above (a fifth of the 1,250): G = 2..4, the per-group problem of seeds 6,001 ...</summary>
    [Test]
    public void GroupedRandomCases_IdenticalCounts()
    {
        var cases = NestRandom.GroupedCases(250, 6_001).ToList();
        foreach (var c in cases)
        {
            var (weights, inputs) = NestRandom.Operands(c.Problem, c.Seed);
            AssertSame(NestAnalysis.Count(c.Problem, c.Arch, c.Mapping), NestReference.Run(c.Problem, c.Arch, c.Mapping, weights, inputs).Counts, c.ToString());
        }
        TestContext.Out.WriteLine($"{cases.Count} grouped cases, G = 2, 3, 4: {string.Join(", ", Enumerable.Range(2, 3).Select(g => cases.Count(c => c.Problem.Groups == g)))}");
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void TimeloopExercises_IdenticalCounts(string design)
    {
        var (problem, arch, mapping) = (TimeloopNests.Problem, TimeloopNests.Architecture(design), TimeloopNests.Mapping(design));
        var (weights, inputs) = NestRandom.Operands(problem, 7);
        AssertSame(NestAnalysis.Count(problem, arch, mapping), NestReference.Run(problem, arch, mapping, weights, inputs).Counts, design);
    }
}
