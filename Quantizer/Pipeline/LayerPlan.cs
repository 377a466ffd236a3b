using HwSim.Quantizer.Methods;
using HwSim.Workloads.Formats;

namespace HwSim.Quantizer.Pipeline;

/// <summary>What one layer becomes: quantised by a method at given widths, or kept at a float format.</summary>
public abstract record LayerPlan
{
    private LayerPlan() { }

    /// <summary>Weights and input activations quantised by <paramref name="Method"/> (int8/int16 first/last layers are Uniform).</summary>
    public sealed record Quantized(QuantMethod Method, int WeightBits, int InputBits) : LayerPlan
    {
        public override string ToString() => $"{Method.ToString().ToLowerInvariant()} W{WeightBits}A{InputBits}";
    }

    /// <summary>Both operands rounded to a float format (fp32 leaves the layer as it is).</summary>
    public sealed record Float(NumberFormat Format) : LayerPlan
    {
        public override string ToString() => Format.Name;
    }
}
