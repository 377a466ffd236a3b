using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// The layers of a graph and the shape of every tensor, found by walking the nodes in dependency
/// order from the graph inputs and initializers. The file's value_info is not consulted: many
/// exports leave it out, and shapes computed here cannot disagree with the layers.
/// </summary>
internal sealed record OnnxGraphShapes(ImmutableArray<OnnxLayer> Layers, ImmutableDictionary<string, OnnxTensor> Tensors)
{
    /// <summary>
    /// Walks <paramref name="graph"/> from <paramref name="inputs"/> (its graph inputs, sized).
    /// A node whose shape cannot be inferred marks its outputs with the error, which is raised only
    /// when a layer needs one of them: post-processing the importer does not know (NonMaxSuppression,
    /// say) after the last layer does not block an import.
    /// </summary>
    public static OnnxGraphShapes Walk(GraphProto graph, string file, IReadOnlyDictionary<string, OnnxSlot> inputs)
    {
        var slots = new Dictionary<string, OnnxSlot>(inputs, StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
            slots[initializer.Name] = Initializer(initializer.Name, () => OnnxTensor.FromProto(initializer), file);
        foreach (var sparse in graph.SparseInitializer)
        {
            if (sparse.Values is { } values)
                slots[values.Name] = Initializer(values.Name, () => new OnnxTensor([.. sparse.Dims], true), file);
        }

        var layers = ImmutableArray.CreateBuilder<OnnxLayer>();
        foreach (var (node, index) in DependencyOrder(graph, [.. slots.Keys]))
        {
            var name = NodeName(node, index);
            var location = $"node '{name}' ({node.OpType})";
            var isLayer = OnnxLayer.IsLayer(node);
            var (tensors, error) = Inputs(node, slots);
            var outputs = ImmutableArray<OnnxTensor>.Empty;
            if (error is null)
            {
                try
                {
                    if (isLayer)
                    {
                        var layer = OnnxLayer.Of(node, name, tensors);
                        layers.Add(layer);
                        outputs = [layer.Output];
                    }
                    else
                    {
                        outputs = OnnxShapeInference.Infer(node, tensors);
                    }
                }
                catch (InputException e)
                {
                    error = e;
                }
                catch (OverflowException)
                {
                    error = new InputException("its sizes overflow 64-bit arithmetic");
                }
            }
            if (error is not null)
            {
                // An error from upstream already names its own node; one raised here gets this node.
                if (error.Location is null)
                    error = error.At(file, location);
                if (isLayer)
                    throw error;
            }
            for (var k = 0; k < node.Output.Count; k++)
            {
                var output = node.Output[k];
                if (output.Length == 0)
                    continue;
                slots[output] = error is not null ? OnnxSlot.Failed(error)
                    : k < outputs.Length ? OnnxSlot.Of(outputs[k])
                    : OnnxSlot.Failed(new InputException($"cannot infer the shape of its output {k} ('{output}')", null, file, location));
            }
        }
        var known = slots.Where(s => s.Value.Tensor is not null).ToImmutableDictionary(s => s.Key, s => s.Value.Tensor!, StringComparer.Ordinal);
        return new OnnxGraphShapes(layers.ToImmutable(), known);
    }

    /// <summary>The node's name, or "OpType_index" (its position in the file) when it has none.</summary>
    public static string NodeName(NodeProto node, int index) =>
        string.IsNullOrWhiteSpace(node.Name) ? $"{(node.OpType.Length > 0 ? node.OpType : "node")}_{index}" : node.Name.Trim();

    private static OnnxSlot Initializer(string name, Func<OnnxTensor> read, string file)
    {
        try
        {
            return OnnxSlot.Of(read());
        }
        catch (InputException e)
        {
            return OnnxSlot.Failed(e.At(file, $"initializer '{name}'"));
        }
    }

    // The inputs in node.input order (null for an omitted optional one) and the first reason one has no shape.
    private static (List<OnnxTensor?> Tensors, InputException? Error) Inputs(NodeProto node, Dictionary<string, OnnxSlot> slots)
    {
        var tensors = new List<OnnxTensor?>(node.Input.Count);
        InputException? error = null;
        foreach (var input in node.Input)
        {
            if (input.Length == 0)
            {
                tensors.Add(null);
            }
            else if (!slots.TryGetValue(input, out var slot))
            {
                error ??= new InputException($"input '{input}' has no known shape: no node, initializer or graph input produces it");
                tensors.Add(null);
            }
            else
            {
                error ??= slot.Error;
                tensors.Add(slot.Tensor);
            }
        }
        return (tensors, error);
    }

    /// <summary>
    /// The nodes with each after the nodes it reads from. ONNX requires files to be sorted so, and
    /// then this is file order in one pass; a node stuck on a tensor nobody produces is taken anyway
    /// so that its missing input is reported.
    /// </summary>
    private static IEnumerable<(NodeProto Node, int Index)> DependencyOrder(GraphProto graph, IEnumerable<string> available)
    {
        var ready = new HashSet<string>(available, StringComparer.Ordinal) { "" };
        var pending = graph.Node.Select((node, index) => (node, index)).ToList();
        while (pending.Count > 0)
        {
            var waiting = new List<(NodeProto, int)>();
            foreach (var (node, index) in pending)
            {
                if (node.Input.All(ready.Contains))
                {
                    ready.UnionWith(node.Output);
                    yield return (node, index);
                }
                else
                {
                    waiting.Add((node, index));
                }
            }
            if (waiting.Count == pending.Count)
            {
                var (node, index) = waiting[0];
                waiting.RemoveAt(0);
                ready.UnionWith(node.Output);
                yield return (node, index);
            }
            pending = waiting;
        }
    }
}
