namespace HwSim.CostModel.Technology;

/// <summary>
/// Moves energies and areas between nodes with Stillmaker and Baas's equations: energy scales by
/// E_dst(V_dst) / E_src(V_src), area by the ratio of the nodes' area factors from 45 nm.
/// </summary>
/// <param name="Source">Node (and row) the table's figures were measured at.</param>
/// <param name="SourceVdd">Supply voltage of the source figures, volts.</param>
/// <param name="Target">Node to price at.</param>
/// <param name="TargetVdd">Supply voltage at the target, volts.</param>
public sealed record TechnologyScaling(TechNode Source, double SourceVdd, TechNode Target, double TargetVdd)
{
    /// <summary>
    /// HwSim's default source: Horowitz's 45 nm figures, measured at 0.9 V, on the HP row. The
    /// default target voltage is the same 0.9 V: the table gives no nominal voltage per node,
    /// so users pricing a real node should give its Vdd (--vdd).
    /// </summary>
    public const double DefaultVdd = 0.9;

    public static TechnologyScaling From45nm(int targetNanometres, DeviceFlavor flavor = DeviceFlavor.HighPerformance, double targetVdd = DefaultVdd) =>
        new(TechNodes.Get(45, DeviceFlavor.HighPerformance), DefaultVdd, TechNodes.Get(targetNanometres, flavor), targetVdd);

    public static TechnologyScaling Identity45nm { get; } = From45nm(45);

    /// <summary>Multiply a source energy by this to get the target energy.</summary>
    public double EnergyFactor => Target.EnergyFactor(TargetVdd) / Source.EnergyFactor(SourceVdd);

    /// <summary>Multiply a source area by this to get the target area.</summary>
    public double AreaFactor => Target.AreaFactorFrom45 / Source.AreaFactorFrom45;

    public override string ToString() => $"{Source.Name} @ {SourceVdd} V -> {Target.Name} @ {TargetVdd} V (energy x{EnergyFactor:0.####}, area x{AreaFactor:0.####})";
}
