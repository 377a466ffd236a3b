using System.Collections.Concurrent;
using HwSim.CostModel.Energy;
using HwSim.Simulator.Mapper;

namespace HwSim.CostModel.Evaluation;

/// <summary>
/// The mapper priced by the cost model: one <see cref="MappingSearch"/> per energy table and
/// context, whose price of an action is the table's at that node, buffers and DRAM. The cost
/// model hands the simulator a function (data flows one way); the simulator never sees a table.
/// </summary>
public static class Mappers
{
    /// <summary>Price functions remembered at most; a sweep over many buffer sizes starts over beyond (each mapper keeps its own cache of picks).</summary>
    private const int MaxMappers = 256;

    private static readonly ConcurrentDictionary<(EnergyTable Table, EnergyContext Context), MappingSearch> Known = new();

    /// <summary>Picojoules of one occurrence of each action under <paramref name="table"/> at <paramref name="context"/>.</summary>
    public static ActionPrice Prices(EnergyTable table, EnergyContext context) => key => table.Energy(key, context).Value;

    /// <summary>The mapper pricing with <paramref name="table"/> at <paramref name="context"/> (shared, so its cache of picks is too).</summary>
    public static MappingSearch For(EnergyTable table, EnergyContext context)
    {
        if (Known.Count >= MaxMappers)
            Known.Clear();
        return Known.GetOrAdd((table, context), k => new MappingSearch(Prices(k.Table, k.Context)));
    }

    /// <summary>
    /// Forgets every shared mapper and so its picks: the next search starts cold, as in a new
    /// process (benchmarks of whole sweeps measure cold runs with it).
    /// </summary>
    public static void Forget() => Known.Clear();
}
