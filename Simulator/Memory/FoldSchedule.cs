using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Memory;

/// <summary>
/// One fold as the fast engine's walk sees it: its DRAM traffic and what the timeline requests
/// around it (<see cref="DramTimeline.Add(long, FoldTraffic, bool, long?, long?, long, bool)"/>).
/// </summary>
/// <param name="StartsBlock">The fold is its block's first: it waits for the block's loads.</param>
/// <param name="NextBlockPrefetch">The next block's loads, requested when this fold starts (null unless it starts a block and a block follows).</param>
/// <param name="NextReadBack">Partial sums the next fold reads back, requested after this fold's writes (null unless the next fold starts a block).</param>
internal readonly record struct ScheduledFold(Fold Fold, FoldTraffic Traffic, bool StartsBlock, long? NextBlockPrefetch, long? NextReadBack);

/// <summary>The folds of a mapping with their traffic, in execution order.</summary>
internal interface ISchedule
{
    /// <summary>
    /// The folds of groups <paramref name="fromGroup"/> to <paramref name="toGroup"/> - 1; the
    /// last one looks ahead into group <paramref name="toGroup"/> (when there is one) for the
    /// loads it requests. A group's traffic does not depend on the groups before it.
    /// </summary>
    IEnumerable<ScheduledFold> Steps(int fromGroup, int toGroup);
}

/// <summary>The fixed mapping: the grid's folds, each its own block, with <see cref="TrafficPlanner"/>'s traffic.</summary>
internal sealed class FixedSchedule(GemmProblem problem, FoldGrid grid, BufferSpec buffers, bool spillPartialSums) : ISchedule
{
    public IEnumerable<ScheduledFold> Steps(int fromGroup, int toGroup)
    {
        var planner = new TrafficPlanner(problem, buffers, spillPartialSums);
        using var folds = grid.Folds(problem, fromGroup, Math.Min(toGroup + 1, problem.Groups)).GetEnumerator();
        if (!folds.MoveNext())
            yield break;
        var (f, traffic) = (folds.Current, planner.Next(folds.Current));
        while (f.Group < toGroup)
        {
            var hasNext = folds.MoveNext();
            var next = hasNext ? folds.Current : default;
            var nextTraffic = hasNext ? planner.Next(next) : default;
            yield return new ScheduledFold(f, traffic, true, hasNext ? nextTraffic.PrefetchBytes : null, hasNext ? nextTraffic.PsumReadBytes : null);
            if (!hasNext)
                yield break;
            (f, traffic) = (next, nextTraffic);
        }
    }
}

/// <summary>A loop nest: blocks in the mapping's order, folds inside each, with <see cref="BlockPlanner"/>'s traffic.</summary>
internal sealed class LoopNestSchedule(LoopNest nest) : ISchedule
{
    public IEnumerable<ScheduledFold> Steps(int fromGroup, int toGroup)
    {
        var planner = new BlockPlanner(nest);
        using var blocks = nest.BlocksOf(fromGroup, Math.Min(toGroup + 1, nest.Problem.Groups)).GetEnumerator();
        if (!blocks.MoveNext())
            yield break;
        var block = blocks.Current;
        var loads = planner.Loads(block, null);
        while (block.Group < toGroup)
        {
            var hasNext = blocks.MoveNext();
            var next = hasNext ? blocks.Current : default;
            var sameGroup = hasNext && next.Group == block.Group;
            var nextLoads = hasNext ? planner.Loads(next, sameGroup ? block : null) : default;
            var spill = planner.PsumWriteBytes(block, sameGroup ? next : null);
            using (var folds = nest.FoldsOf(block).GetEnumerator())
            {
                folds.MoveNext();
                var f = folds.Current;
                var first = true;
                while (true)
                {
                    var last = !folds.MoveNext();
                    var traffic = new FoldTraffic(
                        first ? loads.WeightBytes : 0, first ? loads.IfmapBytes : 0, first ? loads.PsumReadBytes : 0,
                        last ? spill : 0, planner.OutputBytes(f));
                    yield return new ScheduledFold(f, traffic, first,
                        first && hasNext ? nextLoads.PrefetchBytes : null,
                        last && hasNext ? nextLoads.PsumReadBytes : null);
                    if (last)
                        break;
                    f = folds.Current;
                    first = false;
                }
            }
            if (!hasNext)
                yield break;
            (block, loads) = (next, nextLoads);
        }
    }
}
