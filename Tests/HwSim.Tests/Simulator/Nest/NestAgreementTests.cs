using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The nest engine's two models agree exactly: NestAnalysis (closed form) against NestReference (every MAC stepped with real
/// operands), count by count at every level, on random problems x architectures x mappings (NestRandom: spatial loops, bypassed
/// operands, strides, split dimensions), on a further share of random cases with 2 to 4 groups run one after another (a G loop
/// outermost at level 0), on 250 with G = 2..6 whose loops sit anywhere (temporal or spatial), on dilated ones (input tiles with gaps, whose overlaps
/// NestAnalysis counts per axis), on bit-serial ones (an eighth dimension B, the input's bits), and on Timeloop's three exercises at full size (whose
/// NestAnalysis counts TimeloopNestTests checks against Timeloop's printed statistics).
/// </summary>
public sealed class NestAgreementTests
{
    private static void AssertSame(NestCounts fast, NestCounts reference, string what)
    {
        // NestCounts holds arrays, which records compare by reference: compare the printout, which lists every count.
        Assert.That(fast.ToString(), Is.EqualTo(reference.ToString()), what);
    }

    /// <summary>
    /// Both engines count every case (its own operands, signed or not) identically, and their accumulations (the innermost output
    /// keeper's updates, which a bit-serial PE's shift-accumulates are priced on) are the mapping's figure.
    /// </summary>
    private static void AssertEnginesAgree(IEnumerable<NestCase> cases)
    {
        foreach (var c in cases)
        {
            var (weights, inputs) = NestRandom.Operands(c.Problem, c.Seed, c.SignedInputs);
            var (fast, reference) = (NestAnalysis.Count(c.Problem, c.Arch, c.Mapping), NestReference.Run(c.Problem, c.Arch, c.Mapping, weights, inputs, c.SignedInputs).Counts);
            AssertSame(fast, reference, c.ToString());
            AssertAccumulations(fast, c.Arch, c.Mapping, c.ToString());
            AssertAccumulations(reference, c.Arch, c.Mapping, c.ToString());
        }
    }

    /// <summary>
    /// <see cref="NestCounts.Accumulations"/> from the mapping alone: the MACs divided by the lanes one adder tree sums, the spatial
    /// bounds of the reduction dimensions (C, R, S, B) at the innermost level that keeps outputs and below (its fan-out reaches the MACs).
    /// </summary>
    internal static void AssertAccumulations(NestCounts counts, NestArchitecture arch, NestMapping mapping, string what)
    {
        var k = arch.InnermostKeeper(NestTensor.Outputs);
        var lanes = mapping.Loops().Where(x => x.Loop.Spatial && x.Level >= k && !NestProblem.Indexes(NestTensor.Outputs, x.Loop.Dim))
            .Aggregate(1L, (a, x) => a * x.Loop.Bound);
        Assert.That(counts.Macs % lanes, Is.Zero, what);
        Assert.That(counts.Accumulations(arch), Is.EqualTo(counts.Macs / lanes), () => $"accumulations: {counts.Macs} MACs / {lanes} lanes\n{what}");
    }

    [Test]
    public void RandomCases_IdenticalCounts()
    {
        var cases = NestRandom.Cases(1_000, 5_001).ToList();
        AssertEnginesAgree(cases);
        TestContext.Out.WriteLine($"{cases.Count} cases, {cases.Count(c => c.Mapping.Levels.Any(l => l.Spatial.Length > 0))} with spatial loops");
    }

    /// <summary>250 grouped cases next to the 1,000 above (a fifth of the 1,250): G = 2..4, the per-group problem of seeds 6,001 ...</summary>
    [Test]
    public void GroupedRandomCases_IdenticalCounts()
    {
        var cases = NestRandom.GroupedCases(250, 6_001).ToList();
        AssertEnginesAgree(cases);
        TestContext.Out.WriteLine($"{cases.Count} grouped cases, G = 2, 3, 4: {string.Join(", ", Enumerable.Range(2, 3).Select(g => cases.Count(c => c.Problem.Groups == g)))}");
    }

