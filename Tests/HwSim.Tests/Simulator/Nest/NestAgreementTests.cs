using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The nest engine's two models agree exactly: NestAnalysis (closed form) against NestReference (every MAC stepped with real
/// operands), count by count at every level, on random problems x architectures x mappings (NestRandom: spatial loops, bypassed
/// operands, strides, split dimensions) and on Timeloop's three exercises at full size (whose NestAnalysis counts
/// TimeloopNestTests checks against Timeloop's printed statistics).
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

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void TimeloopExercises_IdenticalCounts(string design)
    {
        var (problem, arch, mapping) = (TimeloopNests.Problem, TimeloopNests.Architecture(design), TimeloopNests.Mapping(design));
        var (weights, inputs) = NestRandom.Operands(problem, 7);
        AssertSame(NestAnalysis.Count(problem, arch, mapping), NestReference.Run(problem, arch, mapping, weights, inputs).Counts, design);
    }
}
