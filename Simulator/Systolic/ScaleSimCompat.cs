using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// SCALE-Sim v2's accounting (docs/reference/scalesim/SEMANTICS.md), for units with
/// <c>scalesim_compat: true</c>. Fast engine only: the reference engine steps HwSim's own timing.
/// SCALE-Sim does not model partial-sum reads, so a compat fold reads no partial sums back, and
/// it assumes buffers large enough never to chunk; if HwSim does chunk the time dimension, each
/// chunk is a fold of SCALE-Sim's formula with the chunk's T (no os preload cycles).
/// </summary>
internal static class ScaleSimCompat
{
    /// <summary>
    /// Per fold os T + AR + AC - 2, ws and is 2·AR + AC + T - 2, whatever part of the array the
    /// fold uses. SCALE-Sim reports folds × that - 1 (the index of the last cycle): the fold-level
    /// driver only adds folds up, so the layer's first fold (group 0, row fold 0, column fold 0)
    /// is reported one cycle short (Simulation caches the first fold's cost apart from the rest).
    /// With a chunked time dimension only the first chunk of that fold is the layer's first fold.
    /// </summary>
    public static long FoldCycles(SystolicUnitSpec spec, Fold fold, long t, GemmDim inTime)
    {
        long ar = spec.Rows, ac = spec.Cols;
        var cycles = spec.Dataflow == Dataflow.OutputStationary ? checked(t + ar + ac - 2) : checked(2 * ar + ac + t - 2);
        var timeStart = inTime switch { GemmDim.M => fold.M.Start, GemmDim.K => fold.K.Start, _ => fold.N.Start };
        var first = fold is { Group: 0, RowFold: 0, ColFold: 0 } && timeStart == 0;
        return first ? cycles - 1 : cycles;
    }

    /// <summary>
    /// SCALE-Sim's os OFMAP writes are M·N + folds·(AR + AC): its output demand matrix carries
    /// AR + AC bookkeeping entries per fold, and they are in its reported count.
    /// </summary>
    public static long ExtraOfmapWriteBits(SystolicUnitSpec spec, int resultBits) =>
        spec.Dataflow == Dataflow.OutputStationary ? checked((long)(spec.Rows + spec.Cols) * resultBits) : 0;
}