    /// <summary>
    /// 250 dilated cases (dilations 2..3 on each axis, half of them with 2..4 groups, strides 1..2), seeds 7,001 ...: the input
    /// tiles {p·stride + r·dilation} have gaps, and their overlaps with the previous tile and with siblings' are no longer intervals.
    /// </summary>
    [Test]
    public void DilatedRandomCases_IdenticalCounts()
    {
        var cases = NestRandom.DilatedCases(250, 7_001).ToList();
        AssertEnginesAgree(cases);
        var (dilatedKernel, grouped, strided) = (cases.Count(c => c.Problem.R > 1 || c.Problem.S > 1), cases.Count(c => c.Problem.Groups > 1),
            cases.Count(c => c.Problem.HStride > 1 || c.Problem.WStride > 1));
        TestContext.Out.WriteLine($"{cases.Count} dilated cases: {dilatedKernel} with a kernel over 1 on some axis (the rest: dilation changes nothing), {grouped} grouped, {strided} strided");
        // The generator must reach what dilation changes: kernels wider than 1 next to strides and groups.
        Assert.That(new[] { dilatedKernel, grouped, strided }, Has.All.GreaterThan(cases.Count / 4));
    }

    /// <summary>
    /// 250 bit-serial cases (B = 2..8 input bits, signed and unsigned inputs, a third grouped and a third dilated, strides 1..2), seeds
    /// 8,001 ...: B is an eighth dimension indexing the inputs only, its loops temporal (bits one after another) or spatial (bit-planes
    /// side by side, whose products the network reduces) at random levels.
    /// </summary>
    [Test]
    public void BitSerialRandomCases_IdenticalCounts()
    {
        var cases = NestRandom.BitCases(250, 8_001).ToList();
        AssertEnginesAgree(cases);
        var coverage = NestBitsTests.Coverage(cases);
        TestContext.Out.WriteLine($"{cases.Count} bit-serial cases: {coverage}");
        Assert.That(coverage.Minimum, Is.GreaterThan(cases.Count / 10), coverage.ToString());
    }

    /// <summary>
    /// 250 cases with G = 2..6 as a ninth dimension (NestRandom.GroupLoopCase), seeds 9,001 ...: G's factors on random levels,
    /// temporal (groups one after another, at any level, some kept together in a buffer) and spatial (groups side by side, whose
    /// PEs share no weight, input or output), some split over loops, a third dilated and strided.
    /// </summary>
    [Test]
    public void GroupLoopRandomCases_IdenticalCounts()
    {
        var cases = NestRandom.GroupLoopCases(250, 9_001).ToList();
        AssertEnginesAgree(cases);
        var coverage = GroupCoverage(cases);
        TestContext.Out.WriteLine($"{cases.Count} group-loop cases: {coverage}");
        Assert.That(coverage.Minimum, Is.GreaterThan(cases.Count / 10), coverage.ToString());
    }

    /// <summary>How many cases place G where the old model could not, and how many split it.</summary>
    internal sealed record GroupLoops(int Spatial, int TemporalBelowTop, int TemporalInsideTop, int Split, int Dilated)
    {
        public int Minimum => new[] { Spatial, TemporalBelowTop, TemporalInsideTop, Split, Dilated }.Min();

        public override string ToString() =>
            $"{Spatial} with a spatial G loop, {TemporalBelowTop} with a temporal G loop below level 0, {TemporalInsideTop} with G inside another loop of level 0, {Split} with G split over loops, {Dilated} dilated";
    }

    internal static GroupLoops GroupCoverage(IReadOnlyList<NestCase> cases)
    {
        static List<(NestLoop Loop, int Level)> Gs(NestCase c) => [.. c.Mapping.Loops().Where(x => x.Loop.Dim == NestDim.G && x.Loop.Bound > 1)];
        return new GroupLoops(
            cases.Count(c => Gs(c).Any(x => x.Loop.Spatial)),
            cases.Count(c => Gs(c).Any(x => !x.Loop.Spatial && x.Level > 0)),
            cases.Count(c => c.Mapping.Levels[0].Temporal.Where(x => x.Bound > 1).Skip(1).Any(x => x.Dim == NestDim.G)),
            cases.Count(c => Gs(c).Count > 1),
            cases.Count(c => c.Problem.DilationH > 1 || c.Problem.DilationW > 1));
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void TimeloopExercises_IdenticalCounts(string design)
    {
        var (problem, arch, mapping) = (TimeloopNests.Problem, TimeloopNests.Architecture(design), TimeloopNests.Mapping(design));
        var (weights, inputs) = NestRandom.Operands(problem, 7);
        var fast = NestAnalysis.Count(problem, arch, mapping);
        AssertSame(fast, NestReference.Run(problem, arch, mapping, weights, inputs).Counts, design);
        AssertAccumulations(fast, arch, mapping, design);
    }
}
