using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads.Shapes;
using Onnx;

namespace HwSim.Quantizer.Onnx;

/// <summary>
/// What the nodes around a compute layer say about it, by the foundation's rules
/// (HwSim.Workloads.Import.Onnx.OnnxLayerTraits, internal there) so that both agree.
/// </summary>
internal static class OnnxLayerTraits
{
    /// <summary>
    /// A 1x1 convolution on a residual shortcut: its output, directly or through a
    /// BatchNormalization, goes into an Add or Sum together with a tensor it did not produce, and its
    /// input is also read by another Conv (the block's main branch).
    /// </summary>
    public static bool IsShortcut(NodeProto node, LayerShape shape, ILookup<string, NodeProto> consumers)
    {
        if (node.OpType != "Conv" || shape.Kind != LayerKind.Convolution || shape.KernelHeight != 1 || shape.KernelWidth != 1)
            return false;
        if (!consumers[node.Input[0]].Any(c => c.OpType == "Conv" && !ReferenceEquals(c, node)))
            return false;
        var output = node.Output[0];
        var own = consumers[output].Where(c => c.OpType == "BatchNormalization" && c.Output.Count > 0)
            .Select(bn => bn.Output[0]).Append(output).ToHashSet(StringComparer.Ordinal);
        return own.Any(t => consumers[t].Any(sum => sum.OpType is "Add" or "Sum" && sum.Input.Any(i => i.Length > 0 && !own.Contains(i))));
    }

    /// <summary>A MatMul whose only reader is an Add of a file constant with one value per output (a linear layer's bias).</summary>
    public static bool HasBiasAdd(NodeProto node, LayerShape shape, ILookup<string, NodeProto> consumers,
        IReadOnlySet<string> constant, IReadOnlyDictionary<string, long> elements)
    {
        if (node.OpType != "MatMul" || consumers[node.Output[0]].ToList() is not [{ OpType: "Add" } add])
            return false;
        return add.Input.Any(i => i != node.Output[0] && constant.Contains(i) && elements.TryGetValue(i, out var n) && n == shape.Filters);
    }
}
