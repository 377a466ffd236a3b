using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// Bits of the values a systolic PE holds: input (A) and weight (B) operand registers at the
/// operands' widths, partial sums and results at accumulator width until they leave the array;
/// results are written to the output buffer at output width.
/// </summary>
internal readonly record struct SystolicWidths(int Input, int Weight, int Accumulator, int Output)
{
    public static SystolicWidths Of(GemmProblem p) =>
        new(p.InputFormat.Bits, p.WeightFormat.Bits, p.AccumulatorFormat.Bits, p.OutputFormat.Bits);

    /// <summary>Width at which a fold's results go to the output buffer: final outputs, or partial sums to be read back.</summary>
    public int Result(bool endsReduction) => endsReduction ? Output : Accumulator;
}
