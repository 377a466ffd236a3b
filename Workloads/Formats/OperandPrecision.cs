namespace HwSim.Workloads.Formats;

/// <summary>
/// Formats of a layer's operands. The accumulator (partial sums) is separate from the output
/// (what is written back after requantisation), as in ZigZag's O vs O_final.
/// </summary>
public sealed record OperandPrecision(NumberFormat Weight, NumberFormat Input, NumberFormat Accumulator, NumberFormat Output)
{
    /// <summary>Everything fp32: how a network is before any quantisation.</summary>
    public static OperandPrecision Fp32 { get; } = new(NumberFormat.Fp32, NumberFormat.Fp32, NumberFormat.Fp32, NumberFormat.Fp32);

    /// <summary>
    /// Weight and input formats with the accumulator derived for a dot product of
    /// <paramref name="reductionLength"/> terms and the output in the input's format.
    /// </summary>
    public static OperandPrecision For(NumberFormat weight, NumberFormat input, long reductionLength) =>
        new(weight, input, AccumulatorFor(weight, input, reductionLength), input);

    /// <summary>
    /// The narrowest accumulator that cannot overflow: product bits plus ceil(log2 n), capped at
    /// 32 bits (int32 is what integer accelerators provide; beyond the cap overflow is possible
    /// in principle, as on those accelerators). Unsigned by unsigned accumulates unsigned. Float operands accumulate in fp32,
    /// as fp16 tensor units do.
    /// </summary>
    public static NumberFormat AccumulatorFor(NumberFormat weight, NumberFormat input, long reductionLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionLength, 1);
        if (weight.IsFloat || input.IsFloat)
            return NumberFormat.Fp32;
        var growth = 64 - long.LeadingZeroCount(reductionLength - 1);
        var bits = Math.Min(NumberFormat.MaxIntegerBits, weight.Bits + input.Bits + (int)growth);
        // Products of two unsigned codes are never negative: the sum fits an unsigned accumulator
        // of the same width, where a signed one would need one more bit. Any signed, binary or
        // ternary operand makes the sum signed; b_w + b_a bits then already include the sign.
        if (weight.Kind == NumberKind.UnsignedInt && input.Kind == NumberKind.UnsignedInt)
            return NumberFormat.UInt(bits);
        return NumberFormat.Int(Math.Max(2, bits));
    }
}
