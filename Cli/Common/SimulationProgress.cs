using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Results;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// Runs the fast engine over a workload and, when it takes longer than <see cref="Quiet"/>,
/// shows how many layers are done (a large batch or a layer near the fold cap can take a
/// minute); short runs print nothing.
/// </summary>
internal static class SimulationProgress
{
    /// <summary>How long a run goes without progress output.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    /// <summary>The fast engine's counts with the mappings <paramref name="policy"/> picks; a search prices candidates with <paramref name="table"/> at <paramref name="energy"/>.</summary>
    public static NetworkResult Evaluate(CliContext context, Workload workload, ArchitectureSpec arch, MappingPolicy policy, EnergyTable table, EnergyContext energy)
    {
        var done = 0L;
        var run = Task.Run(() => Evaluator.Simulate(workload, arch, policy, table, energy, _ => Interlocked.Increment(ref done)));
        if (!Ended(run, Quiet))
            ProgressDisplay.Show(context, $"simulate {workload.Name}", workload.Layers.Length, () => Interlocked.Read(ref done), wait => Ended(run, wait), "layers");
        // The run's own exception (an InputException, say), not an AggregateException.
        return run.GetAwaiter().GetResult();
    }

    private static bool Ended(Task run, TimeSpan wait)
    {
        try
        {
            return run.Wait(wait);
        }
        catch (AggregateException)
        {
            return true;
        }
    }
}
