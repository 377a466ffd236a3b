using HwSim.Workloads.Import.Onnx;
using HwSim.Quantizer.Models;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using Onnx;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Onnx;

/// <summary>
/// A Conv, Gemm or MatMul node: a compute layer. It shows the hook its input and weight, computes
/// with what the hook returns, shows the hook the output, and while tracing records its
/// <see cref="LayerShape"/> exactly as the foundation's ONNX shape importer derives it.
/// </summary>
internal abstract class OnnxComputeKernel : OnnxKernel
{
    /// <summary>Position in <see cref="IQuantizableNetwork.Layers"/>.</summary>
    public int LayerIndex { get; set; }

    /// <summary>Input A (the activation) is fixed in the file (initializers/Constants only).</summary>
    public bool InputIsConstant { get; set; }

    /// <summary>The weight operand is fixed in the file.</summary>
    public bool WeightIsConstant { get; set; }

    protected (Tensor Input, Tensor Weight) Before(OnnxRunContext context, Tensor input, Tensor weight)
    {
        if (context.Hook is not { } hook || context.Layers is not { } layers)
            return (input, weight);
        var (x, w) = hook.Before(LayerIndex, layers[LayerIndex], input, weight);
        if (x is null || w is null || !x.shape.SequenceEqual(input.shape) || !w.shape.SequenceEqual(weight.shape))
            throw new InvalidOperationException(
                $"the hook must return an input and weight of the shapes it was given ([{string.Join(",", input.shape)}], [{string.Join(",", weight.shape)}]) at layer {LayerIndex} '{layers[LayerIndex].Name}'");
        return (x, w);
    }

    protected void After(OnnxRunContext context, Tensor output)
    {
        if (context.Hook is { } hook && context.Layers is { } layers)
            hook.After(LayerIndex, layers[LayerIndex], output);
    }

    protected void Trace(OnnxRunContext context, Func<LayerShape> shape)
    {
        if (context.Trace is { } trace)
            trace[LayerIndex] = shape();
    }

    // Matrix products: a weight in the file shared by every row is a fully connected layer whose batch is
    // the rows; a product of computed tensors is a plain GEMM (OnnxWorkloadReader's rule).
    protected LayerShape Product(long m, long k, long n, bool weightsInFile) => weightsInFile
        ? LayerShape.FullyConnected(Int(k, "K"), Int(n, "N"), Int(m, "M"))
        : LayerShape.Gemm(Int(m, "M"), Int(k, "K"), Int(n, "N"));

    protected static int Int(long value, string field) =>
        value is >= 0 and <= int.MaxValue ? (int)value : throw new InputException($"{value} does not fit HwSim's 32-bit layer sizes", field);
}

/// <summary>
/// Conv-11 (same semantics since Conv-1) on 2-D images: X [N,C,H,W], W [K,C/group,R,S], optional B [K];
/// group, strides, dilations, pads or auto_pad. libtorch pads symmetrically only, so asymmetric
/// padding (CNTK writes pads [3,3,2,2] for ResNet's stem) is applied explicitly with zeros first.
/// </summary>
internal sealed class ConvKernel : OnnxComputeKernel
{
    private readonly long _group;
    private readonly OnnxWindowAttributes _window;

    public ConvKernel(NodeProto node)
    {
        _group = node.Int("group", 1);
        if (_group < 1)
            throw new InputException($"must be at least 1, got {_group}", "group");
        _window = OnnxWindow2D.Attributes(node, node.Ints("kernel_shape")?.ToArray());
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "X");
        var w = Input(inputs, 1, "W");
        var b = inputs.Count > 2 ? inputs[2] : null;
        Rank(x, 4, "the input (only 2-D convolutions, N x C x H x W)", "X");
        Rank(w, 4, "the weights (K x C/group x R x S)", "W");
        if (_window.Kernel is { } given && (given[0] != w.shape[2] || given[1] != w.shape[3]))
            throw new InputException($"[{string.Join(",", given)}] disagrees with the weights [{string.Join(",", w.shape)}]", "kernel_shape");
        if (w.shape[1] * _group != x.shape[1])
            throw new InputException($"the input has {x.shape[1]} channels but the weights [{string.Join(",", w.shape)}] with group {_group} expect {w.shape[1] * _group}", "W");
        var window = _window.Resolve(x.shape[2], x.shape[3], [w.shape[2], w.shape[3]]);
        Trace(context, () => new LayerShape(LayerKind.Convolution, Int(x.shape[0], "N"), Int(x.shape[1], "C"), Int(x.shape[2], "H"), Int(x.shape[3], "W"),
            Int(w.shape[0], "K"), Int(w.shape[2], "R"), Int(w.shape[3], "S"), Int(window.Strides[0], "strides"), Int(window.Strides[1], "strides"),
            new Padding(Int(window.Top, "pads"), Int(window.Bottom, "pads"), Int(window.Left, "pads"), Int(window.Right, "pads")),
            Int(window.Dilations[0], "dilations"), Int(window.Dilations[1], "dilations"), Int(_group, "group")));

