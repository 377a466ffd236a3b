using HwSim.Workloads;
using HwSim.Workloads.Shapes;

namespace HwSim.Simulator.Nest;

/// <summary>The seven dimensions of a convolution, with Timeloop's names: M is the filters, C the input channels.</summary>
public enum NestDim
{
    N,
    M,
    C,
    P,
    Q,
    R,
    S,
}

/// <summary>The three operands of a convolution.</summary>
public enum NestTensor
{
    Weights,
    Inputs,
    Outputs,
}

/// <summary>
/// A convolution as the nest engine sees it (Simulator/Nest/README.md): batch N, M filters, C input channels,
/// P x Q outputs, R x S kernels, strides. Inputs are in padded coordinates, h = p·HStride + r, w = q·WStride + s.
/// </summary>
public sealed record NestProblem
{
    public NestProblem(int n, int m, int c, int p, int q, int r, int s, int hStride = 1, int wStride = 1)
    {
        foreach (var (value, name) in new[] { (n, "N"), (m, "M"), (c, "C"), (p, "P"), (q, "Q"), (r, "R"), (s, "S"), (hStride, "Hstride"), (wStride, "Wstride") })
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1");
        (N, M, C, P, Q, R, S, HStride, WStride) = (n, m, c, p, q, r, s, hStride, wStride);
    }

    public int N { get; }
    public int M { get; }
    public int C { get; }
    public int P { get; }
    public int Q { get; }
    public int R { get; }
    public int S { get; }
    public int HStride { get; }
    public int WStride { get; }

    /// <summary>Input rows in padded coordinates: (P - 1)·HStride + R.</summary>
    public int H => (P - 1) * HStride + R;

    /// <summary>Input columns in padded coordinates: (Q - 1)·WStride + S.</summary>
    public int W => (Q - 1) * WStride + S;

    /// <summary>The size of <paramref name="dim"/>.</summary>
    public int Size(NestDim dim) => dim switch
    {
        NestDim.N => N,
        NestDim.M => M,
        NestDim.C => C,
        NestDim.P => P,
        NestDim.Q => Q,
        NestDim.R => R,
        _ => S,
    };

    /// <summary>MACs: the product of the seven sizes.</summary>
    public long Macs => checked((long)N * M * C * P * Q * R * S);

    /// <summary>Elements of an operand (inputs in padded coordinates).</summary>
    public long Elements(NestTensor tensor) => tensor switch
    {
        NestTensor.Weights => checked((long)M * C * R * S),
        NestTensor.Inputs => checked((long)N * C * H * W),
        _ => checked((long)N * M * P * Q),
    };

    /// <summary>Whether the dimension indexes the operand (inputs: N, C and, through h and w, P, Q, R, S).</summary>
    public static bool Indexes(NestTensor tensor, NestDim dim) => tensor switch
    {
        NestTensor.Weights => dim is NestDim.M or NestDim.C or NestDim.R or NestDim.S,
        NestTensor.Inputs => dim is not NestDim.M,
        _ => dim is NestDim.N or NestDim.M or NestDim.P or NestDim.Q,
    };

    /// <summary>
    /// A layer's convolution, or the reason it has none here: groups and dilation are not supported, and the
    /// padded input is taken whole (padding is stored and moved, Timeloop's convention).
    /// </summary>
    public static NestProblem From(LayerShape shape)
    {
        if (shape.Groups != 1)
            throw new InputException($"the nest engine has no groups yet (this layer has {shape.Groups})");
        if (shape.DilationH != 1 || shape.DilationW != 1)
            throw new InputException($"the nest engine has no dilation yet (this layer has {shape.DilationH}x{shape.DilationW})");
        return new NestProblem(shape.Batch, shape.Filters, shape.Channels, shape.OutputHeight, shape.OutputWidth,
            shape.KernelHeight, shape.KernelWidth, shape.StrideH, shape.StrideW);
    }

    public override string ToString() => $"N{N} M{M} C{C} P{P} Q{Q} R{R} S{S}" + (HStride == 1 && WStride == 1 ? "" : $" stride {HStride}x{WStride}");
}
