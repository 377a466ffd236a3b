namespace HwSim.Workloads.Shapes;

/// <summary>
/// The loop bounds of one layer: batch N, input C x H x W, K filters of R x S, stride, padding,
/// dilation and groups. Immutable; validated when constructed and again on every <c>with</c>,
/// so an instance in hand always describes a layer that can be computed.
/// </summary>
/// <remarks>
/// Every kind is also viewed as a GEMM per group (<see cref="GemmM"/>, <see cref="GemmK"/>,
/// <see cref="GemmN"/>), the im2col view that array models map onto rows and columns.
/// A fully connected layer is a 1x1 convolution on a 1x1 input; a plain GEMM (M,K,N) is a 1x1
/// convolution over an M x 1 input with K channels and N filters.
/// A <c>with</c> that changes several dependent fields at once (input size and kernel, say) is
/// checked after each field in the order written: keep every step valid or use the constructor.
/// </remarks>
public sealed record LayerShape
{
    private readonly bool _complete;

    public LayerShape(
        LayerKind kind, int batch, int channels, int height, int width, int filters,
        int kernelHeight, int kernelWidth, int strideH = 1, int strideW = 1, Padding? padding = null,
        int dilationH = 1, int dilationW = 1, int groups = 1)
    {
        Kind = kind;
        Batch = batch;
        Channels = channels;
        Height = height;
        Width = width;
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideH = strideH;
        StrideW = strideW;
        Padding = padding ?? Padding.None;
        DilationH = dilationH;
        DilationW = dilationW;
        Groups = groups;
        _complete = true;
        Validate();
    }

    /// <summary>A convolution with square kernel, stride and dilation and uniform padding unless given otherwise.</summary>
    public static LayerShape Conv(int channels, int height, int width, int filters, int kernel, int stride = 1, int pad = 0,
        int groups = 1, int dilation = 1, int batch = 1) =>
        new(LayerKind.Convolution, batch, channels, height, width, filters, kernel, kernel, stride, stride,
            Padding.Uniform(pad), dilation, dilation, groups);

    /// <summary>A depthwise convolution: one filter per channel (groups = channels).</summary>
    public static LayerShape Depthwise(int channels, int height, int width, int kernel, int stride = 1, int pad = 0, int batch = 1) =>
        Conv(channels, height, width, channels, kernel, stride, pad, channels, 1, batch);

    /// <summary>A fully connected layer of <paramref name="inputs"/> to <paramref name="outputs"/> features.</summary>
    public static LayerShape FullyConnected(int inputs, int outputs, int batch = 1) =>
        new(LayerKind.FullyConnected, batch, inputs, 1, 1, outputs, 1, 1);

    /// <summary>A plain matrix product of an M x K and a K x N matrix.</summary>
    public static LayerShape Gemm(int m, int k, int n) =>
        new(LayerKind.Gemm, 1, k, m, 1, n, 1, 1);

    public LayerKind Kind { get; init { field = value; Revalidate(); } }

    /// <summary>Batch size N.</summary>
    public int Batch { get; init { field = Positive(value, "n"); Revalidate(); } }

    /// <summary>Input channels C (for GEMM: the reduction length K).</summary>
    public int Channels { get; init { field = Positive(value, "c"); Revalidate(); } }

    /// <summary>Input height H in elements, before padding (for GEMM: M).</summary>
    public int Height { get; init { field = Positive(value, "h"); Revalidate(); } }

    /// <summary>Input width W in elements, before padding.</summary>
    public int Width { get; init { field = Positive(value, "w"); Revalidate(); } }

    /// <summary>Output channels K, i.e. number of filters (for GEMM: N).</summary>
    public int Filters { get; init { field = Positive(value, "k"); Revalidate(); } }

    /// <summary>Kernel height R.</summary>
    public int KernelHeight { get; init { field = Positive(value, "r"); Revalidate(); } }

    /// <summary>Kernel width S.</summary>
    public int KernelWidth { get; init { field = Positive(value, "s"); Revalidate(); } }

    public int StrideH { get; init { field = Positive(value, "stride_h"); Revalidate(); } }
    public int StrideW { get; init { field = Positive(value, "stride_w"); Revalidate(); } }

    public Padding Padding { get; init { field = value ?? throw new InputException("must be given", "padding"); Revalidate(); } } = Padding.None;

    public int DilationH { get; init { field = Positive(value, "dilation_h"); Revalidate(); } }
    public int DilationW { get; init { field = Positive(value, "dilation_w"); Revalidate(); } }

    /// <summary>Channel groups: 1 for a dense convolution, C for depthwise.</summary>
    public int Groups { get; init { field = Positive(value, "groups"); Revalidate(); } }

    /// <summary>Kernel extent on the input with dilation: D*(R-1)+1.</summary>
    public int EffectiveKernelHeight => DilationH * (KernelHeight - 1) + 1;
    public int EffectiveKernelWidth => DilationW * (KernelWidth - 1) + 1;

