using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// The fast model of an XNOR-popcount array (XNOR-Net, FINN's MVAU, BISMO): closed forms per fold
/// of what <see cref="XnorReference"/> does cycle by cycle (Simulator/README.md §3, §5).
/// </summary>
/// <remarks>
/// Rows hold output pixels (M), columns filters (N), the reduction K runs in time in steps of
/// <c>lanes</c> terms, so every fold covers the whole reduction. With sr x sc PEs in use, T = K,
/// steps = ceil(T/lanes), cps cycles per step and acc the accumulator width, per fold:
/// <list type="bullet">
/// <item>cycles = steps*cps + sr (the drain shifts each column's sr results out, one per cycle);
/// busy PE-cycles = sr*sc*steps*cps;</item>
/// <item>binary x binary (cps = 1): per PE, XnorBitOp = PopcountInputBit = T (one per lane holding
/// a term, padding lanes included: their output is masked, not skipped), Add(acc) = steps (the
/// dot += 2*pop - n_valid); registers: each step loads the input word, the weight word and the
/// input's valid mask (3 bits per lane written, 3 read by the gates) and reads and writes the
/// accumulator: 3T + steps*acc bits each way;</item>
/// <item>bit-plane path (cps = w_bits*a_bits): each step loads all planes of its lanes
/// ((w_bits + a_bits)*T bits written per PE over the fold), each cycle reads one weight and one
/// input plane (2 bits per lane) into the AND gates and shift-accumulates: per PE AndBitOp =
/// PopcountInputBit = cps*T, ShiftAccumulate = steps*cps, register reads 2*cps*T + steps*cps*acc,
/// writes (w_bits + a_bits)*T + steps*cps*acc;</item>
/// <item>drain: in drain cycle d a column's bottom accumulator leaves (one read) and the sr-1-d live
/// ones above it move down one (a read and a write each): per column sr(sr+1)/2 reads and
/// sr(sr-1)/2 writes of acc bits. Accumulators start a fold cleared (a reset, not a load).</item>
/// </list>
/// SRAM streams (storage bits of each format, binary 1 bit): each step every used row reads its
/// pixel's word of n_t input terms from the ifmap buffer and every used column its filter's word
/// from the weight buffer, broadcast to the PEs; padding terms are counted as read (the stream is
/// the im2col word, whose padding lanes the feeder fills). So ifmap = sr*T*a_bits, weight =
/// sc*T*w_bits; each result leaves the array at the output format's width: ofmap writes =
/// sr*sc*out_bits; nothing is read back (no fold splits the reduction).
/// </remarks>
public sealed class XnorModel(XnorUnitSpec spec) : IUnitModel
{
    public XnorUnitSpec Spec { get; } = spec;

    UnitSpec IUnitModel.Spec => Spec;

    public FoldGrid Grid(GemmProblem problem) => new(GemmDim.M, GemmDim.N, Spec.Rows, Spec.Cols);

    public FoldCost Cost(GemmProblem problem, Fold fold)
    {
        var path = new XnorDatapath(problem.Layer.Precision);
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length;
        long cps = path.CyclesPerStep;
        var steps = (terms + Spec.Lanes - 1) / Spec.Lanes;
        var pes = sr * sc;
        var acc = problem.AccumulatorFormat.Bits;
        var counts = new ActivityCountsBuilder();
        long reads, writes;
        if (path.Binary)
        {
            counts.Add(ActionKey.Simple(PrimitiveAction.XnorBitOp), pes * terms);
            counts.Add(ActionKey.Simple(PrimitiveAction.PopcountInputBit), pes * terms);
            counts.Add(ActionKey.Add(problem.AccumulatorFormat), pes * steps);
            reads = writes = checked(pes * (3 * terms + steps * acc));
        }
        else
        {
            counts.Add(ActionKey.Simple(PrimitiveAction.AndBitOp), checked(pes * cps * terms));
            counts.Add(ActionKey.Simple(PrimitiveAction.PopcountInputBit), checked(pes * cps * terms));
            counts.Add(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, acc), checked(pes * steps * cps));
            reads = checked(pes * (2 * cps * terms + steps * cps * acc));
            writes = checked(pes * ((path.WeightPlanes + path.InputPlanes) * terms + steps * cps * acc));
        }
        counts.Add(ActionKey.Simple(PrimitiveAction.RegisterReadBit), checked(reads + sc * sr * (sr + 1) / 2 * acc));
        counts.Add(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), checked(writes + sc * sr * (sr - 1) / 2 * acc));
        return new FoldCost(
            ComputeCycles: checked(steps * cps + sr),
            BusyPeCycles: checked(pes * steps * cps),
            Compute: counts.ToCounts(),
            IfmapReadBits: checked(sr * terms * problem.InputFormat.Bits),
            WeightReadBits: checked(sc * terms * problem.WeightFormat.Bits),
            OfmapReadBits: 0,
            OfmapWriteBits: checked(pes * problem.OutputFormat.Bits));
    }

    public double PeakMacsPerCycle(GemmProblem problem) =>
        (double)Spec.PeCount * Spec.Lanes / new XnorDatapath(problem.Layer.Precision).CyclesPerStep;
}
