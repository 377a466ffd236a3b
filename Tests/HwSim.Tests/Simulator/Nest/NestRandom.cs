using System.Collections.Immutable;
using HwSim.Simulator.Nest;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// One random problem, architecture and mapping that fits it; <see cref="Seed"/> rebuilds it alone. <see cref="SignedInputs"/>: with B
/// above 1, whether the inputs are two's-complement codes or unsigned (NestReference's parameter).
/// </summary>
internal sealed record NestCase(NestProblem Problem, NestArchitecture Arch, NestMapping Mapping, int Seed, bool SignedInputs = true)
{
    public override string ToString() =>
        $"seed {Seed}: {Problem}{(Problem.Bits > 1 ? SignedInputs ? " (signed inputs)" : " (unsigned inputs)" : "")}\n" +
        string.Join('\n', Arch.Levels.Select((l, i) => $"level {i} {l.Name}: keeps [{string.Join(", ", l.Keeps.OrderBy(t => t))}], " +
            $"capacity {l.CapacityWords?.ToString() ?? "unbounded"}, fan-out {l.FanoutX}x{l.FanoutY}")) +
        "\n" + Mapping.Describe(Arch);
}

/// <summary>
/// Random small nests for the Nest tests (reference against the direct convolution, and both engines against
/// each other): problems of up to ~40,000 MACs with strides 1-2; 1 to 4 levels, each inner level keeping a random
/// subset of the operands (possibly none) with a fan-out of up to 4x4; every dimension's size split into its prime
/// factors, each put on a random level as a temporal loop or, where the fan-out has room, a spatial one; factors
/// of one dimension on one level sometimes share a loop, sometimes not; bound-1 loops now and then; random loop
/// orders; capacities unbounded, exactly the tiles' need, or more. Grouped cases are the same with G = 2..4 groups run one after
/// another (a G loop outermost at level 0); group-loop cases deal G = 2..6's factors like any other dimension's (temporal or
/// spatial, at any level); dilated cases are the same with dilations 2..3 on each axis and, half of them, 2..4 groups (outermost);
/// bit-serial cases have B = 2..8 input bits (B's factors dealt like any other dimension's), signed or unsigned inputs, and some
/// groups (outermost) and dilations.
/// </summary>
internal static class NestRandom
{
    /// <summary>Cases <paramref name="firstSeed"/>, <paramref name="firstSeed"/> + 1, ...: each rebuilt alone by <see cref="Case"/>.</summary>
    public static IEnumerable<NestCase> Cases(int count, int firstSeed) => Enumerable.Range(firstSeed, count).Select(Case);

    /// <summary>As <see cref="Cases"/>, each with 2 to 4 groups (<see cref="GroupedCase"/>).</summary>
    public static IEnumerable<NestCase> GroupedCases(int count, int firstSeed) => Enumerable.Range(firstSeed, count).Select(GroupedCase);

    /// <summary>
    /// <see cref="Case"/>(<paramref name="seed"/>) with G = 2..4 groups run one after another: the same per-group problem and
    /// architecture, and its mapping with a G loop outermost at level 0 (NestMapping.WithGroupsOutermost, what a grouped layer got
    /// before G was a dimension). G is drawn from a generator of its own, so the ungrouped cases stay what they were.
    /// </summary>
    public static NestCase GroupedCase(int seed)
    {
        var c = Case(seed);
        var p = c.Problem;
        var groups = new Random(unchecked(seed * 7919 + 1)).Next(2, 5);
        return c with { Problem = new NestProblem(p.N, p.M, p.C, p.P, p.Q, p.R, p.S, p.HStride, p.WStride, groups), Mapping = c.Mapping.WithGroupsOutermost(groups) };
    }

    /// <summary>As <see cref="Cases"/>, each with G loops placed at random (<see cref="GroupLoopCase"/>).</summary>
    public static IEnumerable<NestCase> GroupLoopCases(int count, int firstSeed) => Enumerable.Range(firstSeed, count).Select(GroupLoopCase);

    /// <summary>
    /// <see cref="Case"/>(<paramref name="seed"/>)'s problem with G = 2..6 groups whose prime factors are dealt like any other
    /// dimension's (after them, G being the last): to random levels, temporal or, where a fan-out has room, spatial, sometimes split
    /// over loops of one level; capacities are drawn from the grouped tiles' need; a third of them strided and dilated as
    /// <see cref="DilatedCase"/> draws. G and the dilations come from a generator of their own.
    /// </summary>
    public static NestCase GroupLoopCase(int seed)
    {
        var rng = new Random(unchecked(seed * 7919 + 4));
        var (groups, dilated) = (rng.Next(2, 7), rng.Next(3) == 0);
        var (dilationH, dilationW) = dilated ? (rng.Next(2, 4), rng.Next(2, 4)) : (1, 1);
        return Build(seed, p => new NestProblem(p.N, p.M, p.C, p.P, p.Q, p.R, p.S, p.HStride, p.WStride, groups, dilationH, dilationW), dealGroups: true);
    }

