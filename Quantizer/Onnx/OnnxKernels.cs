using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Onnx;

/// <summary>An op with one input and one output computed by a torch function (Relu, GlobalAveragePool).</summary>
internal sealed class UnaryKernel(Func<Tensor, Tensor> apply) : OnnxKernel
{
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context) =>
        [Scoped(() => apply(Input(inputs, 0, "X")))];
}

/// <summary>
/// Identity-1 and Dropout (all versions) in inference: the output is the input. Dropout's optional
/// mask output is all true then (Dropout-12: "mask ... all ones" when not training). A new handle on the
/// same storage is returned so that each graph tensor can be disposed on its own.
/// </summary>
internal sealed class IdentityKernel(bool withMask) : OnnxKernel
{
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "input");
        return withMask ? [x.alias(), ones_like(x, dtype: ScalarType.Bool)] : [x.alias()];
    }
}

/// <summary>
/// BatchNormalization in inference: Y = scale * (X - mean) / sqrt(var + epsilon) + B over axis 1.
/// Training mode (BatchNormalization-14/15 training_mode = 1, or the running/saved statistics
/// outputs of versions before 9 being used) is refused. Before version 9, spatial = 0 gave the
/// statistics one value per activation ([C, H, W], say); they then broadcast over the batch only.
/// </summary>
internal sealed class BatchNormKernel : OnnxKernel
{
    private readonly double _epsilon;

    public BatchNormKernel(NodeProto node)
    {
        _epsilon = node.Float("epsilon", 1e-5f);
        if (node.Int("training_mode", 0) != 0)
            throw new InputException("training mode is not supported (the executor runs inference only)", "training_mode");
        if (node.Output.Skip(1).Any(o => o.Length > 0))
            throw new InputException("only output Y is supported: the running and saved statistics outputs exist in training mode, and the executor runs inference only", "outputs");
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "X");
        var (scale, bias, mean, variance) = (Input(inputs, 1, "scale"), Input(inputs, 2, "B"), Input(inputs, 3, "input_mean"), Input(inputs, 4, "input_var"));
        if (x.dim() < 2)
            throw new InputException($"needs an input of rank 2 or more (N x C x ...), got [{string.Join(",", x.shape)}]", "X");
        if (scale.dim() == 1)
        {
            return [Scoped(() => nn.functional.batch_norm(x, mean, variance, scale, bias, false, 0.1, _epsilon))];
        }
        // Per-activation statistics (spatial = 0): shape [C, ...] broadcasts against [N, C, ...] after a batch axis.
        return [Scoped(() =>
        {
            Tensor Batch(Tensor t) => t.unsqueeze(0);
            return (x - Batch(mean)) / (Batch(variance) + _epsilon).sqrt() * Batch(scale) + Batch(bias);
        })];
    }
}

/// <summary>
/// Clip: before version 11 the bounds are attributes min and max (default: the float range);
/// from Clip-11 they are optional scalar inputs 1 and 2. If min exceeds max every value becomes
/// max (Clip-13), as torch.clamp does.
/// </summary>
internal sealed class ClipKernel : OnnxKernel
{
    private readonly bool _fromInputs;
    private readonly float _min;
    private readonly float _max;

    public ClipKernel(NodeProto node, long opset)
    {
        _fromInputs = opset >= 11;
        if (!_fromInputs && node.Input.Count > 1)
            throw new InputException($"before opset 11 Clip takes its bounds as attributes min and max, not inputs (the model imports opset {opset})", "min");
        _min = node.Float("min", float.MinValue);
        _max = node.Float("max", float.MaxValue);
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "input");
        var min = _fromInputs ? Bound(inputs, 1, "min") ?? float.MinValue : _min;
        var max = _fromInputs ? Bound(inputs, 2, "max") ?? float.MaxValue : _max;
        return [Scoped(() => x.clamp(min, max))];
    }

    private static float? Bound(IReadOnlyList<Tensor?> inputs, int index, string name)
    {
        if (index >= inputs.Count || inputs[index] is not { } t)
            return null;
        if (t.numel() != 1)
            throw new InputException($"must be a scalar, got shape [{string.Join(",", t.shape)}]", name);
        return t.ToSingle();
    }
}

