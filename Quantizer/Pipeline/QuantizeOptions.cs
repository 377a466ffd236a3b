using HwSim.Quantizer.Methods;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;

namespace HwSim.Quantizer.Pipeline;

/// <summary>
/// How <c>hwsim quantize</c> treats a network: the method and widths of the inner layers, what the
/// first and last layers keep (fp32 is PACT's, DoReFa's and XNOR-Net's convention; PACT+SAWB uses
/// int8), and per-layer overrides. Validated on construction.
/// </summary>
public sealed record QuantizeOptions
{
    public QuantizeOptions(QuantMethod method, int weightBits, int inputBits, FirstLastFormat firstLast, LayerOverrides? overrides = null)
    {
        if (weightBits is < 1 or > QuantizerFactory.MaxBits)
            throw new InputException($"must be 1 to {QuantizerFactory.MaxBits}, got {weightBits}", QuantCommon.WeightBitsField);
        if (inputBits is < 1 or > QuantizerFactory.MaxBits)
            throw new InputException($"must be 1 to {QuantizerFactory.MaxBits}, got {inputBits}", QuantCommon.ActivationBitsField);
        Method = method;
        WeightBits = weightBits;
        InputBits = inputBits;
        FirstLast = firstLast;
        Overrides = overrides ?? LayerOverrides.None;
    }

    public QuantMethod Method { get; }
    public int WeightBits { get; }
    public int InputBits { get; }
    public FirstLastFormat FirstLast { get; }
    public LayerOverrides Overrides { get; }

    /// <summary>The plan of layer <paramref name="index"/> of <paramref name="count"/> named <paramref name="name"/>.</summary>
    public LayerPlan PlanFor(string name, int index, int count)
    {
        var firstOrLast = index == 0 || index == count - 1;
        LayerPlan plan = firstOrLast && FirstLast.Format is { } kept ? Kept(kept) : new LayerPlan.Quantized(Method, WeightBits, InputBits);
        return Overrides.Apply(name, plan, this);
    }

    /// <summary>A kept format as a plan: floats are rounded, integers are the uniform (int8 baseline) quantizer.</summary>
    public static LayerPlan Kept(NumberFormat format) => format.IsFloat ? new LayerPlan.Float(format)
        : new LayerPlan.Quantized(QuantMethod.Uniform, format.Bits, format.Bits);

    public override string ToString() =>
        $"{Method.ToString().ToLowerInvariant()} W{WeightBits}A{InputBits}, first/last {FirstLast}" + (Overrides.Count > 0 ? $", {Overrides.Count} override(s) from {Overrides.File}" : "");
}
