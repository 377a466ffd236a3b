using HwSim.Workloads;

namespace HwSim.CostModel.Technology;

/// <summary>Which Stillmaker and Baas device row a node uses: high performance or low power.</summary>
public enum DeviceFlavor
{
    HighPerformance,
    LowPower,
}

/// <summary>
/// A CMOS technology node as Stillmaker and Baas (2017) tabulate it: energy factor
/// E(V) = a V^2 + b V + c, and the area factor relative to 45 nm.
/// </summary>
/// <param name="Nanometres">Feature size.</param>
/// <param name="Flavor">HP or LP row (nodes above 45 nm have one row).</param>
/// <param name="A">V^2 coefficient.</param>
/// <param name="B">V coefficient.</param>
/// <param name="C">Constant.</param>
/// <param name="AreaFactorFrom45">Area at this node over area at 45 nm.</param>
public sealed record TechNode(int Nanometres, DeviceFlavor Flavor, double A, double B, double C, double AreaFactorFrom45)
{
    /// <summary>The energy factor at supply voltage <paramref name="vdd"/> (volts).</summary>
    public double EnergyFactor(double vdd)
    {
        if (!(vdd is > 0.3 and < 2.0))
            throw new InputException($"supply voltage must be between 0.3 and 2.0 V, got {vdd}", "vdd");
        return A * vdd * vdd + B * vdd + C;
    }

    public string Name => $"{Nanometres}nm {(Flavor == DeviceFlavor.HighPerformance ? "HP" : "LP")}";

    public override string ToString() => Name;
}