/// <summary>
/// MaxPool-12 on 2-D images: kernel_shape, strides, pads or auto_pad, dilations, ceil_mode.
/// Padding never wins the max (the spec pads with -inf). libtorch takes symmetric padding of at
/// most half the kernel only; other padding is applied explicitly with -inf, and in ceil mode the
/// result is cut to the ONNX output size (a window may not start in the end padding).
/// The optional Indices output is not supported.
/// </summary>
internal sealed class MaxPoolKernel : OnnxKernel
{
    private readonly OnnxWindowAttributes _window;
    private readonly bool _ceil;

    public MaxPoolKernel(NodeProto node)
    {
        var kernel = node.Ints("kernel_shape")?.ToArray() ?? throw new InputException("must be given", "kernel_shape");
        _window = OnnxWindow2D.Attributes(node, kernel);
        _ceil = node.Int("ceil_mode", 0) != 0;
        // storage_order only lays out Indices, so it matters only when that output is asked for.
        if (node.Output.Skip(1).Any(o => o.Length > 0))
            throw new InputException("the Indices output is not supported; only output Y is", "Indices");
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "X");
        Rank(x, 4, "the input (only 2-D pooling, N x C x H x W)", "X");
        var window = _window.Resolve(x.shape[2], x.shape[3], _window.Kernel!);
        var size = _window.OutputSize(window, x.shape[2], x.shape[3], _ceil);
        return [Scoped(() =>
        {
            var y = window.PoolsNatively
                ? nn.functional.max_pool2d(x, window.Kernel, window.Strides, [window.Top, window.Left], window.Dilations, _ceil)
                : nn.functional.max_pool2d(nn.functional.pad(x, window.TorchPad, PaddingModes.Constant, double.NegativeInfinity),
                    window.Kernel, window.Strides, [0, 0], window.Dilations, _ceil);
            return Cut(y, size);
        })];
    }

    /// <summary>Drops trailing windows libtorch keeps but ONNX does not (ceil mode with explicit padding).</summary>
    internal static Tensor Cut(Tensor y, long[] size) =>
        y.shape[2] == size[0] && y.shape[3] == size[1] ? y
            : y.shape[2] >= size[0] && y.shape[3] >= size[1] ? y[.., .., ..(int)size[0], ..(int)size[1]]
            : throw new InvalidOperationException($"pooling gave [{string.Join(",", y.shape)}], smaller than the ONNX output size [{string.Join(",", size)}]");
}

/// <summary>
/// AveragePool-19 on 2-D images: kernel_shape, strides, pads or auto_pad, ceil_mode and
/// count_include_pad (default 0: padding does not count in the divisor). Padding libtorch cannot
/// take natively is applied explicitly; without count_include_pad the divisor is then the
/// average of a padded mask of ones, which counts exactly the real pixels of each window.
/// </summary>
internal sealed class AveragePoolKernel : OnnxKernel
{
    private readonly OnnxWindowAttributes _window;
    private readonly bool _ceil;
    private readonly bool _countPad;

    public AveragePoolKernel(NodeProto node)
    {
        var kernel = node.Ints("kernel_shape")?.ToArray() ?? throw new InputException("must be given", "kernel_shape");
        _window = OnnxWindow2D.Attributes(node, kernel);
        if (_window.Dilations.Any(d => d != 1))
            throw new InputException($"dilated average pooling is not supported, got [{string.Join(",", _window.Dilations)}]", "dilations");
        _ceil = node.Int("ceil_mode", 0) != 0;
        _countPad = node.Int("count_include_pad", 0) != 0;
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "X");
        Rank(x, 4, "the input (only 2-D pooling, N x C x H x W)", "X");
        var window = _window.Resolve(x.shape[2], x.shape[3], _window.Kernel!);
        var size = _window.OutputSize(window, x.shape[2], x.shape[3], _ceil);
        return [Scoped(() =>
        {
            if (window.PoolsNatively)
                return MaxPoolKernel.Cut(nn.functional.avg_pool2d(x, window.Kernel, window.Strides, [window.Top, window.Left], _ceil, _countPad), size);
            var sum = nn.functional.avg_pool2d(nn.functional.pad(x, window.TorchPad), window.Kernel, window.Strides, [0, 0], _ceil, true);
            if (_countPad)
                return MaxPoolKernel.Cut(sum, size);
            var mask = nn.functional.pad(ones(1, 1, x.shape[2], x.shape[3], dtype: x.dtype), window.TorchPad);
            var share = nn.functional.avg_pool2d(mask, window.Kernel, window.Strides, [0, 0], _ceil, true);
            return MaxPoolKernel.Cut(sum / share, size);
        })];
    }
}

