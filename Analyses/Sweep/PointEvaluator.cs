using HwSim.Analyses.Compare;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Results;

namespace HwSim.Analyses.Sweep;

/// <summary>
/// Computes sweep points. The runner hands it the points of one simulated configuration at a
/// time (same precision and architecture, different nodes), from several threads at once, so an
/// implementation must be thread-safe. Tests substitute one that counts its calls.
/// </summary>
public interface IPointEvaluator
{
/// <summary>The results of <paramref name="sameSimulation"/>, points of one simulated configuration that differ only in node.</summary>
    IEnumerable<(SweepPoint Point, PointResult Result)> Evaluate(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation);
}

/// <summary>
/// The real evaluation: the simulator counts once, the cost model prices the counts at every node
/// asked: <see cref="Evaluator.Evaluate"/> in its two steps (simulate, then <see cref="Evaluator.Price"/>),
/// because a node changes only the prices ("count in the simulator, price in the cost model"):
/// a sweep over n nodes simulates once instead of n times. A test checks a point against the
/// Evaluator and against <c>hwsim energy</c>.
/// </summary>
public sealed class ModelEvaluator : IPointEvaluator
{
    /// <summary>The one instance (it holds no state).</summary>
    public static ModelEvaluator Instance { get; } = new();

/// <inheritdoc/>
    public IEnumerable<(SweepPoint Point, PointResult Result)> Evaluate(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation)
    {
        if (sweep.Nest is not null)
            return Nest(sweep, sameSimulation);
        return Array(sweep, sameSimulation);
    }

    private static IEnumerable<(SweepPoint Point, PointResult Result)> Array(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation)
    {
        var first = sameSimulation[0];
        var arch = sweep.Architecture(first);
        var workload = sweep.Precisions[first.Precision].Workload;
        // A search by energy picks mappings at each node's prices, so each node simulates; fixed
        // mappings and latency searches do not depend on prices and simulate once for all nodes.
        // The points of one simulation share their grid values, so their policy too.
        var byPrices = sweep.Policy(first) is { Search: true, Objective: not MappingObjective.Latency };
        NetworkResult? shared = null;
        foreach (var point in sameSimulation)
        {
            var cost = sweep.Cost(point);
            var counts = byPrices ? Evaluator.Simulate(workload, arch, cost) : shared ??= Evaluator.Simulate(workload, arch, cost);
            var priced = Evaluator.Price(workload, arch, counts, cost);
            yield return (point, Result(priced.Energy, priced.Area));
        }
    }

    /// <summary>
    /// A nest sweep's points: each the nest study of its precision at its node and objective (a search by energy picks mappings at
    /// the node's prices, so every point searches), with the design's area for the precision's formats; the figures are what
    /// <c>hwsim compare</c> gives a nest design (no clock: no latency, no EDP).
    /// </summary>
    private static IEnumerable<(SweepPoint Point, PointResult Result)> Nest(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation)
    {
        var design = sweep.Tables.Dram is { } kind ? sweep.Nest!.WithDram(kind) : sweep.Nest!;
        foreach (var point in sameSimulation)
        {
            var session = new NestSession(design, sweep.NestMappings, sweep.NestOptions(point), sweep.Tables.Area);
            var workload = sweep.Precisions[point.Precision].Workload;
            var f = ConfigurationFigures.From(design.Name, null, session.Run(workload), session.Area(workload));
            yield return (point, new PointResult(f.Cycles, f.LatencyMs, f.EnergyUj, f.TopsPerWatt, f.AreaMm2, f.EdpJs, f.NotRun.Length)
            {
                FirstNotRun = f.NotRun.Length == 0 ? null : $"{f.NotRun[0].Layer}: {f.NotRun[0].Reason}",
            });
        }
    }

    /// <summary>The sweep's figures of a priced point, as <c>hwsim energy</c> and <c>hwsim area</c> report them.</summary>
    public static PointResult Result(EnergyReport energy, AreaReport area) => new(
        energy.Cycles,
        energy.LatencySeconds * 1e3,
        energy.EnergyPerInferenceMicrojoules,
        energy.TopsPerWatt,
        area.TotalSquareMillimetres,
        energy.EnergyDelayProduct,
        energy.Layers.Count(l => !l.Ran))
    {
        FirstNotRun = energy.Layers.FirstOrDefault(l => !l.Ran) is { } first ? $"{first.Layer}: {first.NotRunReason}" : null,
    };
}
