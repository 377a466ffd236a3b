using HwSim.CostModel.Area;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Pricing;
using HwSim.Simulator;

namespace HwSim.Cli.Sweep;

/// <summary>
/// Computes sweep points. The runner hands it the points of one simulated configuration at a
/// time (same precision and architecture, different nodes), from several threads at once, so an
/// implementation must be thread-safe. Tests substitute one that counts its calls.
/// </summary>
public interface IPointEvaluator
{
    IEnumerable<(SweepPoint Point, PointResult Result)> Evaluate(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation);
}

/// <summary>
/// The real evaluation: the simulator counts once, the cost model prices the counts at every node
/// asked. This is <see cref="CostModel.Evaluation.Evaluator.Evaluate"/> split in its two steps,
/// because a node changes only the prices ("count in the simulator, price in the cost model"):
/// a sweep over n nodes simulates once instead of n times. A test checks a point against the
/// Evaluator and against <c>hwsim energy</c>.
/// </summary>
public sealed class ModelEvaluator : IPointEvaluator
{
    public static ModelEvaluator Instance { get; } = new();

    public IEnumerable<(SweepPoint Point, PointResult Result)> Evaluate(SweepDefinition sweep, IReadOnlyList<SweepPoint> sameSimulation)
    {
        var first = sameSimulation[0];
        var arch = sweep.Architecture(first);
        var workload = sweep.Precisions[first.Precision].Workload;
        var counts = Simulation.Evaluate(workload, arch);
        foreach (var point in sameSimulation)
        {
            var cost = sweep.Cost(point);
            var energy = Pricer.Price(counts, arch, cost.Energy, new EnergyContext(arch.Buffers, cost.Dram, cost.Scaling), workload.Batch);
            var area = AreaModel.Area(arch, cost.Area, cost.Scaling);
            yield return (point, Result(energy, area));
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
        energy.Layers.Count(l => !l.Ran));
}
