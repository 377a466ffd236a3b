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
    public static NetworkResult Evaluate(Workload workload, ArchitectureSpec arch)
    {
        var models = arch.Units.Select(UnitModels.For).ToList();
        return new NetworkResult(workload.Name, arch.Name, [.. workload.Layers.Select(l => Evaluate(l, arch, models))]);
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

    /// <summary>Runs one layer on one unit with the fast model.</summary>
    public static LayerResult Run(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model)
    {
        var problem = new GemmProblem(layer);
        var (grid, unfit) = Chunking.Fit(problem, model.Grid(problem), arch.Buffers);
        if (unfit is not null)
            return LayerResult.NotRun(layer.Name, layer.Macs, unfit, model.Spec.Name);
        var planner = new TrafficPlanner(problem, arch.Buffers);
        var timeline = new DramTimeline(arch.Dram);
        // Folds of the same shape cost the same: each shape is costed once and its counts added once, times its folds.
        var costs = new Dictionary<(int, int, long, long, long, bool, bool, bool), (FoldCost Cost, long Times)>();
        long busy = 0, usedPes = 0, foldCount = 0;
        var memory = new MemoryCounter(arch.Buffers);
        using var folds = grid.Folds(problem).GetEnumerator();
        var hasNext = folds.MoveNext();
        var next = hasNext ? folds.Current : default;
        var nextTraffic = hasNext ? planner.Next(next) : default;
        while (hasNext)
        {
            var (f, traffic) = (next, nextTraffic);
            hasNext = folds.MoveNext();
            if (hasNext)
            {
                next = folds.Current;
                nextTraffic = planner.Next(next);
            }
            // The first fold is its own key: a model may report it differently (SCALE-Sim's "- 1").
            var key = (f.Rows, f.Cols, f.M.Length, f.K.Length, f.N.Length, f.StartsReduction, f.EndsReduction(problem.K), foldCount == 0);
            if (!costs.TryGetValue(key, out var entry))
                entry = (model.Cost(problem, f), 0);
            costs[key] = (entry.Cost, entry.Times + 1);
            var cost = entry.Cost;
            timeline.Add(cost.ComputeCycles, traffic, hasNext ? nextTraffic : null);
            memory.Add(cost, traffic);
            busy = checked(busy + cost.BusyPeCycles);
            usedPes = checked(usedPes + (long)f.Rows * f.Cols);
            foldCount++;
        }
        var counts = new ActivityCountsBuilder();
        foreach (var (cost, times) in costs.Values)
            foreach (var (action, count) in cost.Compute.Counts)
                counts.Add(action, checked(count * times));
        memory.AddTo(counts);
        var pes = model.Spec.PeCount;
        var total = timeline.TotalCycles;
        counts.Add(ActionKey.Simple(PrimitiveAction.IdlePeCycle), checked(total * pes - busy));
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
