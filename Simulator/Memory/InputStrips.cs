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

    /// <summary>
    /// Identifies a strip by what it holds (README section 4: "nothing if the strip equals the previous
    /// fold's"), not by the pixels that read it: two folds whose pixels read the same rows of the
    /// same images and channels share one strip. Images strictly between the first and the last
    /// one holding rows hold all rows any output row reads, so those two images and their rows
    /// name the whole strip; an empty strip has FirstImage -1.
    /// </summary>
    public readonly record struct Key(int Group, int FirstChannel, int LastChannel,
        int FirstImage, long FirstImageTop, long FirstImageBottom, int LastImage, long LastImageTop, long LastImageBottom);

    public Key KeyOf(Fold f)
    {
        var rs = (long)_p.Shape.KernelHeight * _p.Shape.KernelWidth;
        var (c0, c1) = ((int)(f.K.Start / rs), (int)((f.K.End - 1) / rs));
        var empty = new Key(f.Group, c0, c1, -1, 0, 0, -1, 0, 0);
        if (!_anyColumnRead)
            return empty;
        var lastRow = _p.Shape.OutputHeight - 1;
        var (n0, p0, _) = _p.Pixel(f.M.Start);
        var (n1, p1, _) = _p.Pixel(f.M.End - 1);
        // The images holding rows, in order: n0 (partial), n0+1..n1-1 (all rows), n1 (partial);
        // the strip is named by the first and last of them that hold any row.
        var firstSpan = RowSpan(p0, n0 == n1 ? p1 : lastRow);
        var fullSpan = n1 > n0 + 1 ? RowSpan(0, lastRow) : null;
        var lastSpan = n1 > n0 ? RowSpan(0, p1) : null;
        (int Image, (long Top, long Bottom) Rows)? a = firstSpan is { } f0 ? (n0, f0) : fullSpan is { } f1 ? (n0 + 1, f1) : lastSpan is { } f2 ? (n1, f2) : null;
        (int Image, (long Top, long Bottom) Rows)? b = lastSpan is { } l0 ? (n1, l0) : fullSpan is { } l1 ? (n1 - 1, l1) : firstSpan is { } l2 ? (n0, l2) : null;
        if (a is not { } x || b is not { } y)
            return empty;
        return new Key(f.Group, c0, c1, x.Image, x.Rows.Top, x.Rows.Bottom, y.Image, y.Rows.Top, y.Rows.Bottom);
    }

    /// <summary>Input elements of the strip (rows x W x channels).</summary>
    public long Elements(Fold f)
    {
        if (!_anyColumnRead)
            return 0;
        var s = _p.Shape;
        var rs = (long)s.KernelHeight * s.KernelWidth;
        var channels = (f.K.End - 1) / rs - f.K.Start / rs + 1;
        var (n0, p0, _) = _p.Pixel(f.M.Start);
        var (n1, p1, _) = _p.Pixel(f.M.End - 1);
        long rows = 0;
        for (var n = n0; n <= n1; n++)
        {
            var pa = n == n0 ? p0 : 0;
            var pb = n == n1 ? p1 : s.OutputHeight - 1;
            rows += RowsRead(pa, pb);
        }
        return rows * s.Width * channels;
    }

    /// <summary>Input rows (summed over images) of the strip of GEMM rows <paramref name="m"/>: per image, first to last row read.</summary>
    public long Rows(Span m)
    {
        if (!_anyColumnRead || m.Length <= 0)
            return 0;
        var s = _p.Shape;
        var (n0, p0, _) = _p.Pixel(m.Start);
        var (n1, p1, _) = _p.Pixel(m.End - 1);
        if (n0 == n1)
            return RowsRead(p0, p1);
        // First image from p0, whole images between, last image up to p1.
        return RowsRead(p0, s.OutputHeight - 1) + (n1 - n0 - 1) * RowsRead(0, s.OutputHeight - 1) + RowsRead(0, p1);
    }

    /// <summary>Channels (within the group) the reduction range <paramref name="k"/> covers.</summary>
    public long Channels(Span k)
    {
        var rs = (long)_p.Shape.KernelHeight * _p.Shape.KernelWidth;
        return (k.End - 1) / rs - k.Start / rs + 1;
    }

    /// <summary>Input elements of the strip of GEMM rows <paramref name="m"/> and reduction terms <paramref name="k"/>.</summary>
    public long Elements(Span m, Span k) => Rows(m) * _p.Shape.Width * Channels(k);

    /// <summary>
    /// How often each strip height (<see cref="Rows"/>) occurs over the M-ranges [b·L, (b+1)·L)
    /// cut at M: full ranges whose starts agree modulo P·Q read the same rows of different images,
    /// so only one period of starts is measured.
    /// </summary>
    public Dictionary<long, long> RowFrequencies(long length) =>
        Frequencies(_p.M, length, (long)_p.Shape.OutputHeight * _p.Shape.OutputWidth, Rows);

    /// <summary>How often each channel count (<see cref="Channels"/>) occurs over the K-ranges [b·L, (b+1)·L) cut at K (periodic in R·S).</summary>
    public Dictionary<long, long> ChannelFrequencies(long length) =>
        Frequencies(_p.K, length, (long)_p.Shape.KernelHeight * _p.Shape.KernelWidth, Channels);

    /// <summary>
    /// Frequencies of <paramref name="measure"/> over the ranges [b·L, (b+1)·L) of [0, extent),
    /// for a measure of full ranges that depends only on the start modulo <paramref name="cycle"/>.
    /// </summary>
    private static Dictionary<long, long> Frequencies(long extent, long length, long cycle, Func<Span, long> measure)
    {
        var result = new Dictionary<long, long>();
        var full = extent / length;
        var period = cycle / Gcd(length % cycle == 0 ? cycle : length % cycle, cycle);
        for (var c = 0L; c < Math.Min(period, full); c++)
        {
            var value = measure(new Span(c * length, c * length + length));
            result[value] = result.GetValueOrDefault(value) + (full - 1 - c) / period + 1;
        }
        if (extent % length != 0)
        {
            var value = measure(new Span(full * length, extent));
            result[value] = result.GetValueOrDefault(value) + 1;
        }
        return result;
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Rows from the first to the last input row read by output rows pa..pb (0 if none).</summary>
    internal long RowsRead(int pa, int pb) => RowSpan(pa, pb) is { } span ? span.Bottom - span.Top + 1 : 0;

    /// <summary>The first and last input rows read by output rows pa..pb, or null if they read only padding.</summary>
    private (long Top, long Bottom)? RowSpan(int pa, int pb)
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
        return first > last ? null : (first, last);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
