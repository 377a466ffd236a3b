using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>
/// What a level allows a mapping to put in it (a hardware fact, as a Timeloop arch file's constraints): the dimensions its temporal
/// loops may step (null: any), those its spatial loops may spread on each axis (null: any, when the axis fans out at all), and
/// the order of its temporal loops (null: any).
/// </summary>
/// <param name="Permutation">
/// Timeloop's temporal <c>permutation</c>, <b>innermost first</b> as Timeloop writes it: reading the level's temporal loops from
/// the inside out, the listed dimensions come first and in the listed order, then every other dimension, in any order. A loop
/// with bound 1 is no loop and is never out of order. This is how Timeloop builds a level's loop order
/// (NVlabs/timeloop 4cf6d4c, src/mapspaces/subspaces.cpp, PermutationSpace::InitLevel, lines 247-281: the pattern is
/// "&lt;unit-factors&gt;&lt;user-specified-non-unit-prefix&gt;&lt;free-non-unit-infix&gt;..."; include/mapping/nest.hpp line 57:
/// "Loops are organized in order of inner to outer"; src/mapspaces/uber.cpp, PermuteSubnests, lines 665-685, lays the level's
/// loops out in that pattern's order). So a dimension not listed is never inside a listed one, and listed dimensions whose factor
/// at the level is 1 drop out of the order. Timeloop's optional suffix (dimensions after a '_', outermost;
/// src/mapping/constraints.cpp, ParsePermutations) is not supported.
/// </param>
public sealed record NestLevelConstraint(ImmutableHashSet<NestDim>? Temporal = null, ImmutableHashSet<NestDim>? SpatialX = null, ImmutableHashSet<NestDim>? SpatialY = null,
    ImmutableArray<NestDim>? Permutation = null)
{
    // Outside every listed dimension's rank, whatever a permutation lists (all nine dimensions at most).
    private const int Unlisted = NestProblem.DimCount;

    public static NestLevelConstraint None { get; } = new();

    /// <summary>The permutation, checked: a dimension listed twice has no place in a loop order.</summary>
    public ImmutableArray<NestDim>? Permutation { get; } = Permutation is { } p && p.Distinct().Count() != p.Length
        ? throw new ArgumentException($"permutation [{string.Join(", ", p)}] lists a dimension twice", nameof(Permutation))
        : Permutation;

    /// <summary>
    /// Where <paramref name="dim"/>'s temporal loop must sit at this level: its position in <see cref="Permutation"/> (0 innermost),
    /// or 9 (<see cref="NestProblem.DimCount"/>) for a dimension not listed (outside every listed one) and for any dimension when there is no permutation. Read from the
    /// inside out, a level's temporal loops (with bounds above 1) must have non-decreasing ranks.
    /// </summary>
    public int Rank(NestDim dim)
    {
        if (Permutation is not { } p)
            return Unlisted;
        var i = p.IndexOf(dim);
        return i < 0 ? Unlisted : i;
    }

    /// <summary>
    /// The first loop of <paramref name="loops"/> (a level's) that this constraint forbids, in words ("temporal S3 (outside P4;
    /// permutation [P, Q, R, S], innermost first)"), or null. Loops with bound 1 are ignored, as Timeloop drops unit factors.
    /// </summary>
    public string? Broken(NestLevelLoops loops)
    {
        foreach (var loop in loops.Temporal)
            if (loop.Bound > 1 && !(Temporal?.Contains(loop.Dim) ?? true))
                return $"temporal {loop}";
        foreach (var loop in loops.Spatial)
            if (loop.Bound > 1 && !((loop.Axis == NestAxis.X ? SpatialX : SpatialY)?.Contains(loop.Dim) ?? true))
                return $"spatial {loop}";
        if (Permutation is { } p)
        {
            // Outermost first, so ranks must not increase; report the outer loop of the first pair that breaks the order.
            NestLoop? outer = null;
            foreach (var loop in loops.Temporal)
            {
                if (loop.Bound == 1)
                    continue;
                if (outer is not null && Rank(outer.Dim) < Rank(loop.Dim))
                    return $"temporal {outer} (outside {loop}; permutation [{string.Join(", ", p)}], innermost first)";
                outer = loop;
            }
        }
        return null;
    }

    /// <summary>
    /// The first level of <paramref name="mapping"/> whose loops <paramref name="constraints"/> forbid, in words ("level 2: temporal
    /// S3 (outside P4; ...)"), or null when the mapping obeys every constraint. A temporal G loop outermost at level 0 is always
    /// allowed, whatever level 0's lists say: running the groups one after another from the top level needs no hardware support
    /// (README, Groups), and it is what a grouped layer gets when nothing else places its groups.
    /// </summary>
    public static string? Broken(NestMapping mapping, IReadOnlyList<NestLevelConstraint> constraints)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (constraints.Count != mapping.Levels.Length)
            throw new ArgumentException($"{constraints.Count} constraints for {mapping.Levels.Length} levels", nameof(constraints));
        for (var l = 0; l < mapping.Levels.Length; l++)
            if (constraints[l].Broken(l == 0 ? WithoutOutermostGroups(mapping.Levels[0]) : mapping.Levels[l]) is { } why)
                return $"level {l}: {why}";
        return null;
    }

    /// <summary>A level's loops without a leading temporal G loop (the groups run one after another, allowed at level 0).</summary>
    internal static NestLevelLoops WithoutOutermostGroups(NestLevelLoops loops) =>
        loops.Temporal.SkipWhile(x => x.Bound == 1).FirstOrDefault() is { Dim: NestDim.G } g
            ? loops with { Temporal = loops.Temporal.Remove(g) }
            : loops;
}
