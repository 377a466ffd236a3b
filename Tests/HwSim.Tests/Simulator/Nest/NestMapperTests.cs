using System.Collections.Immutable;
using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// NestMapper's properties over random problems, architectures and constraints (NestRandom's cases, with constraints the case's
/// own mapping obeys, so a legal mapping exists, and that mapping as a candidate): every pick obeys its constraints, permutations
/// included; refinement never loses the best sample; a seed gives the same pick.
/// </summary>
public sealed class NestMapperTests
{
    // Random constraints the case's mapping obeys: each level's temporal and spatial sets hold the dimensions its loops use (bound
    // above 1) plus random others, or are null; its permutation is the longest prefix of its loops' dimensions, innermost first,
    // that the mapping obeys, cut at a random length.
    private static NestLevelConstraint[] Constraints(NestCase c, Random rng)
    {
        ImmutableHashSet<NestDim>? Set(IEnumerable<NestDim> used) => rng.NextDouble() < 0.3 ? null
            : [.. used.Concat(Enum.GetValues<NestDim>().Where(_ => rng.NextDouble() < 0.3))];
        var result = new NestLevelConstraint[c.Mapping.Levels.Length];
        for (var l = 0; l < result.Length; l++)
        {
            var loops = c.Mapping.Levels[l];
            var temporal = Set(loops.Temporal.Where(x => x.Bound > 1).Select(x => x.Dim));
            var x = Set(loops.Spatial.Where(s => s.Bound > 1 && s.Axis == NestAxis.X).Select(s => s.Dim));
            var y = Set(loops.Spatial.Where(s => s.Bound > 1 && s.Axis == NestAxis.Y).Select(s => s.Dim));
            var order = loops.Temporal.Reverse().Where(t => t.Bound > 1).Select(t => t.Dim).Distinct().ToList();
            var length = rng.Next(order.Count + 1);
            NestLevelConstraint constraint;
            while (true)
            {
                constraint = new NestLevelConstraint(temporal, x, y, rng.NextDouble() < 0.2 ? null : [.. order.Take(length)]);
                if (constraint.Broken(loops) is null)
                    break;
                length--; // a dimension with two loops around another's: a shorter prefix
            }
            result[l] = constraint;
        }
        return result;
    }

    // A cheap cost: accesses weighted 10x per level outward, plus cycles (ties are rare, so picks differ in something).
    private static double Cost(NestCounts counts)
    {
        var total = (double)counts.Cycles;
        for (var l = 0; l < counts.Levels.Length; l++)
            foreach (var a in counts.Levels[l].Values)
                total += Math.Pow(10, counts.Levels.Length - l) * (a.Reads + a.Fills + a.Updates);
        return total;
    }

    [Test]
    public void Picks_ObeyTheConstraints_AndRefinementNeverLosesTheBestSample()
    {
        var improved = 0;
        foreach (var c in NestRandom.Cases(200, firstSeed: 5000))
        {
            var constraints = Constraints(c, new Random(c.Seed));
            Assert.That(NestLevelConstraint.Broken(c.Mapping, constraints), Is.Null, $"{c}");
            var sampled = NestMapper.Search(c.Problem, c.Arch, constraints, Cost, samples: 100, seed: c.Seed, candidates: [c.Mapping], refinement: NestRefinement.None);
            var refined = NestMapper.Search(c.Problem, c.Arch, constraints, Cost, samples: 100, seed: c.Seed, candidates: [c.Mapping], refinement: new NestRefinement(4, 2_000));
            var again = NestMapper.Search(c.Problem, c.Arch, constraints, Cost, samples: 100, seed: c.Seed, candidates: [c.Mapping], refinement: new NestRefinement(4, 2_000));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(NestLevelConstraint.Broken(sampled.Mapping, constraints), Is.Null, $"sampling's pick\n{c}");
                Assert.That(NestLevelConstraint.Broken(refined.Mapping, constraints), Is.Null, $"refinement's pick\n{c}\n{refined.Mapping.Describe(c.Arch)}");
                Assert.That(refined.Mapping.Unfit(c.Problem, c.Arch), Is.Null, $"{c}");
                Assert.That(refined.Cost, Is.LessThanOrEqualTo(sampled.Cost), $"{c}");
                Assert.That(refined.Cost, Is.EqualTo(Cost(NestAnalysis.Count(c.Problem, c.Arch, refined.Mapping))), "the pick's cost is its mapping's");
                Assert.That((again.Mapping.Loops(), again.Cost, again.Neighbours), Is.EqualTo((refined.Mapping.Loops(), refined.Cost, refined.Neighbours)), "deterministic");
                Assert.That(refined.Neighbours, Is.LessThanOrEqualTo(2_000), "within the budget");
            }
            if (refined.Cost < sampled.Cost)
                improved++;
        }
        TestContext.Out.WriteLine($"refinement improved on sampling in {improved} of 200 cases");
        Assert.That(improved, Is.GreaterThan(0), "refinement does something");
    }

    [Test]
    public void Sampling_PutsEachLevelsLoopsInItsPermutation()
    {
        // simple_ws's constraints: pe_spad [P, Q, R, S]. Every valid sample of a search obeys; the best of 2,000 shows it.
        var arch = TimeloopNests.Architecture("simple_ws");
        var constraints = TimeloopConstraints.For("simple_ws");
        for (var seed = 1; seed <= 20; seed++)
        {
            var pick = NestMapper.Search(TimeloopNests.Problem, arch, constraints, Cost, samples: 2_000, seed: seed, refinement: NestRefinement.None);
            Assert.That(NestLevelConstraint.Broken(pick.Mapping, constraints), Is.Null, pick.Mapping.Describe(arch));
        }
    }

    [Test]
    public void Refinement_RefusesNegativeSettings()
    {
        Assert.That(() => new NestRefinement(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new NestRefinement(4, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
