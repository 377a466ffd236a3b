using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// SCALE-Sim v2's accounting (docs/reference/scalesim/SEMANTICS.md), for units with
/// <c>scalesim_compat: true</c>. Fast engine only: the reference engine steps HwSim's own timing.
/// SCALE-Sim's cycles do not depend on its SRAM sizes (it never cuts a fold to fit), so a compat
/// unit's folds are never chunked (<see cref="SystolicModel.MappingFitsBuffers"/>). It counts
/// SRAM traffic in words of one data element (1 byte in its runs), partial sums included, and does
/// not model partial-sum reads: a compat fold reads none back and writes every result, partial or
/// final, at the output format's width.
/// </summary>
internal static class ScaleSimCompat
{
    /// <summary>
    /// Per fold os T + AR + AC - 2, ws and is 2·AR + AC + T - 2, whatever part of the array the
    /// fold uses. SCALE-Sim reports folds × that - 1 (the index of the last cycle): the fold-level
    /// driver only adds folds up, so the layer's first fold (group 0, row fold 0, column fold 0)
    /// is reported one cycle short (Simulation caches the first fold's cost apart from the rest).
    /// </summary>
    public static long FoldCycles(SystolicUnitSpec spec, Fold fold, long t)
    {
        long ar = spec.Rows, ac = spec.Cols;
        var cycles = spec.Dataflow == Dataflow.OutputStationary ? t + ar + ac - 2 : 2 * ar + ac + t - 2;
        return fold is { Group: 0, RowFold: 0, ColFold: 0 } ? cycles - 1 : cycles;
    }

    /// <summary>
    /// Output-buffer writes of a fold: its results (ws and is: one per column per step, so a layer
    /// writes M·N·row_fold; os: its tile, M·N in all) at the output width, plus, for os, the
    /// AR + AC bookkeeping entries per fold that SCALE-Sim's output demand matrix carries and
    /// counts (M·N + folds·(AR + AC)).
    /// </summary>
    public static long OfmapWriteBits(SystolicUnitSpec spec, long results, int outputBits)
    {
        var extra = spec.Dataflow == Dataflow.OutputStationary ? (long)spec.Rows + spec.Cols : 0;
        return (results + extra) * outputBits;
    }
}