    /// <summary>As <see cref="Cases"/>, each dilated (<see cref="DilatedCase"/>).</summary>
    public static IEnumerable<NestCase> DilatedCases(int count, int firstSeed) => Enumerable.Range(firstSeed, count).Select(DilatedCase);

    /// <summary>
    /// <see cref="Case"/>(<paramref name="seed"/>)'s problem, loops and levels with dilations DilationH, DilationW = 2..3 each and, for
    /// half of the seeds, G = 2..4 groups, strides as drawn (1..2). Dilation widens input tiles, so the capacities are drawn again
    /// from the dilated tiles' need (the same draws as <see cref="Case"/>'s; the extra parameters come from a generator of their own,
    /// so the other streams stay what they were).
    /// </summary>
    public static NestCase DilatedCase(int seed)
    {
        var rng = new Random(unchecked(seed * 7919 + 2));
        var (dilationH, dilationW, groups) = (rng.Next(2, 4), rng.Next(2, 4), rng.Next(2) == 0 ? 1 : rng.Next(2, 5));
        return Build(seed, p => new NestProblem(p.N, p.M, p.C, p.P, p.Q, p.R, p.S, p.HStride, p.WStride, groups, dilationH, dilationW));
    }

    /// <summary>As <see cref="Cases"/>, each bit-serial (<see cref="BitCase"/>).</summary>
    public static IEnumerable<NestCase> BitCases(int count, int firstSeed) => Enumerable.Range(firstSeed, count).Select(BitCase);

    /// <summary>
    /// <see cref="Case"/>(<paramref name="seed"/>)'s problem with B = 2..8 input bits, signed or unsigned inputs (even odds), for a
    /// third of the seeds G = 2..4 groups and for another third dilations 2..3 (strides as drawn, 1..2). B's prime factors are dealt
    /// like any other dimension's: to random levels, temporal or, where a fan-out has room, spatial; capacities are drawn from the
    /// bit-serial tiles' need in words. The extra parameters come from a generator of their own, so the other streams stay what they were.
    /// </summary>
    public static NestCase BitCase(int seed)
    {
        var rng = new Random(unchecked(seed * 7919 + 3));
        var (bits, signed, kind) = (rng.Next(2, 9), rng.Next(2) == 0, rng.Next(3));
        var (groups, dilationH, dilationW) = kind switch { 1 => (rng.Next(2, 5), 1, 1), 2 => (1, rng.Next(2, 4), rng.Next(2, 4)), _ => (1, 1, 1) };
        return Build(seed, p => new NestProblem(p.N, p.M, p.C, p.P, p.Q, p.R, p.S, p.HStride, p.WStride, groups, dilationH, dilationW, bits)) with { SignedInputs = signed };
    }

    public static NestCase Case(int seed) => Build(seed, p => p);

    /// <param name="adjust">Changes the drawn problem's groups, dilation (not its sizes), before capacities are drawn from its tiles.</param>
    /// <param name="dealGroups">
    /// Deal G's factors like the other dimensions'; otherwise the groups run one after another, a G loop outermost at level 0, and the
    /// draws are those they were before G was a dimension.
    /// </param>
    private static NestCase Build(int seed, Func<NestProblem, NestProblem> adjust, bool dealGroups = false)
    {
        var rng = new Random(seed);
        var problem = adjust(new NestProblem(rng.Next(1, 3), rng.Next(1, 9), rng.Next(1, 7), rng.Next(1, 8), rng.Next(1, 8),
            rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 3), rng.Next(1, 3)));
        var levels = rng.Next(1, 5);
        var fanout = Enumerable.Range(0, levels).Select(_ => (X: rng.Next(1, 5), Y: rng.Next(1, 5))).ToArray();
        var keeps = Enumerable.Range(0, levels).Select(l => l == 0
            ? Enum.GetValues<NestTensor>().ToImmutableHashSet()
            : Enum.GetValues<NestTensor>().Where(_ => rng.NextDouble() < 0.6).ToImmutableHashSet()).ToArray();

