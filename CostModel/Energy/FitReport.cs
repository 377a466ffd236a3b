using HwSim.CostModel.Quantities;

namespace HwSim.CostModel.Energy;

/// <summary>One published point a fit went through.</summary>
/// <param name="CapacityBytes">SRAM capacity, bytes.</param>
/// <param name="WordBits">Access width of the published figure, bits.</param>
/// <param name="EnergyPerAccess">The published energy of one access (at the table's node, unscaled).</param>
/// <param name="Source">Where it comes from.</param>
/// <param name="IsAnchor">True when the law returns this point exactly; false when it was left out of the anchors because it would make energy per bit fall as capacity grows (it still counts in the fit).</param>
/// <param name="FittedPerBit">The fitted power law's energy per bit at this capacity, pJ.</param>
public sealed record FitPoint(long CapacityBytes, int WordBits, EnergyPj EnergyPerAccess, string Source, bool IsAnchor, double FittedPerBit)
{
    /// <summary>The published energy per bit of the word, pJ (the fit's y value).</summary>
    public double PicojoulesPerBit => EnergyPerAccess.Value / WordBits;

    /// <summary>ln(published / fitted): how far the point lies from the power law.</summary>
    public double LogResidual => Math.Log(PicojoulesPerBit / FittedPerBit);
}

/// <summary>
/// A least-squares power law e = Coefficient x capacity^Exponent through published points
/// (MathNet.Numerics <c>Fit.Power</c>: a straight line through ln e against ln capacity).
/// </summary>
/// <param name="Name">What was fitted ("SRAM read, energy per bit vs capacity").</param>
/// <param name="Points">The points, with their residuals and whether the law passes through them.</param>
/// <param name="Coefficient">pJ per bit of an SRAM of 1 byte (the fit's scale), at the table's node.</param>
/// <param name="Exponent">Power of capacity (bytes).</param>
/// <param name="RmsLogResidual">Root mean square of ln(published / fitted) over the points.</param>
/// <param name="RSquared">Coefficient of determination of the straight-line fit in log-log space.</param>
public sealed record FitReport(string Name, IReadOnlyList<FitPoint> Points, double Coefficient, double Exponent, double RmsLogResidual, double RSquared)
{
    /// <summary>The fitted energy per bit at a capacity, pJ (the law away from the anchors uses this exponent).</summary>
    public double PerBitAt(double capacityBytes) => Coefficient * Math.Pow(capacityBytes, Exponent);

    public override string ToString() =>
        $"{Name}: e = {Coefficient:G4} pJ/bit x C^{Exponent:0.###} (C in bytes), {Points.Count} points, RMS ln residual {RmsLogResidual:0.###}, R^2 {RSquared:0.###}";
}
