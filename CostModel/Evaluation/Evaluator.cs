using HwSim.CostModel.Area;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Pricing;
using HwSim.CostModel.Technology;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Results;
using HwSim.Workloads;

namespace HwSim.CostModel.Evaluation;

/// <summary>The tables and node a workload is priced with: one value, passed to every analysis.</summary>
/// <param name="Dram">DRAM type to price with instead of the architecture's (<c>dram: { type: ... }</c>); null uses the architecture's.</param>
public sealed record CostSetting(EnergyTable Energy, AreaTable Area, TechnologyScaling Scaling, DramKind? Dram = null)
{
    /// <summary>How layers are mapped before they are priced: by default a search minimising energy at these prices.</summary>
    public MappingPolicy Mapping { get; init; } = MappingPolicy.Default;

    /// <summary>The built-in tables at 45 nm, 0.9 V, each architecture's own DRAM type.</summary>
    public static CostSetting Default { get; } = new(EnergyTable.Default, AreaTable.Default, TechnologyScaling.Identity45nm);
}

/// <summary>A workload simulated and priced on one architecture: the counts and what they cost.</summary>
public sealed record Evaluated(Workload Workload, ArchitectureSpec Architecture, NetworkResult Result, EnergyReport Energy, AreaReport Area);

/// <summary>workload -> simulator counts -> cost model prices, in one call, for the analyses and reports.</summary>
public static class Evaluator
{
    /// <summary>Simulates <paramref name="workload"/> on <paramref name="arch"/> with the fast engine, mapped by <paramref name="cost"/>'s policy, and prices the counts.</summary>
    public static Evaluated Evaluate(Workload workload, ArchitectureSpec arch, CostSetting cost) =>
        Price(workload, arch, Simulate(workload, arch, cost), cost);

    /// <summary>
    /// The fast engine's counts of <paramref name="workload"/> on <paramref name="arch"/> with the
    /// mappings <paramref name="cost"/>'s policy picks: a search prices its candidates with
    /// <paramref name="cost"/>'s own table, node and DRAM (<see cref="Mappers"/>).
    /// </summary>
    /// <param name="layerDone">Called after each layer, in order.</param>
    public static NetworkResult Simulate(Workload workload, ArchitectureSpec arch, CostSetting cost, Action<LayerResult>? layerDone = null) =>
        Simulate(workload, arch, cost.Mapping, cost.Energy, EnergyContext.Of(arch, cost.Scaling, cost.Dram), layerDone);

    /// <summary>The fast engine's counts with the mappings <paramref name="policy"/> picks, priced (for the search) with <paramref name="table"/> at <paramref name="context"/>.</summary>
    public static NetworkResult Simulate(Workload workload, ArchitectureSpec arch, MappingPolicy policy, EnergyTable table, EnergyContext context, Action<LayerResult>? layerDone = null) =>
        policy.Search ? Mappers.For(table, context).Evaluate(workload, arch, policy, layerDone) : Simulation.Evaluate(workload, arch, layerDone);

    /// <summary>
    /// Prices counts already simulated: a new node, table or DRAM type changes only the prices,
    /// so a caller pricing one simulation several ways (a sweep over nodes) simulates once.
    /// </summary>
    /// <param name="counts">The result of simulating <paramref name="workload"/> on <paramref name="arch"/>.</param>
    public static Evaluated Price(Workload workload, ArchitectureSpec arch, NetworkResult counts, CostSetting cost)
    {
        var energy = PriceEnergy(workload, arch, counts, cost.Energy, EnergyContext.Of(arch, cost.Scaling, cost.Dram));
        var area = AreaModel.Area(arch, cost.Area, cost.Scaling);
        return new Evaluated(workload, arch, counts, energy, area);
    }

    /// <summary>The energy part of <see cref="Price"/> alone, per inference of the workload's batch.</summary>
    public static EnergyReport PriceEnergy(Workload workload, ArchitectureSpec arch, NetworkResult counts, EnergyTable table, EnergyContext context) =>
        Pricer.Price(counts, arch, table, context, workload.Batch);
}
