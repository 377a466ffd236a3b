using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// The fast model of a bit-serial array (Stripes: serial activations; Loom, BISMO: both serial),
/// closed forms per fold of the datapath that <see cref="BitSerialReference"/> steps. Rows take
/// output pixels (M), columns filters (N), time the reduction (K) in steps of <c>lanes</c> terms;
/// when a fold's operands do not fit on chip K is cut into time chunks (<see cref="Memory.Chunking"/>),
/// each a fold that carries partial sums from the chunk before it and to the chunk after it.
/// </summary>
/// <remarks>
/// With P = sr x sc busy PEs, T = the fold's K terms (all of K, or one time chunk of it),
/// S = ceil(T / lanes) steps, b_w and b_a the operands' serial bits (binary, ternary: 2),
/// cps = ceil(b_a/bpc) (serial activations) or ceil(b_w/bpc) x ceil(b_a/bpc) (both) at bpc =
/// bits_per_cycle planes per serial operand per cycle (AND, popcount and register-read counts are
/// per plane (pair) and do not depend on bpc), acc the accumulator width, and
/// in = 0 when the fold starts the reduction, 1 when it continues earlier chunks' partial sums,
/// one fold counts:
/// <list type="bullet">
/// <item>cycles in x sr + S x cps + sr: a continuing fold first shifts its partial sums in down
/// each column's chain, one per cycle (the mirror of the drain); the drain shifts each column's
/// sr results out, one per cycle;</item>
/// <item>busy PE-cycles P x S x cps: a PE is busy only when it shift-accumulates; shift-in and
/// drain cycles move values along the chain and are idle;</item>
/// <item>AndBitOp and PopcountInputBit P x T x b_w x b_a each: a lane holding a term ANDs b_w
/// weight bits with one activation bit per cycle (serial activations, the tree adds b_w-bit
/// terms) or one bit with one bit (both, the tree is a popcount); the last step's idle lanes
/// are gated off, padding terms are real (their input is 0);</item>
/// <item>ShiftAccumulate (acc bits) P x S x cps, one per PE per cycle of a step;</item>
/// <item>register writes: operand loads P x T x (b_a + b_w) (each PE's lane registers take their
/// step's codes once per step), accumulator writes P x S x cps x acc, drain moves
/// sc x sr(sr-1)/2 x acc, shift-in in x sc x sr(sr+1)/2 x acc (sr entries at the top plus
/// sr(sr-1)/2 moves per column);</item>
/// <item>register reads (README §5: only through a multiplexer or the array's port): operand
/// planes selected, P x T x b_a (serial activations: one activation bit per lane per cycle; the
/// held weight is wired to its AND gates) or P x T x b_w x b_a x 2 (both: one bit of each), drain
/// reads sc x sr(sr+1)/2 x acc (every value that moves down the chain or leaves), shift-in reads
/// in x sc x sr(sr-1)/2 x acc (every value that moves down; entries come from the buffer); the
/// accumulator's feedback into its adder is a wire, not a read;</item>
/// <item>SRAM: each row reads its pixel's T activations once per step (all planes at once, in
/// the buffer's packed format, padding zeros included), sr x T x a_bits; each column its filter's
/// T weights, sc x T x w_bits; a continuing fold reads its partial sums back, in x P x acc; the
/// drain writes P outputs at the output width when the fold ends the reduction, else P partial
/// sums at accumulator width.</item>
/// </list>
/// No Multiply or Add is counted: the adder tree is priced per input bit and the accumulator per
/// shift-accumulate. With <c>skip</c> (value-dependent timing, Simulator/README.md §8) the compute
/// cycles and the AND, tree-input and lane-read counts are expectations from the layer's activation
/// histogram; everything else is as above.
/// </remarks>
public sealed class BitSerialModel(BitSerialUnitSpec spec) : IUnitModel
{
    public UnitSpec Spec => spec;

    public FoldGrid Grid(GemmProblem problem) => GridOf(spec);

    internal static FoldGrid GridOf(BitSerialUnitSpec spec) => new(GemmDim.M, GemmDim.N, spec.Rows, spec.Cols);

    /// <summary>Cycles of one dot step: one per group of bits_per_cycle activation planes, or per pair of such groups when both operands are serial.</summary>
    public static int CyclesPerStep(BitSerialUnitSpec spec, GemmProblem problem)
    {
        return CyclesPerStep(spec.Serial, BitPlanes.Of(problem.WeightFormat).Bits, BitPlanes.Of(problem.InputFormat).Bits, spec.BitsPerCycle);
    }

    private static int CyclesPerStep(SerialMode serial, int w, int a, int bitsPerCycle) =>
        serial == SerialMode.Activations ? Digits(a, bitsPerCycle) : Digits(w, bitsPerCycle) * Digits(a, bitsPerCycle);

