namespace HwSim.CostModel.Energy;

/// <summary>A point a law goes through: x (bits, bits x bits, or bytes) and the energy there, pJ.</summary>
internal readonly record struct LawPoint(double X, double Energy);

/// <summary>
/// The laws between published points, each with its source. Every law returns a published
/// point's value exactly at that point and is continuous and monotone between points.
/// </summary>
internal static class EnergyLaws
{
    /// <summary>
    /// Horowitz check (D): scaling his 8-bit multiply by b_w*b_a gives 0.2 pJ x (32*32)/(8*8) =
    /// 3.2 pJ at 32 bits against the published 3.1 pJ, so the multiplier is close to
    /// proportional to b_w*b_a (an array multiplier has b_w*b_a partial-product cells); the law
    /// interpolates between the two published points instead, to return both exactly.
    /// </summary>
    public const double HorowitzProductLawAt32Bits = 0.2 * (32.0 * 32.0) / (8.0 * 8.0);

    /// <summary>
    /// bf16 multiply over fp16 multiply (D): the significand multiplier dominates a float
    /// multiplier and, as an array of partial products, scales with the square of the significand
    /// width: 8 bits for bf16 (7 stored + hidden) against 11 for fp16 (10 + hidden), so (8/11)^2.
    /// No published bf16 figure at 45 nm is in the reference sources.
    /// </summary>
    public const double Bf16MultiplyOverFp16 = 8.0 * 8.0 / (11.0 * 11.0);

    /// <summary>
    /// XNOR gate over a 1-bit adder: QKeras qtools, quantized_operators/multiplier_impl.py,
    /// XorGate gate_factor 0.3 with gate_bits 1 (C), applied to HwSim's own 1-bit add.
    /// </summary>
    public const double XnorOverOneBitAdd = 0.3;

    /// <summary>
    /// AND gate over an adder of its output bits: QKeras qtools multiplier_impl.py, AndGate
    /// gate_factor 0.1 with gate_bits = output bits (C); a 1-bit AND has one output bit.
    /// </summary>
    public const double AndOverOneBitAdd = 0.1;

    /// <summary>
    /// Log-log interpolation through <paramref name="anchors"/> (sorted by X, distinct X, positive
    /// energies): E_i x (x/X_i)^k on each segment, k the segment's log-log slope; outside the
    /// anchors E_end x (x/X_end)^<paramref name="outsideExponent"/>. Exact at every anchor
    /// ((x/X_i) is then 1), continuous, and monotone when the anchors rise and the exponent is not negative.
    /// </summary>
    public static double LogLog(IReadOnlyList<LawPoint> anchors, double x, double outsideExponent)
    {
        var first = anchors[0];
        var last = anchors[^1];
        if (x <= first.X)
            return first.Energy * Math.Pow(x / first.X, outsideExponent);
        if (x >= last.X)
            return last.Energy * Math.Pow(x / last.X, outsideExponent);
        var i = Segment(anchors, x);
        var (a, b) = (anchors[i], anchors[i + 1]);
        var k = Math.Log(b.Energy / a.Energy) / Math.Log(b.X / a.X);
        return a.Energy * Math.Pow(x / a.X, k);
    }

    /// <summary>
    /// Piecewise-linear interpolation through <paramref name="anchors"/> (sorted, distinct X),
    /// proportional to x outside them (through the origin from the first and the last anchor).
    /// Exact at every anchor.
    /// </summary>
    public static double Linear(IReadOnlyList<LawPoint> anchors, double x)
    {
        var first = anchors[0];
        var last = anchors[^1];
        if (x <= first.X)
            return first.Energy * (x / first.X);
        if (x >= last.X)
            return last.Energy * (x / last.X);
        var i = Segment(anchors, x);
        var (a, b) = (anchors[i], anchors[i + 1]);
        return a.Energy + (x - a.X) * (b.Energy - a.Energy) / (b.X - a.X);
    }

    /// <summary>Index i with X_i &lt;= x &lt; X_(i+1), for x strictly inside the anchors.</summary>
    private static int Segment(IReadOnlyList<LawPoint> anchors, double x)
    {
        var i = 0;
        while (anchors[i + 1].X <= x)
            i++;
        return i;
    }

    /// <summary>Which part of a law prices x: "below A", "between A and B", "above B" or "at A", for the row's source text.</summary>
    public static string Where<T>(IReadOnlyList<LawPoint> anchors, IReadOnlyList<T> labels, double x, Func<T, string> label)
    {
        if (x < anchors[0].X) return $"below {label(labels[0])}";
        if (x > anchors[^1].X) return $"above {label(labels[^1])}";
        for (var i = 0; i < anchors.Count; i++)
            if (anchors[i].X == x) return $"at {label(labels[i])}";
        var s = Segment(anchors, x);
        return $"between {label(labels[s])} and {label(labels[s + 1])}";
    }
}
