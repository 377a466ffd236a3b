using HwSim.Workloads.Formats;
using HwSim.Workloads.Shapes;

namespace HwSim.Simulator.Nest;

/// <summary>
/// The dimensions of a convolution, with Timeloop's names (M is the filters, C the input channels), and B, the bits of an input
/// value processed one at a time by bit-serial PEs (size 1 for bit-parallel ones), and G, the groups of a grouped convolution
/// (size 1 for a dense one). Each appended last: the ordinals of the seven convolution dimensions, then B's, are those they always had.
/// </summary>
public enum NestDim
{
    N,
    M,
    C,
    P,
    Q,
    R,
    S,

    /// <summary>The input operand's bits (Simulator/Nest/README.md, Bits): it indexes Inputs only, a reduction dimension for Outputs.</summary>
    B,

    /// <summary>
    /// The groups of a grouped convolution (Simulator/Nest/README.md, Groups): it indexes all three operands, each group with its own
    /// weights, input channels and outputs, so it is relevant to every operand and never a reduction.
    /// </summary>
    G,
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
/// P x Q outputs, R x S kernels, strides, G groups, dilations and B input bits. Inputs are in padded coordinates,
/// h = p·HStride + r·DilationH, w = q·WStride + s·DilationW; with B above 1 an input element is one bit b of one input value.
/// </summary>
/// <remarks>
/// N, M, C, P, Q, R and S describe one group: a grouped layer is G independent convolutions of M filters over C
/// channels each, and G is a ninth dimension (<see cref="NestDim.G"/>) whose loops a mapping places like any other's (README,
/// Groups); <see cref="Macs"/> and <see cref="Elements"/> cover all G groups.
/// With <see cref="Bits"/> B above 1 the PEs are bit-serial (Stripes): a MAC is a bit-step, a whole weight times one bit of an input
/// value, so <see cref="Macs"/> counts bit-steps and <see cref="Elements"/> of the inputs counts bits.
/// </remarks>
public sealed record NestProblem
{
    public NestProblem(int n, int m, int c, int p, int q, int r, int s, int hStride = 1, int wStride = 1, int groups = 1, int dilationH = 1, int dilationW = 1, int bits = 1)
    {
        foreach (var (value, name) in new[] { (n, "N"), (m, "M"), (c, "C"), (p, "P"), (q, "Q"), (r, "R"), (s, "S"), (hStride, "Hstride"), (wStride, "Wstride"), (groups, "G"), (dilationH, "DilationH"), (dilationW, "DilationW"), (bits, "B") })
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1");
        // A bit's weight 2^b must fit a long with the product it scales (NestReference), and no integer format HwSim reads is wider.
        if (bits > MaxBits)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"B must be at most {MaxBits} (input bits of a bit-serial PE)");
        (N, M, C, P, Q, R, S, HStride, WStride, Groups, DilationH, DilationW, Bits) = (n, m, c, p, q, r, s, hStride, wStride, groups, dilationH, dilationW, bits);
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

    /// <summary>Groups G, the size of <see cref="NestDim.G"/>; N, M, C, P, Q, R, S are one group's (1: a dense convolution).</summary>
    public int Groups { get; }

    /// <summary>Kernel rows' spacing on the input: h = p·HStride + r·DilationH (1: a dense kernel).</summary>
    public int DilationH { get; }

    /// <summary>Kernel columns' spacing on the input: w = q·WStride + s·DilationW (1: a dense kernel).</summary>
    public int DilationW { get; }

    /// <summary>
    /// B, the bits of an input value the PEs take one at a time (1: bit-parallel PEs, a MAC per input value). With B above 1,
    /// Inputs[n, c, h, w, b] is bit b of input value [n, c, h, w], and a MAC is a bit-step.
    /// </summary>
    public int Bits { get; }

    /// <summary>The widest B: the widest integer format a layer can give its inputs (NumberFormat.MaxIntegerBits, int32).</summary>
    public const int MaxBits = NumberFormat.MaxIntegerBits;

    /// <summary>The number of dimensions (<see cref="NestDim"/>): the seven of a convolution, B and G.</summary>
    public const int DimCount = 9;

