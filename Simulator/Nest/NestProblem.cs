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
/// P x Q outputs, R x S kernels, strides, G groups and dilations. Inputs are in padded coordinates,
/// h = p·HStride + r·DilationH, w = q·WStride + s·DilationW.
/// </summary>
/// <remarks>
/// N, M, C, P, Q, R and S describe one group: a grouped layer is G independent convolutions of M filters over C
/// channels each, run one after another as the outermost loop of level 0 (README, Groups). A mapping's bounds are
/// those of one group; <see cref="Macs"/> and <see cref="Elements"/> cover all G groups.
/// </remarks>
public sealed record NestProblem
{
    public NestProblem(int n, int m, int c, int p, int q, int r, int s, int hStride = 1, int wStride = 1, int groups = 1, int dilationH = 1, int dilationW = 1)
    {
        foreach (var (value, name) in new[] { (n, "N"), (m, "M"), (c, "C"), (p, "P"), (q, "Q"), (r, "R"), (s, "S"), (hStride, "Hstride"), (wStride, "Wstride"), (groups, "G"), (dilationH, "DilationH"), (dilationW, "DilationW") })
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1");
        (N, M, C, P, Q, R, S, HStride, WStride, Groups, DilationH, DilationW) = (n, m, c, p, q, r, s, hStride, wStride, groups, dilationH, dilationW);
        // H and W are ints, as every index of the engines is: refused here rather than wrapping later.
        if ((long)(p - 1) * hStride + (long)(r - 1) * dilationH + 1 > int.MaxValue || (long)(q - 1) * wStride + (long)(s - 1) * dilationW + 1 > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(p), "the padded input would have more than 2^31 - 1 rows or columns");
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

    /// <summary>Groups G, run one after another; N, M, C, P, Q, R, S are one group's (1: a dense convolution).</summary>
    public int Groups { get; }

    /// <summary>Kernel rows' spacing on the input: h = p·HStride + r·DilationH (1: a dense kernel).</summary>
    public int DilationH { get; }

    /// <summary>Kernel columns' spacing on the input: w = q·WStride + s·DilationW (1: a dense kernel).</summary>
    public int DilationW { get; }

    /// <summary>Input rows in padded coordinates: (P - 1)·HStride + (R - 1)·DilationH + 1.</summary>
    public int H => (P - 1) * HStride + (R - 1) * DilationH + 1;

    /// <summary>Input columns in padded coordinates: (Q - 1)·WStride + (S - 1)·DilationW + 1.</summary>
    public int W => (Q - 1) * WStride + (S - 1) * DilationW + 1;

    /// <summary>The size of <paramref name="dim"/> in one group.</summary>
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

    /// <summary>MACs of all groups: G times the product of the seven sizes.</summary>
    public long Macs => checked((long)Groups * N * M * C * P * Q * R * S);

    /// <summary>
    /// Elements of an operand over all groups (inputs in padded coordinates): weights [G·M, C, R, S], inputs [N, G·C, H, W],
    /// outputs [N, G·M, P, Q], the layouts of Reference/ReferenceData.
    /// </summary>
    public long Elements(NestTensor tensor) => tensor switch
    {
        NestTensor.Weights => checked((long)Groups * M * C * R * S),
        NestTensor.Inputs => checked((long)N * Groups * C * H * W),
        _ => checked((long)N * Groups * M * P * Q),
    };

    /// <summary>Whether the dimension indexes the operand (inputs: N, C and, through h and w, P, Q, R, S).</summary>
    public static bool Indexes(NestTensor tensor, NestDim dim) => tensor switch
    {
        NestTensor.Weights => dim is NestDim.M or NestDim.C or NestDim.R or NestDim.S,
        NestTensor.Inputs => dim is not NestDim.M,
        _ => dim is NestDim.N or NestDim.M or NestDim.P or NestDim.Q,
    };

    /// <summary>
    /// A layer's convolution. The padded input is taken whole (padding is stored and moved, Timeloop's convention). A
    /// grouped layer's M and C are its filters and channels per group (LayerShape guarantees both divide by the groups);
    /// a dilated layer keeps its dilations, and P and Q are its outputs (LayerShape's, which count the dilated kernel's extent).
    /// </summary>
    public static NestProblem From(LayerShape shape) =>
        // LayerShape refuses filters or channels that do not divide by the groups, so the per-group sizes are exact.
        new(shape.Batch, shape.Filters / shape.Groups, shape.Channels / shape.Groups, shape.OutputHeight, shape.OutputWidth,
            shape.KernelHeight, shape.KernelWidth, shape.StrideH, shape.StrideW, shape.Groups, shape.DilationH, shape.DilationW);

    /// <summary>
    /// "N1 M32 C3 P112 Q112 R3 S3 stride 2x2"; a grouped problem starts with its groups, "G32 N1 M1 C1 ...", then one group's sizes;
    /// a dilated one ends with " dil 2x2".
    /// </summary>
    public override string ToString() => (Groups == 1 ? "" : $"G{Groups} ") + $"N{N} M{M} C{C} P{P} Q{Q} R{R} S{S}" +
        (HStride == 1 && WStride == 1 ? "" : $" stride {HStride}x{WStride}") +
        (DilationH == 1 && DilationW == 1 ? "" : $" dil {DilationH}x{DilationW}");
}
