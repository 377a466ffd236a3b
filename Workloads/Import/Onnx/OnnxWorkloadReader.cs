using Google.Protobuf;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// Reads the layer shapes of an ONNX model: every Conv, Gemm and MatMul node becomes a layer,
/// with sizes inferred through the graph from its inputs. Nothing is executed and weight values
/// are not read.
/// </summary>
public static class OnnxWorkloadReader
{
    /// <summary>
    /// The workload of the ONNX model at <paramref name="path"/>, named after the file (without
    /// extension), its layers in execution order.
    /// </summary>
    /// <param name="path">An .onnx file (protobuf ModelProto).</param>
    /// <param name="options">Input sizes that replace the file's; by default the file's, with a symbolic batch read as 1.</param>
    /// <returns>
    /// Conv nodes as convolutions; Gemm and MatMul nodes with a weight matrix in the file as fully
    /// connected layers (batch = rows of the data operand); products of two computed tensors as GEMMs.
    /// The first layer is <see cref="LayerRole.First"/>, the last <see cref="LayerRole.Last"/>.
    /// </returns>
    /// <exception cref="InputException">
    /// The file is missing or not an ONNX model, has no layers, or a layer's shape cannot be
    /// inferred; the exception names the file and the node.
    /// </exception>
    public static Workload Read(string path, OnnxReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
            throw new InputException("an ONNX file path must be given", "path");
        try
        {
            var graph = OnnxModelFile.Read(path).Graph;
            var inputs = OnnxGraphInputs.Resolve(graph, options ?? new OnnxReadOptions(), path);
            var shapes = OnnxGraphShapes.Walk(graph, path, inputs);
            if (shapes.Layers.IsEmpty)
                throw new InputException("has no Conv, Gemm or MatMul nodes, so there are no layers to simulate", null, path);
            return new Workload(WorkloadName(path, graph), Layers(graph, shapes));
        }
        catch (InputException e) when (e.File is null)
        {
            throw e.At(path);
        }
    }

    // The file name says which model this is; exporters' graph names are often generic ("CNTKGraph", "main_graph").
    private static string WorkloadName(string path, GraphProto graph) =>
        Path.GetFileNameWithoutExtension(path) is var name && !string.IsNullOrWhiteSpace(name) ? name
        : !string.IsNullOrWhiteSpace(graph.Name) ? graph.Name : "onnx";

    private static IEnumerable<LayerWorkload> Layers(GraphProto graph, OnnxGraphShapes shapes)
    {
        var consumers = OnnxLayerTraits.Consumers(graph);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var last = shapes.Layers.Length - 1;
        return shapes.Layers.Select((layer, i) => new LayerWorkload(
            Unique(layer.Name, names),
            layer.Shape,
            role: i == 0 ? LayerRole.First : i == last ? LayerRole.Last : LayerRole.Inner,
            isDownsample: OnnxLayerTraits.IsShortcut(layer.Node, layer.Shape, consumers),
            hasBias: layer.HasBias || OnnxLayerTraits.HasBiasAdd(layer.Node, layer.Shape, consumers,
                name => shapes.Tensors.TryGetValue(name, out var t) && t.IsConstant ? t.Elements : null),
            hasBatchNorm: OnnxLayerTraits.FeedsBatchNorm(layer.Node, consumers))).ToList();
    }

    // Node names are optional and need not be unique in ONNX; layer names must be.
    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++)
            candidate = $"{name}_{n}";
        return candidate;
    }
}
