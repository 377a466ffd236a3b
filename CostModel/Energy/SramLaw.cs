using HwSim.CostModel.Quantities;
using MathNet.Numerics;

namespace HwSim.CostModel.Energy;

/// <summary>
/// SRAM access energy against capacity and word width, for one direction (read or write).
/// <list type="bullet">
/// <item>Width law: energy per access = e(C) x word bits, i.e. a fixed energy per bit at a given
/// capacity (the bitlines, sense amplifiers and drivers of each bit are repeated per bit; CACTI's
/// decoder overhead makes narrow words somewhat dearer per bit, which this law ignores).</item>
/// <item>Capacity law: a least-squares power law e = a C^b through every published point's
/// energy per bit (MathNet.Numerics <c>Fit.Power</c>: a line through ln e against ln C), as
/// Accelergy's CACTI-like law (energy ~ depth^0.78) but fitted to the points here.</item>
/// <item>Published points returned exactly: the law goes through the anchor points by log-log
/// interpolation between neighbouring anchors (the fit corrected by each anchor's residual,
/// interpolated in ln C), and follows the fitted exponent beyond the smallest and the largest
/// anchor. At an anchor's own capacity and width the published energy itself is returned.</item>
/// <item>Anchors: published points disagree (different CACTI set-ups), so not every point can
/// lie on a curve that rises with capacity. Points are taken in priority order (user rows first,
/// then the data file's order, which starts with Horowitz's 8 KB read) and a point becomes an
/// anchor only if its energy per bit is above every anchor of smaller capacity and below every
/// anchor of larger capacity; a point left out still counts in the fit and is reported.</item>
/// </list>
/// </summary>
internal sealed class SramLaw
{
    private readonly LawPoint[] _anchors;
    private readonly EnergyPoint[] _anchorPoints;
    private readonly double _outsideExponent;

    /// <param name="name">What the fit is, for its report.</param>
    /// <param name="points">The SRAM points of one direction, highest priority first.</param>
    public SramLaw(string name, IReadOnlyList<EnergyPoint> points)
    {
        if (points.Select(p => p.Key.CapacityBytes).Distinct().Count() < 2)
            throw new InvalidOperationException($"{name}: a capacity law needs points at two capacities at least; the built-in table has five");

        var perBit = points.Select(p => p.Energy.Value / p.Key.BitsA).ToArray();
        var capacity = points.Select(p => (double)p.Key.CapacityBytes).ToArray();
        var (coefficient, exponent) = MathNet.Numerics.Fit.Power(capacity, perBit);

        var accepted = new List<int>();
        for (var i = 0; i < points.Count; i++)
            if (accepted.All(j => (capacity[i] < capacity[j] && perBit[i] < perBit[j]) || (capacity[i] > capacity[j] && perBit[i] > perBit[j])))
                accepted.Add(i);
        var anchors = accepted.OrderBy(i => capacity[i]).ToArray();
        _anchors = [.. anchors.Select(i => new LawPoint(capacity[i], perBit[i]))];
        _anchorPoints = [.. anchors.Select(i => points[i])];
        // A falling fit (possible only with odd user points) would make energy fall with capacity
        // outside the anchors; the law is then flat there instead.
        _outsideExponent = Math.Max(0, exponent);

        var fitted = capacity.Select(c => coefficient * Math.Pow(c, exponent)).ToArray();
        var logResiduals = perBit.Zip(fitted, (e, f) => Math.Log(e / f)).ToArray();
        var rms = Math.Sqrt(logResiduals.Average(r => r * r));
        var rSquared = GoodnessOfFit.CoefficientOfDetermination(fitted.Select(f => Math.Log(f)), perBit.Select(e => Math.Log(e)));
        Fit = new FitReport(name,
            [.. points.Select((p, i) => new FitPoint(p.Key.CapacityBytes, p.Key.BitsA, p.Energy, p.Source, accepted.Contains(i), fitted[i]))],
            coefficient, exponent, rms, rSquared);
    }

    public FitReport Fit { get; }

    /// <summary>True when the law passes through this point (returns it exactly).</summary>
    public bool IsAnchor(EnergyPoint point) => _anchorPoints.Any(a => ReferenceEquals(a, point));

    /// <summary>Energy of one access of <paramref name="wordBits"/> bits to an SRAM of <paramref name="capacityBytes"/> bytes, at the table's node.</summary>
    public Priced Energy(long capacityBytes, int wordBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(wordBits, 1);
        foreach (var p in _anchorPoints)
            if (p.Key.CapacityBytes == capacityBytes && p.Key.BitsA == wordBits)
                return new Priced(p.Energy, p.Source, p.Origin);

        var perBit = EnergyLaws.LogLog(_anchors, capacityBytes, _outsideExponent);
        var where = EnergyLaws.Where(_anchors, _anchorPoints, capacityBytes, p => $"{p.Key.CapacityBytes} B ({p.Key.BitsA}-bit {p.Energy.Value} pJ)");
        var how = where.StartsWith("at ", StringComparison.Ordinal) ? $"as the {where[3..]} point"
            : capacityBytes < _anchors[0].X || capacityBytes > _anchors[^1].X ? $"fitted exponent {_outsideExponent:0.###} {where}"
            : $"log-log {where}";
        return new Priced(new EnergyPj(perBit * wordBits),
            $"law (D): {perBit:G4} pJ/bit x {wordBits} bits; energy per bit against capacity, {how}", RowOrigin.Law);
    }
}

/// <summary>An energy at the table's node (before technology scaling), with its source and origin.</summary>
internal readonly record struct Priced(EnergyPj Energy, string Source, RowOrigin Origin)
{
    public static Priced Zero(string why) => new(EnergyPj.Zero, why, RowOrigin.Law);
}
