using HwSim.Workloads.Import.Onnx;
using System.Runtime.InteropServices;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Onnx;

/// <summary>
/// An ONNX model with its weights, run by HwSim's own executor on TorchSharp (float32, CPU,
/// inference only) so that the quantizer can hook every Conv, Gemm and MatMul node.
/// </summary>
/// <remarks>
/// <para>
/// Ops: Conv, Gemm, MatMul, BatchNormalization, Relu, Clip, MaxPool, AveragePool,
/// GlobalAveragePool, Add, Sum, Flatten, Reshape, Transpose, Concat, Softmax, Identity, Dropout and
/// Constant, with the attribute semantics of each op version up to the model's opset. Everything is
/// checked when the model loads: an unsupported op, a missing tensor or a bad attribute is an
/// <see cref="InputException"/> naming the file and the node. Load also runs the model once at
/// batch 1 on its declared input size to trace the <see cref="Layers"/>, whose shapes equal what
/// <see cref="HwSim.Workloads.Import.Onnx.OnnxWorkloadReader"/> reads from the same file.
/// </para>
/// <para>
/// Layer names: the node's name when it is non-empty and unique in the graph, otherwise the name
/// of its first output (suffixed _2, _3, ... should that collide with another layer's name).
/// The model must have one data input, N x C x H x W with C, H and W given in the file;
/// <see cref="Forward"/> returns the first graph output.
/// </para>
/// <para>
/// Tensors handed to a hook are valid during the call only: intermediate activations are disposed
/// right after their last reader ran, which keeps peak memory to what the graph needs at once.
/// The weights are the network's own: a hook must not modify them in place.
/// </para>
/// </remarks>
public sealed class OnnxNetwork : IQuantizableNetwork
{
    private readonly string _file;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly Dictionary<string, Tensor> _constants;
    private readonly OnnxStep[] _steps;
    private readonly string[][] _releaseAfter;
    private readonly ComputeLayer[] _layers;
    private bool _disposed;

