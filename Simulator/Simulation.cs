using System.Collections.Immutable;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator;

/// <summary>
/// The fast engine: times and counts whole networks fold by fold, with the same rules the
/// cycle-stepped reference engine steps through (Simulator/README.md).
/// </summary>
public static class Simulation
{
    /// <summary>Every layer of <paramref name="workload"/> on the unit it runs on (<see cref="Choose"/>), with the fast engine; layers no unit can run are results with a reason.</summary>
    /// <param name="layerDone">Called after each layer, in order (a progress display counts them).</param>
    public static NetworkResult Evaluate(Workload workload, ArchitectureSpec arch, Action<LayerResult>? layerDone = null)
    {
        var models = arch.Units.Select(UnitModels.For).ToList();
        return new NetworkResult(workload.Name, arch.Name, [.. workload.Layers.Select(l =>
        {
            var result = Evaluate(l, arch, models);
            layerDone?.Invoke(result);
            return result;
        })]);
    }

    /// <summary>Every layer of <paramref name="workload"/> with the mapping <paramref name="mappings"/> gives it on the unit it runs on.</summary>
    /// <param name="layerDone">Called after each layer, in order.</param>
    public static NetworkResult Evaluate(Workload workload, ArchitectureSpec arch, Func<LayerWorkload, IUnitModel, LayerMapping> mappings, Action<LayerResult>? layerDone = null)
    {
        var models = arch.Units.Select(UnitModels.For).ToList();
        return new NetworkResult(workload.Name, arch.Name, [.. workload.Layers.Select(l =>
        {
            var (model, reason) = Choose(l, models);
            var result = model is null ? LayerResult.NotRun(l.Name, l.Macs, reason!) : Run(l, arch, model, mappings(l, model));
            layerDone?.Invoke(result);
            return result;
        })]);
    }

    /// <summary>One layer on the unit of <paramref name="arch"/> it runs on.</summary>
    public static LayerResult Evaluate(LayerWorkload layer, ArchitectureSpec arch) =>
        Evaluate(layer, arch, [.. arch.Units.Select(UnitModels.For)]);

    private static LayerResult Evaluate(LayerWorkload layer, ArchitectureSpec arch, IReadOnlyList<IUnitModel> models)
    {
        var (model, reason) = Choose(layer, models);
        if (model is null)
            return LayerResult.NotRun(layer.Name, layer.Macs, reason!);
        return Run(layer, arch, model);
    }

    /// <summary>
    /// The unit a layer runs on: the one it names, else the first (in the architecture's order)
    /// that supports its formats. Null with the reasons when there is none.
    /// </summary>
    public static (IUnitModel? Model, string? Reason) Choose(LayerWorkload layer, IReadOnlyList<IUnitModel> models)
    {
        if (layer.Unit is { } wanted)
        {
            var named = models.FirstOrDefault(m => m.Spec.Name == wanted);
            if (named is null)
                return (null, $"the layer asks for unit '{wanted}', which this architecture does not have (units: {string.Join(", ", models.Select(m => m.Spec.Name))})");
            var why = named.Spec.Unsupported(layer.Precision);
            return why is null ? (named, null) : (null, why);
        }
        var reasons = new List<string>();
        foreach (var m in models)
        {
            var why = m.Spec.Unsupported(layer.Precision);
            if (why is null)
                return (m, null);
            reasons.Add(why);
        }
        return (null, $"no unit runs {layer.Precision.Weight} x {layer.Precision.Input}: {string.Join("; ", reasons)}");
    }

    /// <summary>
    /// Most folds the fast engine walks for one layer: 2^24 (16,777,216), about 22 s at the
    /// 0.75 million folds per second it manages on one core (VGG-16 fp32 at batch 64 on
    /// lowbit-default: 21.1 M folds in 29 s). A layer that needs more (a GEMM of 10^6 cubed, batch
    /// 4,096 on a small array) is not run, and its result says why, instead of running for hours.
    /// </summary>
    public const long MaxFolds = 1L << 24;

    /// <summary>Runs one layer on one unit with the fast model and the fixed mapping.</summary>
    public static LayerResult Run(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model) =>
        Run(layer, arch, model, FixedMapping.Instance);

