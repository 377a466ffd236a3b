using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>Elementwise ops, reductions and the shape ops, plus the input and axis helpers the others share.</summary>
internal static partial class OnnxShapeInference
{
    // Integer results are followed only for the short vectors that shape arithmetic produces.
    private const int MaxComputedValues = 64;

    private static OnnxTensor Elementwise(string op, IReadOnlyList<OnnxTensor?> inputs)
    {
        var operands = inputs.OfType<OnnxTensor>().ToList();
        if (operands.Count == 0)
            throw new InputException("needs at least one input", "inputs");
        var dims = Broadcast(operands.Select(t => t.Dims));
        var values = dims.Length <= 1 ? Arithmetic(op, operands, OnnxTensor.Product(dims)) : null;
        return new OnnxTensor(dims, AllConstant(inputs), values);
    }

    // Shape arithmetic such as Div(Shape(x)[1], 2) before a Reshape; null when the values are not all known.
    private static ImmutableArray<long>? Arithmetic(string op, List<OnnxTensor> operands, long count)
    {
        if (count > MaxComputedValues || op is not ("Add" or "Sum" or "Sub" or "Mul" or "Div" or "Max" or "Min")
            || operands.Any(t => t.Integers is not { } v || (v.Length != 1 && v.Length != count)))
            return null;
        var result = ImmutableArray.CreateBuilder<long>((int)count);
        for (var i = 0; i < count; i++)
        {
            var acc = At(operands[0], i);
            foreach (var operand in operands.Skip(1))
            {
                var v = At(operand, i);
                if (op == "Div" && v == 0)
                    return null;
                acc = op switch
                {
                    "Add" or "Sum" => acc + v,
                    "Sub" => acc - v,
                    "Mul" => acc * v,
                    "Div" => acc / v,
                    "Max" => Math.Max(acc, v),
                    _ => Math.Min(acc, v),
                };
            }
            result.Add(acc);
        }
        return result.MoveToImmutable();

        static long At(OnnxTensor t, int i) => t.Integers!.Value.Length == 1 ? t.Integers.Value[0] : t.Integers.Value[i];
    }

    private static OnnxTensor Reduce(NodeProto node, IReadOnlyList<OnnxTensor?> inputs, ImmutableArray<long>? axes, bool emptyIsNoop)
    {
        var x = Required(inputs, 0, "data");
        if (axes is not { Length: > 0 } && emptyIsNoop)
            return new OnnxTensor(x.Dims, AllConstant(inputs));
        var reduced = axes is { Length: > 0 } a ? a.Select(v => Axis(v, x.Rank, "axes")).ToHashSet() : [.. Enumerable.Range(0, x.Rank)];
        var keep = node.Int("keepdims", 1) != 0;
        var dims = x.Dims.Select((d, i) => reduced.Contains(i) ? keep ? 1L : -1L : d).Where(d => d >= 0);
        return new OnnxTensor([.. dims], AllConstant(inputs));
    }

    private static OnnxTensor Shape(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        // Shape-15 may take a slice of the dims; out-of-range ends clamp, as in the spec.
        var start = (int)Math.Clamp(Wrap(node.Int("start", 0), x.Rank), 0, x.Rank);
        var end = (int)Math.Clamp(Wrap(node.Int("end", x.Rank), x.Rank), start, x.Rank);
        return new OnnxTensor([end - start], false, x.Dims[start..end]);

        static long Wrap(long index, int rank) => index < 0 ? index + rank : index;
    }

    private static OnnxTensor ConstantOfShape(IReadOnlyList<OnnxTensor?> inputs)
    {
        var shape = Required(inputs, 0, "input");
        var dims = Values(shape, "input");
        if (dims.Any(d => d < 0))
            throw new InputException($"[{string.Join(",", dims)}] has a negative size", "input");
        return new OnnxTensor(dims, shape.IsConstant);
    }

    /// <summary>The numpy broadcast of <paramref name="shapes"/>: aligned at the right, a size of 1 stretches.</summary>
    internal static ImmutableArray<long> Broadcast(IEnumerable<ImmutableArray<long>> shapes)
    {
        var all = shapes.ToList();
        var rank = all.Count == 0 ? 0 : all.Max(s => s.Length);
        var result = Enumerable.Repeat(1L, rank).ToArray();
        foreach (var shape in all)
        {
            for (var i = 0; i < shape.Length; i++)
            {
                var j = rank - shape.Length + i;
                var (a, b) = (result[j], shape[i]);
                result[j] = a == b || b == 1 ? a : a == 1 ? b
                    : throw new InputException($"shapes {string.Join(" and ", all.Select(s => $"[{string.Join(",", s)}]"))} do not broadcast", "inputs");
            }
        }
        return [.. result];
    }

    private static OnnxTensor Required(IReadOnlyList<OnnxTensor?> inputs, int index, string name) =>
        index < inputs.Count && inputs[index] is { } tensor ? tensor : throw new InputException($"input {index} must be given", name);

    private static bool AllConstant(IReadOnlyList<OnnxTensor?> inputs) => inputs.All(t => t is null || t.IsConstant);

    private static int Axis(long axis, int rank, string field)
    {
        var a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? (int)a : throw new InputException($"axis {axis} is out of range for rank {rank}", field);
    }

    /// <summary>
    /// Integers that older opsets give as attribute <paramref name="name"/> and newer ones as input
    /// <paramref name="index"/>; null when neither is given.
    /// </summary>
    private static ImmutableArray<long>? IntegersFrom(NodeProto node, string name, IReadOnlyList<OnnxTensor?> inputs, int index) =>
        node.Ints(name) ?? (index < inputs.Count && inputs[index] is { } tensor ? Values(tensor, name) : null);

    private static ImmutableArray<long> Values(OnnxTensor tensor, string name) =>
        tensor.Integers ?? throw new InputException($"must be a constant integer tensor the importer can read (an initializer, a Constant, or shape arithmetic on those); got a computed {tensor.DimsText} tensor", name);
}
