using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads;
using Onnx;

namespace HwSim.Quantizer.Onnx;

/// <summary>
/// The 2-D window of a Conv, MaxPool or AveragePool node: kernel, strides, dilations and the
/// padding on each side, resolved from the attributes for one input size.
/// </summary>
/// <remarks>
/// ONNX <c>pads</c> lists all begins then all ends, [top, left, bottom, right] for 2-D windows
/// (Conv-11, MaxPool-12, AveragePool-19). <c>auto_pad</c> SAME_UPPER/SAME_LOWER keep
/// ceil(size / stride) outputs and put the odd pixel of padding at the end/beginning; VALID pads
/// nothing. The same arithmetic as the foundation's shape importer (OnnxWindow), so traced
/// shapes agree with it.
/// </remarks>
internal sealed record OnnxWindow2D(long[] Kernel, long[] Strides, long[] Dilations, long Top, long Left, long Bottom, long Right)
{
    /// <summary>Padding is the same on both sides of each axis.</summary>
    public bool IsSymmetric => Top == Bottom && Left == Right;

    /// <summary>No padding at all.</summary>
    public bool IsUnpadded => Top == 0 && Left == 0 && Bottom == 0 && Right == 0;

    /// <summary>Symmetric padding that libtorch's pooling accepts natively (at most half the kernel).</summary>
    public bool PoolsNatively => IsSymmetric && 2 * Top <= Kernel[0] && 2 * Left <= Kernel[1];

    /// <summary>[left, right, top, bottom]: torch.nn.functional.pad lists the last axis first.</summary>
    public long[] TorchPad => [Left, Right, Top, Bottom];

    /// <summary>The per-axis settings of a node, validated; padding is resolved later per input size.</summary>
    public static OnnxWindowAttributes Attributes(NodeProto node, long[]? kernel)
    {
        var strides = node.Ints("strides")?.ToArray() ?? [1, 1];
        var dilations = node.Ints("dilations")?.ToArray() ?? [1, 1];
        if (strides.Length != 2 || strides.Any(s => s < 1))
            throw new InputException($"needs 2 values of at least 1 for a 2-D window, got [{string.Join(",", strides)}]", "strides");
        if (dilations.Length != 2 || dilations.Any(d => d < 1))
            throw new InputException($"needs 2 values of at least 1 for a 2-D window, got [{string.Join(",", dilations)}]", "dilations");
        if (kernel is not null && (kernel.Length != 2 || kernel.Any(k => k < 1)))
            throw new InputException($"needs 2 values of at least 1 for a 2-D window, got [{string.Join(",", kernel)}]", "kernel_shape");
        var autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
            throw new InputException($"must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '{autoPad}'", "auto_pad");
        var pads = node.Ints("pads")?.ToArray() ?? [0, 0, 0, 0];
        if (autoPad is "NOTSET" or "")
        {
            if (pads.Length != 4)
                throw new InputException($"needs 4 values (top, left, bottom, right) for a 2-D window, got {pads.Length}", "pads");
            if (pads.Any(p => p < 0))
                throw new InputException($"must be 0 or more, got [{string.Join(",", pads)}]", "pads");
        }
        return new OnnxWindowAttributes(kernel, strides, dilations, autoPad is "" ? "NOTSET" : autoPad, pads);
    }
}

/// <summary>A node's window attributes before the input size is known.</summary>
internal sealed record OnnxWindowAttributes(long[]? Kernel, long[] Strides, long[] Dilations, string AutoPad, long[] Pads)
{
    /// <summary>The window over an input of <paramref name="height"/> x <paramref name="width"/> with <paramref name="kernel"/>.</summary>
    public OnnxWindow2D Resolve(long height, long width, long[] kernel)
    {
        long[] sizes = [height, width];
        var begin = new long[2];
        var end = new long[2];
        for (var i = 0; i < 2; i++)
        {
            var extent = Dilations[i] * (kernel[i] - 1) + 1;
            (begin[i], end[i]) = AutoPad switch
            {
                "VALID" => (0L, 0L),
                "SAME_UPPER" or "SAME_LOWER" => Same(sizes[i], Strides[i], extent, AutoPad == "SAME_UPPER"),
                _ => (Pads[i], Pads[i + 2]),
            };
            if (sizes[i] + begin[i] + end[i] < extent)
                throw new InputException($"the window spans {extent} pixels on spatial axis {i}, more than the padded input ({sizes[i] + begin[i] + end[i]})", "kernel_shape");
        }
        return new OnnxWindow2D(kernel, Strides, Dilations, begin[0], begin[1], end[0], end[1]);
    }

    /// <summary>
    /// Output size per axis as the ONNX pooling spec gives it: floor, or with <paramref name="ceilMode"/>
    /// ceil, of (padded - extent) / stride, plus one; in ceil mode a last window that would start in the
    /// end padding is dropped (MaxPool-12/AveragePool-19 note, as onnxruntime and PyTorch do).
    /// </summary>
    public long[] OutputSize(OnnxWindow2D window, long height, long width, bool ceilMode)
    {
        long[] sizes = [height, width];
        long[] begins = [window.Top, window.Left];
        long[] ends = [window.Bottom, window.Right];
        var output = new long[2];
        for (var i = 0; i < 2; i++)
        {
            var extent = Dilations[i] * (window.Kernel[i] - 1) + 1;
            var span = sizes[i] + begins[i] + ends[i] - extent;
            var ceil = ceilMode && AutoPad is "NOTSET" or "VALID";
            output[i] = ceil ? (span + Strides[i] - 1) / Strides[i] + 1 : span / Strides[i] + 1;
            if (ceil && (output[i] - 1) * Strides[i] >= sizes[i] + begins[i])
                output[i]--;
        }
        return output;
    }

    private static (long Begin, long End) Same(long size, long stride, long extent, bool upper)
    {
        var total = Math.Max(0, ((size + stride - 1) / stride - 1) * stride + extent - size);
        var small = total / 2;
        return upper ? (small, total - small) : (total - small, small);
    }
}
