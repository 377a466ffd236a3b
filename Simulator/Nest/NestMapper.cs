using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>
/// What a level allows a mapping to put in it (a hardware fact, as a Timeloop arch file's constraints): the dimensions its temporal
/// loops may step (null: any) and those its spatial loops may spread on each axis (null: any, when the axis fans out at all).
/// </summary>
public sealed record NestLevelConstraint(ImmutableHashSet<NestDim>? Temporal = null, ImmutableHashSet<NestDim>? SpatialX = null, ImmutableHashSet<NestDim>? SpatialY = null)
{
    public static NestLevelConstraint None { get; } = new();
}

/// <summary>The mapper's pick: the mapping, its counts and cost, and how many mappings it tried and how many of those fit.</summary>
public sealed record NestPick(NestMapping Mapping, NestCounts Counts, double Cost, long Sampled, long Valid);

/// <summary>
/// A mapper for the nest engine: random sampling of the constrained mapspace, as Timeloop's random-pruned search does. Each sample
/// deals every prime factor of every dimension to a slot it is allowed in (a level's temporal loops, or its spatial loops on X or
/// Y), drops samples whose spatial loops exceed a fan-out or whose tiles exceed a capacity, and orders each level's temporal loops
/// at random. Each valid sample is counted in closed form (NestAnalysis) and costed by the caller's function (energy from the cost
/// model's prices, cycles, or EDP: the simulator stays price-free). Deterministic for a seed; ties go to the earlier sample. Mappings
/// the caller already has (e.g. a published one) are evaluated first, so the pick is never worse than any of them.
/// </summary>
public static class NestMapper
{
    public static NestPick Search(NestProblem problem, NestArchitecture arch, IReadOnlyList<NestLevelConstraint> constraints,
        Func<NestCounts, double> cost, int samples, int seed = 1, IEnumerable<NestMapping>? candidates = null)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (constraints.Count != arch.Levels.Length)
            throw new ArgumentException($"{constraints.Count} constraints for {arch.Levels.Length} levels", nameof(constraints));
        NestPick? best = null;
        long sampled = 0, valid = 0;
        void Consider(NestMapping mapping)
        {
            sampled++;
            if (mapping.Unfit(problem, arch) is not null)
                return;
            valid++;
            var counts = NestAnalysis.Count(problem, arch, mapping);
            var c = cost(counts);
            if (best is null || c < best.Cost)
                best = new NestPick(mapping, counts, c, 0, 0);
        }
        foreach (var mapping in candidates ?? [])
            Consider(mapping);
        var random = new Random(seed);
        var slots = Slots(arch, constraints);
        for (var i = 0; i < samples; i++)
            if (Sample(problem, arch, slots, random) is { } mapping)
                Consider(mapping);
            else
                sampled++;
        return best is null
            ? throw new InvalidOperationException($"no legal mapping of {problem} in {sampled} samples (every one broke a fan-out or a capacity)")
            : best with { Sampled = sampled, Valid = valid };
    }

    // Where each dimension's factors may go: (level, axis or null for temporal).
    private static Dictionary<NestDim, List<(int Level, NestAxis? Axis)>> Slots(NestArchitecture arch, IReadOnlyList<NestLevelConstraint> constraints)
    {
        var slots = Enum.GetValues<NestDim>().ToDictionary(d => d, _ => new List<(int, NestAxis?)>());
        for (var l = 0; l < arch.Levels.Length; l++)
        {
            var c = constraints[l];
            foreach (var d in Enum.GetValues<NestDim>())
            {
                if (c.Temporal?.Contains(d) ?? true)
                    slots[d].Add((l, null));
                if (arch.Levels[l].FanoutX > 1 && (c.SpatialX?.Contains(d) ?? true))
                    slots[d].Add((l, NestAxis.X));
                if (arch.Levels[l].FanoutY > 1 && (c.SpatialY?.Contains(d) ?? true))
                    slots[d].Add((l, NestAxis.Y));
            }
        }
        return slots;
    }

    private static NestMapping? Sample(NestProblem problem, NestArchitecture arch, Dictionary<NestDim, List<(int Level, NestAxis? Axis)>> slots, Random random)
    {
        var levels = arch.Levels.Length;
        var temporal = new Dictionary<NestDim, int>[levels];
        var spatial = new Dictionary<(NestDim, NestAxis), int>[levels];
        for (var l = 0; l < levels; l++)
            (temporal[l], spatial[l]) = (new(), new());
        foreach (var d in Enum.GetValues<NestDim>())
            foreach (var prime in Primes(problem.Size(d)))
            {
                if (slots[d].Count == 0)
                    return null;
                var (level, axis) = slots[d][random.Next(slots[d].Count)];
                if (axis is { } a)
                    spatial[level][(d, a)] = spatial[level].GetValueOrDefault((d, a), 1) * prime;
                else
                    temporal[level][d] = temporal[level].GetValueOrDefault(d, 1) * prime;
            }
        for (var l = 0; l < levels; l++)
        {
            long x = spatial[l].Where(kv => kv.Key.Item2 == NestAxis.X).Aggregate(1L, (p, kv) => p * kv.Value);
            long y = spatial[l].Where(kv => kv.Key.Item2 == NestAxis.Y).Aggregate(1L, (p, kv) => p * kv.Value);
            if (x > arch.Levels[l].FanoutX || y > arch.Levels[l].FanoutY)
                return null;
        }
        return new NestMapping([.. Enumerable.Range(0, levels).Select(l => NestLevelLoops.Of(
            temporal[l].OrderBy(_ => random.Next()).Select(kv => new NestLoop(kv.Key, kv.Value)),
            spatial[l].OrderBy(kv => kv.Key.Item2).ThenBy(kv => kv.Key.Item1).Select(kv => new NestLoop(kv.Key.Item1, kv.Value, kv.Key.Item2))))]);
    }

    private static IEnumerable<int> Primes(int n)
    {
        for (var p = 2; (long)p * p <= n; p++)
            while (n % p == 0)
            {
                yield return p;
                n /= p;
            }
        if (n > 1)
            yield return n;
    }
}
