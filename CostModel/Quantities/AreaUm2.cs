using System.Globalization;

namespace HwSim.CostModel.Quantities;

/// <summary>An area in square micrometres.</summary>
public readonly record struct AreaUm2(double Value) : IComparable<AreaUm2>
{
    public static AreaUm2 Zero => default;

    public static AreaUm2 operator +(AreaUm2 a, AreaUm2 b) => new(a.Value + b.Value);
    public static AreaUm2 operator *(AreaUm2 a, double k) => new(a.Value * k);
    public static AreaUm2 operator *(double k, AreaUm2 a) => new(a.Value * k);
    public static double operator /(AreaUm2 a, AreaUm2 b) => a.Value / b.Value;
    public static bool operator <(AreaUm2 a, AreaUm2 b) => a.Value < b.Value;
    public static bool operator >(AreaUm2 a, AreaUm2 b) => a.Value > b.Value;

    public double SquareMillimetres => Value * 1e-6;

    public int CompareTo(AreaUm2 other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("G6", CultureInfo.InvariantCulture) + " um^2";
}