    /// <summary>
    /// Runs one layer on one unit with the fast model and <paramref name="mapping"/>. A unit whose
    /// mapping ignores buffer sizes (<c>scalesim_compat</c>) always runs the fixed mapping; a loop
    /// nest that breaks a capacity rule (<see cref="MappingRules.Unfit(GemmProblem, FoldGrid, BufferSpec, LoopNestMapping)"/>)
    /// gives a result that did not run, with the reason.
    /// </summary>
    public static LayerResult Run(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, LayerMapping mapping)
    {
        var problem = new GemmProblem(layer);
        var unchunked = model.Grid(problem);
        if (WalkedFolds(unchunked, problem) is var folds && folds > MaxFolds)
            return LayerResult.NotRun(layer.Name, layer.Macs, TooManyFolds(folds, problem.Groups), model.Spec.Name);
        if (MappingRules.Effective(model, mapping) is LoopNestMapping loopNest)
            return RunLoopNest(layer, arch, model, problem, unchunked, loopNest);
        var (grid, unfit) = model.MappingFitsBuffers ? Chunking.Fit(problem, unchunked, arch.Buffers, MaxFolds) : (unchunked, null);
        if (unfit is not null)
            return LayerResult.NotRun(layer.Name, layer.Macs, unfit, model.Spec.Name);
        var planner = new FixedSchedule(problem, grid, arch.Buffers, model.MappingFitsBuffers);
        return Guarded(layer, model, () => Walk(layer, arch, model, problem, planner) with { Mapping = FixedMapping.Instance });
    }

    private static LayerResult RunLoopNest(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, GemmProblem problem, FoldGrid unitGrid, LoopNestMapping mapping)
    {
        var nest = new LoopNest(problem, unitGrid, mapping);
        // Chunks of the time dimension (the mapping's) make more folds than the unchunked grid checked above.
        if (WalkedFolds(nest.Grid, problem) is var folds && folds > MaxFolds)
            return LayerResult.NotRun(layer.Name, layer.Macs, TooManyFolds(folds, problem.Groups), model.Spec.Name);
        string? unfit;
        try
        {
            unfit = BlockPlanner.Unfit(nest, arch.Buffers);
        }
        catch (OverflowException)
        {
            unfit = "its blocks' sizes do not fit in 64 bits";
        }
        if (unfit is not null)
            return LayerResult.NotRun(layer.Name, layer.Macs, $"mapping ({mapping}) is illegal: {unfit}", model.Spec.Name);
        return Guarded(layer, model, () => Walk(layer, arch, model, problem, new LoopNestSchedule(nest)) with { Mapping = mapping });
    }

    private static LayerResult Guarded(LayerWorkload layer, IUnitModel model, Func<LayerResult> walk)
    {
        try
        {
            return walk();
        }
        catch (OverflowException)
        {
            return LayerResult.NotRun(layer.Name, layer.Macs, "its cycle or action counts do not fit in 64 bits", model.Spec.Name);
        }
        catch (NoRepeatException e)
        {
            return LayerResult.NotRun(layer.Name, layer.Macs, e.Message, model.Spec.Name);
        }
    }

    /// <summary>
    /// Groups walked fold by fold before the rest are added in closed form: the first (it holds
    /// the layer's first fold), two interior ones to see that they repeat, the last.
    /// </summary>
    private const int GroupsWalked = 4;

