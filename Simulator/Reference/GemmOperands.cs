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

    public GemmOperands(GemmProblem problem, ReferenceData data)
    {
        Problem = problem;
        Data = data;
        _output = new long[problem.Shape.OutputElements];
    }

    public GemmProblem Problem { get; }

    public ReferenceData Data { get; }

    /// <summary>The input value at GEMM position (m, k) of group g, and whether it is real data (not padding).</summary>
    public (long Value, bool Valid) A(int g, long m, long k)
    {
        var s = Problem.Shape;
        var (n, p, q) = Problem.Pixel(m);
        var (c, r, t) = Problem.Term(k);
        var h = p * s.StrideH - s.Padding.Top + r * s.DilationH;
        var w = q * s.StrideW - s.Padding.Left + t * s.DilationW;
        if (h < 0 || h >= s.Height || w < 0 || w >= s.Width)
            return (0, false);
        return (Data.InputAt(n, g * Problem.ChannelsPerGroup + c, h, w), true);
    }

    /// <summary>The weight at GEMM position (k, n) of group g.</summary>
    public long B(int g, long k, long n)
    {
        var (c, r, t) = Problem.Term(k);
        return Data.WeightAt((int)(g * Problem.N + n), c, r, t);
    }

    /// <summary>Adds <paramref name="value"/> into output (m, n) of group g.</summary>
    public void Accumulate(int g, long m, long n, long value)
    {
        var (img, p, q) = Problem.Pixel(m);
        var index = ReferenceData.OutputIndex(Problem.Shape, img, (int)(g * Problem.N + n), p, q);
        _output[index] = checked(_output[index] + value);
    }

    /// <summary>The output tensor (N, K, P, Q) as accumulated so far.</summary>
    public long[] Output => _output;
}
