namespace HwSim.Workloads.Layers;

/// <summary>
/// Statistics of a layer's real (quantised) values, filled in by the quantizer; each is optional.
/// Bit-serial arrays that skip zero bits (Pragmatic-style) and zero-skipping arrays use them.
/// </summary>
public sealed record ValueStatistics
{
    public ValueStatistics(double? weightSparsity = null, double? inputSparsity = null,
        double? weightNonZeroBits = null, double? inputNonZeroBits = null)
    {
        WeightSparsity = weightSparsity;
        InputSparsity = inputSparsity;
        WeightNonZeroBits = weightNonZeroBits;
        InputNonZeroBits = inputNonZeroBits;
    }

    /// <summary>Fraction of weights that are exactly zero, 0..1.</summary>
    public double? WeightSparsity { get; init => field = Fraction(value, "weight_sparsity"); }

    /// <summary>Fraction of input activations that are exactly zero, 0..1.</summary>
    public double? InputSparsity { get; init => field = Fraction(value, "input_sparsity"); }

    /// <summary>Average count of 1 bits per weight code (0..weight bits).</summary>
    public double? WeightNonZeroBits { get; init => field = NonNegative(value, "weight_nonzero_bits"); }

    /// <summary>Average count of 1 bits per input activation code (0..input bits).</summary>
    public double? InputNonZeroBits { get; init => field = NonNegative(value, "input_nonzero_bits"); }

    public bool IsEmpty => WeightSparsity is null && InputSparsity is null && WeightNonZeroBits is null && InputNonZeroBits is null;

    private static double? Fraction(double? value, string field) =>
        value is null || (value >= 0 && value <= 1) ? value
            : throw new InputException($"must be a fraction between 0 and 1, got {value}", field);

    private static double? NonNegative(double? value, string field) =>
        value is null || (value >= 0 && double.IsFinite(value.Value)) ? value
            : throw new InputException($"must be a finite number of bits, 0 or more, got {value}", field);
}
