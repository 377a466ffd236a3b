using System.Numerics;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Mapping;
using HwSim.Workloads;

namespace HwSim.Simulator.Units;

/// <summary>
/// The fast engine's gated MACs under <c>skip: zero_operands</c> on a bit-parallel unit (systolic,
/// dotproduct; Simulator/README.md §8): a MAC is
/// gated when its input term is zero, and a term is zero where the im2col position is padding or
/// the layer's input code is 0. Expected per fold as the fold's MACs times P(term = 0), rounded
/// once per fold (halves up); the reference engine counts the real zeros.
/// </summary>
internal static class ZeroGating
{
    /// <summary>
    /// P(an input term is zero): the layer's share of zero input codes where the position holds real
    /// input, 1 where it is padding. The share is the popcount histogram's bin 0 (codes with no 1 bit,
    /// exactly the zero code) when the workload has it, else the input_sparsity column; without
    /// either, an error naming the layer and the column.
    /// </summary>
    public static Rational ZeroTermShare(GemmProblem problem, UnitSpec spec)
    {
        var (zeros, total) = ZeroShare(problem, spec);
        var valid = ValueSkipping.ValidTerms(problem);
        var positions = checked(problem.M * problem.K);
        return new Rational(valid * zeros + (positions - valid) * total, positions * total);
    }

    /// <summary>What the fold costs depend on besides the shape: the statistic the zero share is taken from.</summary>
    public static object Dependence(GemmProblem problem, UnitSpec spec)
    {
        var statistics = problem.Layer.Statistics;
        return (object?)statistics?.InputPopcountHistogram ?? statistics?.InputSparsity ?? throw Missing(problem, spec);
    }

    /// <summary>Gated MACs of a fold of <paramref name="macs"/> MACs: macs x P(term = 0), nearest whole number.</summary>
    public static long GatedMacs(long macs, Rational zeroShare) => (zeroShare * macs).Round();

    // The zero share as a fraction; input_sparsity (a double) exactly as its binary value.
    private static (BigInteger Zeros, BigInteger Total) ZeroShare(GemmProblem problem, UnitSpec spec)
    {
        var statistics = problem.Layer.Statistics;
        if (statistics?.InputPopcountHistogram is { } histogram)
            return (histogram.AtMost(0), histogram.Total);
        if (statistics?.InputSparsity is { } sparsity)
        {
            // A double in [0, 1] is m / 2^e exactly; 2^62 keeps every bit of its 53-bit mantissa at these magnitudes.
            var unit = BigInteger.One << 62;
            return (new BigInteger(Math.Round(Math.ScaleB(sparsity, 62))), unit);
        }
        throw Missing(problem, spec);
    }

    private static InputException Missing(GemmProblem problem, UnitSpec spec) => new(
        $"layer '{problem.Layer.Name}' has no input_sparsity (nor input_popcount_hist), which unit '{spec.Name}' (skip: zero_operands) needs in the fast engine: " +
        "write the workload with the quantizer (it measures the zero share of the real activations), or run the layer on the reference engine with the quantizer's tensors",
        "input_sparsity");
}
