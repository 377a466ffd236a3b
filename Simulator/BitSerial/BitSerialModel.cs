using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// The fast model of a bit-serial array (Stripes: serial activations; Loom, BISMO: both serial),
/// closed forms per fold of the datapath that <see cref="BitSerialReference"/> steps. Rows take
/// output pixels (M), columns filters (N), time the reduction (K) in steps of <c>lanes</c> terms.
/// </summary>
/// <remarks>
/// With P = sr x sc busy PEs, T = K terms, S = ceil(T / lanes) steps, b_w and b_a the operands'
/// serial bits (binary, ternary: 2), cps = b_a (serial activations) or b_w x b_a (both), and
/// acc the accumulator width, one fold counts:
/// <list type="bullet">
/// <item>cycles S x cps + sr (the drain shifts each column's sr results out, one per cycle);</item>
/// <item>AndBitOp and PopcountInputBit P x T x b_w x b_a each: a lane holding a term ANDs b_w
/// weight bits with one activation bit per cycle (serial activations, the tree adds b_w-bit
/// terms) or one bit with one bit (both, the tree is a popcount); the last step's idle lanes
/// are gated off, padding terms are real (their input is 0);</item>
/// <item>ShiftAccumulate (acc bits) P x S x cps, one per PE per cycle of a step;</item>
/// <item>register writes: operand loads P x T x (b_a + b_w) (each PE's lane registers take their
/// step's codes once per step), accumulator writes P x S x cps x acc, drain moves
/// sc x sr(sr-1)/2 x acc;</item>
/// <item>register reads: operand bits used, P x T x b_a x (1 + b_w) (serial activations: one
/// activation bit and the whole weight per lane per cycle) or P x T x b_w x b_a x 2 (both: one
/// bit of each), accumulator reads P x S x cps x acc, drain reads sc x sr(sr+1)/2 x acc (every
/// value that moves down or leaves);</item>
/// <item>SRAM: each row reads its pixel's T activations once per step (all planes at once, in
/// the buffer's packed format, padding zeros included), sr x T x a_bits; each column its filter's
/// T weights, sc x T x w_bits; the drain writes sr x sc outputs at the output width.</item>
/// </list>
/// No Multiply or Add is counted: the adder tree is priced per input bit and the accumulator per
/// shift-accumulate. The reduction is never split over folds, so no partial sums go back and forth.
/// </remarks>
public sealed class BitSerialModel(BitSerialUnitSpec spec) : IUnitModel
{
    public UnitSpec Spec => spec;

    public FoldGrid Grid(GemmProblem problem) => GridOf(spec);

    internal static FoldGrid GridOf(BitSerialUnitSpec spec) => new(GemmDim.M, GemmDim.N, spec.Rows, spec.Cols);

    /// <summary>Cycles of one dot step: one per activation plane, or per plane pair when both operands are serial.</summary>
    public static int CyclesPerStep(BitSerialUnitSpec spec, GemmProblem problem)
    {
        var a = BitPlanes.Of(problem.InputFormat).Bits;
        return spec.Serial == SerialMode.Activations ? a : checked(BitPlanes.Of(problem.WeightFormat).Bits * a);
    }

    public FoldCost Cost(GemmProblem problem, Fold fold)
    {
        var w = BitPlanes.Of(problem.WeightFormat).Bits;
        var a = BitPlanes.Of(problem.InputFormat).Bits;
        var acc = problem.AccumulatorFormat.Bits;
        if (!fold.StartsReduction || !fold.EndsReduction(problem.K))
            throw new InvalidOperationException("a bit-serial fold spans the whole reduction (K is in time)");
        var cps = CyclesPerStep(spec, problem);
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length;
        var steps = (terms + spec.Lanes - 1) / spec.Lanes;
        checked
        {
            var pes = sr * sc;
            var busy = pes * steps * cps;
            var bitOps = pes * terms * w * a;
            var laneReads = spec.Serial == SerialMode.Activations ? pes * terms * a * (1 + w) : pes * terms * w * a * 2;
            var drainMoves = sc * sr * (sr - 1) / 2;
            var drainReads = sc * sr * (sr + 1) / 2;
            var counts = ActivityCounts.From(
            [
                new(ActionKey.Simple(PrimitiveAction.AndBitOp), bitOps),
                new(ActionKey.Simple(PrimitiveAction.PopcountInputBit), bitOps),
                new(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, acc), busy),
                new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), pes * terms * (a + w) + (busy + drainMoves) * acc),
                new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), laneReads + (busy + drainReads) * acc),
            ]);
            return new FoldCost(steps * cps + sr, busy, counts,
                IfmapReadBits: sr * terms * problem.InputFormat.Bits,
                WeightReadBits: sc * terms * problem.WeightFormat.Bits,
                OfmapReadBits: 0,
                OfmapWriteBits: pes * problem.OutputFormat.Bits);
        }
    }

    public double PeakMacsPerCycle(GemmProblem problem) => (double)spec.PeCount * spec.Lanes / CyclesPerStep(spec, problem);
}
