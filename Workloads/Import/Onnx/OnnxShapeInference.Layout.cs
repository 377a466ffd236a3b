using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>Ops that rearrange a tensor without computing on it: concatenation, reshapes, slices, padding, resizing.</summary>
internal static partial class OnnxShapeInference
{
    private static OnnxTensor Concat(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var parts = inputs.OfType<OnnxTensor>().ToList();
        if (parts.Count == 0)
            throw new InputException("needs at least one input", "inputs");
        var rank = parts[0].Rank;
        var axis = Axis(node.Int("axis", 1), rank, "axis");
        var dims = parts[0].Dims.ToBuilder();
        dims[axis] = 0;
        foreach (var part in parts)
        {
            if (part.Rank != rank || Enumerable.Range(0, rank).Any(i => i != axis && part.Dims[i] != dims[i]))
                throw new InputException($"inputs {string.Join(" and ", parts.Select(p => p.DimsText))} differ outside axis {axis}", "inputs");
            dims[axis] = dims[axis] + part.Dims[axis];
        }
        var values = rank == 1 && parts.All(p => p.Integers is not null) ? parts.SelectMany(p => p.Integers!.Value).ToImmutableArray() : (ImmutableArray<long>?)null;
        return new OnnxTensor(dims.ToImmutable(), AllConstant(inputs), values);
    }

    private static OnnxTensor Flatten(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var axis = node.Int("axis", 1);
        // Unlike most axes, Flatten's may equal the rank (everything goes to the outer dimension).
        var a = axis < 0 ? axis + x.Rank : axis;
        if (a < 0 || a > x.Rank)
            throw new InputException($"axis {axis} is out of range for rank {x.Rank}", "axis");
        return new OnnxTensor([OnnxTensor.Product(x.Dims[..(int)a]), OnnxTensor.Product(x.Dims[(int)a..])], x.IsConstant, x.Integers);
    }

    private static OnnxTensor Reshape(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var target = IntegersFrom(node, "shape", inputs, 1) ?? throw new InputException("needs a target shape (input 1)", "shape");
        var allowZero = node.Int("allowzero", 0) != 0;
        var dims = new long[target.Length];
        var inferred = -1;
        for (var i = 0; i < target.Length; i++)
        {
            var t = target[i];
            if (t == 0 && !allowZero)
            {
                // 0 copies the input's size at the same position.
                dims[i] = i < x.Rank ? x.Dims[i] : throw new InputException($"0 at position {i} copies an input dimension, but the input {x.DimsText} has rank {x.Rank}", "shape");
            }
            else if (t == -1)
            {
                if (inferred >= 0)
                    throw new InputException($"[{string.Join(",", target)}] has more than one -1", "shape");
                inferred = i;
            }
            else
            {
                dims[i] = t >= 0 ? t : throw new InputException($"[{string.Join(",", target)}] has a negative size other than -1", "shape");
            }
        }
        if (inferred >= 0)
        {
            var known = OnnxTensor.Product(dims.Where((_, i) => i != inferred));
            dims[inferred] = known != 0 && x.Elements % known == 0 ? x.Elements / known
                : throw new InputException($"cannot reshape {x.DimsText} ({x.Elements} elements) to [{string.Join(",", target)}]", "shape");
        }
        if (OnnxTensor.Product(dims) != x.Elements)
            throw new InputException($"cannot reshape {x.DimsText} ({x.Elements} elements) to [{string.Join(",", target)}]", "shape");
        return new OnnxTensor([.. dims], AllConstant(inputs), x.Integers);
    }

