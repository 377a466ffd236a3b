using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>The two axes of a level's fan-out.</summary>
public enum NestAxis
{
    X,
    Y,
}

/// <summary>One loop: a dimension and its bound; spatial loops also say their axis.</summary>
public sealed record NestLoop(NestDim Dim, int Bound, NestAxis? Axis = null)
{
    public bool Spatial => Axis is not null;

    public override string ToString() => Spatial ? $"{Dim}{Bound} ({Axis})" : $"{Dim}{Bound}";
}

/// <summary>One level's loops: its temporal loops (outermost first), then its spatial loops (fanning out to the next level).</summary>
public sealed record NestLevelLoops(ImmutableArray<NestLoop> Temporal, ImmutableArray<NestLoop> Spatial)
{
    public static NestLevelLoops Of(IEnumerable<NestLoop> temporal, IEnumerable<NestLoop>? spatial = null) =>
        new([.. temporal], [.. spatial ?? []]);
}

/// <summary>
/// A mapping: each level's temporal and spatial loops (Simulator/Nest/README.md). The loops in global order,
/// outermost first, are level 0's temporal then spatial loops, level 1's temporal then spatial, and so on.
/// </summary>
public sealed record NestMapping(ImmutableArray<NestLevelLoops> Levels)
{
    /// <summary>Every loop in global order, with its level.</summary>
    public IEnumerable<(NestLoop Loop, int Level)> Loops()
    {
        for (var l = 0; l < Levels.Length; l++)
        {
            foreach (var loop in Levels[l].Temporal)
                yield return (loop, l);
            foreach (var loop in Levels[l].Spatial)
                yield return (loop, l);
        }
    }

    /// <summary>Why the mapping does not fit the problem and architecture (the first rule broken), or null when it does.</summary>
    public string? Unfit(NestProblem problem, NestArchitecture arch)
    {
        if (Levels.Length != arch.Levels.Length)
            return $"the mapping has {Levels.Length} levels, the architecture {arch.Levels.Length}";
        for (var l = 0; l < Levels.Length; l++)
        {
            if (Levels[l].Temporal.FirstOrDefault(x => x.Spatial) is { } wrong)
                return $"level {arch.Levels[l].Name}: temporal loop {wrong} has an axis";
            if (Levels[l].Spatial.FirstOrDefault(x => !x.Spatial) is { } missing)
                return $"level {arch.Levels[l].Name}: spatial loop {missing} has no axis";
            if (Levels[l].Temporal.Concat(Levels[l].Spatial).FirstOrDefault(x => x.Bound < 1) is { } zero)
                return $"level {arch.Levels[l].Name}: loop {zero} has a bound below 1";
            foreach (var axis in new[] { NestAxis.X, NestAxis.Y })
            {
                var used = Levels[l].Spatial.Where(x => x.Axis == axis).Aggregate(1L, (a, x) => a * x.Bound);
                var fanout = axis == NestAxis.X ? arch.Levels[l].FanoutX : arch.Levels[l].FanoutY;
                if (used > fanout)
                    return $"level {arch.Levels[l].Name}: spatial loops on {axis} need {used} instances, its fan-out has {fanout}";
            }
        }
        foreach (var dim in Enum.GetValues<NestDim>())
        {
            var product = Loops().Where(x => x.Loop.Dim == dim).Aggregate(1L, (a, x) => a * x.Loop.Bound);
            if (product != problem.Size(dim))
                return $"the bounds of {dim} multiply to {product}, the problem has {dim} = {problem.Size(dim)}";
        }
        for (var l = 1; l < Levels.Length; l++)
            if (arch.Levels[l].CapacityWords is { } capacity)
            {
                var need = arch.Levels[l].Keeps.Sum(t => TileElements(problem, t, l));
                if (need > capacity)
                    return $"level {arch.Levels[l].Name}: its tiles need {need} words ({string.Join(" + ", arch.Levels[l].Keeps.OrderBy(t => t).Select(t => $"{t} {TileElements(problem, t, l)}"))}), it holds {capacity}";
            }
        return null;
    }

    /// <summary>Extent of <paramref name="dim"/> inside level <paramref name="level"/>'s tiles: the product of its bounds at that level and below.</summary>
    public long Extent(NestDim dim, int level) =>
        Loops().Where(x => x.Level >= level && x.Loop.Dim == dim).Aggregate(1L, (a, x) => a * x.Loop.Bound);

    /// <summary>
    /// Elements of one instance's tile of <paramref name="tensor"/> at <paramref name="level"/> (every tile of a level
    /// has this size: input rows {p·HStride + r} are as many wherever the ranges start).
    /// </summary>
    public long TileElements(NestProblem problem, NestTensor tensor, int level)
    {
        long E(NestDim d) => Extent(d, level);
        static long Rows(long outputs, long kernel, int stride) => kernel >= stride ? (outputs - 1) * stride + kernel : outputs * kernel;
        return tensor switch
        {
            NestTensor.Weights => checked(E(NestDim.M) * E(NestDim.C) * E(NestDim.R) * E(NestDim.S)),
            NestTensor.Inputs => checked(E(NestDim.N) * E(NestDim.C) * Rows(E(NestDim.P), E(NestDim.R), problem.HStride) * Rows(E(NestDim.Q), E(NestDim.S), problem.WStride)),
            _ => checked(E(NestDim.N) * E(NestDim.M) * E(NestDim.P) * E(NestDim.Q)),
        };
    }

    /// <summary>Timeloop-style printout: one line per loop, level by level.</summary>
    public string Describe(NestArchitecture arch)
    {
        var lines = new List<string>();
        var depth = 0;
        for (var l = 0; l < Levels.Length; l++)
        {
            lines.Add($"{new string(' ', 2 * depth)}{arch.Levels[l].Name} [{string.Join(", ", arch.Levels[l].Keeps.OrderBy(t => t))}]");
            foreach (var loop in Levels[l].Temporal.Concat(Levels[l].Spatial))
            {
                depth++;
                lines.Add($"{new string(' ', 2 * depth)}for {loop.Dim} in [0:{loop.Bound}){(loop.Spatial ? $" (spatial {loop.Axis})" : "")}");
            }
        }
        return string.Join('\n', lines);
    }
}
