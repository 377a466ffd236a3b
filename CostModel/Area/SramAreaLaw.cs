using System.Collections.Immutable;
using HwSim.CostModel.Quantities;

namespace HwSim.CostModel.Area;

/// <summary>
/// SRAM area against capacity: area per bit = a * bits^k, fitted by least squares in log-log space
/// through the table's sram rows; a capacity the table has is returned exactly. The defaults are
/// two CACTI 45 nm points from the Timeloop/Accelergy exercises (C): the 128 KB global buffer,
/// 429,746 um^2 / 1,048,576 bits = 0.410 um^2/bit, and the 192 x 16-bit scratchpad, 1,420 / 3,072 =
/// 0.462 um^2/bit; through two points the fit is exact (k = -0.0206: larger arrays spread their
/// decoders and sense amplifiers over more cells). Accelergy's "area linear in depth" would
/// be k = 0 and cannot pass through both points. The word width is not a variable of the law: the
/// two points differ in it (64 vs 16 bits) and their fit absorbs it. Each buffer is priced as one
/// array of its whole capacity (both halves of the double buffer); banking is as in the 128 KB
/// point (32 banks).
/// </summary>
public sealed class SramAreaLaw
{
    private readonly ImmutableArray<AreaRow> _points;

    internal SramAreaLaw(IEnumerable<AreaRow> rows)
    {
        _points = [.. rows.OrderBy(r => r.BitsA)];
        double[] x = [.. _points.Select(r => (double)r.BitsA)];
        double[] y = [.. _points.Select(r => r.Area.Value / r.BitsA)];
        if (x.Distinct().Count() < 2)
            throw new InvalidOperationException("the SRAM law needs sram rows at two or more capacities");
        var (a, k) = MathNet.Numerics.Fit.Power(x, y);
        Fit = new FitReport("sram area per bit", "bits", "um^2/bit", a, k,
            [.. _points.Select((r, i) => new FitPoint(x[i], y[i], a * Math.Pow(x[i], k), r.Source))]);
    }

    /// <summary>The fitted power law and its points.</summary>
    public FitReport Fit { get; }

    /// <summary>Area of an SRAM of <paramref name="bits"/> bits (the table's area when it has that capacity; the mean over word widths if it has several).</summary>
    public SourcedArea Area(long bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        var same = _points.Where(r => r.BitsA == bits).ToArray();
        if (same.Length > 0)
            return new(new AreaUm2(same.Average(r => r.Area.Value)), same[0].Source);
        var perBit = Fit.Evaluate(bits);
        return new(new AreaUm2(bits * perBit),
            $"D: {AreaLaws.F(bits)} bits x {AreaLaws.F(perBit)} um^2/bit, power law fitted through {Fit.Points.Length} sram rows (CACTI 45 nm, Timeloop/Accelergy, C)");
    }
}
