namespace HwSim.Simulator.Architecture;

/// <summary>
/// Value-dependent timing or gating of a unit (<c>skip:</c>): which cycles (bit-serial units) or which
/// MACs' switching (bit-parallel units) the values let it leave out. A group of lanes that advance together (Simulator/README.md §8) takes as many cycles as its
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
    /// <summary>
    /// A MAC whose input activation is zero is gated: its multiplier and adder do not switch, the
    /// cycle still passes (Eyeriss, Chen et al., ISSCC 2016 / JSSC 2017: zero ifmap values gate the
    /// PE's MAC and filter read). Energy, not timing; bit-parallel units (systolic, dotproduct) only.
    /// </summary>
    ZeroOperands,
}

/// <summary>The rules the <c>skip</c> key states when a kind cannot do a mode.</summary>
public static class SkipModes
{
    /// <summary>Why a bit-serial unit takes no <c>skip: zero_operands</c>.</summary>
    public const string ZeroOperandsOnBitSerial = "skip: zero_operands gates a bit-parallel MAC on a zero input (Eyeriss) and is a key of systolic and dotproduct units; " +
        "a bitserial unit's zero_bits already spends nothing on a zero activation beyond its group's one-cycle minimum";

    /// <summary>Why a bit-parallel unit (systolic, dotproduct) takes no bit-serial timing mode.</summary>
    public static string TimingOnBitParallel(string kind) => $"a {kind} unit takes skip: none or zero_operands; zero_bits and dynamic_precision leave out bit-serial cycles, " +
        "and a bit-parallel PE takes a whole operand per cycle";
}
