using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>One spatial axis of a convolution or pooling window: its settings, padding and output size.</summary>
internal readonly record struct OnnxWindow(long Kernel, long Stride, long Dilation, long PadBegin, long PadEnd, long Output)
{
    /// <summary>
    /// The windows of a Conv or pooling node over <paramref name="spatial"/> (the input sizes after
    /// N and C), from its strides, dilations, pads and auto_pad attributes, as the ONNX spec gives them.
    /// </summary>
    /// <remarks>
    /// ONNX pads list all begins, then all ends ([x1_begin, x2_begin, x1_end, x2_end]), so for a
    /// 2-D window they read top, left, bottom, right. SAME_UPPER puts the odd pixel of padding at
    /// the end, SAME_LOWER at the beginning. In ceil mode the last window must still start inside
    /// the input or its leading padding, as PyTorch and onnxruntime require.
    /// </remarks>
    public static ImmutableArray<OnnxWindow> Of(NodeProto node, IReadOnlyList<long> spatial, IReadOnlyList<long> kernel, bool ceilMode)
    {
        var n = spatial.Count;
        var strides = PerAxis(node, "strides", n, 1);
        var dilations = PerAxis(node, "dilations", n, 1);
        var autoPad = node.String("auto_pad", "NOTSET");
        var pads = node.Ints("pads") ?? [.. Enumerable.Repeat(0L, 2 * n)];
        if (autoPad is "NOTSET" or "")
        {
            if (pads.Length != 2 * n)
                throw new InputException($"needs {2 * n} values (begins then ends) for {n} spatial axes, got {pads.Length}", "pads");
            if (pads.Any(p => p < 0))
                throw new InputException($"must be 0 or more, got [{string.Join(",", pads)}]", "pads");
        }
        var windows = ImmutableArray.CreateBuilder<OnnxWindow>(n);
        for (var i = 0; i < n; i++)
        {
            var (size, k, s, d) = (spatial[i], kernel[i], strides[i], dilations[i]);
            if (k < 1)
                throw new InputException($"must be at least 1, got {k}", "kernel_shape");
            var extent = d * (k - 1) + 1;
            var (begin, end) = autoPad switch
            {
                "NOTSET" or "" => (pads[i], pads[i + n]),
                "VALID" => (0L, 0L),
                "SAME_UPPER" or "SAME_LOWER" => Same(size, s, extent, upper: autoPad == "SAME_UPPER"),
                _ => throw new InputException($"must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '{autoPad}'", "auto_pad"),
            };
            var span = size + begin + end - extent;
            if (span < 0)
                throw new InputException($"the window spans {extent} pixels on spatial axis {i} (kernel with dilation), more than the padded input ({size + begin + end})", "kernel_shape");
            // SAME fixes the output size itself; ceil mode only changes the explicit-padding formula.
            var ceil = ceilMode && autoPad is "NOTSET" or "" or "VALID";
            var output = ceil ? CeilDiv(span, s) + 1 : span / s + 1;
            if (ceil && (output - 1) * s >= size + begin)
                output--;
            windows.Add(new OnnxWindow(k, s, d, begin, end, output));
        }
        return windows.MoveToImmutable();
    }

    private static (long Begin, long End) Same(long size, long stride, long extent, bool upper)
    {
        // SAME keeps ceil(size / stride) outputs; the padding that takes is split, the odd pixel going to one side.
        var total = Math.Max(0, (CeilDiv(size, stride) - 1) * stride + extent - size);
        var small = total / 2;
        return upper ? (small, total - small) : (total - small, small);
    }

    private static ImmutableArray<long> PerAxis(NodeProto node, string name, int n, long fallback)
    {
        var values = node.Ints(name) ?? [.. Enumerable.Repeat(fallback, n)];
        if (values.Length != n)
            throw new InputException($"needs {n} values for {n} spatial axes, got {values.Length}", name);
        if (values.Any(v => v < 1))
            throw new InputException($"must be at least 1, got [{string.Join(",", values)}]", name);
        return values;
    }

    internal static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : a / b;
}