        var (input, weight) = Before(context, x, w);
        var y = Scoped(() => window.IsSymmetric
            ? nn.functional.conv2d(input, weight, b, window.Strides, [window.Top, window.Left], window.Dilations, _group)
            : nn.functional.conv2d(nn.functional.pad(input, window.TorchPad), weight, b, window.Strides, [0, 0], window.Dilations, _group));
        After(context, y);
        return [y];
    }
}

/// <summary>
/// Gemm-13 (and earlier): Y = alpha * A' * B' + beta * C with A' = transA ? A^T : A and
/// B' = transB ? B^T : B, C broadcast to [M, N]. The hook sees B as a weight [out, in] = [N, K],
/// i.e. B itself when transB = 1 (PyTorch's Linear layout) and B^T otherwise.
/// </summary>
internal sealed class GemmKernel(NodeProto node) : OnnxComputeKernel
{
    private readonly float _alpha = node.Float("alpha", 1f);
    private readonly float _beta = node.Float("beta", 1f);
    private readonly bool _transA = node.Int("transA", 0) != 0;
    private readonly bool _transB = node.Int("transB", 0) != 0;

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var a = Input(inputs, 0, "A");
        var b = Input(inputs, 1, "B");
        var c = inputs.Count > 2 ? inputs[2] : null;
        Rank(a, 2, "A", "A");
        Rank(b, 2, "B", "B");
        var (m, k) = _transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1]);
        var (kb, n) = _transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1]);
        if (k != kb)
            throw new InputException($"A [{string.Join(",", a.shape)}] and B [{string.Join(",", b.shape)}] do not multiply (K {k} vs {kb}; transA/transB applied)", "B");
        Trace(context, () => Product(m, k, n, WeightIsConstant && !InputIsConstant));

        // Views made here are disposed here, not by a scope: the output must outlive this method.
        var rows = _transA ? a.t() : a;
        var weight = _transB ? b : b.t();
        try
        {
            var (input, w) = Before(context, rows, weight);
            var y = Scoped(() =>
            {
                var product = nn.functional.linear(input, w);
                if (_alpha != 1f)
                    product = product.mul(_alpha);
                if (c is not null && _beta != 0f)
                    product = _beta == 1f ? product.add(c) : product.add(c, _beta);
                return product;
            });
            After(context, y);
            return [y];
        }
        finally
        {
            if (!ReferenceEquals(rows, a)) rows.Dispose();
            if (!ReferenceEquals(weight, b)) weight.Dispose();
        }
    }
}

/// <summary>
/// MatMul-13 (numpy.matmul): batched products with broadcast leading axes; a 1-D operand gains a
/// unit axis that the result drops. The hook sees B as [out, in]: the last two axes swapped
/// ([K] becomes [1, K]); a replaced weight is swapped back before the product.
/// </summary>
internal sealed class MatMulKernel : OnnxComputeKernel
{
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var a = Input(inputs, 0, "A");
        var b = Input(inputs, 1, "B");
        if (a.dim() == 0 || b.dim() == 0)
            throw new InputException($"MatMul needs operands of rank 1 or more; got [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}]", "A");
        long[] left = a.dim() == 1 ? [1, a.shape[0]] : a.shape;
        long[] right = b.dim() == 1 ? [b.shape[0], 1] : b.shape;
        var (m, k, kb, n) = (left[^2], left[^1], right[^2], right[^1]);
        if (k != kb)
            throw new InputException($"A [{string.Join(",", a.shape)}] and B [{string.Join(",", b.shape)}] do not multiply (K {k} vs {kb})", "B");
        Trace(context, () =>
        {
            var rows = Broadcast(left[..^2], right[..^2]).Aggregate(1L, (p, d) => p * d) * m;
            return Product(rows, k, n, WeightIsConstant && b.dim() == 2 && !InputIsConstant);
        });

        // A view made here and disposed here, not by a scope: the output must outlive this method.
        var weight = b.dim() == 1 ? b.unsqueeze(0) : b.transpose(-1, -2);
        try
        {
            var (input, w) = Before(context, a, weight);
            var y = Scoped(() =>
            {
                // Unchanged by the hook: multiply by B itself so that an identity hook is bit-exact.
                var right = ReferenceEquals(w, weight) ? b : b.dim() == 1 ? w.reshape(b.shape) : w.transpose(-1, -2);
                return matmul(input, right);
            });
            After(context, y);
            return [y];
        }
        finally
        {
            weight.Dispose();
        }
    }

    // Numpy broadcasting of the leading (batch) axes, right-aligned; sizes 1 stretch.
    private static long[] Broadcast(long[] x, long[] y)
    {
        var rank = Math.Max(x.Length, y.Length);
        var dims = new long[rank];
        for (var i = 1; i <= rank; i++)
        {
            var (p, q) = (i <= x.Length ? x[^i] : 1, i <= y.Length ? y[^i] : 1);
            dims[^i] = p == q || q == 1 ? p : p == 1 ? q
                : throw new InputException($"the batch axes [{string.Join(",", x)}] and [{string.Join(",", y)}] do not broadcast", "B");
        }
        return dims;
    }
}