    /// <summary>Folds the fast engine walks for a grid (long.MaxValue when even that count overflows).</summary>
    internal static long WalkedFolds(FoldGrid grid, GemmProblem problem)
    {
        try
        {
            return grid.FoldsPerGroup(problem) * Math.Min(problem.Groups, GroupsWalked);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    internal static string TooManyFolds(long folds, int groups) =>
        $"it needs {(folds == long.MaxValue ? "more than 2^63" : folds.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} folds{(groups > GroupsWalked ? $" for {GroupsWalked} of its {groups:N0} equal groups" : "")} on this unit, more than the {MaxFolds:N0} the simulator walks per layer (about 20 s); use a larger array or a smaller batch";

    private sealed class NoRepeatException(string message) : Exception(message);

    /// <summary>What the walk has counted at a group boundary: the timeline and every counter.</summary>
    private sealed record Boundary((long, long, long, long, long) Relative, long LastEnd, long Compute, long[] Memory, Dictionary<FoldKey, long> Times, long Busy, long UsedPes, long Folds);

    private static LayerResult Walk(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, GemmProblem problem, ISchedule schedule)
    {
        var timeline = new DramTimeline(arch.Dram);
        // Folds of the same shape cost the same: each shape is costed once and its counts added once, times its folds.
        var costs = new Dictionary<FoldKey, (FoldCost Cost, long Times)>();
        long busy = 0, usedPes = 0, foldCount = 0, walked = 0;
        var memory = new MemoryCounter(arch.Buffers);
        var groups = problem.Groups;
        // Double-buffered accumulators: a fold that starts its reduction may compute while the previous one drains.
        var overlapped = model.Spec.Drain == DrainMode.Overlapped;
        var steps = schedule.Steps(0, groups).GetEnumerator();
        try
        {
            var hasNext = steps.MoveNext();
            var next = hasNext ? steps.Current : default;
            Boundary? previous = null;
            while (hasNext)
            {
                var step = next;
                var f = step.Fold;
                hasNext = steps.MoveNext();
                if (hasNext)
                    next = steps.Current;
                // The first fold is its own key: a model may report it differently (SCALE-Sim's "- 1").
                var key = new FoldKey(f.Rows, f.Cols, f.M.Length, f.K.Length, f.N.Length, f.StartsReduction, f.EndsReduction(problem.K), foldCount == 0);
                if (!costs.TryGetValue(key, out var entry))
                    entry = (model.Cost(problem, f), 0);
                costs[key] = (entry.Cost, entry.Times + 1);
                var cost = entry.Cost;
                timeline.Add(cost.ComputeCycles, step.Traffic, step.StartsBlock, step.NextBlockPrefetch, step.NextReadBack,
                    overlapped ? cost.DrainCycles : 0, overlapped && f.StartsReduction);
                memory.Add(cost, step.Traffic);
                busy = busy + cost.BusyPeCycles;
                usedPes = usedPes + (long)f.Rows * f.Cols;
                foldCount++;
                if (++walked > MaxFolds)
                    throw new NoRepeatException($"its {groups:N0} groups did not settle into a repeating pattern within the {MaxFolds:N0} folds the simulator walks per layer");
                if (!hasNext || next.Fold.Group == f.Group)
                    continue;

                // Equal groups in closed form. Every group has the same folds and the same traffic
                // (each starts its own tiles and strips), so group g's fold sequence repeats group 1's.
                // Once one interior group leaves the timeline in the same relative state it found it,
                // every further interior group shifts it by the same cycles and adds the same counts:
                // those are added times their number, and the walk resumes with the last group.
                var now = new Boundary(timeline.Relative, timeline.LastEnd, timeline.ComputeCycles, memory.Snapshot(),
                    costs.ToDictionary(c => c.Key, c => c.Value.Times), busy, usedPes, foldCount);
                var g = f.Group;
                var skip = (long)groups - 2 - g;
                if (previous is { } p && skip > 0 && now.Relative == p.Relative)
                {
                    timeline.Skip(skip * (now.LastEnd - p.LastEnd), skip * (now.Compute - p.Compute));
                    memory.AddScaled(p.Memory, now.Memory, skip);
                    foreach (var (k, times) in now.Times)
                        costs[k] = (costs[k].Cost, costs[k].Times + skip * (times - p.Times.GetValueOrDefault(k)));
                    busy = busy + skip * (now.Busy - p.Busy);
                    usedPes = usedPes + skip * (now.UsedPes - p.UsedPes);
                    foldCount = foldCount + skip * (now.Folds - p.Folds);
                    steps.Dispose();
                    // The last group: its first block's loads are those of the group after g, which the timeline has already been given.
                    steps = schedule.Steps(groups - 1, groups).GetEnumerator();
                    steps.MoveNext();
                    next = steps.Current;
                    previous = null;
                }
                else
                    previous = now;
            }
        }
        finally
        {
            steps.Dispose();
        }
        var counts = new ActivityCountsBuilder();
        foreach (var (cost, times) in costs.Values)
            foreach (var (action, count) in cost.Compute.Counts)
                counts.Add(action, count * times);
        memory.AddTo(counts);
        var pes = model.Spec.PeCount;
        var total = timeline.TotalCycles;
        counts.Add(ActionKey.Simple(PrimitiveAction.IdlePeCycle), total * pes - busy);
        return new LayerResult
        {
            Layer = layer.Name,
            Unit = model.Spec.Name,
            Macs = layer.Macs,
            ComputeCycles = timeline.ComputeCycles,
            StallCycles = timeline.StallCycles,
            Folds = foldCount,
            PeCount = pes,
            Utilisation = total == 0 ? 0 : layer.Macs / model.PeakMacsPerCycle(problem) / total,
            MappingEfficiency = (double)usedPes / (foldCount * (double)pes),
            Counts = counts.ToCounts(),
        };
    }
}

/// <summary>What a fold's cost depends on: its shape, where it sits in the reduction, and whether it is the layer's first.</summary>
internal readonly record struct FoldKey(int Rows, int Cols, long M, long K, long N, bool Starts, bool Ends, bool First);
