namespace HwSim.Workloads.Layers;

/// <summary>
/// Statistics of a layer's real (quantised) values, filled in by the quantizer; each is optional.
/// Bit-serial arrays that skip zero bits (Pragmatic-style) and zero-skipping arrays use them; the
/// clip values and the SQNR say how the codes were made and what they cost in accuracy.
/// </summary>
public sealed record ValueStatistics
{
    public ValueStatistics(double? weightSparsity = null, double? inputSparsity = null,
        double? weightNonZeroBits = null, double? inputNonZeroBits = null,
        double? weightAlpha = null, double? inputAlpha = null, double? outputSqnrDb = null)
    {
        WeightSparsity = weightSparsity;
        InputSparsity = inputSparsity;
        WeightNonZeroBits = weightNonZeroBits;
        InputNonZeroBits = inputNonZeroBits;
        WeightAlpha = weightAlpha;
        InputAlpha = inputAlpha;
        OutputSqnrDb = outputSqnrDb;
    }

    /// <summary>Fraction of weights that are exactly zero, 0..1.</summary>
    public double? WeightSparsity { get; init => field = Fraction(value, "weight_sparsity"); }

    /// <summary>Fraction of input activations that are exactly zero, 0..1.</summary>
    public double? InputSparsity { get; init => field = Fraction(value, "input_sparsity"); }

    /// <summary>Average count of 1 bits per weight code (0..weight bits).</summary>
    public double? WeightNonZeroBits { get; init => field = NonNegative(value, "weight_nonzero_bits"); }

    /// <summary>Average count of 1 bits per input activation code (0..input bits).</summary>
    public double? InputNonZeroBits { get; init => field = NonNegative(value, "input_nonzero_bits"); }

    /// <summary>The weight quantizer's clip or scale (w_alpha): SAWB/PACT-style clip level, XNOR-Net/TWN scale.</summary>
    public double? WeightAlpha { get; init => field = NonNegative(value, "w_alpha"); }

    /// <summary>The activation quantizer's clip or scale (a_alpha), e.g. PACT's alpha.</summary>
    public double? InputAlpha { get; init => field = NonNegative(value, "a_alpha"); }

    /// <summary>
    /// Signal-to-quantisation-noise ratio of the layer's output, in dB, against the fp32 network on the
    /// same inputs; +infinity when the output is bit-identical (nothing quantised up to here).
    /// </summary>
    public double? OutputSqnrDb
    {
        get;
        init => field = value is null || double.IsPositiveInfinity(value.Value) || double.IsFinite(value.Value) ? value
            : throw new InputException($"must be a number of dB or inf, got {value}", "sqnr_db");
    }

    /// <summary>
    /// Input codes by their count of 1 bits (bin b: codes with b set bits, <see cref="CodeMeasure.SetBits"/>), as
    /// the workload CSV's input_popcount_hist: what the fast engine needs for a unit with skip: zero_bits.
    /// </summary>
    public CodeHistogram? InputPopcountHistogram { get; init; }

    /// <summary>
    /// Input codes by their precision (bin p: codes that need p planes, <see cref="CodeMeasure.Precision"/>), as
    /// the workload CSV's input_precision_hist: what the fast engine needs for a unit with skip: dynamic_precision.
    /// </summary>
    public CodeHistogram? InputPrecisionHistogram { get; init; }

    public bool IsEmpty => WeightSparsity is null && InputSparsity is null && WeightNonZeroBits is null && InputNonZeroBits is null &&
        WeightAlpha is null && InputAlpha is null && OutputSqnrDb is null && InputPopcountHistogram is null && InputPrecisionHistogram is null;

    private static double? Fraction(double? value, string field) =>
        value is null || (value >= 0 && value <= 1) ? value
            : throw new InputException($"must be a fraction between 0 and 1, got {value}", field);

    private static double? NonNegative(double? value, string field) =>
        value is null || (value >= 0 && double.IsFinite(value.Value)) ? value
            : throw new InputException($"must be a finite number of bits, 0 or more, got {value}", field);
}
