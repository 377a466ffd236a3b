using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace HwSim.Simulator.Nest;

/// <summary>
/// The mapper's pick: the mapping, its counts and cost; how many mappings it sampled (given candidates included) and how many of
/// those fit; how many neighbours its refinement tried, how many of those fit, and how many steps improved.
/// </summary>
public sealed record NestPick(NestMapping Mapping, NestCounts Counts, double Cost, long Sampled, long Valid, long Neighbours = 0, long NeighboursValid = 0, long Steps = 0);

/// <summary>
/// A mapper for the nest engine: random sampling of the constrained mapspace, as Timeloop's random-pruned search does. Each sample
/// deals every prime factor of every dimension to a slot it is allowed in (a level's temporal loops, or its spatial loops on X or
/// Y), drops samples whose spatial loops exceed a fan-out or whose tiles exceed a capacity, and orders each level's temporal loops
/// at random within the level's permutation (NestLevelConstraint.Permutation). Each valid sample is counted in closed form
/// (NestAnalysis) and costed by the caller's function (energy from the cost model's prices, cycles, or EDP: the simulator stays
/// price-free). Then <see cref="NestRefinement"/> climbs from the best few by local moves, within the same constraints.
/// Deterministic for a seed; ties go to the earlier sample, and a refined mapping replaces the best one only if it costs strictly
/// less. Mappings the caller already has (e.g. a published one) are evaluated first, so the pick is never worse than any of them.
/// A grouped problem whose groups the constraints let go on PEs (a spatial slot) is first searched with them outermost at level 0
/// alone (the groups one after another: the mapspace, and the pick, of a design that places G nowhere else), and that pick is one
/// more candidate: G's factors widen the mapspace the samples are drawn from, and the pick is never worse than without them.
/// Without a spatial slot for G that search is the only one (Slots says why).
/// </summary>
public static class NestMapper
{
    public static NestPick Search(NestProblem problem, NestArchitecture arch, IReadOnlyList<NestLevelConstraint> constraints,
        Func<NestCounts, double> cost, int samples, int seed = 1, IEnumerable<NestMapping>? candidates = null, NestRefinement? refinement = null)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (constraints.Count != arch.Levels.Length)
            throw new ArgumentException($"{constraints.Count} constraints for {arch.Levels.Length} levels", nameof(constraints));
        refinement ??= NestRefinement.Default;
        var slots = Slots(arch, constraints);
        NestPick? oneAfterAnother = null;
        if (problem.Groups > 1 && slots[NestDim.G].Count > 1)
        {
            var withoutG = constraints.Select(c => c with { Temporal = Without(c.Temporal), SpatialX = Without(c.SpatialX), SpatialY = Without(c.SpatialY) }).ToList();
            oneAfterAnother = Search(problem, arch, withoutG, cost, samples, seed, candidates, refinement);
            candidates = [.. candidates ?? [], oneAfterAnother.Mapping];
        }
        NestPick? best = null;
        long sampled = oneAfterAnother?.Sampled ?? 0, valid = oneAfterAnother?.Valid ?? 0;
        // The best few mappings with distinct costs that obey the constraints, best first: the climbs' starts.
        var starts = new List<(NestMapping Mapping, double Cost)>();
        void Consider(NestMapping mapping, bool obeys)
        {
            sampled++;
            if (mapping.Unfit(problem, arch) is not null)
                return;
            valid++;
            var counts = NestAnalysis.CountFitting(problem, arch, mapping); // Unfit just passed it: not validated twice
            var c = cost(counts);
            if (best is null || c < best.Cost)
                best = new NestPick(mapping, counts, c, 0, 0);
            if (obeys && refinement.Starts > 0 && (starts.Count < refinement.Starts || c < starts[^1].Cost) && !starts.Any(s => s.Cost == c))
            {
                var at = starts.FindIndex(s => s.Cost > c);
                starts.Insert(at < 0 ? starts.Count : at, (mapping, c));
                if (starts.Count > refinement.Starts)
                    starts.RemoveAt(starts.Count - 1);
            }
        }
        foreach (var mapping in candidates ?? [])
            Consider(mapping, mapping.Levels.Length == constraints.Count && NestLevelConstraint.Broken(mapping, constraints) is null); // a wrong level count: Unfit refuses it
        var random = new Random(seed);
        var primes = Enum.GetValues<NestDim>().Select(d => Primes(problem.Size(d)).ToArray()).ToArray();
        for (var i = 0; i < samples; i++)
            if (Sample(primes, arch, constraints, slots, random) is { } mapping)
                Consider(mapping, obeys: true);
            else
                sampled++;
        if (best is null)
            throw new InvalidOperationException($"no legal mapping of {problem} in {sampled} samples (every one broke a fan-out or a capacity)");
        var climb = new NestHillClimb(problem, arch, constraints, slots, cost, refinement.Budget ?? samples);
        foreach (var (mapping, c) in starts)
            if (climb.Climb(mapping, c) is { } end && end.Cost < best.Cost)
                best = end;
        return best with
        {
            Sampled = sampled, Valid = valid, Neighbours = climb.Tried + (oneAfterAnother?.Neighbours ?? 0),
            NeighboursValid = climb.Valid + (oneAfterAnother?.NeighboursValid ?? 0), Steps = climb.Steps + (oneAfterAnother?.Steps ?? 0),
        };
    }

    // A constraint's list without G (null, any dimension, becomes the eight others).
    private static ImmutableHashSet<NestDim> Without(ImmutableHashSet<NestDim>? dims) =>
        (dims ?? [.. Enum.GetValues<NestDim>()]).Remove(NestDim.G);

    // Where each dimension's factors may go: (level, axis or null for temporal). G may always go to level 0's temporal loops, where
    // it is the outermost loop (NestLevelConstraint.Broken allows it): the groups one after another, which needs no hardware support.
    private static Dictionary<NestDim, List<(int Level, NestAxis? Axis)>> Slots(NestArchitecture arch, IReadOnlyList<NestLevelConstraint> constraints)
    {
        var slots = Enum.GetValues<NestDim>().ToDictionary(d => d, _ => new List<(int, NestAxis?)>());
        if (!(constraints[0].Temporal?.Contains(NestDim.G) ?? true))
            slots[NestDim.G].Add((0, null));
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
        // Without a spatial slot G is searched outermost at level 0 alone: a temporal G loop lower down makes a buffer hold several
        // groups' tiles, which share nothing, so it saves no access and needs more room, and inside other loops it breaks their reuse
        // (a G step moves every tile below to another group). Those slots could only tie, and the search stays the one-group search.
        if (!slots[NestDim.G].Any(s => s.Item2 is not null))
            slots[NestDim.G] = [(0, null)];
        return slots;
    }

    // One sample. The draws from random are those of the first version (one per prime factor, dimensions in NestDim order, then
    // one per temporal loop of each level, levels in order, to order its loops), so a seed gives the same mappings; the bounds
    // dealt are kept in arrays indexed by (level, dimension) rather than dictionaries, and the primes are factored once per search.
    private static NestMapping? Sample(int[][] primes, NestArchitecture arch, IReadOnlyList<NestLevelConstraint> constraints,
        Dictionary<NestDim, List<(int Level, NestAxis? Axis)>> slots, Random random)
    {
        const int dims = NestProblem.DimCount;
        var levels = arch.Levels.Length;
        var temporal = new int[levels * dims];
        var spatialX = new int[levels * dims];
        var spatialY = new int[levels * dims];
        foreach (var d in Enum.GetValues<NestDim>())
        {
            var where = slots[d];
            // Groups that may only run one after another from the top are dealt there without a draw, so a design that places G
            // nowhere else samples exactly the mappings it sampled before G was a dimension (each with the G loop outermost at level 0).
            if (d == NestDim.G && where.Count == 1 && where[0] == (0, null))
            {
                if (primes[(int)d].Length > 0)
                    temporal[(int)d] = primes[(int)d].Aggregate(1, (a, p) => a * p);
                continue;
            }
            foreach (var prime in primes[(int)d])
            {
                if (where.Count == 0)
                    return null;
                var (level, axis) = where[random.Next(where.Count)];
                var bounds = axis switch { NestAxis.X => spatialX, NestAxis.Y => spatialY, _ => temporal };
                var i = level * dims + (int)d;
                bounds[i] = Math.Max(bounds[i], 1) * prime;
            }
        }
        for (var l = 0; l < levels; l++)
        {
            long x = 1, y = 1;
            for (var d = 0; d < dims; d++)
            {
                x *= Math.Max(spatialX[l * dims + d], 1);
                y *= Math.Max(spatialY[l * dims + d], 1);
            }
            if (x > arch.Levels[l].FanoutX || y > arch.Levels[l].FanoutY)
                return null;
        }
        var loops = new NestLevelLoops[levels];
        for (var l = 0; l < levels; l++)
        {
            // The temporal loops a level got, in NestDim order (the order the first version's dictionary listed them),
            // shuffled by sorting on one draw each; the spatial loops X before Y, each in NestDim order.
            var dealt = new List<NestLoop>(dims);
            var spread = new List<NestLoop>(dims);
            for (var d = 0; d < dims; d++)
            {
                if (l == 0 && d == (int)NestDim.G)
                {
                    if (spatialX[d] > 0)
                        spread.Add(new NestLoop(NestDim.G, spatialX[d], NestAxis.X));
                    continue; // level 0's G loop is placed outermost below, without a draw
                }
                if (temporal[l * dims + d] > 0)
                    dealt.Add(new NestLoop((NestDim)d, temporal[l * dims + d]));
                if (spatialX[l * dims + d] > 0)
                    spread.Add(new NestLoop((NestDim)d, spatialX[l * dims + d], NestAxis.X));
            }
            for (var d = 0; d < dims; d++)
                if (spatialY[l * dims + d] > 0)
                    spread.Add(new NestLoop((NestDim)d, spatialY[l * dims + d], NestAxis.Y));
            var order = Permuted(Shuffled(dealt, random), constraints[l]);
            // A G step at a level moves every tile below to another group, sharing nothing, so a G loop inside another loop of its level
            // only breaks that loop's reuse: outermost at level 0 is never worse, and keeps the draws of a design without G elsewhere.
            if (l == 0 && temporal[(int)NestDim.G] > 0)
                order = order.Insert(0, new NestLoop(NestDim.G, temporal[(int)NestDim.G]));
            loops[l] = new NestLevelLoops(order, [.. spread]);
        }
        return new NestMapping([.. loops]);
    }

    // The first version's dictionary.OrderBy(_ => random.Next()): one draw per loop, even a lone one (LINQ over a List skips
    // the draw for a single element, which would change every later sample), then a stable sort on the draws.
    private static ImmutableArray<NestLoop> Shuffled(List<NestLoop> loops, Random random)
    {
        var keys = new int[loops.Count];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = random.Next();
        var order = new NestLoop[loops.Count];
        for (var i = 0; i < order.Length; i++)
        {
            // Insertion sort: a few loops per level; equal keys keep their order.
            var j = i;
            var key = keys[i];
            while (j > 0 && keys[j - 1] > key)
            {
                keys[j] = keys[j - 1];
                order[j] = order[j - 1];
                j--;
            }
            keys[j] = key;
            order[j] = loops[i];
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(order);
    }

    // A level's shuffled temporal loops put in its permutation's order, outermost first: the dimensions it does not list (in
    // their shuffled order), then the listed ones from the last listed inward. No draw: a seed deals the same factors as without
    // a permutation, and a level without one keeps its shuffled order.
    private static ImmutableArray<NestLoop> Permuted(ImmutableArray<NestLoop> loops, NestLevelConstraint constraint) =>
        constraint.Permutation is null ? loops : [.. loops.OrderByDescending(x => constraint.Rank(x.Dim))]; // OrderBy is stable

    internal static IEnumerable<int> Primes(int n)
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
