using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>What the hand-worked nest tests (groups, dilation, bits) share: both engines on one case, and one level's expected counts.</summary>
internal static class NestHand
{
    /// <summary>The closed form's counts and the cycle-stepped reference's (on seed-7 operands) for one case, each named.</summary>
    public static IEnumerable<(string Engine, NestCounts Counts)> BothEngines(NestProblem problem, NestArchitecture arch, NestMapping mapping)
    {
        var (weights, inputs) = NestRandom.Operands(problem, 7);
        yield return ("analysis", NestAnalysis.Count(problem, arch, mapping));
        yield return ("reference", NestReference.Run(problem, arch, mapping, weights, inputs).Counts);
    }

    public static NestLoop T(NestDim dim, int bound) => new(dim, bound);

    public static NestLoop X(NestDim dim, int bound) => new(dim, bound, NestAxis.X);

    public static NestMapping Map(params NestLevelLoops[] levels) => new([.. levels]);

    public static void Expect(NestCounts counts, int level, NestTensor tensor, long reads, long fills, long updates, string engine) =>
        Assert.That(counts[level, tensor], Is.EqualTo(new NestAccesses(reads, fills, updates)), () => $"{engine}: level {level} {tensor} (reads, fills, updates)\n{counts}");
}
