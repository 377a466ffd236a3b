using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Simulator.Mapping;

/// <summary>
/// A layer as arrays see it: <see cref="Groups"/> independent GEMMs, each of M output pixels x
/// K reduction terms x N filters (im2col: m = (n*P + p)*Q + q, k = (c*R + r)*S + s within the
/// group). Groups run one after another. Also carries the geometry that memory traffic needs.
/// </summary>
public sealed record GemmProblem(LayerWorkload Layer)
{
    public LayerShape Shape => Layer.Shape;

    public int Groups => Shape.Groups;

    /// <summary>Output pixels over the batch: N*P*Q.</summary>
    public long M => Shape.GemmM;

    /// <summary>Reduction terms per output: (C/G)*R*S.</summary>
    public long K => Shape.GemmK;

    /// <summary>Filters per group: K/G.</summary>
    public long N => Shape.GemmN;

    public int ChannelsPerGroup => Shape.Channels / Shape.Groups;

    public NumberFormat WeightFormat => Layer.Precision.Weight;
    public NumberFormat InputFormat => Layer.Precision.Input;
    public NumberFormat AccumulatorFormat => Layer.Precision.Accumulator;
    public NumberFormat OutputFormat => Layer.Precision.Output;

    /// <summary>MACs of one group GEMM.</summary>
    public long GroupMacs => M * K * N;

    /// <summary>Bytes of <paramref name="elements"/> values of <paramref name="format"/> packed densely (2-bit codes are 4 per byte).</summary>
    public static long PackedBytes(long elements, NumberFormat format) => PackedBytes(elements, format.Bits);

    public static long PackedBytes(long elements, int bits) => (elements * bits + 7) / 8;

    /// <summary>The (image, output row, output column) of GEMM row m.</summary>
    public (int N, int P, int Q) Pixel(long m)
    {
        var q = (int)(m % Shape.OutputWidth);
        var rest = m / Shape.OutputWidth;
        return ((int)(rest / Shape.OutputHeight), (int)(rest % Shape.OutputHeight), q);
    }

    /// <summary>The (channel within the group, kernel row, kernel column) of GEMM column k.</summary>
    public (int C, int R, int S) Term(long k)
    {
        var s = (int)(k % Shape.KernelWidth);
        var rest = k / Shape.KernelWidth;
        return ((int)(rest / Shape.KernelHeight), (int)(rest % Shape.KernelHeight), s);
    }
}
