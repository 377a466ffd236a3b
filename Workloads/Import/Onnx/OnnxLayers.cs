using HwSim.Workloads.Shapes;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>A Conv, Gemm or MatMul node read as a layer: its shape, whether it adds a bias, and its output tensor.</summary>
internal sealed record OnnxLayer(NodeProto Node, string Name, LayerShape Shape, bool HasBias, OnnxTensor Output)
{
    /// <summary>The ops that become layers; everything else only carries shapes between them.</summary>
    public static bool IsLayer(NodeProto node) =>
        node.Domain is "" or "ai.onnx" && node.OpType is "Conv" or "Gemm" or "MatMul";

    public static OnnxLayer Of(NodeProto node, string name, IReadOnlyList<OnnxTensor?> inputs) => node.OpType switch
    {
        "Conv" => Conv(node, name, inputs),
        "Gemm" => Gemm(node, name, inputs),
        _ => MatMul(node, name, inputs),
    };

    private static OnnxLayer Conv(NodeProto node, string name, IReadOnlyList<OnnxTensor?> inputs)
    {
        var x = inputs.Count > 0 ? inputs[0] : null;
        var w = inputs.Count > 1 ? inputs[1] : null;
        if (x is null)
            throw new InputException("a Conv needs its data input X", "X");
        if (w is null)
            throw new InputException("a Conv needs its weights W (input 1), and none are given", "W");
        if (x.Rank != 4)
            throw new InputException($"only 2-D convolutions (an N x C x H x W input) are supported; the input is {x.DimsText}", "X");
        if (w.Rank != 4)
            throw new InputException($"the weights must be K x C/group x R x S, got {w.DimsText}", "W");
        var group = node.Int("group", 1);
        if (group < 1)
            throw new InputException($"must be at least 1, got {group}", "group");
        var kernel = w.Dims[2..];
        if (node.Ints("kernel_shape") is { } given && !given.SequenceEqual(kernel))
            throw new InputException($"[{string.Join(",", given)}] disagrees with the weights {w.DimsText}", "kernel_shape");
        if (w.Dims[1] * group != x.Dims[1])
            throw new InputException($"the input has {x.Dims[1]} channels but the weights {w.DimsText} with group {group} expect {w.Dims[1] * group}", "W");
        var windows = OnnxWindow.Of(node, x.Dims[2..], kernel, false);
        var (h, v) = (windows[0], windows[1]);
        var shape = new LayerShape(LayerKind.Convolution, Int(x.Dims[0], "N"), Int(x.Dims[1], "C"), Int(x.Dims[2], "H"), Int(x.Dims[3], "W"),
            Int(w.Dims[0], "K"), Int(h.Kernel, "R"), Int(v.Kernel, "S"), Int(h.Stride, "strides"), Int(v.Stride, "strides"),
            new Padding(Int(h.PadBegin, "pads"), Int(h.PadEnd, "pads"), Int(v.PadBegin, "pads"), Int(v.PadEnd, "pads")),
            Int(h.Dilation, "dilations"), Int(v.Dilation, "dilations"), Int(group, "group"));
        var output = OnnxTensor.Activation([shape.Batch, shape.Filters, shape.OutputHeight, shape.OutputWidth]);
        return new OnnxLayer(node, name, shape, HasInput(node, 2), output);
    }

    private static OnnxLayer Gemm(NodeProto node, string name, IReadOnlyList<OnnxTensor?> inputs)
    {
        var (a, b) = Operands(inputs);
        if (a.Rank != 2 || b.Rank != 2)
            throw new InputException($"Gemm multiplies 2-D matrices; got {a.DimsText} and {b.DimsText}", "A");
        var (m, k) = node.Int("transA", 0) != 0 ? (a.Dims[1], a.Dims[0]) : (a.Dims[0], a.Dims[1]);
        var (kb, n) = node.Int("transB", 0) != 0 ? (b.Dims[1], b.Dims[0]) : (b.Dims[0], b.Dims[1]);
        if (k != kb)
            throw new InputException($"A {a.DimsText} and B {b.DimsText} do not multiply (K {k} vs {kb}; transA/transB applied)", "B");
        return new OnnxLayer(node, name, Product(m, k, n, b.IsConstant && !a.IsConstant), HasInput(node, 2), OnnxTensor.Activation([m, n]));
    }

    private static OnnxLayer MatMul(NodeProto node, string name, IReadOnlyList<OnnxTensor?> inputs)
    {
        var (a, b) = Operands(inputs);
        if (a.Rank == 0 || b.Rank == 0)
            throw new InputException($"MatMul needs operands of rank 1 or more; got {a.DimsText} and {b.DimsText}", "A");
        // numpy.matmul: a vector operand gains a unit dimension that the output drops again.
        var left = a.Rank == 1 ? [1L, a.Dims[0]] : a.Dims;
        var right = b.Rank == 1 ? [b.Dims[0], 1L] : b.Dims;
        var (m, k, kb, n) = (left[^2], left[^1], right[^2], right[^1]);
        if (k != kb)
            throw new InputException($"A {a.DimsText} and B {b.DimsText} do not multiply (K {k} vs {kb})", "B");
        var batch = OnnxShapeInference.Broadcast([left[..^2], right[..^2]]);
        var dims = batch.ToBuilder();
        if (a.Rank > 1) dims.Add(m);
        if (b.Rank > 1) dims.Add(n);
        // A weight matrix is shared by every row, so all leading dims of A become the batch of a fully
        // connected layer; a product of two activations folds its batch into M, which keeps the MACs.
        var rows = OnnxTensor.Product(batch) * m;
        var fullyConnected = b.IsConstant && b.Rank == 2 && !a.IsConstant;
        return new OnnxLayer(node, name, Product(rows, k, n, fullyConnected), false, OnnxTensor.Activation(dims.ToImmutable()));
    }

    private static LayerShape Product(long m, long k, long n, bool weightsInFile) => weightsInFile
        ? LayerShape.FullyConnected(Int(k, "K"), Int(n, "N"), Int(m, "M"))
        : LayerShape.Gemm(Int(m, "M"), Int(k, "K"), Int(n, "N"));

    private static (OnnxTensor A, OnnxTensor B) Operands(IReadOnlyList<OnnxTensor?> inputs) =>
        (inputs.Count > 0 ? inputs[0] : null, inputs.Count > 1 ? inputs[1] : null) is ({ } a, { } b)
            ? (a, b)
            : throw new InputException("needs two inputs A and B", "B");

    private static bool HasInput(NodeProto node, int index) => node.Input.Count > index && node.Input[index].Length > 0;

    private static int Int(long value, string field) =>
        value is >= 0 and <= int.MaxValue ? (int)value : throw new InputException($"{value} does not fit HwSim's 32-bit layer sizes", field);
}
