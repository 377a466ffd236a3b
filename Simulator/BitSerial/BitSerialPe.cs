using System.Numerics;

namespace HwSim.Simulator.BitSerial;

/// <summary>What a reference bit-serial fold has done so far, counted as it happens.</summary>
internal sealed class BitSerialTally
{
    public long AndBitOps;
    public long PopcountInputBits;
    public long ShiftAccumulates;
    public long RegisterReadBits;
    public long RegisterWriteBits;
    public long BusyPeCycles;
    public long IfmapReadBits;
    public long WeightReadBits;
    public long OfmapReadBits;
    public long OfmapWriteBits;
    // Accumulator-width adds of the fully connected mode's drain (BitSerialMultiplexFold).
    public long Adds;
}

/// <summary>
/// The PEs of the reference bit-serial array a fold uses, rows x cols of them. Each PE has a
/// weight and an activation register per lane (holding codes, see <see cref="BitPlanes"/>), AND
/// gates, an adder tree that is combinational within the cycle, and a shift-accumulator that
/// doubles as a stage of its column's chain: results drain down it, and a fold over a later time
/// chunk first shifts the earlier partial sums in down it.
/// <para>
/// The registers of all PEs live in flat arrays so a cycle of the whole array runs without
/// touching an object per PE: PE (r, c) is index r·cols + c, its activation lane l at
/// (r·cols + c)·lanes + l and its weight lane l at (c·rows + r)·lanes + l (a row's activation
/// registers side by side, and a column's weight registers). Every PE still holds, reads and
/// writes its own registers, and every register access is counted.
/// </para>
/// </summary>
internal sealed class BitSerialPes
{
    private readonly int _rows, _cols, _lanes;
    private readonly BitPlanes _weight, _activation;
    private readonly int _accumulatorBits;
    private readonly BitSerialTally _tally;
    private readonly long[] _activationLanes;
    private readonly long[] _weightLanes;
    private readonly long[] _accumulator;
    // The shifted sums of the planes a cycle processes (bits_per_cycle of each serial operand), added into the accumulator at its end.
    private readonly long[] _cycleSum;
    private readonly bool[] _holdsResult;
    // Lanes 0..held-1 of every PE take a term this step; the others are gated off (not loaded, not evaluated).
    private int _held;
    // The activation plane that weighs -2^plane this step: the code's top plane, or, when dynamic
    // precision trims a signed group to p planes, plane p-1 (the planes above are copies of it).
    private int _signPlane;

    public BitSerialPes(int rows, int cols, int lanes, BitPlanes weight, BitPlanes activation, int accumulatorBits, BitSerialTally tally)
    {
        (_rows, _cols, _lanes) = (rows, cols, lanes);
        (_weight, _activation, _accumulatorBits, _tally) = (weight, activation, accumulatorBits, tally);
        var pes = rows * cols;
        _activationLanes = new long[pes * lanes];
        _weightLanes = new long[pes * lanes];
        _accumulator = new long[pes];
        _cycleSum = new long[pes];
        _holdsResult = new bool[pes];
    }

    /// <summary>True while PE (r, c)'s accumulator holds a chain value (a result or a partial sum) not yet shifted on.</summary>
    public bool HoldsResult(int r, int c) => _holdsResult[r * _cols + c];

    /// <summary>Every PE's lanes 0..held-1 take a term this step.</summary>
    public void BeginStep(int held) => BeginStep(held, _activation.Bits);

    /// <summary>As <see cref="BeginStep(int)"/>, the step's activations trimmed to their low <paramref name="planes"/> planes (dynamic precision).</summary>
    public void BeginStep(int held, int planes) => (_held, _signPlane) = (held, _activation.Signed ? planes - 1 : -1);

    private bool IsActivationSignPlane(int plane) => plane == _signPlane;

    /// <summary>Row r's broadcast: every PE of the row latches <paramref name="codes"/> into lanes 0..codes.Length-1 of its activation register.</summary>
    public void LoadActivations(int r, ReadOnlySpan<long> codes)
    {
        Broadcast(codes, _activationLanes.AsSpan(r * _cols * _lanes, _cols * _lanes));
        _tally.RegisterWriteBits += (long)_cols * codes.Length * _activation.Bits;
    }

    /// <summary>Column c's broadcast: every PE of the column latches <paramref name="codes"/> into lanes 0..codes.Length-1 of its weight register.</summary>
    public void LoadWeights(int c, ReadOnlySpan<long> codes)
    {
        Broadcast(codes, _weightLanes.AsSpan(c * _rows * _lanes, _rows * _lanes));
        _tally.RegisterWriteBits += (long)_rows * codes.Length * _weight.Bits;
    }

