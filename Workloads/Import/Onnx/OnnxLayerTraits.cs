using HwSim.Workloads.Shapes;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>What the nodes around a layer say about it: a batch norm after it, a bias added to it, a residual shortcut.</summary>
internal static class OnnxLayerTraits
{
    public static bool FeedsBatchNorm(OnnxLayer layer, ILookup<string, NodeProto> consumers) =>
        consumers[Output(layer)].Any(c => c.OpType == "BatchNormalization");

    /// <summary>
    /// A MatMul whose only reader is an Add of a constant with one value per output: how exporters
    /// write a linear layer on 3-D input (Gemm carries its bias as input C instead).
    /// </summary>
    public static bool HasBiasAdd(OnnxLayer layer, ILookup<string, NodeProto> consumers, IReadOnlyDictionary<string, OnnxTensor> tensors)
    {
        if (layer.Node.OpType != "MatMul" || consumers[Output(layer)].ToList() is not [{ OpType: "Add" } add])
            return false;
        return add.Input.Any(i => i != Output(layer) && tensors.TryGetValue(i, out var t) && t.IsConstant && t.Elements == layer.Shape.Filters);
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
    public static bool IsShortcut(OnnxLayer layer, ILookup<string, NodeProto> consumers)
    {
        if (layer.Node.OpType != "Conv" || layer.Shape.Kind != LayerKind.Convolution || layer.Shape.KernelHeight != 1 || layer.Shape.KernelWidth != 1)
            return false;
        var input = layer.Node.Input[0];
        if (!consumers[input].Any(c => c.OpType == "Conv" && !ReferenceEquals(c, layer.Node)))
            return false;
        var output = Output(layer);
        var own = consumers[output].Where(c => c.OpType == "BatchNormalization" && c.Output.Count > 0)
            .Select(bn => bn.Output[0]).Append(output).ToHashSet(StringComparer.Ordinal);
        return own.Any(t => consumers[t].Any(sum => sum.OpType is "Add" or "Sum" && sum.Input.Any(i => i.Length > 0 && !own.Contains(i))));
    }

    private static string Output(OnnxLayer layer) => layer.Node.Output.Count > 0 ? layer.Node.Output[0] : "";
}
