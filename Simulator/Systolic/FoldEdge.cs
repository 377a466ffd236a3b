using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// A value in a PE register with the GEMM coordinates it belongs to (-1 where it has none):
/// inputs carry (m, k), weights (k, n), partial sums (m, last k added, n). Every MAC checks
/// that its operands and incoming sum belong together, so a mistimed dataflow fails loudly
/// instead of computing a wrong output.
/// </summary>
internal readonly record struct Token(long Value, long M, long K, long N);

/// <summary>
/// The array's edge during one fold: operand values pulled from the input and weight buffers,
/// partial sums read back from and results written to the output buffer. Every crossing is
/// counted in the fold's tally at the width it crosses with.
/// </summary>
internal sealed class FoldEdge(GemmOperands operands, Fold fold, PartialSums partialSums)
{
    public Fold Fold { get; } = fold;

    public GemmProblem Problem => operands.Problem;

    public SystolicWidths Widths { get; } = SystolicWidths.Of(operands.Problem);

    public FoldTally Tally { get; } = new(operands.Problem);

    /// <summary>Input A(m, k) from the input buffer (a padding position reads as 0, like any other slot).</summary>
    public Token Input(long m, long k)
    {
        Tally.IfmapRead(Widths.Input);
        return new Token(operands.A(Fold.Group, m, k).Value, m, k, -1);
    }

    /// <summary>Weight B(k, n) from the weight buffer.</summary>
    public Token Weight(long k, long n)
    {
        Tally.WeightRead(Widths.Weight);
        return new Token(operands.B(Fold.Group, k, n), -1, k, n);
    }

    /// <summary>
    /// The partial sum an earlier fold left in the output buffer for (m, n), read at accumulator
    /// width: what row 0 of a ws/is column adds to, or what an os fold preloads into an
    /// accumulator. Zero, without a read, when the fold starts the reduction.
    /// </summary>
    public long PartialSum(long m, long n)
    {
        if (Fold.StartsReduction)
            return 0;
        Tally.OfmapRead(Widths.Accumulator);
        return partialSums.Take(Fold.Group, m, n);
    }

    /// <summary>A sum leaving the array: a final output (output width) or a partial sum kept for the next fold (accumulator width).</summary>
    public void Result(long m, long n, long value)
    {
        var ends = Fold.EndsReduction(Problem.K);
        Tally.OfmapWrite(Widths.Result(ends));
        if (ends)
            operands.Accumulate(Fold.Group, m, n, value);
        else
            partialSums.Put(Fold.Group, m, n, value);
    }
}
