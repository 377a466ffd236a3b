namespace HwSim.Simulator.Architecture;

/// <summary>
/// Value-dependent timing of a bit-serial unit (<c>skip:</c>): which cycles the values let it leave
/// out. A group of lanes that advance together (Simulator/README.md §8) takes as many cycles as its
/// slowest lane needs.
/// </summary>
public enum SkipMode
{
    /// <summary>Every plane of the layer's format, whatever the values (Stripes, Loom): today's timing.</summary>
    None,
    /// <summary>Only the 1 bits of each activation code, one per lane per cycle (Pragmatic, Albericio et al., MICRO 2017).</summary>
    ZeroBits,
    /// <summary>Only the planes the group's largest activation needs (Dynamic Stripes, Delmas et al. 2017; Loom's run-time precision).</summary>
    DynamicPrecision,
}
