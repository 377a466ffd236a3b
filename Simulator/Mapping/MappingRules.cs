using HwSim.Simulator.Architecture;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Mapping;

/// <summary>
/// The legality of a mapping and what it implies, as both engines apply them
/// (Simulator/README.md section 4): a mapper checks candidates with these before it prices them.
/// </summary>
public static class MappingRules
{
    /// <summary>The fold grid <paramref name="mapping"/> implies on a unit whose own grid is <paramref name="unitGrid"/> (its time chunk replaced by the mapping's).</summary>
    public static FoldGrid Grid(FoldGrid unitGrid, LoopNestMapping mapping) => LoopNest.GridOf(unitGrid, mapping);

    /// <summary>The fold grid <paramref name="mapping"/> implies for <paramref name="problem"/> on <paramref name="model"/>.</summary>
    public static FoldGrid Grid(IUnitModel model, GemmProblem problem, LoopNestMapping mapping) => Grid(model.Grid(problem), mapping);

    /// <summary>
    /// The mapping a unit actually runs when asked for <paramref name="requested"/>: units whose
    /// mapping ignores buffer sizes (<c>scalesim_compat</c>) always run the fixed mapping.
    /// </summary>
    public static LayerMapping Effective(IUnitModel model, LayerMapping requested) =>
        model.MappingFitsBuffers ? requested : FixedMapping.Instance;

    /// <summary>
    /// Why <paramref name="mapping"/> cannot run <paramref name="problem"/> with
    /// <paramref name="buffers"/> (the capacity rule broken and its bytes), or null when it can.
    /// A block may use half of each buffer: its weights (K-range x N-range), its input strip, and,
    /// when some fold does not both start and end the reduction, its M-range x N-range partial
    /// sums at accumulator width.
    /// </summary>
    /// <param name="grid">The unit's grid (from <see cref="IUnitModel.Grid"/>); its time chunk is replaced by the mapping's.</param>
    public static string? Unfit(GemmProblem problem, FoldGrid grid, BufferSpec buffers, LoopNestMapping mapping)
    {
        try
        {
            return BlockPlanner.Unfit(new LoopNest(problem, grid, mapping), buffers);
        }
        catch (OverflowException)
        {
            return "its blocks' sizes do not fit in 64 bits";
        }
    }
}
