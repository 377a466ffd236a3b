using System.Collections.Frozen;
using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// Output shapes of the ops that carry feature maps between layers (activations, norms, pooling,
/// elementwise, reshaping), computed from input shapes and attributes as the ONNX operator spec
/// defines them, so a file without value_info still imports. Values are followed only for the
/// small integer tensors that shape arithmetic passes around (Shape -> Gather -> Concat -> Reshape).
/// </summary>
internal static partial class OnnxShapeInference
{
    // Output 0 has input 0's shape: activations, normalizations, quantize/dequantize, casts.
    private static readonly FrozenSet<string> SameShape = FrozenSet.Create(StringComparer.Ordinal,
        "Relu", "LeakyRelu", "PRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Celu",
        "Gelu", "Mish", "Softplus", "Softsign", "ThresholdedRelu", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal",
        "Floor", "Ceil", "Round", "Erf", "Sign", "Not", "Sin", "Cos", "IsNaN", "Identity", "Cast", "Dropout",
        "Softmax", "LogSoftmax", "Hardmax", "InstanceNormalization", "LayerNormalization", "LpNormalization",
        "LRN", "MeanVarianceNormalization", "QuantizeLinear", "DequantizeLinear");

    // Numpy-style broadcasting of all inputs.
    private static readonly FrozenSet<string> Broadcasting = FrozenSet.Create(StringComparer.Ordinal,
        "Add", "Sub", "Mul", "Div", "Sum", "Mean", "Max", "Min", "Pow", "Mod", "Where", "Equal", "Less",
        "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Xor", "BitShift");

    private static readonly FrozenSet<string> Reductions = FrozenSet.Create(StringComparer.Ordinal,
        "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    /// <summary>
    /// Shapes of <paramref name="node"/>'s outputs in order; trailing optional outputs that are
    /// not inferred are left out. <paramref name="inputs"/> follows node.input, null where an
    /// optional input is omitted.
    /// </summary>
    public static ImmutableArray<OnnxTensor> Infer(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var op = node.OpType;
        if (node.Domain is not ("" or "ai.onnx"))
            throw new InputException($"cannot infer output shape of op {op} (domain {node.Domain})");
        if (op == "BatchNormalization")
            return BatchNormalization(node, inputs);
        if (SameShape.Contains(op))
            return SameAs(node, inputs);
        if (Broadcasting.Contains(op))
            return [Elementwise(op, inputs)];
        if (Reductions.Contains(op))
            return [Reduce(node, inputs, IntegersFrom(node, "axes", inputs, 1), node.Int("noop_with_empty_axes", 0) != 0)];
        return op switch
        {
            "ArgMax" or "ArgMin" => [Reduce(node, inputs, [node.Int("axis", 0)], false) with { IsConstant = false }],
            "MaxPool" => WithIndices(Pool(node, inputs)),
            "AveragePool" or "LpPool" => [Pool(node, inputs)],
            "GlobalAveragePool" or "GlobalMaxPool" or "GlobalLpPool" => [GlobalPool(inputs)],
            "Constant" => [Constant(node)],
            "Concat" => [Concat(node, inputs)],
            "Flatten" => [Flatten(node, inputs)],
            "Reshape" => [Reshape(node, inputs)],
            "Transpose" => [Transpose(node, inputs)],
            "Squeeze" => [Squeeze(node, inputs)],
            "Unsqueeze" => [Unsqueeze(node, inputs)],
            "Pad" => [Pad(node, inputs)],
            "Slice" => [Slice(node, inputs)],
            "Gather" => [Gather(node, inputs)],
            "Shape" => [Shape(node, inputs)],
            "Size" => [new OnnxTensor([], false, [Required(inputs, 0, "data").Elements])],
            "ConstantOfShape" => [ConstantOfShape(inputs)],
            "Expand" => [Expand(inputs)],
            "Tile" => [Tile(inputs)],
            "Split" => Split(node, inputs),
            "Resize" or "Upsample" => [Resize(node, inputs)],
            _ => throw new InputException($"cannot infer output shape of op {op}"),
        };
    }

    private static ImmutableArray<OnnxTensor> SameAs(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var output = node.OpType switch
        {
            "Identity" => x,
            "Cast" => Cast(x, node.Int("to", 0)),
            _ => new OnnxTensor(x.Dims, AllConstant(inputs)),
        };
        // Dropout's optional mask has the data's shape.
        return node.OpType == "Dropout" ? [output, output] : [output];
    }

    private static OnnxTensor Cast(OnnxTensor x, long to) => (TensorProto.Types.DataType)to switch
    {
        TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 => new OnnxTensor(x.Dims, x.IsConstant, x.Integers),
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double =>
            new OnnxTensor(x.Dims, x.IsConstant, null, x.Reals ?? (x.Integers is { } i ? [.. i.Select(v => (double)v)] : null)),
        _ => new OnnxTensor(x.Dims, x.IsConstant),
    };

    private static ImmutableArray<OnnxTensor> BatchNormalization(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var y = new OnnxTensor(x.Dims, AllConstant(inputs));
        // In training mode the extra outputs are running and saved statistics, one per channel like the mean.
        var perChannel = OnnxTensor.Activation(Required(inputs, 3, "mean").Dims);
        return [y, .. Enumerable.Repeat(perChannel, Math.Max(0, node.Output.Count - 1))];
    }

    private static OnnxTensor Pool(NodeProto node, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Rank < 3)
            throw new InputException($"needs an input of rank 3 or more (N x C x spatial), got {x.DimsText}", "X");
        var kernel = node.Ints("kernel_shape") ?? throw new InputException("must be given", "kernel_shape");
        if (kernel.Length != x.Rank - 2)
            throw new InputException($"has {kernel.Length} values for {x.Rank - 2} spatial axes", "kernel_shape");
        var windows = OnnxWindow.Of(node, x.Dims[2..], kernel, node.Int("ceil_mode", 0) != 0);
        return OnnxTensor.Activation([x.Dims[0], x.Dims[1], .. windows.Select(w => w.Output)]);
    }

    // MaxPool's optional second output, the argmax indices, has the pooled shape.
    private static ImmutableArray<OnnxTensor> WithIndices(OnnxTensor pooled) => [pooled, pooled];

    private static OnnxTensor GlobalPool(IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Rank < 3)
            throw new InputException($"needs an input of rank 3 or more (N x C x spatial), got {x.DimsText}", "X");
        return OnnxTensor.Activation([x.Dims[0], x.Dims[1], .. Enumerable.Repeat(1L, x.Rank - 2)]);
    }

    private static OnnxTensor Constant(NodeProto node)
    {
        if (node.Find("value") is { T: { } tensor })
            return OnnxTensor.FromProto(tensor);
        if (node.Find("sparse_value") is { SparseTensor: { } sparse })
            return new OnnxTensor([.. sparse.Dims], true);
        if (node.Find("value_int") is { } one)
            return new OnnxTensor([], true, [one.I]);
        if (node.Find("value_ints") is { } many)
            return new OnnxTensor([many.Ints.Count], true, [.. many.Ints]);
        if (node.Find("value_float") is { } real)
            return new OnnxTensor([], true, null, [real.F]);
        if (node.Find("value_floats") is { } reals)
            return new OnnxTensor([reals.Floats.Count], true, null, [.. reals.Floats.Select(f => (double)f)]);
        if (node.Find("value_string") is not null)
            return new OnnxTensor([], true);
        if (node.Find("value_strings") is { } strings)
            return new OnnxTensor([strings.Strings.Count], true);
        throw new InputException("a Constant needs one of value, value_int(s), value_float(s), value_string(s) or sparse_value", "value");
    }
}
