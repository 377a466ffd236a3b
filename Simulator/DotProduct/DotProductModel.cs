using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.DotProduct;

/// <summary>
/// The fast model of a bit-parallel dot-product array (DaDianNao's NFU), closed forms per fold of
/// what <see cref="DotProductReference"/> steps (Simulator/README.md §3). Rows take output pixels
/// (M), columns filters (N), time the reduction (K) in steps of <c>lanes</c> terms, one step per
/// cycle; when a fold's operands do not fit on chip K is cut into time chunks
/// (<see cref="Memory.Chunking"/>), each a fold that carries partial sums from the chunk before it
/// and to the chunk after it, exactly as on the bit-serial array.
/// </summary>
/// <remarks>
/// With P = sr x sc busy PEs, T = the fold's K terms, S = ceil(T / lanes) steps, b_w, b_a the
/// operands' widths, acc the accumulator width and in = 0 when the fold starts the reduction, 1
/// when it continues earlier chunks' partial sums, one fold counts:
/// <list type="bullet">
/// <item>cycles in x sr + S + sr: a continuing fold first shifts its partial sums in down each
/// column's chain (sr cycles), then one dot step per cycle, then each column shifts its sr results
/// out, one per cycle; busy PE-cycles P x S (shift-in and drain cycles are idle);</item>
/// <item>Multiply (b_w x b_a) P x T and Add (acc) P x T: every lane holding a term multiplies
/// (padding terms are real, their input is 0; the last step's idle lanes are gated off) and a step
/// of n terms takes n - 1 adds in the tree and one into the accumulator, so one add per MAC, as
/// on a systolic array (tree adds priced at accumulator width, an upper bound);</item>
/// <item>register writes: operand loads P x T x (b_a + b_w), accumulator writes P x S x acc, drain
/// moves sc x sr(sr-1)/2 x acc, shift-in in x sc x sr(sr+1)/2 x acc;</item>
/// <item>register reads (Simulator/README.md §5: only through a multiplexer or a port; the operand
/// registers are wired to their multipliers and the accumulator to its own adder, so a dot step
/// reads none): drain reads sc x sr(sr+1)/2 x acc, shift-in reads in x sc x sr(sr-1)/2 x acc;</item>
/// <item>SRAM: each row reads its pixel's T activations, sr x T x b_a; each column its filter's T
/// weights, sc x T x b_w; a continuing fold reads its partial sums back, in x P x acc; the drain
/// writes P outputs at output width when the fold ends the reduction, else P partial sums at
/// accumulator width.</item>
/// </list>
/// </remarks>
public sealed class DotProductModel(DotProductUnitSpec spec) : IUnitModel
{
    public DotProductUnitSpec Spec { get; } = spec ?? throw new ArgumentNullException(nameof(spec));

    UnitSpec IUnitModel.Spec => Spec;

    public FoldGrid Grid(GemmProblem problem) => GridOf(Spec);

    internal static FoldGrid GridOf(DotProductUnitSpec spec) => new(GemmDim.M, GemmDim.N, spec.Rows, spec.Cols);

    public FoldCost Cost(GemmProblem problem, Fold fold)
    {
        int w = problem.WeightFormat.Bits, a = problem.InputFormat.Bits, acc = problem.AccumulatorFormat.Bits;
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length;
        checked
        {
            var steps = (terms + Spec.Lanes - 1) / Spec.Lanes;
            var pes = sr * sc;
            var busy = pes * steps;
            var macs = pes * terms;
            var operandBits = macs * (a + w);
            var shiftIn = fold.StartsReduction ? 0 : 1;
            var drainMoves = sc * sr * (sr - 1) / 2;
            var drainReads = sc * sr * (sr + 1) / 2;
            // skip: zero_operands gates the expected share of lanes whose input term is zero (README §8).
            var gated = Spec.Skip == SkipMode.ZeroOperands ? ZeroGating.GatedMacs(macs, ZeroGating.ZeroTermShare(problem, Spec)) : 0;
            var counts = ActivityCounts.From(
            [
                new(ActionKey.Multiply(problem.WeightFormat, problem.InputFormat), macs - gated),
                new(ActionKey.Add(problem.AccumulatorFormat), macs - gated),
                new(ActionKey.GatedMac(problem.WeightFormat, problem.InputFormat), gated),
                new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), operandBits + (busy + drainMoves + shiftIn * drainReads) * acc),
                new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), (drainReads + shiftIn * drainMoves) * acc),
            ]);
            return new FoldCost(shiftIn * sr + steps + sr, busy, counts,
                IfmapReadBits: sr * terms * a,
                WeightReadBits: sc * terms * w,
                OfmapReadBits: shiftIn * pes * acc,
                OfmapWriteBits: pes * (fold.EndsReduction(problem.K) ? problem.OutputFormat.Bits : acc),
                DrainCycles: sr);
        }
    }

    /// <inheritdoc/>
    public object? ValueDependence(GemmProblem problem) => Spec.Skip == SkipMode.None ? null : ZeroGating.Dependence(problem, Spec);

    /// <summary>Every PE completes <c>lanes</c> MACs per cycle whatever the formats (the lanes are bit-parallel).</summary>
    public double PeakMacsPerCycle(GemmProblem problem) => (double)Spec.PeCount * Spec.Lanes;
}
