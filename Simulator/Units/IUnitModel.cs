using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Units;

/// <summary>
/// The fast (closed-form) model of one array kind: how it lays a GEMM on its PEs and what one
/// fold costs in cycles and actions. Memory traffic and stalls are common to all kinds and are
/// added by the simulation; a model counts only what happens inside the array.
/// Every kind also has a cycle-stepped reference model (Simulator/Reference)
/// that must agree with this one exactly.
/// </summary>
public interface IUnitModel
{
    UnitSpec Spec { get; }

    /// <summary>How the problem's GEMM dimensions map onto rows, columns and time.</summary>
    FoldGrid Grid(GemmProblem problem);

    /// <summary>Cycles and actions of one fold, from the moment its operands are on chip until its last result has left the array.</summary>
    FoldCost Cost(GemmProblem problem, Fold fold);

    /// <summary>MACs the whole array completes per cycle at full use for this problem's formats (for utilisation).</summary>
    double PeakMacsPerCycle(GemmProblem problem);

    /// <summary>
    /// Whether the buffers shape the mapping (the default): the time dimension is cut until every
    /// fold fits half a buffer, a layer that cannot fit is not run, and partial-sum tiles larger
    /// than half the output buffer go to DRAM and back. False for a model that reproduces a
    /// simulator whose timing ignores buffer sizes (SCALE-Sim compatibility): folds are never cut,
    /// every layer runs, and partial sums stay on chip; DRAM traffic is still counted.
    /// </summary>
    bool MappingFitsBuffers => true;

    /// <summary>
    /// What of the layer's values the fold costs depend on besides its shape and formats (value-dependent
    /// timing: the activation histogram), or null when they do not; caches of results key on it.
    /// </summary>
    object? ValueDependence(GemmProblem problem) => null;
}

/// <summary>
/// What one fold costs inside the array. SRAM traffic is given as payload bits per stream; the
/// simulation turns them into word accesses of the buffers' width.
/// </summary>
/// <param name="ComputeCycles">Cycles from the fold's first operand entering the array to its last result leaving it.</param>
/// <param name="BusyPeCycles">PE-cycles in which a PE did useful work (the rest of rows x cols x cycles is idle).</param>
/// <param name="Compute">Arithmetic and register actions (no SRAM, DRAM or idle counts).</param>
/// <param name="IfmapReadBits">Bits the array reads from the input buffer.</param>
/// <param name="WeightReadBits">Bits the array reads from the weight buffer.</param>
/// <param name="OfmapReadBits">Bits of partial sums the array reads back from the output buffer.</param>
/// <param name="OfmapWriteBits">Bits of results (partial or final) the array writes to the output buffer.</param>
/// <param name="DrainCycles">The last cycles of <paramref name="ComputeCycles"/> in which the fold only moves results out of the
/// array (its drain phase: the PEs compute nothing); 0 for kinds whose results leave as the pipeline completes them. A unit with
/// <c>drain: overlapped</c> lets the next fold compute during them (Simulator/README.md §3).</param>
public sealed record FoldCost(long ComputeCycles, long BusyPeCycles, ActivityCounts Compute,
    long IfmapReadBits, long WeightReadBits, long OfmapReadBits, long OfmapWriteBits, long DrainCycles = 0);
