using System.Globalization;

namespace HwSim.CostModel.Quantities;

/// <summary>An energy in picojoules. A unit in the type, not in a comment.</summary>
public readonly record struct EnergyPj(double Value) : IComparable<EnergyPj>
{
    public static EnergyPj Zero => default;

    public static EnergyPj operator +(EnergyPj a, EnergyPj b) => new(a.Value + b.Value);
    public static EnergyPj operator -(EnergyPj a, EnergyPj b) => new(a.Value - b.Value);
    public static EnergyPj operator *(EnergyPj a, double k) => new(a.Value * k);
    public static EnergyPj operator *(double k, EnergyPj a) => new(a.Value * k);
    public static double operator /(EnergyPj a, EnergyPj b) => a.Value / b.Value;
    public static bool operator <(EnergyPj a, EnergyPj b) => a.Value < b.Value;
    public static bool operator >(EnergyPj a, EnergyPj b) => a.Value > b.Value;
    public static bool operator <=(EnergyPj a, EnergyPj b) => a.Value <= b.Value;
    public static bool operator >=(EnergyPj a, EnergyPj b) => a.Value >= b.Value;

    public double Microjoules => Value * 1e-6;

    public int CompareTo(EnergyPj other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("G6", CultureInfo.InvariantCulture) + " pJ";
}
