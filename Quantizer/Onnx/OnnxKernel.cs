using HwSim.Workloads.Import.Onnx;
using HwSim.Quantizer.Models;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Onnx;

/// <summary>What one forward pass hands the compute kernels: the hook and, while tracing, where shapes go.</summary>
internal sealed class OnnxRunContext(ILayerHook? hook, IReadOnlyList<ComputeLayer>? layers, LayerShape?[]? trace)
{
    public ILayerHook? Hook { get; } = hook;
    public IReadOnlyList<ComputeLayer>? Layers { get; } = layers;
    public LayerShape?[]? Trace { get; } = trace;
}

/// <summary>
/// One ONNX node, compiled: its attributes are read and validated when the model loads, and
/// <see cref="Run"/> computes its outputs from its inputs (null for an omitted optional input).
/// Kernels create their temporaries in a dispose scope of their own and return only the outputs,
/// detached from it; the network disposes those after their last reader.
/// </summary>
internal abstract class OnnxKernel
{
    /// <summary>The ops this executor runs, for messages.</summary>
    public const string SupportedOps =
        "Conv, Gemm, MatMul, BatchNormalization, Relu, Clip, MaxPool, AveragePool, GlobalAveragePool, Add, Sum, " +
        "Flatten, Reshape, Transpose, Concat, Softmax, Identity, Dropout and Constant";

    /// <summary>Outputs in node.output order; one per output name the node lists (empty names included).</summary>
    public abstract Tensor[] Run(IReadOnlyList<Tensor?> inputs, OnnxRunContext context);

    /// <summary>
    /// The kernel for <paramref name="node"/> under default-domain opset <paramref name="opset"/>;
    /// an unsupported op or a bad attribute is an <see cref="InputException"/> (the caller adds file and node).
    /// </summary>
    public static OnnxKernel Create(NodeProto node, long opset)
    {
        if (node.Domain is not ("" or "ai.onnx"))
            throw new InputException($"unsupported ONNX op '{node.OpType}' of domain '{node.Domain}' (the executor runs the default-domain ops {SupportedOps})");
        OnnxKernel kernel = node.OpType switch
        {
            "Conv" => new ConvKernel(node),
            "Gemm" => new GemmKernel(node),
            "MatMul" => new MatMulKernel(),
            "BatchNormalization" => new BatchNormKernel(node),
            "Relu" => new UnaryKernel(x => nn.functional.relu(x)),
            "Clip" => new ClipKernel(node, opset),
            "MaxPool" => new MaxPoolKernel(node),
            "AveragePool" => new AveragePoolKernel(node),
            "GlobalAveragePool" => new UnaryKernel(GlobalAveragePool),
            "Add" => new AddKernel(node, opset),
            "Sum" => new SumKernel(),
            "Flatten" => new FlattenKernel(node),
            "Reshape" => new ReshapeKernel(node, opset),
            "Transpose" => new TransposeKernel(node),
            "Concat" => new ConcatKernel(node, opset),
            "Softmax" => new SoftmaxKernel(node, opset),
            "Identity" or "Dropout" => new IdentityKernel(node.Output.Count > 1 && node.Output[1].Length > 0),
            _ => throw new InputException($"unsupported ONNX op '{node.OpType}' (the executor runs {SupportedOps})"),
        };
        var (min, max) = InputCounts(node.OpType);
        var given = node.Input.Count;
        // Trailing optional inputs may be listed with an empty name; required ones may not.
        if (given < min || given > max || node.Input.Take(min).Any(i => i.Length == 0))
        {
            var wanted = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw new InputException($"a {node.OpType} node takes {wanted} input(s), got {given}: [{string.Join(", ", node.Input.Select(i => $"'{i}'"))}]");
        }
        if (node.Output.Count == 0 || node.Output[0].Length == 0)
            throw new InputException($"a {node.OpType} node must name its output");
        return kernel;
    }

    private static (int Min, int Max) InputCounts(string op) => op switch
    {
        "Conv" => (2, 3),
        "Gemm" => (2, 3),
        "MatMul" or "Add" => (2, 2),
        "BatchNormalization" => (5, 5),
        "Clip" => (1, 3),
        "Reshape" => (1, 2),
        "Dropout" => (1, 3),
        "Sum" or "Concat" => (1, int.MaxValue),
        _ => (1, 1),
    };

    /// <summary>Runs <paramref name="compute"/> in a dispose scope so its temporaries go at once; only the result survives.</summary>
    protected static Tensor Scoped(Func<Tensor> compute)
    {
        using var scope = NewDisposeScope();
        return compute().MoveToOuterDisposeScope();
    }

    protected static Tensor Input(IReadOnlyList<Tensor?> inputs, int index, string name) =>
        index < inputs.Count && inputs[index] is { } t ? t : throw new InputException($"input {index} ({name}) must be given", name);

    protected static void Rank(Tensor t, int rank, string what, string field)
    {
        if (t.dim() != rank)
            throw new InputException($"{what} must have rank {rank}, got shape [{string.Join(",", t.shape)}]", field);
    }

    // GlobalAveragePool-1: the mean over every spatial axis, which stay as size 1.
    private static Tensor GlobalAveragePool(Tensor x)
    {
        if (x.dim() < 3)
            throw new InputException($"needs an input of rank 3 or more (N x C x spatial), got [{string.Join(",", x.shape)}]", "X");
        return x.mean([.. Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i)], keepdim: true);
    }
}