    /// <summary>
    /// Every PE whose lane registers lie side by side in <paramref name="registers"/> (lanes each)
    /// latches <paramref name="codes"/> into lanes 0..codes.Length-1. The PEs on one broadcast
    /// wire have latched the same codes since the fold began, so once the first has its new codes
    /// the others are copies of it, whole registers at a time (the lanes past the codes are
    /// equal already): 1, 2, 4, ... PEs' worth per copy.
    /// </summary>
    private void Broadcast(ReadOnlySpan<long> codes, Span<long> registers)
    {
        codes.CopyTo(registers);
        for (var done = _lanes; done < registers.Length; done *= 2)
            registers[..Math.Min(done, registers.Length - done)].CopyTo(registers[done..]);
    }

    /// <summary>
    /// Serial activations, one plane of a cycle in every PE: activation plane j gates each lane's
    /// whole weight; the tree adds the b_w-bit terms (each AND output sign-extended when the
    /// weight is signed) and the sum, shifted by j, joins the cycle's sum (<see cref="EndCycle"/>).
    /// </summary>
    public void ActivationPlane(int j)
    {
        var held = _held;
        var wordBits = _weight.Bits;
        var mask = _weight.Mask;
        // The tree adds two's-complement terms: a signed b_w-bit AND output is sign-extended
        // (BitPlanes.Decode), here as (x ^ s) - s with s its sign bit (0 when unsigned).
        var sign = _weight.Signed ? 1L << (wordBits - 1) : 0;
        var negate = IsActivationSignPlane(j);
        // The lanes side by side, Vector<long>.Count at a time, then the rest one by one: the same sum.
        var (vectorMask, vectorSign) = (new Vector<long>(mask), new Vector<long>(sign));
        var vectorLanes = held - held % Vector<long>.Count;
        for (var r = 0; r < _rows; r++)
            for (var c = 0; c < _cols; c++)
            {
                var pe = r * _cols + c;
                var activations = _activationLanes.AsSpan(pe * _lanes, held);
                var weights = _weightLanes.AsSpan((c * _rows + r) * _lanes, held);
                var sums = Vector<long>.Zero;
                for (var l = 0; l < vectorLanes; l += Vector<long>.Count)
                {
                    var bits = Vector.ShiftRightLogical(new Vector<long>(activations[l..]), j) & Vector<long>.One;
                    var gated = new Vector<long>(weights[l..]) & (vectorMask & -bits);
                    sums += (gated ^ vectorSign) - vectorSign;
                }
                var sum = Vector.Sum(sums);
                for (var l = vectorLanes; l < activations.Length; l++)
                {
                    var bit = (activations[l] >> j) & 1;
                    var gated = weights[l] & (mask & -bit);
                    sum += (gated ^ sign) - sign;
                }
                ShiftAccumulate(pe, sum, j, negate);
            }
        // Per PE and lane: one activation bit read through the plane multiplexer; the held weight
        // is wired to its b_w AND gates and is not read again (README §5); b_w gates into the tree.
        var lanesUsed = (long)_accumulator.Length * held;
        _tally.RegisterReadBits += lanesUsed;
        _tally.AndBitOps += lanesUsed * wordBits;
        _tally.PopcountInputBits += lanesUsed * wordBits;
    }

    /// <summary>Both serial, one plane pair of a cycle in every PE: weight plane i AND activation plane j per lane, popcounted (<see cref="EndCycle"/> accumulates).</summary>
    public void PlanePair(int i, int j)
    {
        var held = _held;
        // The pair's weight is the product of the planes' weights: negative when exactly one is a sign plane.
        var negate = _weight.IsSignPlane(i) != IsActivationSignPlane(j);
        var vectorLanes = held - held % Vector<long>.Count;
        for (var r = 0; r < _rows; r++)
            for (var c = 0; c < _cols; c++)
            {
                var pe = r * _cols + c;
                var activations = _activationLanes.AsSpan(pe * _lanes, held);
                var weights = _weightLanes.AsSpan((c * _rows + r) * _lanes, held);
                // The lanes side by side, Vector<long>.Count at a time, then the rest one by one: the same count.
                var pops = Vector<long>.Zero;
                for (var l = 0; l < vectorLanes; l += Vector<long>.Count)
                    pops += Vector.ShiftRightLogical(new Vector<long>(weights[l..]), i) & Vector.ShiftRightLogical(new Vector<long>(activations[l..]), j) & Vector<long>.One;
                var pop = Vector.Sum(pops);
                for (var l = vectorLanes; l < activations.Length; l++)
                    pop += (weights[l] >> i) & (activations[l] >> j) & 1;
                ShiftAccumulate(pe, pop, i + j, negate);
            }
        // Per PE and lane: one bit of each register read through its plane multiplexer, one AND gate into the popcount.
        var lanesUsed = (long)_accumulator.Length * held;
        _tally.RegisterReadBits += 2 * lanesUsed;
        _tally.AndBitOps += lanesUsed;
        _tally.PopcountInputBits += lanesUsed;
    }

