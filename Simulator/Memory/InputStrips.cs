using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Memory;

/// <summary>
/// Which input rows a fold reads. When a layer's input does not fit in the input buffer, a fold
/// fetches a strip: for each image it touches, the contiguous rows from the first to the last
/// row any of its windows reads (all W columns, the channels its reduction range covers).
/// Rows read only through zero padding are not fetched.
/// </summary>
internal sealed class InputStrips
{
    private readonly GemmProblem _p;
    private readonly bool _anyColumnRead;

    public InputStrips(GemmProblem problem)
    {
        _p = problem;
        var s = problem.Shape;
        // Degenerate layers (stride jumping over a 1-wide input) may read no column at all.
        _anyColumnRead = false;
        for (var q = 0; q < s.OutputWidth && !_anyColumnRead; q++)
            for (var t = 0; t < s.KernelWidth && !_anyColumnRead; t++)
            {
                var col = (long)q * s.StrideW - s.Padding.Left + (long)t * s.DilationW;
                _anyColumnRead = col >= 0 && col < s.Width;
            }
    }

    /// <summary>Identifies a strip so that a fold reading the same one as the previous fold fetches nothing.</summary>
    public readonly record struct Key(int Group, long FirstPixel, long LastPixel, int FirstChannel, int LastChannel);

    public static Key KeyOf(Fold f, GemmProblem p)
    {
        var rs = (long)p.Shape.KernelHeight * p.Shape.KernelWidth;
        return new Key(f.Group, f.M.Start, f.M.End - 1, (int)(f.K.Start / rs), (int)((f.K.End - 1) / rs));
    }

    /// <summary>Input elements of the strip (rows x W x channels).</summary>
    public long Elements(Fold f)
    {
        if (!_anyColumnRead)
            return 0;
        var s = _p.Shape;
        var key = KeyOf(f, _p);
        var channels = key.LastChannel - key.FirstChannel + 1;
        var (n0, p0, _) = _p.Pixel(f.M.Start);
        var (n1, p1, _) = _p.Pixel(f.M.End - 1);
        long rows = 0;
        for (var n = n0; n <= n1; n++)
        {
            var pa = n == n0 ? p0 : 0;
            var pb = n == n1 ? p1 : s.OutputHeight - 1;
            rows += RowsRead(pa, pb);
        }
        return checked(rows * s.Width * channels);
    }

    /// <summary>Rows from the first to the last input row read by output rows pa..pb (0 if none).</summary>
    internal long RowsRead(int pa, int pb)
    {
        var s = _p.Shape;
        long first = long.MaxValue, last = long.MinValue;
        for (var r = 0; r < s.KernelHeight; r++)
        {
            var offset = (long)r * s.DilationH - s.Padding.Top;
            // Smallest output row p >= pa whose row p*stride + offset is >= 0.
            var pLow = Math.Max(pa, offset >= 0 ? 0 : CeilDiv(-offset, s.StrideH));
            // Largest output row p <= pb whose row is <= H - 1.
            var limit = s.Height - 1 - offset;
            var pHigh = limit < 0 ? -1 : Math.Min(pb, limit / s.StrideH);
            if (pLow > pHigh) continue;
            first = Math.Min(first, pLow * s.StrideH + offset);
            last = Math.Max(last, pHigh * s.StrideH + offset);
        }
        return first > last ? 0 : last - first + 1;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
