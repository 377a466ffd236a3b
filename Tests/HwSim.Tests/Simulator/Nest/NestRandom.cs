using System.Collections.Immutable;
using HwSim.Simulator.Nest;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>One random problem, architecture and mapping that fits it; <see cref="Seed"/> rebuilds it alone.</summary>
internal sealed record NestCase(NestProblem Problem, NestArchitecture Arch, NestMapping Mapping, int Seed)
{
    public override string ToString() =>
        $"seed {Seed}: {Problem}\n" +
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
/// orders; capacities unbounded, exactly the tiles' need, or more.
/// </summary>
internal static class NestRandom
{
    /// <summary>Cases <paramref name="firstSeed"/>, <paramref name="firstSeed"/> + 1, ...: each rebuilt alone by <see cref="Case"/>.</summary>
    public static IEnumerable<NestCase> Cases(int count, int firstSeed) => Enumerable.Range(firstSeed, count).Select(Case);

    public static NestCase Case(int seed)
    {
        var rng = new Random(seed);
        var problem = new NestProblem(rng.Next(1, 3), rng.Next(1, 9), rng.Next(1, 7), rng.Next(1, 8), rng.Next(1, 8),
            rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 3), rng.Next(1, 3));
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
        foreach (var dim in Enum.GetValues<NestDim>())
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
            NestLevelLoops.Of(temporal[l].OrderBy(_ => rng.Next()).ToList(), spatial[l].OrderBy(_ => rng.Next()).ToList()))]);

        var arch = new NestArchitecture(Enumerable.Range(0, levels).Select(l =>
        {
            long? capacity = null;
            var need = keeps[l].Sum(t => mapping.TileElements(problem, t, l));
            if (l > 0 && need > 0)
                capacity = rng.Next(3) switch { 0 => null, 1 => need, _ => need + rng.NextInt64(need + 1) };
            return new NestLevel(l == 0 ? "DRAM" : $"L{l}", keeps[l], capacity, fanout[l].X, fanout[l].Y);
        }));
        return new NestCase(problem, arch, mapping, seed);
    }

    /// <summary>Weights and (padded) inputs drawn uniformly from int8's range, so every product and sum is exact in a long.</summary>
    public static (long[] Weights, long[] Inputs) Operands(NestProblem problem, int seed)
    {
        var rng = new Random(seed);
        long[] Draw(long count) => [.. Enumerable.Range(0, checked((int)count)).Select(_ => (long)rng.Next(-128, 128))];
        return (Draw(problem.Elements(NestTensor.Weights)), Draw(problem.Elements(NestTensor.Inputs)));
    }

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
