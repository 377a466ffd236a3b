using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Simulator.Reference;

/// <summary>
/// Real operand values for one layer: the input (N, C, H, W) and the weights (K, C/G, R, S) in
/// row-major order. Integer-valued formats hold the value each code stands for (binary -1/+1,
/// ternary -1/0/+1, intB two's complement, uintB unsigned); float formats hold doubles that are
/// exactly representable in the format's precision.
/// </summary>
public sealed class ReferenceData
{
    public ReferenceData(LayerWorkload layer, long[] input, long[] weights, double[]? realInput = null, double[]? realWeights = null)
    {
        var s = layer.Shape;
        if (input.Length != s.InputElements || weights.Length != s.WeightElements)
            throw new ArgumentException($"expected {s.InputElements} inputs and {s.WeightElements} weights, got {input.Length} and {weights.Length}");
        Layer = layer;
        Input = input;
        Weights = weights;
        RealInput = realInput;
        RealWeights = realWeights;
    }

    public LayerWorkload Layer { get; }
    public long[] Input { get; }
    public long[] Weights { get; }
    public double[]? RealInput { get; }
    public double[]? RealWeights { get; }

    public bool IsFloat => Layer.Precision.Weight.IsFloat || Layer.Precision.Input.IsFloat;

    public long InputAt(int n, int c, int h, int w)
    {
        var s = Layer.Shape;
        return Input[((long)(n * s.Channels + c) * s.Height + h) * s.Width + w];
    }

    public long WeightAt(int k, int cInGroup, int r, int t)
    {
        var s = Layer.Shape;
        return Weights[((long)(k * (s.Channels / s.Groups) + cInGroup) * s.KernelHeight + r) * s.KernelWidth + t];
    }

    /// <summary>Uniformly random values over each format's whole range (seeded, reproducible).</summary>
    public static ReferenceData Random(LayerWorkload layer, int seed)
    {
        var rng = new Random(seed);
        var s = layer.Shape;
        var input = new long[s.InputElements];
        var weights = new long[s.WeightElements];
        for (var i = 0; i < input.Length; i++) input[i] = Draw(rng, layer.Precision.Input);
        for (var i = 0; i < weights.Length; i++) weights[i] = Draw(rng, layer.Precision.Weight);
        double[]? ri = null, rw = null;
        if (layer.Precision.Input.IsFloat || layer.Precision.Weight.IsFloat)
        {
            // Small integers are exact in every float format, so float sums stay exact too.
            ri = input.Select(v => (double)v).ToArray();
            rw = weights.Select(v => (double)v).ToArray();
        }
        return new ReferenceData(layer, input, weights, ri, rw);
    }

    /// <summary>A value of <paramref name="f"/>; floats draw small integers in [-8, 8].</summary>
    public static long Draw(Random rng, NumberFormat f) => f.Kind switch
    {
        NumberKind.Binary => rng.Next(2) == 0 ? -1 : 1,
        NumberKind.Ternary => rng.Next(3) - 1,
        NumberKind.SignedInt or NumberKind.UnsignedInt => rng.NextInt64(f.CodeRange!.Value.Min, f.CodeRange.Value.Max + 1),
        _ => rng.Next(-8, 9),
    };

    /// <summary>Output element index (n, k, p, q) in row-major order.</summary>
    public static long OutputIndex(LayerShape s, int n, int k, int p, int q) =>
        ((long)(n * s.Filters + k) * s.OutputHeight + p) * s.OutputWidth + q;
}
