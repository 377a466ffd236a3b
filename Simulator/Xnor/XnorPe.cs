using System.Numerics;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// The registers of the rows x cols PEs a fold uses in the reference model (PE (r, c) is index
/// r·cols + c). Lane registers hold one bit per lane and plane, packed 64 lanes to a word (lane l
/// is bit l % 64 of word l / 64), as the gates see them side by side: on the binary path a single
/// plane (1 for +1, 0 for -1) plus the valid mask (0 on padding lanes); on the bit-plane path the
/// two's-complement planes of every operand of the step. Each PE also has an accumulator (during
/// the shift-in and the drain also the column's shift-chain register) and, while that holds a
/// partial sum or result on the chain, the output pixel it belongs to.
/// </summary>
internal sealed class XnorPes
{
    private readonly int _cols;
    private readonly int _words;
    private readonly int _weightPlanes, _inputPlanes;
    // [(pe·planes + plane)·words + word]
    private readonly ulong[] _weight, _input;
    // [pe·words + word]
    private readonly ulong[] _valid;
    // Lanes 0..held-1 of the current step, as a mask per word.
    private readonly ulong[] _heldMask;

    public XnorPes(int rows, int cols, int weightPlanes, int inputPlanes, int lanes)
    {
        _cols = cols;
        _words = (lanes + 63) / 64;
        (_weightPlanes, _inputPlanes) = (weightPlanes, inputPlanes);
        var pes = rows * cols;
        _weight = new ulong[pes * weightPlanes * _words];
        _input = new ulong[pes * inputPlanes * _words];
        _valid = new ulong[pes * _words];
        _heldMask = new ulong[_words];
        Accumulator = new long[pes];
        Live = new bool[pes];
        Pixel = new long[pes];
    }

    public int Count => Accumulator.Length;

    /// <summary>Words of one lane register plane.</summary>
    public int Words => _words;

    public int Index(int r, int c) => r * _cols + c;

    /// <summary>Lanes holding a term in the current step (the last step may hold fewer).</summary>
    public int Held { get; private set; }

    public long[] Accumulator { get; }

    /// <summary>During the shift-in or the drain: the accumulator holds a partial sum or result on the chain, for output pixel <see cref="Pixel"/>.</summary>
    public bool[] Live { get; }

    public long[] Pixel { get; }

    public void SetHeld(int held)
    {
        Held = held;
        for (var w = 0; w < _words; w++)
        {
            var lanes = Math.Clamp(held - 64 * w, 0, 64);
            _heldMask[w] = lanes == 64 ? ulong.MaxValue : (1UL << lanes) - 1;
        }
    }

    /// <summary>PE <paramref name="pe"/> latches lanes 0..held-1 of each input plane from <paramref name="planes"/> (planes x words); its other lanes keep what they held.</summary>
    public void LatchInput(int pe, ReadOnlySpan<ulong> planes) => Latch(_input.AsSpan(pe * _inputPlanes * _words, _inputPlanes * _words), planes);

    /// <summary>PE <paramref name="pe"/> latches lanes 0..held-1 of each weight plane.</summary>
    public void LatchWeight(int pe, ReadOnlySpan<ulong> planes) => Latch(_weight.AsSpan(pe * _weightPlanes * _words, _weightPlanes * _words), planes);

    /// <summary>PE <paramref name="pe"/> latches lanes 0..held-1 of the valid mask.</summary>
    public void LatchValid(int pe, ReadOnlySpan<ulong> mask) => Latch(_valid.AsSpan(pe * _words, _words), mask);

    private void Latch(Span<ulong> register, ReadOnlySpan<ulong> words)
    {
        // Plane by plane, word by word.
        for (var plane = 0; plane < register.Length; plane += _words)
            for (var w = 0; w < _words; w++)
            {
                var (i, held) = (plane + w, _heldMask[w]);
                register[i] = (register[i] & ~held) | (words[i] & held);
            }
    }

    /// <summary>Binary path, PE <paramref name="pe"/>: lanes 0..held-1 XNORed, gated by the valid mask, popcounted.</summary>
    public long XnorPopcount(int pe)
    {
        var input = _input.AsSpan(pe * _words, _words);
        var weight = _weight.AsSpan(pe * _words, _words);
        var valid = _valid.AsSpan(pe * _words, _words);
        long pop = 0;
        for (var w = 0; w < input.Length; w++)
            pop += BitOperations.PopCount(~(input[w] ^ weight[w]) & valid[w] & _heldMask[w]);
        return pop;
    }

    /// <summary>Bit-plane path, PE <paramref name="pe"/>: weight plane i AND input plane j over lanes 0..held-1, popcounted.</summary>
    public long AndPopcount(int pe, int i, int j)
    {
        var weight = _weight.AsSpan((pe * _weightPlanes + i) * _words, _words);
        var input = _input.AsSpan((pe * _inputPlanes + j) * _words, _words);
        long pop = 0;
        for (var w = 0; w < weight.Length; w++)
            pop += BitOperations.PopCount(weight[w] & input[w] & _heldMask[w]);
        return pop;
    }
}