        // Loops per level as (dim, bound, axis) in creation order, shuffled at the end.
        var temporal = Enumerable.Range(0, levels).Select(_ => new List<NestLoop>()).ToArray();
        var spatial = Enumerable.Range(0, levels).Select(_ => new List<NestLoop>()).ToArray();
        var used = new long[levels, 2];
        for (var l = 0; l < levels; l++)
            (used[l, 0], used[l, 1]) = (1, 1);
        // B only when it is above 1: its draw (a bound-1 loop now and then) would shift every later draw of the other streams; G, likewise,
        // only for the cases that deal it.
        foreach (var dim in Enum.GetValues<NestDim>().Where(d => (d != NestDim.B || problem.Bits > 1) && (d != NestDim.G || dealGroups)))
            foreach (var factor in PrimeFactors(problem.Size(dim)).Concat(rng.NextDouble() < 0.2 ? new[] { 1 } : Array.Empty<int>()))
            {
                var l = rng.Next(levels);
                var axis = rng.Next(2);
                var room = axis == 0 ? fanout[l].X : fanout[l].Y;
                var onAxis = rng.NextDouble() < 0.4 && used[l, axis] * factor <= room;
                var list = onAxis ? spatial[l] : temporal[l];
                NestAxis? loopAxis = onAxis ? (NestAxis)axis : null;
                if (onAxis)
                    used[l, axis] *= factor;
                var same = list.FindIndex(x => x.Dim == dim && x.Axis == loopAxis);
                if (same >= 0 && rng.NextDouble() < 0.7)
                    list[same] = list[same] with { Bound = list[same].Bound * factor };
                else
                    list.Add(new NestLoop(dim, factor, loopAxis));
            }
        var mapping = new NestMapping([.. Enumerable.Range(0, levels).Select(l =>
            NestLevelLoops.Of(temporal[l].OrderBy(_ => rng.Next()).ToList(), spatial[l].OrderBy(_ => rng.Next()).ToList()))]).WithGroupsOutermost(problem.Groups);

        var arch = new NestArchitecture(Enumerable.Range(0, levels).Select(l =>
        {
            long? capacity = null;
            var need = keeps[l].Sum(t => mapping.TileWords(problem, t, l));
            if (l > 0 && need > 0)
                capacity = rng.Next(3) switch { 0 => null, 1 => need, _ => need + rng.NextInt64(need + 1) };
            return new NestLevel(l == 0 ? "DRAM" : $"L{l}", keeps[l], capacity, fanout[l].X, fanout[l].Y);
        }));
        return new NestCase(problem, arch, mapping, seed);
    }

    /// <summary>
    /// Weights and (padded) input values of all groups drawn uniformly from int8's range, so every product and sum is exact in a long;
    /// with B above 1 the inputs from B bits' range instead, signed [-2^(B-1), 2^(B-1)) or unsigned [0, 2^B).
    /// </summary>
    public static (long[] Weights, long[] Inputs) Operands(NestProblem problem, int seed, bool signedInputs = true)
    {
        var rng = new Random(seed);
        var (low, high) = problem.Bits == 1 ? (-128, 128) : signedInputs ? (-(1 << (problem.Bits - 1)), 1 << (problem.Bits - 1)) : (0, 1 << problem.Bits);
        long[] Draw(long count, int from, int to) => [.. Enumerable.Range(0, checked((int)count)).Select(_ => (long)rng.Next(from, to))];
        return (Draw(problem.Elements(NestTensor.Weights), -128, 128), Draw(problem.InputValues, low, high));
    }

    /// <summary>
    /// The same convolution as a layer for the direct convolution (Reference/ReferenceConvolution): unpadded, over the padded
    /// input; G·C channels and G·M filters in G groups, the problem's dilations. ReferenceData wants inputs (N, G·C, H, W), weights
    /// (G·M, C, R, S) and gives outputs (N, G·M, P, Q), all row-major, the nest's layouts.
    /// </summary>
    public static LayerShape DirectShape(NestProblem p) =>
        new(LayerKind.Convolution, p.N, p.Groups * p.C, p.H, p.W, p.Groups * p.M, p.R, p.S, p.HStride, p.WStride,
            dilationH: p.DilationH, dilationW: p.DilationW, groups: p.Groups);

    private static IEnumerable<int> PrimeFactors(int n)
    {
        for (var f = 2; f * f <= n; f++)
            while (n % f == 0)
            {
                yield return f;
                n /= f;
            }
        if (n > 1)
            yield return n;
    }
}
