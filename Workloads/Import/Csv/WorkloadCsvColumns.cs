namespace HwSim.Workloads.Import.Csv;

/// <summary>
/// The columns of HwSim's workload CSV. One row per layer holds every field of a
/// <see cref="Layers.LayerWorkload"/>; the columns marked derived (p, q, macs, params) are written
/// for readers of the file and checked, not trusted, when read back.
/// </summary>
internal static class WorkloadCsvColumns
{
    public const string Name = "name", Kind = "kind", Role = "role", N = "n", C = "c", H = "h", W = "w", K = "k", R = "r", S = "s",
        StrideH = "stride_h", StrideW = "stride_w", PadTop = "pad_top", PadBottom = "pad_bottom", PadLeft = "pad_left", PadRight = "pad_right",
        DilationH = "dilation_h", DilationW = "dilation_w", Groups = "groups",
        WeightFormat = "weight_format", InputFormat = "input_format", AccumulatorFormat = "accumulator_format", OutputFormat = "output_format",
        Downsample = "downsample", Bias = "bias", BatchNorm = "batch_norm", Unit = "unit",
        WeightSparsity = "weight_sparsity", InputSparsity = "input_sparsity", WeightNonZeroBits = "weight_nonzero_bits", InputNonZeroBits = "input_nonzero_bits",
        WeightAlpha = "w_alpha", InputAlpha = "a_alpha", SqnrDb = "sqnr_db",
        InputPopcountHist = "input_popcount_hist", InputPrecisionHist = "input_precision_hist",
        P = "p", Q = "q", Macs = "macs", Params = "params",
        // Shorthands accepted when reading hand-written files: one value for both directions or all four sides.
        Stride = "stride", Pad = "pad", Dilation = "dilation";

    /// <summary>Columns in the order the writer emits them.</summary>
    public static readonly string[] Written =
    [
        Name, Kind, Role, N, C, H, W, K, R, S, StrideH, StrideW, PadTop, PadBottom, PadLeft, PadRight, DilationH, DilationW, Groups,
        P, Q, Macs, Params,
        WeightFormat, InputFormat, AccumulatorFormat, OutputFormat, Downsample, Bias, BatchNorm, Unit,
        WeightSparsity, InputSparsity, WeightNonZeroBits, InputNonZeroBits, WeightAlpha, InputAlpha, SqnrDb,
    ];

    /// <summary>
    /// Columns written after <see cref="Written"/> only when some layer has them (value-dependent
    /// timing's histograms), so workloads without them are written as before.
    /// </summary>
    public static readonly string[] WrittenWhenPresent = [InputPopcountHist, InputPrecisionHist];

    public static readonly HashSet<string> Known = [.. Written, .. WrittenWhenPresent, Stride, Pad, Dilation];

    /// <summary>Columns a hand-written file must have; everything else has a default.</summary>
    public static readonly string[] Required = [Name, C, H, W, K, R, S];

    /// <summary>The first line the writer emits; readers recognise HwSim's CSV by it or by its header.</summary>
    public const string Banner = "# hwsim-workload v1: ";
}