/// <summary>
/// Add-14 (multidirectional numpy broadcasting since Add-7). Before version 7, broadcast = 1 let B
/// be a suffix of A's shape, or with axis a contiguous run of A's axes starting there.
/// </summary>
internal sealed class AddKernel : OnnxKernel
{
    private readonly long? _legacyAxis;
    private readonly bool _legacyBroadcast;

    public AddKernel(NodeProto node, long opset)
    {
        if (opset < 7)
        {
            _legacyBroadcast = node.Int("broadcast", 0) != 0;
            _legacyAxis = node.Find("axis") is not null ? node.Int("axis", 0) : null;
        }
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var (a, b) = (Input(inputs, 0, "A"), Input(inputs, 1, "B"));
        return [Scoped(() =>
        {
            if (_legacyBroadcast && _legacyAxis is { } axis)
            {
                // Align B's axes to start at `axis` of A: add trailing unit axes.
                var start = axis < 0 ? axis + a.dim() : axis;
                var trailing = a.dim() - start - b.dim();
                if (start < 0 || trailing < 0)
                    throw new InputException($"B [{string.Join(",", b.shape)}] does not fit A [{string.Join(",", a.shape)}] from axis {axis}", "axis");
                return a + b.reshape([.. b.shape, .. Enumerable.Repeat(1L, (int)trailing)]);
            }
            return a + b;
        })];
    }
}

/// <summary>Sum-13: the elementwise sum of all inputs with numpy broadcasting.</summary>
internal sealed class SumKernel : OnnxKernel
{
    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context) => [Scoped(() =>
    {
        var total = Input(inputs, 0, "data_0").clone();
        for (var i = 1; i < inputs.Count; i++)
            total = total + Input(inputs, i, $"data_{i}");
        return total;
    })];
}

/// <summary>Flatten-13: a 2-D [d0*...*d(axis-1), d(axis)*...*dn] view; axis defaults to 1, negative counts from the end (Flatten-11).</summary>
internal sealed class FlattenKernel(NodeProto node) : OnnxKernel
{
    private readonly long _axis = node.Int("axis", 1);

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "input");
        var axis = _axis < 0 ? _axis + x.dim() : _axis;
        if (axis < 0 || axis > x.dim())
            throw new InputException($"must be in [-{x.dim()}, {x.dim()}] for an input of rank {x.dim()}, got {_axis}", "axis");
        var outer = x.shape[..(int)axis].Aggregate(1L, (p, d) => p * d);
        var inner = x.shape[(int)axis..].Aggregate(1L, (p, d) => p * d);
        return [Scoped(() => x.reshape(outer, inner))];
    }
}

/// <summary>
/// Reshape-14: the new shape comes from int64 input 1 (from Reshape-5; an attribute before). A 0
/// copies the input's size on that axis unless allowzero = 1, and one -1 is inferred.
/// </summary>
internal sealed class ReshapeKernel : OnnxKernel
{
    private readonly long[]? _shapeAttribute;
    private readonly bool _allowZero;

