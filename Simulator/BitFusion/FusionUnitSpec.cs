using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// A Bit Fusion array (Sharma et al., ISCA 2018): rows x cols fusion units, each of 16 2-bit
/// BitBricks that fuse by the operands' widths into 16 2x2-bit, 4 4x4-bit or 1 8x8-bit product
/// per cycle (mixed widths in between, e.g. 2 8x4 or 4 8x2); operands wider than 8 bits run as
/// 8-bit halves over several cycles (temporal fusion), up to <see cref="MaxBits"/>. Weights stay
/// in the units, inputs are shared along a row, partial sums flow down the columns
/// (Simulator/README.md §3).
/// </summary>
public sealed record FusionUnitSpec : UnitSpec
{
    /// <param name="maxBits">Widest operand in bits: up to 8 fuses spatially, 9 to 16 adds temporal passes.</param>
    public FusionUnitSpec(string name, int rows, int cols, int maxBits)
        : base(name, rows, cols)
    {
        MaxBits = maxBits;
    }

    /// <summary>Widest operand in bits (binary and ternary count as 2).</summary>
    public int MaxBits { get; init => field = value is >= 2 and <= BitFusion.FusedWidths.MaxBits ? value : throw new InputException($"must be 2 to {BitFusion.FusedWidths.MaxBits}, got {value}", "units[].max_bits"); }

    public override string? Unsupported(OperandPrecision precision) => IntegerUnits.Unsupported(this, precision, MaxBits);

    /// <summary>The rule a fusion unit breaks with <c>drain: overlapped</c>.</summary>
    public const string NoOverlappedDrain = "a fusion unit always drains serially, so it takes no 'drain' key: a fusion array's sums flow down its columns and leave as each pixel completes (a fold's tail is the pipeline's skew, not an accumulator drain); " +
        "drain: overlapped needs double-buffered accumulators that empty in a drain phase of their own (bitserial, xnor, dotproduct)";

    protected override string? OverlappedDrainRefusal => NoOverlappedDrain;
}