    /// <summary>Cycles a b-plane serial operand takes at <paramref name="bitsPerCycle"/> planes per cycle (the last group may be short).</summary>
    internal static int Digits(int planes, int bitsPerCycle) => (planes + bitsPerCycle - 1) / bitsPerCycle;

    public FoldCost Cost(GemmProblem problem, Fold fold) =>
        Multiplexed(spec, fold) ? MultiplexCost(problem, fold)
        : spec.Skip == SkipMode.None
        ? Cost(problem, fold, spec.Lanes, spec.Serial, BitPlanes.Of(problem.WeightFormat).Bits, BitPlanes.Of(problem.InputFormat).Bits, spec.BitsPerCycle)
        : SkippingCost(problem, fold);

    /// <summary>Whether <paramref name="fold"/> runs in Stripes' fully connected mode: a fold of one window on a multiplex unit.</summary>
    internal static bool Multiplexed(BitSerialUnitSpec spec, Fold fold) => spec.FcMode == FcMode.Multiplex && fold.Rows == 1;

    /// <summary>
    /// A fold of one window in fully connected mode (Simulator/README.md §3): with R physical rows,
    /// step s of the S steps runs on row s mod R from cycle (s mod R) + (s div R) x max(R, cps), its
    /// column's PE loading its own weights (one row per cycle on the weight bus), so the compute
    /// takes B = ((S-1) mod R) + ((S-1) div R) x max(R, cps) + cps cycles (S - 1 + cps when cps &lt;= R).
    /// Each column then holds D = min(S, R) partial sums, which its drain chain moves down as a drain
    /// of D rows and adds at the bottom (D - 1 accumulator-width Adds), D cycles, one output per
    /// column. A continuing fold first shifts one partial sum per column into row 0 (one cycle).
    /// Every other count is that of <see cref="Cost(GemmProblem, Fold)"/> with the steps' PEs (one
    /// row's sc per step).
    /// </summary>
    private FoldCost MultiplexCost(GemmProblem problem, Fold fold)
    {
        var (w, a) = (BitPlanes.Of(problem.WeightFormat).Bits, BitPlanes.Of(problem.InputFormat).Bits);
        long cps = CyclesPerStep(spec.Serial, w, a, spec.BitsPerCycle);
        long rows = spec.Rows, sc = fold.Cols, terms = fold.K.Length, lanes = spec.Lanes;
        var acc = problem.AccumulatorFormat.Bits;
        checked
        {
            var steps = (terms + lanes - 1) / lanes;
            var last = steps - 1;
            var compute = last % rows + last / rows * Math.Max(rows, cps) + cps;
            var d = Math.Min(steps, rows);
            var busy = sc * steps * cps;
            var drainMoves = sc * d * (d - 1) / 2;
            var drainReads = sc * d * (d + 1) / 2;
            var shiftIn = fold.StartsReduction ? 0 : 1;
            var bitOps = sc * terms * w * a;
            var laneReads = spec.Serial == SerialMode.Activations ? sc * terms * a : sc * terms * w * a * 2;
            var counts = ActivityCounts.From(
            [
                new(ActionKey.Simple(PrimitiveAction.AndBitOp), bitOps),
                new(ActionKey.Simple(PrimitiveAction.PopcountInputBit), bitOps),
                new(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, acc), busy),
                new(ActionKey.Add(problem.AccumulatorFormat), sc * (d - 1)),
                new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), sc * terms * (a + w) + (busy + drainMoves + shiftIn * sc) * acc),
                new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), laneReads + drainReads * acc),
            ]);
            return new FoldCost(shiftIn + compute + d, busy, counts,
                IfmapReadBits: terms * problem.InputFormat.Bits,
                WeightReadBits: sc * terms * problem.WeightFormat.Bits,
                OfmapReadBits: shiftIn * sc * acc,
                OfmapWriteBits: sc * (fold.EndsReduction(problem.K) ? problem.OutputFormat.Bits : acc),
                DrainCycles: d);
        }
    }

    /// <inheritdoc/>
    public object? ValueDependence(GemmProblem problem) => spec.Skip == SkipMode.None ? null : ValueSkipping.HistogramFor(problem, spec);

    /// <summary>
    /// One fold with value-dependent timing (<see cref="SkipMode"/>), expected from the layer's
    /// activation histogram (<see cref="ValueSkipping.Expectation"/>): a step of held terms is a group
    /// of sr x held activations; the steps' expected cycles add up and are rounded once per fold, and
    /// so is each count that follows the values (lanes' planes or 1 bits). Busy PE-cycles, accumulator
    /// loads and shift-accumulates follow the rounded cycles; operand loads, drain, shift-in and SRAM
    /// are those of <see cref="Cost(GemmProblem, Fold)"/> without skip (the values do not change them).
    /// Per lane and cycle a PE counts only the work it does: zero_bits, one 1 bit (its b_w-bit weight
    /// gated into the tree, the bit read from the lane register), lanes out of 1 bits idle;
    /// dynamic_precision, the group's planes, as without skip.
    /// </summary>
    private FoldCost SkippingCost(GemmProblem problem, Fold fold)
    {
        var (w, a) = (BitPlanes.Of(problem.WeightFormat).Bits, BitPlanes.Of(problem.InputFormat).Bits);
        var expectation = new ValueSkipping.Expectation(problem, spec, w, a);
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length, lanes = spec.Lanes;
        var (full, rest) = (terms / lanes, terms % lanes);
        var none = new Rational(0, 1);
        var cycles = expectation.StepCycles(sr * lanes) * full + (rest > 0 ? expectation.StepCycles(sr * rest) : none);
        var compute = cycles.Round();
        var pes = sr * sc;
        // Lane-planes (dynamic_precision) or lane-bits (zero_bits) the fold processes, one AND row of b_w gates each.
        var processed = spec.Skip == SkipMode.ZeroBits
            ? (expectation.SetBits * (pes * terms)).Round()
            : ((expectation.StepPlanes(sr * lanes) * (full * lanes) + (rest > 0 ? expectation.StepPlanes(sr * rest) * rest : none)) * pes).Round();
        var laneReads = spec.Serial == SerialMode.Activations ? processed : 2 * processed * w;
        return Counted(problem, fold, compute, processed * w, laneReads, w, a);
    }

    /// <summary>
    /// One fold on PEs of <paramref name="lanes"/> AND lanes into a popcount tree and a
    /// shift-accumulator, operands of <paramref name="w"/> and <paramref name="a"/> planes. Also the
    /// XNOR PE's bit-plane path, which is this PE with both operands serial (Simulator/README.md).
    /// </summary>
    internal static FoldCost Cost(GemmProblem problem, Fold fold, int lanes, SerialMode serial, int w, int a, int bitsPerCycle = 1)
    {
        var cps = CyclesPerStep(serial, w, a, bitsPerCycle);
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length;
        var steps = (terms + lanes - 1) / lanes;
        var pes = sr * sc;
        var bitOps = pes * terms * w * a;
        var laneReads = serial == SerialMode.Activations ? pes * terms * a : pes * terms * w * a * 2;
        return Counted(problem, fold, steps * cps, bitOps, laneReads, w, a);
    }

    /// <summary>
    /// A fold whose dot steps take <paramref name="compute"/> cycles in all and whose lanes do
    /// <paramref name="bitOps"/> AND (and tree-input) bits and <paramref name="laneReads"/> lane
    /// register reads: every PE shift-accumulates once per compute cycle; loads, drain, shift-in and
    /// SRAM follow the fold's shape (<see cref="BitSerialModel"/>'s remarks).
    /// </summary>
    private static FoldCost Counted(GemmProblem problem, Fold fold, long compute, long bitOps, long laneReads, int w, int a)
    {
        var acc = problem.AccumulatorFormat.Bits;
        long sr = fold.Rows, sc = fold.Cols, terms = fold.K.Length;
        checked
        {
            var pes = sr * sc;
            var busy = pes * compute;
            var drainMoves = sc * sr * (sr - 1) / 2;
            var drainReads = sc * sr * (sr + 1) / 2;
            // Shift-in, the drain's mirror: sr entries and sr(sr-1)/2 moves written per column, the moves read.
            var shiftIn = fold.StartsReduction ? 0 : 1;
            var shiftInWrites = shiftIn * drainReads;
            var shiftInReads = shiftIn * drainMoves;
            var counts = ActivityCounts.From(
            [
                new(ActionKey.Simple(PrimitiveAction.AndBitOp), bitOps),
                new(ActionKey.Simple(PrimitiveAction.PopcountInputBit), bitOps),
                new(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, acc), busy),
                new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), pes * terms * (a + w) + (busy + drainMoves + shiftInWrites) * acc),
                new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), laneReads + (drainReads + shiftInReads) * acc),
            ]);
            return new FoldCost(shiftIn * sr + compute + sr, busy, counts,
                IfmapReadBits: sr * terms * problem.InputFormat.Bits,
                WeightReadBits: sc * terms * problem.WeightFormat.Bits,
                OfmapReadBits: shiftIn * pes * acc,
                OfmapWriteBits: pes * (fold.EndsReduction(problem.K) ? problem.OutputFormat.Bits : acc),
                DrainCycles: sr);
        }
    }

    public double PeakMacsPerCycle(GemmProblem problem) => (double)spec.PeCount * spec.Lanes / CyclesPerStep(spec, problem);
}