    private static OnnxTensor Transpose(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var perm = node.Ints("perm") ?? [.. Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i)];
        if (perm.Length != x.Rank || perm.Order().Where((p, i) => p != i).Any())
            throw new InputException($"[{string.Join(",", perm)}] is not a permutation of the {x.Rank} axes of {x.DimsText}", "perm");
        return new OnnxTensor([.. perm.Select(p => x.Dims[(int)p])], x.IsConstant);
    }

    private static OnnxTensor Squeeze(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var axes = IntegersFrom(node, "axes", inputs, 1) is { } given
            ? [.. given.Select(a => Axis(a, x.Rank, "axes"))]
            : Enumerable.Range(0, x.Rank).Where(i => x.Dims[i] == 1).ToHashSet();
        foreach (var a in axes)
        {
            if (x.Dims[a] != 1)
                throw new InputException($"axis {a} of {x.DimsText} has size {x.Dims[a]}, not 1", "axes");
        }
        return new OnnxTensor([.. x.Dims.Where((_, i) => !axes.Contains(i))], AllConstant(inputs), x.Integers);
    }

    private static OnnxTensor Unsqueeze(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var given = IntegersFrom(node, "axes", inputs, 1) ?? throw new InputException("must be given", "axes");
        var rank = x.Rank + given.Length;
        var axes = given.Select(a => Axis(a, rank, "axes")).ToHashSet();
        if (axes.Count != given.Length)
            throw new InputException($"[{string.Join(",", given)}] names an axis twice", "axes");
        var rest = x.Dims.GetEnumerator();
        var dims = new long[rank];
        for (var i = 0; i < rank; i++)
            dims[i] = axes.Contains(i) ? 1 : rest.MoveNext() ? rest.Current : 1;
        return new OnnxTensor([.. dims], AllConstant(inputs), x.Integers);
    }

    private static OnnxTensor Pad(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var pads = node.Ints("paddings") ?? IntegersFrom(node, "pads", inputs, 1) ?? throw new InputException("must be given", "pads");
        var axes = IntegersFrom(node, "axes", inputs, 3) is { } given
            ? [.. given.Select(a => Axis(a, x.Rank, "axes"))]
            : Enumerable.Range(0, x.Rank).ToArray();
        if (pads.Length != 2 * axes.Length)
            throw new InputException($"needs {2 * axes.Length} values (begins then ends), got {pads.Length}", "pads");
        var dims = x.Dims.ToBuilder();
        for (var i = 0; i < axes.Length; i++)
        {
            // Negative pads crop.
            var size = dims[axes[i]] + pads[i] + pads[i + axes.Length];
            dims[axes[i]] = size >= 0 ? size : throw new InputException($"[{string.Join(",", pads)}] crops axis {axes[i]} of {x.DimsText} below zero", "pads");
        }
        return new OnnxTensor(dims.ToImmutable(), AllConstant(inputs));
    }

    private static OnnxTensor Slice(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var starts = IntegersFrom(node, "starts", inputs, 1) ?? throw new InputException("must be given", "starts");
        var ends = IntegersFrom(node, "ends", inputs, 2) ?? throw new InputException("must be given", "ends");
        var axes = IntegersFrom(node, "axes", inputs, 3) ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        var steps = IntegersFrom(node, "steps", inputs, 4) ?? [.. Enumerable.Repeat(1L, starts.Length)];
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw new InputException("starts, ends, axes and steps differ in length", "starts");
        var dims = x.Dims.ToBuilder();
        var first = new long[x.Rank];
        var step = Enumerable.Repeat(1L, x.Rank).ToArray();
        for (var i = 0; i < starts.Length; i++)
        {
            var a = Axis(axes[i], x.Rank, "axes");
            var (size, s) = (x.Dims[a], steps[i]);
            if (s == 0)
                throw new InputException("a step of 0 is not allowed", "steps");
            if (size == 0)
                continue;
            // Negative positions count from the end; the clamps follow the spec, which differ by direction.
            var begin = starts[i] < 0 ? starts[i] + size : starts[i];
            var end = ends[i] < 0 ? ends[i] + size : ends[i];
            (begin, end) = s > 0 ? (Math.Clamp(begin, 0, size), Math.Clamp(end, 0, size)) : (Math.Clamp(begin, 0, size - 1), Math.Clamp(end, -1, size - 1));
            dims[a] = Math.Max(0, s > 0 ? OnnxWindow.CeilDiv(end - begin, s) : OnnxWindow.CeilDiv(begin - end, -s));
            (first[a], step[a]) = (begin, s);
        }
        var values = x.Rank == 1 && x.Integers is { } v ? [.. Enumerable.Range(0, (int)dims[0]).Select(i => v[(int)(first[0] + i * step[0])])] : (ImmutableArray<long>?)null;
        return new OnnxTensor(dims.ToImmutable(), AllConstant(inputs), values);
    }

    private static OnnxTensor Gather(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var indices = Required(inputs, 1, "indices");
        var axis = Axis(node.Int("axis", 0), x.Rank, "axis");
        ImmutableArray<long>? values = null;
        if (x.Rank == 1 && x.Integers is { } data && indices.Integers is { } picks)
        {
            values = [.. picks.Select(p => p >= -x.Dims[0] && p < x.Dims[0]
                ? data[(int)(p < 0 ? p + x.Dims[0] : p)]
                : throw new InputException($"index {p} is out of range for {x.DimsText}", "indices"))];
        }
        return new OnnxTensor([.. x.Dims[..axis], .. indices.Dims, .. x.Dims[(axis + 1)..]], AllConstant(inputs), values);
    }

    private static ImmutableArray<OnnxTensor> Split(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var axis = Axis(node.Int("axis", 0), x.Rank, "axis");
        var size = x.Dims[axis];
        var count = node.Output.Count;
        // Without explicit sizes the parts are equal, the last one smaller when the size does not divide.
        var chunk = count == 0 ? size : OnnxWindow.CeilDiv(size, count);
        var parts = IntegersFrom(node, "split", inputs, 1)
            ?? [.. Enumerable.Range(0, count).Select(i => Math.Clamp(size - i * chunk, 0, chunk))];
        if (parts.Sum() != size || parts.Any(p => p < 0))
            throw new InputException($"[{string.Join(",", parts)}] does not split axis {axis} of {x.DimsText}", "split");
        return [.. parts.Select(p => new OnnxTensor(x.Dims.SetItem(axis, p), AllConstant(inputs)))];
    }

    private static OnnxTensor Tile(IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var repeats = Values(Required(inputs, 1, "repeats"), "repeats");
        if (repeats.Length != x.Rank)
            throw new InputException($"needs {x.Rank} values, got {repeats.Length}", "repeats");
        return new OnnxTensor([.. x.Dims.Select((d, i) => d * repeats[i])], AllConstant(inputs));
    }

    private static OnnxTensor Expand(IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var shape = Values(Required(inputs, 1, "shape"), "shape");
        return new OnnxTensor(Broadcast([x.Dims, shape]), AllConstant(inputs));
    }

    private static OnnxTensor Resize(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        // Upsample-7 has a scales attribute; Resize-10 and Upsample-9 take scales as input 1;
        // Resize-11 and later take roi, scales, sizes as inputs 1, 2, 3, with an empty tensor for the unused one.
        ImmutableArray<double>? scales = node.Floats("scales")
            ?? (inputs.Count == 2 ? Reals(inputs[1]) : inputs.Count > 2 ? Reals(inputs[2]) : null);
        var sizes = inputs.Count > 3 && inputs[3] is { Elements: > 0 } s ? Values(s, "sizes") : (ImmutableArray<long>?)null;
        var axes = node.Ints("axes") is { } given ? [.. given.Select(a => Axis(a, x.Rank, "axes"))] : Enumerable.Range(0, x.Rank).ToArray();
        var dims = x.Dims.ToBuilder();
        for (var i = 0; i < axes.Length; i++)
        {
            var a = axes[i];
            if (sizes is { } z && z.Length == axes.Length)
                dims[a] = z[i];
            else if (scales is { } f && f.Length == axes.Length)
                dims[a] = (long)Math.Floor(x.Dims[a] * f[i]);
            else
                throw new InputException($"needs {axes.Length} constant scales or sizes", "scales");
        }
        return new OnnxTensor(dims.ToImmutable(), AllConstant(inputs));
    }

    private static ImmutableArray<double>? Reals(OnnxTensor? tensor) => tensor switch
    {
        null or { Elements: 0 } => null,
        { Reals: { } r } => r,
        _ => throw new InputException("the scales must be a constant the importer can read", "scales"),
    };
}