    /// <summary>Input values over all groups, in padded coordinates: N·G·C·H·W (with B = 1, <see cref="Elements"/> of the inputs).</summary>
    public long InputValues => checked((long)N * Groups * C * H * W);

    /// <summary>Input rows in padded coordinates: (P - 1)·HStride + (R - 1)·DilationH + 1.</summary>
    public int H => (P - 1) * HStride + (R - 1) * DilationH + 1;

    /// <summary>Input columns in padded coordinates: (Q - 1)·WStride + (S - 1)·DilationW + 1.</summary>
    public int W => (Q - 1) * WStride + (S - 1) * DilationW + 1;

    /// <summary>The size of <paramref name="dim"/>: one group's for the seven of a convolution, the groups for G.</summary>
    public int Size(NestDim dim) => dim switch
    {
        NestDim.N => N,
        NestDim.M => M,
        NestDim.C => C,
        NestDim.P => P,
        NestDim.Q => Q,
        NestDim.R => R,
        NestDim.S => S,
        NestDim.B => Bits,
        _ => Groups,
    };

    /// <summary>MACs of all groups: the product of the nine sizes, G's included (with B above 1, bit-steps).</summary>
    public long Macs => checked((long)Groups * N * M * C * P * Q * R * S * Bits);

    /// <summary>
    /// Elements of an operand over all groups (inputs in padded coordinates): weights [G·M, C, R, S], inputs [N, G·C, H, W, B]
    /// (bits when B is above 1), outputs [N, G·M, P, Q], the layouts of Reference/ReferenceData with B innermost.
    /// </summary>
    public long Elements(NestTensor tensor) => tensor switch
    {
        NestTensor.Weights => checked((long)Groups * M * C * R * S),
        NestTensor.Inputs => checked(InputValues * Bits),
        _ => checked((long)N * Groups * M * P * Q),
    };

    /// <summary>
    /// Whether the dimension indexes the operand (inputs: N, C, B, G and, through h and w, P, Q, R, S; B indexes inputs only, G all three:
    /// Weights[g, m, c, r, s], Inputs[n, g, c, h, w, b], Outputs[n, g, m, p, q]).
    /// </summary>
    public static bool Indexes(NestTensor tensor, NestDim dim) => tensor switch
    {
        NestTensor.Weights => dim is NestDim.M or NestDim.C or NestDim.R or NestDim.S or NestDim.G,
        NestTensor.Inputs => dim is not NestDim.M,
        _ => dim is NestDim.N or NestDim.M or NestDim.P or NestDim.Q or NestDim.G,
    };

    /// <summary>
    /// A layer's convolution. The padded input is taken whole (padding is stored and moved, Timeloop's convention). A
    /// grouped layer's M and C are its filters and channels per group (LayerShape guarantees both divide by the groups);
    /// a dilated layer keeps its dilations, and P and Q are its outputs (LayerShape's, which count the dilated kernel's extent).
    /// </summary>
    /// <param name="bits">B: the input bits bit-serial PEs take one at a time (the layer's input width), 1 for bit-parallel PEs.</param>
    public static NestProblem From(LayerShape shape, int bits = 1) =>
        // LayerShape refuses filters or channels that do not divide by the groups, so the per-group sizes are exact.
        new(shape.Batch, shape.Filters / shape.Groups, shape.Channels / shape.Groups, shape.OutputHeight, shape.OutputWidth,
            shape.KernelHeight, shape.KernelWidth, shape.StrideH, shape.StrideW, shape.Groups, shape.DilationH, shape.DilationW, bits);

    /// <summary>
    /// "N1 M32 C3 P112 Q112 R3 S3 stride 2x2"; a grouped problem starts with its groups, "G32 N1 M1 C1 ...", then one group's sizes;
    /// a bit-serial one has " B8" after S; a dilated one ends with " dil 2x2".
    /// </summary>
    public override string ToString() => (Groups == 1 ? "" : $"G{Groups} ") + $"N{N} M{M} C{C} P{P} Q{Q} R{R} S{S}" + (Bits == 1 ? "" : $" B{Bits}") +
        (HStride == 1 && WStride == 1 ? "" : $" stride {HStride}x{WStride}") +
        (DilationH == 1 && DilationW == 1 ? "" : $" dil {DilationH}x{DilationW}");
}
