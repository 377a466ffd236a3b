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
}

/// <summary>
/// One PE of the reference bit-serial array: a weight and an activation register per lane
/// (holding codes, see <see cref="BitPlanes"/>), AND gates, an adder tree that is combinational
/// within the cycle, and a shift-accumulator that doubles as a stage of its column's chain: results
/// drain down it, and a fold over a later time chunk first shifts the earlier partial sums in down it.
/// </summary>
internal sealed class BitSerialPe(int lanes, BitPlanes weight, BitPlanes activation, int accumulatorBits, BitSerialTally tally)
{
    private readonly long[] _activation = new long[lanes];
    private readonly long[] _weight = new long[lanes];
    private int _held;
    private long _accumulator;

    /// <summary>True while the accumulator holds a chain value (a result or a partial sum) not yet shifted on.</summary>
    public bool HoldsResult { get; private set; }

    /// <summary>Lanes 0..held-1 take a term this step; the others are gated off (not loaded, not evaluated).</summary>
    public void BeginStep(int held) => _held = held;

    public void LoadActivation(int lane, long code)
    {
        _activation[lane] = code;
        tally.RegisterWriteBits += activation.Bits;
    }

    public void LoadWeight(int lane, long code)
    {
        _weight[lane] = code;
        tally.RegisterWriteBits += weight.Bits;
    }

    /// <summary>Serial activations: activation plane j gates each lane's whole weight; the tree adds the b_w-bit terms.</summary>
    public void ActivationPlane(int j)
    {
        long sum = 0;
        for (var l = 0; l < _held; l++)
        {
            var bit = ReadBit(_activation[l], j);
            var word = ReadWord(_weight[l]);
            var gated = word & (bit == 1 ? weight.Mask : 0);
            tally.AndBitOps += weight.Bits;
            tally.PopcountInputBits += weight.Bits;
            // The tree adds two's-complement terms: each AND output is sign-extended.
            sum += weight.Decode(gated);
        }
        ShiftAccumulate(sum, j, activation.IsSignPlane(j));
    }

    /// <summary>Both serial: weight plane i AND activation plane j per lane, popcounted.</summary>
    public void PlanePair(int i, int j)
    {
        long pop = 0;
        for (var l = 0; l < _held; l++)
        {
            var w = ReadBit(_weight[l], i);
            var a = ReadBit(_activation[l], j);
            tally.AndBitOps++;
            tally.PopcountInputBits++;
            pop += w & a;
        }
        // The pair's weight is the product of the planes' weights: negative when exactly one is a sign plane.
        ShiftAccumulate(pop, i + j, weight.IsSignPlane(i) != activation.IsSignPlane(j));
    }

    /// <summary>The reduction is over: the accumulator now holds this PE's result for the drain.</summary>
    public void EndCompute() => HoldsResult = true;

    /// <summary>Bottom of the column: the result leaves the array.</summary>
    public long Emit()
    {
        HoldsResult = false;
        tally.RegisterReadBits += accumulatorBits;
        return _accumulator;
    }

    /// <summary>Top of the column, shift-in: a partial sum read back from the output buffer enters the accumulator.</summary>
    public void ShiftIn(long partialSum)
    {
        _accumulator = partialSum;
        tally.RegisterWriteBits += accumulatorBits;
        HoldsResult = true;
    }

    /// <summary>Chain move (drain or shift-in): the value of the PE above shifts into this one.</summary>
    public void TakeFrom(BitSerialPe above)
    {
        tally.RegisterReadBits += accumulatorBits;
        _accumulator = above._accumulator;
        above.HoldsResult = false;
        tally.RegisterWriteBits += accumulatorBits;
        HoldsResult = true;
    }

    private void ShiftAccumulate(long value, int shift, bool negate)
    {
        tally.RegisterReadBits += accumulatorBits;
        var term = value << shift;
        _accumulator += negate ? -term : term;
        tally.RegisterWriteBits += accumulatorBits;
        tally.ShiftAccumulates++;
        tally.BusyPeCycles++;
    }

    private long ReadBit(long code, int plane)
    {
        tally.RegisterReadBits++;
        return (code >> plane) & 1;
    }

    private long ReadWord(long code)
    {
        tally.RegisterReadBits += weight.Bits;
        return code;
    }
}
