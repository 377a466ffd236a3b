using HwSim.Workloads.Shapes;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// What the nodes around a layer say about it: a batch norm after it, a bias added to it, a residual
/// shortcut. Shared by the shape importer and the quantizer's executor, so both mark layers alike.
/// </summary>
public static class OnnxLayerTraits
{
    /// <summary>Every tensor name mapped to the nodes that read it (each node once per tensor).</summary>
    public static ILookup<string, NodeProto> Consumers(GraphProto graph) => graph.Node
        .SelectMany(node => node.Input.Where(i => i.Length > 0).Distinct().Select(input => (input, node)))
        .ToLookup(p => p.input, p => p.node, StringComparer.Ordinal);

    public static bool FeedsBatchNorm(NodeProto node, ILookup<string, NodeProto> consumers) =>
        consumers[Output(node)].Any(c => c.OpType == "BatchNormalization");

    /// <summary>
    /// A MatMul whose only reader is an Add of a constant with one value per output: how exporters
    /// write a linear layer on 3-D input (Gemm carries its bias as input C instead).
    /// <paramref name="constantElements"/> gives a tensor's element count when it is a file constant, else null.
    /// </summary>
    public static bool HasBiasAdd(NodeProto node, LayerShape shape, ILookup<string, NodeProto> consumers, Func<string, long?> constantElements)
    {
        if (node.OpType != "MatMul" || consumers[Output(node)].ToList() is not [{ OpType: "Add" } add])
            return false;
        return add.Input.Any(i => i != Output(node) && constantElements(i) == shape.Filters);
    }

    /// <summary>
    /// A 1x1 convolution on a residual shortcut (a downsample or projection): its output, directly or
    /// through a BatchNormalization, goes into an Add or Sum together with a tensor it did not produce,
    /// and its input is also read by another Conv, the block's main branch.
    /// </summary>
    /// <remarks>
    /// This catches ResNet's projection shortcuts (stride 2, and the stride-1 widening of a
    /// bottleneck's first block) but not the main branch's last 1x1 conv of a bottleneck, whose
    /// input no other Conv reads.
    /// </remarks>
    public static bool IsShortcut(NodeProto node, LayerShape shape, ILookup<string, NodeProto> consumers)
    {
        if (node.OpType != "Conv" || shape.Kind != LayerKind.Convolution || shape.KernelHeight != 1 || shape.KernelWidth != 1)
            return false;
        if (!consumers[node.Input[0]].Any(c => c.OpType == "Conv" && !ReferenceEquals(c, node)))
            return false;
        var output = Output(node);
        var own = consumers[output].Where(c => c.OpType == "BatchNormalization" && c.Output.Count > 0)
            .Select(bn => bn.Output[0]).Append(output).ToHashSet(StringComparer.Ordinal);
        return own.Any(t => consumers[t].Any(sum => sum.OpType is "Add" or "Sum" && sum.Input.Any(i => i.Length > 0 && !own.Contains(i))));
    }

    private static string Output(NodeProto node) => node.Output.Count > 0 ? node.Output[0] : "";
}