    /// <summary>
    /// skip: zero_bits (Pragmatic), cycle <paramref name="k"/> of a step in every PE: each lane whose
    /// activation code has more than k 1 bits takes its k-th (lowest first) at plane j, shifts its
    /// b_w-bit weight by j (negated for the sign plane of a signed code) into the adder tree; lanes
    /// out of 1 bits are idle. The tree's sum joins the cycle's sum (<see cref="EndCycle"/>).
    /// </summary>
    public void SetBit(int k)
    {
        var held = _held;
        var mask = _weight.Mask;
        var sign = _weight.Signed ? 1L << (_weight.Bits - 1) : 0;
        long lanesUsed = 0;
        for (var r = 0; r < _rows; r++)
            for (var c = 0; c < _cols; c++)
            {
                var pe = r * _cols + c;
                var activations = _activationLanes.AsSpan(pe * _lanes, held);
                var weights = _weightLanes.AsSpan((c * _rows + r) * _lanes, held);
                long sum = 0;
                for (var l = 0; l < activations.Length; l++)
                {
                    var code = activations[l];
                    for (var skipped = 0; skipped < k && code != 0; skipped++)
                        code &= code - 1;
                    if (code == 0)
                        continue;
                    var j = BitOperations.TrailingZeroCount(code);
                    var term = ((weights[l] & mask) ^ sign) - sign;
                    sum += _activation.IsSignPlane(j) ? -(term << j) : term << j;
                    lanesUsed++;
                }
                ShiftAccumulate(pe, sum, 0, false);
            }
        // Per lane that works: its bit read from the lane register, b_w gates into the tree.
        _tally.RegisterReadBits += lanesUsed;
        _tally.AndBitOps += lanesUsed * _weight.Bits;
        _tally.PopcountInputBits += lanesUsed * _weight.Bits;
    }

    /// <summary>The reduction is over: every accumulator now holds its PE's result for the drain.</summary>
    public void EndCompute() => Array.Fill(_holdsResult, true);

    /// <summary>Bottom of the column: PE (r, c)'s result leaves the array.</summary>
    public long Emit(int r, int c)
    {
        var pe = r * _cols + c;
        _holdsResult[pe] = false;
        _tally.RegisterReadBits += _accumulatorBits;
        return _accumulator[pe];
    }

    /// <summary>Top of the column, shift-in: a partial sum read back from the output buffer enters PE (r, c)'s accumulator.</summary>
    public void ShiftIn(int r, int c, long partialSum)
    {
        var pe = r * _cols + c;
        _accumulator[pe] = partialSum;
        _tally.RegisterWriteBits += _accumulatorBits;
        _holdsResult[pe] = true;
    }

    /// <summary>
    /// Chain move (drain or shift-in) in column c: the value of the PE in row r-1 shifts into the
    /// one in row r, a read (it reaches the accumulator through the multiplexer that otherwise
    /// passes the adder's output) and a load.
    /// </summary>
    public void TakeFromAbove(int r, int c)
    {
        var (pe, above) = (r * _cols + c, (r - 1) * _cols + c);
        _tally.RegisterReadBits += _accumulatorBits;
        _accumulator[pe] = _accumulator[above];
        _holdsResult[above] = false;
        _tally.RegisterWriteBits += _accumulatorBits;
        _holdsResult[pe] = true;
    }

    // One plane (pair) of the cycle's bits_per_cycle group, shifted to its weight: the group's
    // shifted sums add up before the accumulator (EndCycle), as one wider partial product.
    private void ShiftAccumulate(int pe, long value, int shift, bool negate)
    {
        var term = value << shift;
        _cycleSum[pe] += negate ? -term : term;
    }

    /// <summary>The cycle's planes are done: every PE adds their shifted sum into its accumulator, once.</summary>
    public void EndCycle()
    {
        for (var pe = 0; pe < _accumulator.Length; pe++)
            _accumulator[pe] += _cycleSum[pe];
        Array.Clear(_cycleSum);
        CountShiftAccumulates();
    }

    // Every PE shift-accumulated this cycle: a load of its accumulator (whose value feeds the adder
    // by wire, no read: README §5); it was busy.
    private void CountShiftAccumulates()
    {
        var pes = _accumulator.Length;
        _tally.RegisterWriteBits += (long)pes * _accumulatorBits;
        _tally.ShiftAccumulates += pes;
        _tally.BusyPeCycles += pes;
    }
}
