using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Reference;

/// <summary>
/// The layer's tensors seen as per-group GEMM operands, the way a reference array fetches them:
/// A(m, k) is the im2col input (with a flag for zero padding), B(k, n) the weights, and C(m, n)
/// the output accumulators, which the array adds into.
/// </summary>
public sealed class GemmOperands
{
    private readonly long[] _output;
    // The im2col coordinates, decomposed once (Problem.Pixel, Problem.Term) rather than on every fetch:
    // per GEMM row m its image, first input row and first input column (kernel offset 0);
    // per GEMM column k its channel within the group and its kernel offsets in input rows and columns.
    private readonly int[] _pixelImage, _pixelRow, _pixelCol, _pixelP, _pixelQ;
    private readonly int[] _termChannel, _termR, _termS, _termRowOffset, _termColOffset;
    private readonly int _height, _width, _channels, _channelsPerGroup;

    public GemmOperands(GemmProblem problem, ReferenceData data)
    {
        Problem = problem;
        Data = data;
        _output = new long[problem.Shape.OutputElements];
        var s = problem.Shape;
        (_height, _width, _channels, _channelsPerGroup) = (s.Height, s.Width, s.Channels, problem.ChannelsPerGroup);
        var m = (int)problem.M;
        (_pixelImage, _pixelRow, _pixelCol, _pixelP, _pixelQ) = (new int[m], new int[m], new int[m], new int[m], new int[m]);
        for (var i = 0; i < m; i++)
        {
            var (n, p, q) = problem.Pixel(i);
            (_pixelImage[i], _pixelP[i], _pixelQ[i]) = (n, p, q);
            _pixelRow[i] = p * s.StrideH - s.Padding.Top;
            _pixelCol[i] = q * s.StrideW - s.Padding.Left;
        }
        var k = (int)problem.K;
        (_termChannel, _termR, _termS, _termRowOffset, _termColOffset) = (new int[k], new int[k], new int[k], new int[k], new int[k]);
        for (var i = 0; i < k; i++)
        {
            var (c, r, t) = problem.Term(i);
            (_termChannel[i], _termR[i], _termS[i]) = (c, r, t);
            _termRowOffset[i] = r * s.DilationH;
            _termColOffset[i] = t * s.DilationW;
        }
    }

    public GemmProblem Problem { get; }

    public ReferenceData Data { get; }

    /// <summary>The input value at GEMM position (m, k) of group g, and whether it is real data (not padding).</summary>
    public (long Value, bool Valid) A(int g, long m, long k)
    {
        var h = _pixelRow[m] + _termRowOffset[k];
        var w = _pixelCol[m] + _termColOffset[k];
        if (h < 0 || h >= _height || w < 0 || w >= _width)
            return (0, false);
        return (Data.InputAt(_pixelImage[m], g * _channelsPerGroup + _termChannel[k], h, w), true);
    }

    /// <summary>
    /// A(m, k0 + i) for each i of <paramref name="values"/>, and whether each is real data: what
    /// <see cref="A"/> returns for each, read in one pass along the reduction (a feeder's burst).
    /// </summary>
    public void ReadA(int g, long m, long k0, Span<long> values, Span<bool> valid)
    {
        if (valid.Length != values.Length)
            throw new ArgumentException($"{values.Length} values but {valid.Length} valid flags", nameof(valid));
        var input = Data.Input;
        var (h0, w0) = (_pixelRow[m], _pixelCol[m]);
        // Index of input (n, g·C/G, 0, 0): channel c of the group is plane + c·H·W.
        var plane = (long)(_pixelImage[m] * _channels + g * _channelsPerGroup) * _height * _width;
        var channels = _termChannel.AsSpan((int)k0, values.Length);
        var rowOffsets = _termRowOffset.AsSpan((int)k0, values.Length);
        var colOffsets = _termColOffset.AsSpan((int)k0, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var h = h0 + rowOffsets[i];
            var w = w0 + colOffsets[i];
            var inside = h >= 0 && h < _height && w >= 0 && w < _width;
            values[i] = inside ? input[plane + ((long)channels[i] * _height + h) * _width + w] : 0;
            valid[i] = inside;
        }
    }

    /// <summary>B(k0 + i, n) for each i of <paramref name="values"/>: what <see cref="B"/> returns for each, in one pass.</summary>
    public void ReadB(int g, long k0, long n, Span<long> values)
    {
        // Filter g·N + n's weights (C/G, R, S) are contiguous in im2col order k = (c·R + r)·S + s.
        var filter = (g * Problem.N + n) * Problem.K;
        Data.Weights.AsSpan((int)(filter + k0), values.Length).CopyTo(values);
    }

    /// <summary>The weight at GEMM position (k, n) of group g.</summary>
    public long B(int g, long k, long n) => Data.WeightAt((int)(g * Problem.N + n), _termChannel[k], _termR[k], _termS[k]);

    /// <summary>Adds <paramref name="value"/> into output (m, n) of group g.</summary>
    public void Accumulate(int g, long m, long n, long value)
    {
        var index = ReferenceData.OutputIndex(Problem.Shape, _pixelImage[m], (int)(g * Problem.N + n), _pixelP[m], _pixelQ[m]);
        _output[index] = _output[index] + value;
    }

    /// <summary>The output tensor (N, K, P, Q) as accumulated so far.</summary>
    public long[] Output => _output;
}