    private OnnxNetwork(string file, ModelProto model, Dictionary<string, Tensor> constants)
    {
        _file = file;
        _constants = constants;
        var graph = model.Graph;
        Name = Path.GetFileNameWithoutExtension(file) is { Length: > 0 } name && !string.IsNullOrWhiteSpace(name) ? name
            : !string.IsNullOrWhiteSpace(graph.Name) ? graph.Name : "onnx";

        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        (_inputName, InputShape) = DataInput(graph, initializers, file);
        if (graph.Output.Count == 0 || graph.Output[0].Name.Length == 0)
            throw new InputException("the graph names no output", null, file);
        _outputName = graph.Output[0].Name;

        var opset = OnnxModelFile.Opset(model);
        var order = DependencyOrder(graph, initializers.Append(_inputName), file);
        var referenced = order.SelectMany(n => n.Node.Input).Where(i => i.Length > 0).ToHashSet(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
        {
            if (referenced.Contains(initializer.Name) && !_constants.ContainsKey(initializer.Name))
                _constants[initializer.Name] = Decode(initializer, "the tensor", file, $"initializer '{initializer.Name}'");
        }

        // Constant nodes are evaluated once here; every other node becomes a step.
        var steps = new List<OnnxStep>();
        var constant = new HashSet<string>(initializers, StringComparer.Ordinal);
        foreach (var (node, index) in order)
        {
            var location = $"node '{NodeName(node, index)}' ({node.OpType})";
            if (node.OpType == "Constant" && node.Domain is "" or "ai.onnx")
            {
                if (node.Output.Count != 1 || node.Output[0].Length == 0)
                    throw new InputException("a Constant node has exactly one output", null, file, location);
                _constants[node.Output[0]] = Constant(node, file, location);
                constant.Add(node.Output[0]);
                continue;
            }
            OnnxKernel kernel;
            try
            {
                kernel = OnnxKernel.Create(node, opset);
            }
            catch (InputException e)
            {
                throw e.At(file, location);
            }
            var inputsConstant = node.Input.Where(i => i.Length > 0).ToList() is { Count: > 0 } named && named.All(constant.Contains);
            if (kernel is OnnxComputeKernel compute)
            {
                compute.LayerIndex = steps.Count(s => s.Kernel is OnnxComputeKernel);
                compute.InputIsConstant = constant.Contains(node.Input[0]);
                compute.WeightIsConstant = constant.Contains(node.Input[1]);
            }
            else if (inputsConstant)
            {
                // Computed from file constants alone: still fixed in the file (the foundation's IsConstant).
                constant.UnionWith(node.Output.Where(o => o.Length > 0));
            }
            steps.Add(new OnnxStep(node, location, kernel));
        }
        _steps = [.. steps];
        _releaseAfter = ReleasePlan(_steps, _inputName, _outputName, _constants);
        _layers = Trace(graph, constant);
    }

    /// <summary>The file name without extension.</summary>
    public string Name { get; }

    /// <summary>The data input's [C, H, W] as declared in the file.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <inheritdoc />
    public IReadOnlyList<ComputeLayer> Layers => _layers;

    /// <summary>
    /// Reads the ONNX model at <paramref name="path"/> with its weights, checks every node, and
    /// traces its compute layers by running it once at batch 1.
    /// </summary>
    /// <exception cref="InputException">
    /// The file is missing, not an ONNX model, uses an op or attribute the executor does not run,
    /// reads a tensor nothing produces, or its sizes do not fit; the message names the file and the node.
    /// </exception>
    public static OnnxNetwork Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
            throw new InputException("an ONNX file path must be given", "path");
        TorchRuntime.EnsureLoaded();
        var model = OnnxModelFile.Read(path);
        var constants = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            return new OnnxNetwork(path, model, constants);
        }
        catch (Exception e)
        {
            foreach (var t in constants.Values)
                t.Dispose();
            if (e is InputException { File: null } input)
                throw input.At(path);
            if (e is OverflowException)
                throw new InputException("its sizes overflow 64-bit arithmetic", null, path, inner: e);
            throw;
        }
    }

    /// <summary>
    /// Runs a float32 batch [N, C, H, W] through the graph under no_grad and returns the first graph
    /// output (the caller owns it). With a hook, calls it at every layer of <see cref="Layers"/>.
    /// </summary>
    public Tensor Forward(Tensor input, ILayerHook? hook = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != InputShape[0])
            throw new ArgumentException($"{Name} takes a batch [N, {InputShape[0]}, H, W], got [{string.Join(",", input.shape)}]", nameof(input));
        if (input.dtype != ScalarType.Float32)
            throw new ArgumentException($"{Name} computes in float32; the input is {input.dtype}", nameof(input));
        using var noGrad = no_grad();
        return Run(input, new OnnxRunContext(hook, _layers, null), null);
    }

    /// <summary>Frees the weights.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var t in _constants.Values)
            t.Dispose();
        _constants.Clear();
    }

    private Tensor Run(Tensor input, OnnxRunContext context, Dictionary<string, long>? elements)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [_inputName] = input };
        try
        {
            for (var i = 0; i < _steps.Length; i++)
            {
                var step = _steps[i];
                var inputs = step.Node.Input.Select(name => name.Length == 0 ? null : values.TryGetValue(name, out var v) ? v : _constants[name]).ToArray();
                Tensor[] outputs;
                try
                {
                    outputs = step.Kernel.Run(inputs, context);
                }
                catch (InputException e)
                {
                    throw e.At(_file, step.Location);
                }
                catch (ExternalException e)
                {
                    throw new InputException($"libtorch cannot compute it: {e.Message.ReplaceLineEndings(" ")}", null, _file, step.Location, e);
                }
                for (var k = 0; k < outputs.Length; k++)
                {
                    if (k < step.Node.Output.Count && step.Node.Output[k].Length > 0)
                    {
                        values[step.Node.Output[k]] = outputs[k];
                        elements?.Add(step.Node.Output[k], outputs[k].numel());
                    }
                    else
                    {
                        outputs[k].Dispose();
                    }
                }
                foreach (var name in _releaseAfter[i])
                {
                    if (values.Remove(name, out var done))
                        done.Dispose();
                }
            }
            if (_outputName == _inputName)
                return input.alias();
            if (_constants.TryGetValue(_outputName, out var fixedOutput))
                return fixedOutput.clone();
            values.Remove(_outputName, out var output);
            return output ?? throw new InvalidOperationException($"graph output '{_outputName}' was not computed");
        }
        finally
        {
            foreach (var (name, t) in values)
            {
                if (name != _inputName)
                    t.Dispose();
            }
        }
    }

    // Runs once at batch 1 on zeros to find each layer's shape; names and traits come from the graph.
    private ComputeLayer[] Trace(GraphProto graph, HashSet<string> constant)
    {
        var computes = _steps.Where(s => s.Kernel is OnnxComputeKernel).ToList();
        var shapes = new LayerShape?[computes.Count];
        var elements = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, t) in _constants)
            elements[name] = t.numel();
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var zeros = torch.zeros([1, .. InputShape], dtype: ScalarType.Float32);
            Run(zeros, new OnnxRunContext(null, null, shapes), elements).Dispose();
        }

        var consumers = OnnxLayerTraits.Consumers(graph);
        var nameCounts = graph.Node.Where(n => !string.IsNullOrWhiteSpace(n.Name))
            .GroupBy(n => n.Name.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var layers = new ComputeLayer[computes.Count];
        for (var i = 0; i < computes.Count; i++)
        {
            var node = computes[i].Node;
            var shape = shapes[i] ?? throw new InvalidOperationException($"layer {i} was not traced");
            var trimmed = node.Name.Trim();
            var name = trimmed.Length > 0 && nameCounts[trimmed] == 1 ? trimmed : node.Output[0];
            layers[i] = new ComputeLayer(
                Unique(name, taken),
                shape,
                IsDownsample: OnnxLayerTraits.IsShortcut(node, shape, consumers),
                HasBias: (node.OpType != "MatMul" && node.Input.Count > 2 && node.Input[2].Length > 0)
                    || OnnxLayerTraits.HasBiasAdd(node, shape, consumers, name => constant.Contains(name) && elements.TryGetValue(name, out var n) ? n : null),
                HasBatchNorm: OnnxLayerTraits.FeedsBatchNorm(node, consumers),
                WeightIsConstant: node.Input.Count > 1 && constant.Contains(node.Input[1]));
        }
        return layers;
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++)
            candidate = $"{name}_{n}";
        return candidate;
    }

    /// <summary>The node's name, or "OpType_index" (its position in the file) when it has none: the foundation's naming in messages.</summary>
    private static string NodeName(NodeProto node, int index) =>
        string.IsNullOrWhiteSpace(node.Name) ? $"{(node.OpType.Length > 0 ? node.OpType : "node")}_{index}" : node.Name.Trim();

    // The one data input (graph inputs that are not initializers: files before IR version 4 list weights as inputs too).
    private static (string Name, IReadOnlyList<long> Shape) DataInput(GraphProto graph, HashSet<string> initializers, string file)
    {
        var data = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (data.Count != 1)
            throw new InputException($"the executor runs models with one data input; this graph has {data.Count} ({string.Join(", ", data.Select(d => $"'{d.Name}'"))})", null, file);
        var input = data[0];
        var location = $"graph input '{input.Name}'";
        if (input.Type?.TensorType is not { } tensor)
            throw new InputException("is not a tensor", null, file, location);
        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new InputException($"has element type {(TensorProto.Types.DataType)tensor.ElemType}; the executor takes float32 images", "elem_type", file, location);
        if (tensor.Shape is not { Dim.Count: 4 } shape)
            throw new InputException($"must be N x C x H x W; the file gives rank {tensor.Shape?.Dim.Count.ToString() ?? "unknown"}", "shape", file, location);
        var dims = new long[3];
        for (var i = 1; i < 4; i++)
        {
            var d = shape.Dim[i];
            dims[i - 1] = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? d.DimValue
                : throw new InputException($"dimension {i} ({"NCHW"[i]}) is not a fixed size in the file, so the layers cannot be traced", "shape", file, location);
        }
        return (input.Name, dims);
    }

    /// <summary>
    /// The nodes with each after the nodes it reads from: file order when the file is sorted, as ONNX
    /// requires. A node that waits on a tensor nothing produces, or on a cycle, is an error naming both.
    /// </summary>
    private static List<(NodeProto Node, int Index)> DependencyOrder(GraphProto graph, IEnumerable<string> available, string file)
    {
        var produced = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            foreach (var output in graph.Node[i].Output.Where(o => o.Length > 0))
            {
                if (!produced.TryAdd(output, i))
                    throw new InputException($"tensor '{output}' is produced twice (by node '{NodeName(graph.Node[produced[output]], produced[output])}' too); ONNX graphs assign each tensor once", null, file,
                        $"node '{NodeName(graph.Node[i], i)}' ({graph.Node[i].OpType})");
            }
        }
        var ready = new HashSet<string>(available, StringComparer.Ordinal) { "" };
        var pending = graph.Node.Select((node, index) => (node, index)).ToList();
        var order = new List<(NodeProto, int)>(pending.Count);
        while (pending.Count > 0)
        {
            var waiting = new List<(NodeProto, int)>();
            foreach (var (node, index) in pending)
            {
                if (node.Input.All(ready.Contains))
                {
                    ready.UnionWith(node.Output);
                    order.Add((node, index));
                }
                else
                {
                    waiting.Add((node, index));
                }
            }
            if (waiting.Count == pending.Count)
            {
                var (node, index) = waiting[0];
                var location = $"node '{NodeName(node, index)}' ({node.OpType})";
                var missing = node.Input.FirstOrDefault(i => !ready.Contains(i) && !produced.ContainsKey(i));
                throw missing is not null
                    ? new InputException($"input '{missing}' is missing: it is not a graph input, an initializer or the output of any node", null, file, location)
                    : new InputException($"its inputs [{string.Join(", ", node.Input.Where(i => !ready.Contains(i)).Select(i => $"'{i}'"))}] depend on its own output (a cycle)", null, file, location);
            }
            pending = waiting;
        }
        return order;
    }

    // For each step, the tensors to dispose after it: those it was the last to read, and its outputs nobody reads.
    private static string[][] ReleasePlan(OnnxStep[] steps, string inputName, string outputName, Dictionary<string, Tensor> constants)
    {
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Length; i++)
        {
            foreach (var output in steps[i].Node.Output.Where(o => o.Length > 0))
                lastUse[output] = i;
            foreach (var input in steps[i].Node.Input.Where(n => n.Length > 0))
                lastUse[input] = i;
        }
        var release = new List<string>[steps.Length];
        for (var i = 0; i < steps.Length; i++)
            release[i] = [];
        foreach (var (name, last) in lastUse)
        {
            if (name != inputName && name != outputName && !constants.ContainsKey(name))
                release[last].Add(name);
        }
        return [.. release.Select(r => r.ToArray())];
    }

    private static Tensor Decode(TensorProto tensor, string what, string file, string location)
    {
        try
        {
            return OnnxTensorData.ToTorch(tensor, what);
        }
        catch (InputException e)
        {
            throw e.At(file, location);
        }
    }

    // Constant-13: exactly one of value (a tensor), value_float(s) or value_int(s); sparse and string values are not supported.
    private static Tensor Constant(NodeProto node, string file, string location)
    {
        if (node.Find("value") is { T: { } tensor })
            return Decode(tensor, "its value", file, location);
        if (node.Find("value_float") is { } real)
            return torch.tensor(real.F);
        if (node.Find("value_floats") is { } reals)
            return torch.tensor(reals.Floats.ToArray());
        if (node.Find("value_int") is { } one)
            return torch.tensor(one.I);
        if (node.Find("value_ints") is { } many)
            return torch.tensor(many.Ints.ToArray());
        throw new InputException("a Constant needs a value, value_float(s) or value_int(s) attribute; sparse and string constants are not supported", "value", file, location);
    }
}

/// <summary>One node to run: the node, its "node 'name' (Op)" location for messages, and its compiled kernel.</summary>
internal sealed record OnnxStep(NodeProto Node, string Location, OnnxKernel Kernel);
