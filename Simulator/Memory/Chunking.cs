using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Memory;

/// <summary>
/// Cuts a fold's time dimension when its operands do not fit in half a buffer: the longest
/// chunk (halving from the whole extent) with which every fold fits. A mapping decision, made
/// once and used by both engines; each engine then checks fit with its own traffic account.
/// </summary>
public static class Chunking
{
    /// <summary>The grid with the time chunk that makes every fold fit, or the reason none does (chunks of 1).</summary>
    /// <remarks>
    /// Every candidate's folds are walked to check fit, so a candidate with more than
    /// <paramref name="maxFolds"/> folds ends the search: the layer is then too large to simulate.
    /// </remarks>
    public static (FoldGrid Grid, string? Unfit) Fit(GemmProblem problem, FoldGrid grid, BufferSpec buffers, long maxFolds = long.MaxValue)
    {
        var extent = FoldGrid.Extent(problem, grid.InTime);
        string? reason = null;
        for (var chunk = extent; ; chunk = (chunk + 1) / 2)
        {
            var candidate = chunk >= extent ? grid : grid with { TimeChunk = chunk };
            if (Simulation.WalkedFolds(candidate, problem) is var folds && folds > maxFolds)
                return (candidate, $"its operands do not fit on chip in chunks longer than {chunk:N0}, and with those {Simulation.TooManyFolds(folds, problem.Groups)}");
            reason = FirstUnfit(problem, candidate, buffers);
            if (reason is null)
                return (candidate, null);
            if (chunk == 1)
                return (candidate, reason);
        }
    }

    private static string? FirstUnfit(GemmProblem problem, FoldGrid grid, BufferSpec buffers)
    {
        var planner = new TrafficPlanner(problem, buffers);
        // Every group has the same folds and tiles, so the first group answers for all.
        foreach (var f in grid.Folds(problem, 0, 1))
            if (planner.Unfit(f) is { } why)
                return why;
        return null;
    }
}
