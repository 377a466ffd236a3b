using HwSim.Workloads.Formats;
using HwSim.Workloads.Shapes;

namespace HwSim.Workloads.Layers;

/// <summary>
/// One layer as the simulator sees it: its shape, the formats of its operands, its role, and
/// what else affects cost (bias, batch norm folded in, shortcut) or was measured (statistics).
/// Immutable and validated on construction and on <c>with</c>.
/// </summary>
public sealed record LayerWorkload
{
    private readonly bool _complete;

    public LayerWorkload(string name, LayerShape shape, OperandPrecision? precision = null, LayerRole role = LayerRole.Inner,
        bool isDownsample = false, bool hasBias = false, bool hasBatchNorm = false, ValueStatistics? statistics = null,
        string? unit = null)
    {
        Name = name;
        Shape = shape;
        Precision = precision ?? OperandPrecision.Fp32;
        Role = role;
        IsDownsample = isDownsample;
        HasBias = hasBias;
        HasBatchNorm = hasBatchNorm;
        Statistics = statistics;
        Unit = unit;
        _complete = true;
        Validate();
    }

    /// <summary>Layer name, unique within its workload.</summary>
    public string Name
    {
        get;
        init => field = string.IsNullOrWhiteSpace(value) ? throw new InputException("a layer needs a non-empty name", "name") : value.Trim();
    }

    public LayerShape Shape { get; init { field = value ?? throw new InputException("must be given", "shape"); Revalidate(); } }

    public OperandPrecision Precision { get; init { field = value ?? throw new InputException("must be given", "precision"); Revalidate(); } }

    public LayerRole Role { get; init; }

    /// <summary>A 1x1 shortcut (downsample) convolution of a residual block.</summary>
    public bool IsDownsample { get; init; }

    /// <summary>The layer adds a bias per output channel (K parameters).</summary>
    public bool HasBias { get; init; }

    /// <summary>A batch norm follows (2K learnable parameters: scale and shift; running statistics are buffers).</summary>
    public bool HasBatchNorm { get; init; }

    public ValueStatistics? Statistics { get; init { field = value; Revalidate(); } }

    /// <summary>Name of the array unit this layer must run on, or null to let the architecture choose.</summary>
    public string? Unit { get; init => field = string.IsNullOrWhiteSpace(value) ? null : value.Trim(); }

    public LayerKind Kind => Shape.Kind;

    public long Macs => Shape.Macs;

    /// <summary>Learnable parameters: weights, plus K for a bias, plus 2K for a batch norm.</summary>
    public long Parameters => Shape.WeightElements + (HasBias ? Shape.Filters : 0) + (HasBatchNorm ? 2L * Shape.Filters : 0);

    /// <summary>Bit-operations b_w x b_a x MACs, the usual cost proxy for low-precision layers.</summary>
    public long BitOperations => Precision.Weight.Bits * (long)Precision.Input.Bits * Macs;

    private void Revalidate()
    {
        if (_complete) Validate();
    }

    private void Validate()
    {
        // Beside the shape's MAC check: the bit-operation count must fit in 64 bits too.
        if (Macs > long.MaxValue / Precision.Weight.Bits / Precision.Input.Bits)
            throw new InputException($"layer '{Name}' is too large: its bit-operations ({Precision.Weight.Bits} x {Precision.Input.Bits} bits x {Macs:N0} MACs) do not fit in 64 bits", "shape");
        if (Statistics is { } s)
        {
            if (s.WeightNonZeroBits > Precision.Weight.Bits)
                throw new InputException($"average non-zero weight bits {s.WeightNonZeroBits} exceed the weight format's {Precision.Weight.Bits} bits", "weight_nonzero_bits");
            if (s.InputNonZeroBits > Precision.Input.Bits)
                throw new InputException($"average non-zero input bits {s.InputNonZeroBits} exceed the input format's {Precision.Input.Bits} bits", "input_nonzero_bits");
            Histogram(s.InputPopcountHistogram, "input_popcount_hist");
            Histogram(s.InputPrecisionHistogram, "input_precision_hist");
            if (s.InputPopcountHistogram is { } a && s.InputPrecisionHistogram is { } b && a.Total != b.Total)
                throw new InputException($"counts {b.Total:N0} codes, input_popcount_hist {a.Total:N0}; both histograms are of the same input codes", "input_precision_hist");
        }
    }

    // A histogram of the input codes has one bin per plane count 0..planes of the input format.
    private void Histogram(CodeHistogram? histogram, string field)
    {
        if (histogram is null)
            return;
        var input = Precision.Input;
        if (input.IsFloat)
            throw new InputException($"is a histogram of integer codes, but the input format is {input.Name}", field);
        var bins = CodeHistogram.Planes(input) + 1;
        if (histogram.Bins != bins)
            throw new InputException($"has {histogram.Bins} bins, the input format {input.Name} needs {bins} (0 to {bins - 1} bits)", field);
    }

    public override string ToString() => $"{Name}: {Shape} [{Precision.Weight}x{Precision.Input}, {Role}]";
}
