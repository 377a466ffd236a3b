using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitFusion;

/// <summary>
/// The fast model of a Bit Fusion array (<see cref="FusionUnitSpec"/>): closed forms per fold of
/// the dataflow that <see cref="FusionReference"/> steps. Rows take the reduction (K), L terms
/// per fusion unit (L = <see cref="FusedWidths.Lanes"/>: 16 at 2x2 bits, 4 at 4x4, 1 at 8x8),
/// columns take filters (N), time takes output pixels (M), each pixel occupying a unit for
/// cps = <see cref="FusedWidths.Passes"/> cycles; this is the authors' simulator's mapping
/// (bitfusion-sim, accelerator.py get_compute_cycles: batch x ceil(oc/M) x ceil(ni/(N x perf
/// factor)) cycles per layer at im2col).
/// </summary>
/// <remarks>
/// With sr the fold's K terms, ru = ceil(sr/L) the fusion-unit rows they occupy (the fold's Rows), sc its columns,
/// T its pixels, AR the array's rows and acc the accumulator width, one fold counts:
/// <list type="bullet">
/// <item>cycles 1 + T x cps + sc + AR - 1: one cycle in which every unit loads its L weights
/// from its own weight-buffer bank, then the skewed stream (README §3);</item>
/// <item>busy PE-cycles and FusionUnitCycle ru x sc x T x cps: a unit busy in a cycle prices
/// its BitBricks, shift-add tree and registers together (Bit Fusion's synthesised unit);</item>
/// <item>register reads and writes (AR - ru) x sc x T x acc: a column's sum copied down through
/// the idle units of the rows the fold does not use;</item>
/// <item>SRAM: each used row reads its pixel's terms once, sr x T x a_bits; each unit its
/// weights once, sr x sc x w_bits; row 0 of a fold that continues a reduction reads sc x T
/// partial sums (acc); each column writes T results (output width, or acc when the fold does
/// not end the reduction).</item>
/// </list>
/// </remarks>
public sealed class FusionModel(FusionUnitSpec spec) : IUnitModel
{
    public UnitSpec Spec => spec;

    public FoldGrid Grid(GemmProblem problem) => GridOf(spec, problem);

    internal static FoldGrid GridOf(FusionUnitSpec spec, GemmProblem problem)
    {
        var lanes = FusedWidths.Of(problem.WeightFormat, problem.InputFormat).Lanes;
        return new FoldGrid(GemmDim.K, GemmDim.N, checked(spec.Rows * lanes), spec.Cols) { TermsPerRow = lanes };
    }

    /// <summary>Cycles of one fold (README §3): the weight load, T pixels of cps passes, the skew over sc columns and the AR rows the sums cross.</summary>
    public static long FoldCycles(FusionUnitSpec spec, long pixels, int passes, long cols) => 1 + pixels * passes + cols + spec.Rows - 1;

    public FoldCost Cost(GemmProblem problem, Fold fold)
    {
        var widths = FusedWidths.Of(problem.WeightFormat, problem.InputFormat);
        var acc = problem.AccumulatorFormat.Bits;
        // The fold's K terms, whatever rows it reports (FoldGrid gives the units it occupies).
        long sr = fold.K.Length, sc = fold.Cols, t = fold.M.Length, ar = spec.Rows, cps = widths.Passes;
        var ru = (sr + widths.Lanes - 1) / widths.Lanes;
        checked
        {
            var busy = ru * sc * t * cps;
            var passing = (ar - ru) * sc * t * acc;
            var counts = ActivityCounts.From(
            [
                new(ActionKey.Simple(PrimitiveAction.FusionUnitCycle), busy),
                new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), passing),
                new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), passing),
            ]);
            return new FoldCost(FoldCycles(spec, t, widths.Passes, sc), busy, counts,
                IfmapReadBits: sr * t * problem.InputFormat.Bits,
                WeightReadBits: sr * sc * problem.WeightFormat.Bits,
                OfmapReadBits: fold.StartsReduction ? 0 : sc * t * acc,
                OfmapWriteBits: sc * t * (fold.EndsReduction(problem.K) ? problem.OutputFormat.Bits : acc));
        }
    }

    /// <summary>L products per unit per pass, a product taking cps passes: 16 x units at 2x2 bits, units / 4 at 16x16.</summary>
    public double PeakMacsPerCycle(GemmProblem problem)
    {
        var widths = FusedWidths.Of(problem.WeightFormat, problem.InputFormat);
        return (double)spec.PeCount * widths.Lanes / widths.Passes;
    }
}
