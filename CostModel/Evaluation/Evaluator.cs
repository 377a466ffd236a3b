using HwSim.CostModel.Area;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Pricing;
using HwSim.CostModel.Technology;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Results;
using HwSim.Workloads;

namespace HwSim.CostModel.Evaluation;

/// <summary>The tables and node a workload is priced with: one value, passed to every analysis.</summary>
public sealed record CostSetting(EnergyTable Energy, AreaTable Area, TechnologyScaling Scaling, DramKind Dram)
{
    /// <summary>The built-in tables at 45 nm, 0.9 V, LPDDR4.</summary>
    public static CostSetting Default { get; } = new(EnergyTable.Default, AreaTable.Default, TechnologyScaling.Identity45nm, DramKinds.Default);
}

/// <summary>A workload simulated and priced on one architecture: the counts and what they cost.</summary>
public sealed record Evaluated(Workload Workload, ArchitectureSpec Architecture, NetworkResult Result, EnergyReport Energy, AreaReport Area);

/// <summary>workload -> simulator counts -> cost model prices, in one call, for the analyses and reports.</summary>
public static class Evaluator
{
    public static Evaluated Evaluate(Workload workload, ArchitectureSpec arch, CostSetting cost)
    {
        var result = Simulation.Evaluate(workload, arch);
        var energy = Pricer.Price(result, arch, cost.Energy, new EnergyContext(arch.Buffers, cost.Dram, cost.Scaling), workload.Batch);
        var area = AreaModel.Area(arch, cost.Area, cost.Scaling);
        return new Evaluated(workload, arch, result, energy, area);
    }
}
