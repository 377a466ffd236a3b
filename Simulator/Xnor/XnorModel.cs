using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// The fast model of an XNOR-popcount array (XNOR-Net, FINN's MVAU, BISMO): closed forms per fold
/// of what <see cref="XnorReference"/> does cycle by cycle (Simulator/README.md §3, §4, §5).
/// </summary>
/// <remarks>
/// Rows hold output pixels (M), columns filters (N), the reduction K runs in time in steps of
/// <c>lanes</c> terms. A fold covers the whole reduction unless K is cut into chunks
/// (<c>Memory/Chunking</c>); then it covers its K-range only, a partial reduction. With sr x sc
/// PEs in use, T = the fold's K-range length, steps = ceil(T/lanes), cps cycles per step and acc
/// the accumulator width, per fold:
/// <list type="bullet">
/// <item>cycles = (starts ? 0 : sr) + steps*cps + sr: a fold that does not start the reduction
/// first shifts its partial sums in (sr cycles), then computes, then drains (each column's sr
/// results shift out, one per cycle); busy PE-cycles = sr*sc*steps*cps (shift-in and drain cycles
/// do no XNOR/AND step or accumulate, so they are idle);</item>
/// <item>binary x binary (cps = 1): per PE, XnorBitOp = PopcountInputBit = T (one per lane holding
/// a term, padding lanes included: their output is masked, not skipped), Add(acc) = steps (the
/// dot += 2*pop - n_valid, n_valid counting the valid lanes of that step only); registers (README
/// §5: loads, and reads only through a multiplexer or the port): each step loads the input word,
/// the weight word and the input's valid mask (3 bits per lane) and the accumulator: 3T +
/// steps*acc bits written, none read (the gates and the adder are wired to the registers);</item>
/// <item>bit-plane path (cps = w_bits*a_bits): each step loads all planes of its lanes
/// ((w_bits + a_bits)*T bits written per PE over the fold), each cycle reads one weight and one
/// input plane (2 bits per lane) into the AND gates and shift-accumulates: per PE AndBitOp =
/// PopcountInputBit = cps*T, ShiftAccumulate = steps*cps, register reads 2*cps*T (the planes
/// selected through multiplexers), writes (w_bits + a_bits)*T + steps*cps*acc;</item>
/// <item>shift-in (folds that do not start the reduction; the mirror of the drain): in shift-in
/// cycle d every column's top accumulator loads the next partial sum from the output buffer (one
/// write) after the d already in the chain moved down one (a read and a write each): per column
/// sr(sr-1)/2 reads and sr(sr+1)/2 writes of acc bits. A fold that starts the reduction starts with
/// cleared accumulators (a reset, not a load);</item>
/// <item>drain: in drain cycle d a column's bottom accumulator leaves (one read) and the sr-1-d live
/// ones above it move down one (a read and a write each): per column sr(sr+1)/2 reads and
/// sr(sr-1)/2 writes of acc bits.</item>
/// </list>
/// SRAM streams (storage bits of each format, binary 1 bit): each step every used row reads its
/// pixel's word of n_t input terms from the ifmap buffer and every used column its filter's word
/// from the weight buffer, broadcast to the PEs; padding terms are counted as read (the stream is
/// the im2col word, whose padding lanes the feeder fills). So ifmap = sr*T*a_bits, weight =
/// sc*T*w_bits; ofmap reads = sr*sc*acc when the fold does not start the reduction (else 0);
/// ofmap writes = sr*sc*out_bits when it ends the reduction, else sr*sc*acc (partial sums).
/// </remarks>
public sealed class XnorModel(XnorUnitSpec spec) : IUnitModel
{
    public XnorUnitSpec Spec { get; } = spec;

    UnitSpec IUnitModel.Spec => Spec;

    public FoldGrid Grid(GemmProblem problem) => new(GemmDim.M, GemmDim.N, Spec.Rows, Spec.Cols);

    public FoldCost Cost(GemmProblem problem, Fold fold)
    {
        var path = new XnorDatapath(problem.Layer.Precision);
        // Anything but binary x binary runs bit-plane pairs through AND lanes: a bit-serial PE with both operands serial.
        if (!path.Binary)
            return BitSerial.BitSerialModel.Cost(problem, fold, Spec.Lanes, SerialMode.Both, path.WeightPlanes, path.InputPlanes);
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length;
        var steps = (terms + Spec.Lanes - 1) / Spec.Lanes;
        var pes = sr * sc;
        var acc = problem.AccumulatorFormat.Bits;
        var starts = fold.StartsReduction;
        var ends = fold.EndsReduction(problem.K);
        var counts = new ActivityCountsBuilder();
        counts.Add(ActionKey.Simple(PrimitiveAction.XnorBitOp), pes * terms);
        counts.Add(ActionKey.Simple(PrimitiveAction.PopcountInputBit), pes * terms);
        counts.Add(ActionKey.Add(problem.AccumulatorFormat), pes * steps);
        // Loads only: the held words and mask feed the gates, the accumulator its adder, by wire (README §5).
        long reads = 0, writes = pes * (3 * terms + steps * acc);
        // The chain: the drain's sr(sr+1)/2 reads and sr(sr-1)/2 writes per column; the shift-in mirrors it.
        long chainLong = sr * (sr + 1) / 2, chainShort = sr * (sr - 1) / 2;
        reads = reads + sc * chainLong * acc + (starts ? 0 : sc * chainShort * acc);
        writes = writes + sc * chainShort * acc + (starts ? 0 : sc * chainLong * acc);
        counts.Add(ActionKey.Simple(PrimitiveAction.RegisterReadBit), reads);
        counts.Add(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), writes);
        return new FoldCost(
            ComputeCycles: (starts ? 0 : sr) + steps + sr,
            BusyPeCycles: pes * steps,
            Compute: counts.ToCounts(),
            IfmapReadBits: sr * terms * problem.InputFormat.Bits,
            WeightReadBits: sc * terms * problem.WeightFormat.Bits,
            OfmapReadBits: starts ? 0 : pes * acc,
            OfmapWriteBits: pes * (ends ? problem.OutputFormat.Bits : acc),
            DrainCycles: sr);
    }

    public double PeakMacsPerCycle(GemmProblem problem) =>
        (double)Spec.PeCount * Spec.Lanes / new XnorDatapath(problem.Layer.Precision).CyclesPerStep;
}
