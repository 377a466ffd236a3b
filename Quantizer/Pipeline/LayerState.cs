using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Models;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Pipeline;

/// <summary>A layer's quantizers and what has been measured on it so far (one per layer per run).</summary>
internal sealed class LayerState(LayerPlan plan) : IDisposable
{
    public LayerPlan Plan { get; } = plan;

    public IWeightQuantizer? WeightQuantizer { get; set; }

    public IActivationQuantizer? Activations { get; set; }

    /// <summary>The weights quantised once (weights are constant), kept across batches.</summary>
    public QuantizedTensor? QuantizedWeights { get; private set; }

    private Tensor? _floatWeights;

    private double? _computedAlpha;

    public CodeStatistics WeightStatistics { get; } = new();

    public CodeStatistics Input { get; } = new();

    public SqnrSum Output { get; } = new();

    /// <summary>
    /// The weight tensor this layer computes with; a constant weight is quantised (and measured) on first
    /// use and kept, a computed one (<paramref name="constant"/> false) is quantised on every call.
    /// </summary>
    public Tensor Weights(Tensor weight, bool constant = true)
    {
        switch (Plan)
        {
            case LayerPlan.Quantized when !constant:
                var fresh = WeightQuantizer!.Quantize(weight.detach());
                WeightStatistics.Add(fresh.Values, fresh.Codes, fresh.Format);
                // Belongs to the running forward pass's dispose scope; the alpha reported is the first batch's.
                _computedAlpha ??= fresh.Alpha;
                return fresh.Values;
            case LayerPlan.Quantized:
                if (QuantizedWeights is null)
                {
                    var q = WeightQuantizer!.Quantize(weight.detach());
                    foreach (var t in new[] { q.Values, q.Codes, q.Scale, q.ZeroPoint })
                        t.DetachFromDisposeScope();
                    QuantizedWeights = q;
                    WeightStatistics.Add(q.Values, q.Codes, q.Format);
                }
                return QuantizedWeights.Values;
            case LayerPlan.Float { Format: var f } when f == NumberFormat.Fp32:
                if (WeightStatistics.Count == 0 || !constant)
                    WeightStatistics.Add(weight, null, f);
                return weight;
            case LayerPlan.Float { Format: var f } when !constant:
                var rounded = FloatRounding.Round(weight.detach(), f);
                WeightStatistics.Add(rounded, null, f);
                return rounded;
            case LayerPlan.Float { Format: var f }:
                if (_floatWeights is null)
                {
                    _floatWeights = FloatRounding.Round(weight.detach(), f).DetachFromDisposeScope();
                    WeightStatistics.Add(_floatWeights, null, f);
                }
                return _floatWeights;
            default:
                throw new InvalidOperationException($"unknown plan {Plan}");
        }
    }

    public LayerWorkload ToWorkload(ComputeLayer layer, LayerRole role)
    {
        var weightFormat = WeightStatistics.Format ?? NumberFormat.Fp32;
        var inputFormat = Input.Format ?? NumberFormat.Fp32;
        var statistics = new ValueStatistics(
            WeightStatistics.Sparsity, Input.Sparsity, WeightStatistics.NonZeroBits, Input.NonZeroBits,
            QuantizedWeights?.Alpha ?? _computedAlpha, Activations?.Alpha, Output.Count > 0 && (double.IsFinite(Output.Db) || double.IsPositiveInfinity(Output.Db)) ? Output.Db : null)
        {
            InputPopcountHistogram = Input.Histogram(CodeMeasure.SetBits, "input_popcount_hist"),
            InputPrecisionHistogram = Input.Histogram(CodeMeasure.Precision, "input_precision_hist"),
        };
        return new LayerWorkload(layer.Name, layer.Shape, OperandPrecision.For(weightFormat, inputFormat, layer.Shape.GemmK), role,
            layer.IsDownsample, layer.HasBias, layer.HasBatchNorm, statistics);
    }

