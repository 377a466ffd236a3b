using System.Collections.Immutable;
using System.Globalization;

namespace HwSim.CostModel.Area;

/// <summary>One point a law was fitted through, with the law's value there.</summary>
/// <param name="X">The independent variable (for SRAM: capacity in bits).</param>
/// <param name="Y">The published value (for SRAM: um^2 per bit).</param>
/// <param name="Fitted">The fitted law at <paramref name="X"/>.</param>
/// <param name="Source">Where the point comes from.</param>
public sealed record FitPoint(double X, double Y, double Fitted, string Source)
{
    /// <summary>(fitted - published) / published.</summary>
    public double RelativeResidual => (Fitted - Y) / Y;
}

/// <summary>
/// A power law y = Coefficient * x^Exponent fitted by least squares in log-log space
/// (MathNet.Numerics <c>Fit.Power</c>), with the points it went through and how far it misses them.
/// </summary>
/// <param name="Name">What was fitted, e.g. "sram area per bit".</param>
/// <param name="XUnit">Unit of x, e.g. "bits".</param>
/// <param name="YUnit">Unit of y, e.g. "um^2/bit".</param>
public sealed record FitReport(string Name, string XUnit, string YUnit, double Coefficient, double Exponent, ImmutableArray<FitPoint> Points)
{
    /// <summary>Largest |relative residual| over the points (0 up to rounding when there are two).</summary>
    public double MaxRelativeResidual => Points.Max(p => Math.Abs(p.RelativeResidual));

    public double Evaluate(double x) => Coefficient * Math.Pow(x, Exponent);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Coefficient:G6} * ({XUnit})^{Exponent:G6} {YUnit}, least squares in log-log through {Points.Length} points, max relative residual {MaxRelativeResidual:G3}");
}
