using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;

namespace HwSim.Workloads.Precision;

/// <summary>
/// Sets the formats of a workload's layers the way quantisation papers do: inner layers at
/// W<i>b</i>A<i>b</i>, first and last layers kept at a higher precision, and optionally the 1x1
/// shortcut convolutions kept there too (Bi-Real Net counts its real-valued downsample convs
/// with the full-precision FLOPs).
/// </summary>
/// <param name="InnerWeight">Format of inner layers' weights, or null to keep each layer's own.</param>
/// <param name="InnerInput">Format of inner layers' input activations, or null to keep each layer's own.</param>
/// <param name="FirstLast">Format of the first and last layers (both operands), or Same.</param>
/// <param name="RealDownsample">Keep shortcut (downsample) convs at the first/last format.</param>
public sealed record PrecisionPolicy(NumberFormat? InnerWeight, NumberFormat? InnerInput, FirstLastFormat FirstLast, bool RealDownsample = false)
{
    /// <summary>
    /// The usual reading of --wbits/--abits: 1 bit is binary +/-1 (XNOR-Net) for both operands;
    /// wider weights are signed integers (or ternary at 2 bits when asked); wider activations
    /// are unsigned, as they follow a ReLU or PACT clip.
    /// </summary>
    public static PrecisionPolicy FromBits(int weightBits, int inputBits, FirstLastFormat firstLast, bool ternaryWeights = false, bool realDownsample = false)
    {
        if (weightBits is < 1 or > NumberFormat.MaxIntegerBits)
            throw new InputException($"must be 1 to {NumberFormat.MaxIntegerBits}, got {weightBits}", "weight bits");
        if (inputBits is < 1 or > NumberFormat.MaxIntegerBits)
            throw new InputException($"must be 1 to {NumberFormat.MaxIntegerBits}, got {inputBits}", "activation bits");
        if (ternaryWeights && weightBits != 2)
            throw new InputException($"ternary weights take 2 bits, got {weightBits}-bit weights", "weight format");
        var weight = weightBits == 1 ? NumberFormat.Binary : ternaryWeights ? NumberFormat.Ternary : NumberFormat.Int(weightBits);
        var input = inputBits == 1 ? NumberFormat.Binary : NumberFormat.UInt(inputBits);
        return new PrecisionPolicy(weight, input, firstLast, realDownsample);
    }

    /// <summary>The workload with every layer's formats set by this policy (statistics and shapes unchanged).</summary>
    public Workload Apply(Workload workload) => workload.Map(Apply);

    /// <summary>The layer at this policy's formats: the first/last format when it is kept, else the inner formats (or its own where the policy leaves them).</summary>
    public LayerWorkload Apply(LayerWorkload layer)
    {
        var keep = FirstLast.Format is not null && (layer.Role != LayerRole.Inner || (RealDownsample && layer.IsDownsample));
        var (weight, input) = keep ? (FirstLast.Format!, FirstLast.Format!)
            : (InnerWeight ?? layer.Precision.Weight, InnerInput ?? layer.Precision.Input);
        if (weight == layer.Precision.Weight && input == layer.Precision.Input)
            return layer;
        var precision = OperandPrecision.For(weight, input, layer.Shape.GemmK);
        // Statistics were measured on the old codes and no longer hold for the new format; they are
        // cleared before the precision changes because they are validated against it.
        return layer with { Statistics = null, Precision = precision };
    }

    /// <summary>"inner W:int4 A:uint2, first/last fp32".</summary>
    public override string ToString() =>
        $"inner W:{InnerWeight?.Name ?? "as given"} A:{InnerInput?.Name ?? "as given"}, first/last {FirstLast}" + (RealDownsample ? ", real downsample" : "");
}