    public void Dispose()
    {
        QuantizedWeights?.Dispose();
        _floatWeights?.Dispose();
    }
}

/// <summary>
/// Sparsity and mean count of 1 bits of a tensor's codes, accumulated over batches. The bits are
/// those a zero-bit-skipping bit-serial PE (Pragmatic, Albericio et al. MICRO 2017) processes: the
/// magnitude of a signed code (sign-magnitude, as such PEs handle signed weights), the code itself
/// when unsigned, the one bit of a binary +1 (XNOR arrays encode -1/+1 as 0/1), and |code| of a
/// ternary one. Also histograms of the codes as HwSim's bit-serial lane registers hold them (two's
/// complement, CodeHistogram.Measure): their 1 bits and their precision, which the fast engine turns
/// into the expected cycles of value-dependent timing (skip).
/// </summary>
internal sealed class CodeStatistics
{
    private long _zeros, _bits;
    // Codes per bin of each CodeMeasure (value-dependent timing: the fast engine's expected cycles), for integer codes.
    private long[]? _setBits, _precision;

    public long Count { get; private set; }

    public NumberFormat? Format { get; private set; }

    public double? Sparsity => Count == 0 ? null : (double)_zeros / Count;

    public double? NonZeroBits => Count == 0 || Format is null || Format.IsFloat ? null : (double)_bits / Count;

    /// <summary>The codes measured so far binned by <paramref name="measure"/>, or null without integer codes.</summary>
    public CodeHistogram? Histogram(CodeMeasure measure, string field) =>
        (measure == CodeMeasure.SetBits ? _setBits : _precision) is { } counts && counts.Sum() > 0 ? new CodeHistogram(counts, field) : null;

    public void Add(Tensor values, Tensor? codes, NumberFormat format)
    {
        if (Format is not null && Format != format)
            throw new InvalidOperationException($"a layer's codes changed format from {Format} to {format} between batches");
        Format = format;
        Count = Count + values.numel();
        _zeros = _zeros + values.eq(0).sum().item<long>();
        if (codes is null)
            return;
        using var cpu = codes.to(ScalarType.Int64).contiguous();
        var span = cpu.data<long>();
        long bits = 0;
        var planes = CodeHistogram.Planes(format);
        _setBits ??= new long[planes + 1];
        _precision ??= new long[planes + 1];
        for (long i = 0; i < span.Count; i++)
        {
            var c = span[i];
            bits += format.Kind == NumberKind.Binary ? (c > 0 ? 1 : 0) : System.Numerics.BitOperations.PopCount((ulong)Math.Abs(c));
            _setBits[CodeHistogram.Measure(c, format, CodeMeasure.SetBits)]++;
            _precision[CodeHistogram.Measure(c, format, CodeMeasure.Precision)]++;
        }
        _bits = _bits + bits;
    }
}

/// <summary>Signal and noise energies of an output against its fp32 reference, accumulated in double.</summary>
internal sealed class SqnrSum
{
    private double _signal, _noise;

    public long Count { get; private set; }

    public void Add(Tensor reference, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var r = reference.to(ScalarType.Float64);
        var d = actual.to(ScalarType.Float64) - r;
        _signal += r.square().sum().item<double>();
        _noise += d.square().sum().item<double>();
        Count = Count + reference.numel();
    }

    /// <summary>10 log10(signal / noise); +infinity when the outputs are identical.</summary>
    public double Db => _noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(_signal / _noise);
}

/// <summary>Rounding to a float format: fp16 and bf16 through libtorch's conversions (round to nearest even).</summary>
internal static class FloatRounding
{
    public static Tensor Round(Tensor t, NumberFormat format) => format.Name switch
    {
        "fp32" => t,
        "fp16" => t.to(ScalarType.Float16).to(ScalarType.Float32),
        "bf16" => t.to(ScalarType.BFloat16).to(ScalarType.Float32),
        _ => throw new ArgumentException($"{format} is not a float format HwSim rounds to"),
    };
}
