namespace HwSim.CostModel.Area;

/// <summary>
/// Laws between published points: piecewise straight lines through the points, returning each
/// point's own value exactly, extended past the ends with the nearest segment's slope.
/// </summary>
internal static class Interpolation
{
    /// <summary>Points with equal x merged (mean y), sorted by x.</summary>
    public static (double X, double Y)[] Merge(IEnumerable<(double X, double Y)> points) =>
        [.. points.GroupBy(p => p.X).Select(g => (g.Key, g.Average(p => p.Y))).OrderBy(p => p.Key)];

    /// <summary>
    /// Power law between neighbours: straight in log x, log y. At a point's x its y is returned
    /// as is (no exp(log()) round trip). Needs two or more points.
    /// </summary>
    public static (double Y, int Low, int High) LogLog((double X, double Y)[] points, double x)
    {
        var (lo, hi) = Segment(points, x);
        if (points[lo].X == x) return (points[lo].Y, lo, lo);
        if (points[hi].X == x) return (points[hi].Y, hi, hi);
        var slope = Math.Log(points[hi].Y / points[lo].Y) / Math.Log(points[hi].X / points[lo].X);
        return (points[lo].Y * Math.Pow(x / points[lo].X, slope), lo, hi);
    }

    /// <summary>Linear between neighbours, with the origin as an extra first point (an adder of 0 bits has no area).</summary>
    public static (double Y, int Low, int High) LinearFromOrigin((double X, double Y)[] points, double x)
    {
        (double X, double Y)[] withOrigin = [(0, 0), .. points];
        var (lo, hi) = Segment(withOrigin, x);
        if (withOrigin[lo].X == x) return (withOrigin[lo].Y, lo - 1, lo - 1);
        if (withOrigin[hi].X == x) return (withOrigin[hi].Y, hi - 1, hi - 1);
        var slope = (withOrigin[hi].Y - withOrigin[lo].Y) / (withOrigin[hi].X - withOrigin[lo].X);
        return (withOrigin[lo].Y + slope * (x - withOrigin[lo].X), lo - 1, hi - 1);
    }

    // The segment holding x, or the first/last one when x lies outside the points.
    private static (int Low, int High) Segment((double X, double Y)[] points, double x)
    {
        if (points.Length < 2)
            throw new InvalidOperationException("a law needs two or more points");
        var hi = 1;
        while (hi < points.Length - 1 && points[hi].X < x) hi++;
        return (hi - 1, hi);
    }
}