    public ReshapeKernel(NodeProto node, long opset)
    {
        if (opset < 5)
            _shapeAttribute = node.Ints("shape")?.ToArray() ?? throw new InputException("must be given before opset 5", "shape");
        else if (node.Input.Count < 2 || node.Input[1].Length == 0)
            throw new InputException("a Reshape node from opset 5 takes its target shape as input 1", "shape");
        _allowZero = node.Int("allowzero", 0) != 0;
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "data");
        long[] shape;
        if (_shapeAttribute is not null)
        {
            shape = [.. _shapeAttribute];
        }
        else
        {
            var given = Input(inputs, 1, "shape");
            if (given.dtype != ScalarType.Int64 || given.dim() != 1)
                throw new InputException($"must be a 1-D int64 tensor, got {given.dtype} of shape [{string.Join(",", given.shape)}]", "shape");
            shape = given.data<long>().ToArray();
        }
        if (shape.Count(d => d == -1) > 1 || shape.Any(d => d < -1))
            throw new InputException($"[{string.Join(",", shape)}] may hold one -1 and no other negative size", "shape");
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && !_allowZero)
            {
                if (i >= x.dim())
                    throw new InputException($"0 at axis {i} copies an input axis, but the input [{string.Join(",", x.shape)}] has rank {x.dim()}", "shape");
                shape[i] = x.shape[i];
            }
        }
        var known = shape.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        if (shape.Contains(-1) ? known == 0 || x.numel() % known != 0 : known != x.numel())
            throw new InputException($"cannot reshape [{string.Join(",", x.shape)}] ({x.numel()} elements) to [{string.Join(",", shape)}]", "shape");
        return [Scoped(() => x.reshape(shape))];
    }
}

/// <summary>Transpose-13: permutes the axes by perm (default: reversed).</summary>
internal sealed class TransposeKernel(NodeProto node) : OnnxKernel
{
    private readonly long[]? _perm = node.Ints("perm")?.ToArray();

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "data");
        var perm = _perm ?? [.. Enumerable.Range(0, (int)x.dim()).Reverse().Select(i => (long)i)];
        if (perm.Length != x.dim() || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
            throw new InputException($"[{string.Join(",", perm)}] is not a permutation of the {x.dim()} axes", "perm");
        return [Scoped(() => x.permute(perm).contiguous())];
    }
}

/// <summary>Concat-13: joins the inputs along axis (required since Concat-4; negative from Concat-11).</summary>
internal sealed class ConcatKernel : OnnxKernel
{
    private readonly long _axis;

    public ConcatKernel(NodeProto node, long opset)
    {
        _axis = node.Find("axis") is not null ? node.Int("axis", 1)
            : opset < 4 ? 1 : throw new InputException("must be given (Concat-4 and later)", "axis");
    }

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var parts = inputs.Select((t, i) => t ?? throw new InputException($"input {i} must be given", "inputs")).ToArray();
        var rank = parts[0].dim();
        var axis = _axis < 0 ? _axis + rank : _axis;
        if (axis < 0 || axis >= rank)
            throw new InputException($"must be in [-{rank}, {rank - 1}] for inputs of rank {rank}, got {_axis}", "axis");
        return [Scoped(() => cat(parts, axis))];
    }
}

/// <summary>
/// Softmax. From Softmax-13 it normalises along axis (default -1). Before 13 the input is coerced
/// to 2-D [d0*...*d(axis-1), d(axis)*...*dn] (axis default 1) and each row is normalised, i.e. over
/// all axes from axis on; the result has the input's shape.
/// </summary>
internal sealed class SoftmaxKernel(NodeProto node, long opset) : OnnxKernel
{
    private readonly bool _coerce = opset < 13;
    private readonly long _axis = node.Int("axis", opset < 13 ? 1 : -1);

    public override Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context)
    {
        var x = Input(inputs, 0, "input");
        var rank = x.dim();
        var axis = _axis < 0 ? _axis + rank : _axis;
        if (axis < 0 || axis >= Math.Max(rank, 1))
            throw new InputException($"must be in [-{rank}, {rank - 1}] for an input of rank {rank}, got {_axis}", "axis");
        return [Scoped(() =>
        {
            if (!_coerce)
                return nn.functional.softmax(x, axis);
            var outer = x.shape[..(int)axis].Aggregate(1L, (p, d) => p * d);
            return nn.functional.softmax(x.reshape(outer, -1), 1).reshape(x.shape);
        })];
    }
}