    /// <summary>Output height P = floor((H + pad_t + pad_b - D(R-1) - 1) / stride) + 1.</summary>
    public int OutputHeight => (Height + Padding.Top + Padding.Bottom - EffectiveKernelHeight) / StrideH + 1;

    /// <summary>Output width Q = floor((W + pad_l + pad_r - D(S-1) - 1) / stride) + 1.</summary>
    public int OutputWidth => (Width + Padding.Left + Padding.Right - EffectiveKernelWidth) / StrideW + 1;

    public bool IsDepthwise => Groups > 1 && Groups == Channels && Filters % Channels == 0;

    /// <summary>Output pixels over the batch: rows of the per-group GEMM (N*P*Q).</summary>
    public long GemmM => (long)Batch * OutputHeight * OutputWidth;

    /// <summary>Reduction length of one output: (C/G)*R*S.</summary>
    public long GemmK => (long)(Channels / Groups) * KernelHeight * KernelWidth;

    /// <summary>Filters per group: K/G.</summary>
    public long GemmN => Filters / Groups;

    /// <summary>Multiply-accumulates: N*P*Q*K*(C/G)*R*S. Padding positions count, as in torchvision's figures.</summary>
    public long Macs => GemmM * GemmK * GemmN * Groups;

    /// <summary>Weight elements: K*(C/G)*R*S (no bias).</summary>
    public long WeightElements => Filters * GemmK;

    /// <summary>Input activation elements, unpadded: N*C*H*W.</summary>
    public long InputElements => (long)Batch * Channels * Height * Width;

    /// <summary>Output activation elements: N*K*P*Q.</summary>
    public long OutputElements => GemmM * Filters;

    private void Revalidate()
    {
        // During construction the fields arrive one by one; the constructor validates once at the end.
        if (_complete) Validate();
    }

    private void Validate()
    {
        // Sizes are compared in long so that absurd inputs (int.MaxValue padding or dilation) are
        // reported as too large rather than overflowing here.
        var paddedHeight = (long)Height + Padding.Top + Padding.Bottom;
        var paddedWidth = (long)Width + Padding.Left + Padding.Right;
        var kernelExtentH = (long)DilationH * (KernelHeight - 1) + 1;
        var kernelExtentW = (long)DilationW * (KernelWidth - 1) + 1;
        if (Channels % Groups != 0)
            throw new InputException($"input channels {Channels} are not divisible by groups {Groups}", "groups");
        if (Filters % Groups != 0)
            throw new InputException($"output channels {Filters} are not divisible by groups {Groups}", "groups");
        if (kernelExtentH > paddedHeight)
            throw new InputException($"kernel height {kernelExtentH} is larger than the padded input height {paddedHeight}", "r");
        if (kernelExtentW > paddedWidth)
            throw new InputException($"kernel width {kernelExtentW} is larger than the padded input width {paddedWidth}", "s");
        if (paddedHeight > int.MaxValue || paddedWidth > int.MaxValue)
            throw new InputException($"the padded input {paddedHeight} x {paddedWidth} is too large (at most {int.MaxValue} per side)", "shape");
        if (Kind != LayerKind.Convolution)
        {
            var what = Kind == LayerKind.Gemm ? "a GEMM" : "a fully connected layer";
            if (KernelHeight != 1 || KernelWidth != 1 || StrideH != 1 || StrideW != 1 || DilationH != 1 || DilationW != 1
                || Groups != 1 || Padding != Padding.None || Width != 1 || (Kind == LayerKind.FullyConnected && Height != 1))
                throw new InputException($"{what} has a 1x1 kernel, stride 1, no padding, no dilation, one group and a {(Kind == LayerKind.Gemm ? "M x 1" : "1 x 1")} input", "kind");
            if (Kind == LayerKind.Gemm && Batch != 1)
                throw new InputException("a GEMM has batch 1 (fold the batch into M)", "n");
        }
        try
        {
            _ = Macs;
            _ = InputElements;
            _ = OutputElements;
        }
        catch (OverflowException)
        {
            throw new InputException("the layer is too large: its MAC or element count does not fit in 64 bits", "shape");
        }
    }

    private static int Positive(int value, string field) =>
        value >= 1 ? value : throw new InputException($"must be at least 1, got {value}", field);

    public override string ToString() => Kind switch
    {
        LayerKind.Gemm => $"GEMM M={Height} K={Channels} N={Filters}",
        LayerKind.FullyConnected => $"FC {Channels}->{Filters} (N={Batch})",
        _ => $"Conv N={Batch} C={Channels} {Height}x{Width} K={Filters} {KernelHeight}x{KernelWidth} s{StrideH}" +
             (StrideW != StrideH ? $",{StrideW}" : "") + $" p{Padding}" + (Groups > 1 ? $" g{Groups}" : "") +
             (DilationH > 1 || DilationW > 1 ? $" d{DilationH},{DilationW}" : "") + $" -> {OutputHeight}x{OutputWidth}",
    };
}
