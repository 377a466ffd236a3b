using System.Runtime.InteropServices;
using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Models;

/// <summary>
/// A TorchVision model (TorchSharp's port of torchvision.models) with seeded random weights or
/// weights the user saved with TorchSharp, traced once so that every <see cref="Conv2d"/> and
/// <see cref="Linear"/> is a <see cref="ComputeLayer"/> in execution order, and run with an
/// <see cref="ILayerHook"/> at each of them.
/// </summary>
/// <remarks>
/// <para>Hooks are TorchSharp's module hooks (<c>register_forward_pre_hook</c> /
/// <c>register_forward_hook</c>), which fire because TorchVision's models call their children
/// with <c>call</c>. They are registered once, at construction, and do nothing unless a
/// <see cref="ILayerHook"/> is active, so a plain <see cref="Forward"/> is the model's own forward.</para>
/// <para>A replaced weight is swapped in with <c>Tensor.set_</c> (the parameter points at the
/// replacement's storage for that one call, no copy) and pointed back at its own storage right
/// after the layer computes, or at the end of <see cref="Forward"/> if the layer threw. Setting
/// the module's <c>weight</c> property instead would dispose the original parameter.</para>
/// <para>Tensors created while a forward pass runs, including those a hook creates, belong to
/// the model's dispose scopes and are disposed when <see cref="Forward"/> returns; a hook that
/// keeps one (statistics, say) must take it out with <c>DetachFromDisposeScope()</c> or keep
/// plain numbers. Not thread-safe: one forward pass at a time.</para>
/// </remarks>
public sealed class TorchVisionNetwork : IQuantizableNetwork
{
    /// <summary>The TorchVision builders this class knows, as accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["resnet18", "resnet34", "resnet50", "alexnet", "vgg16", "mobilenet_v2"];

    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Slot[] _slots;          // in execution order; _slots[i].Layer == Layers[i]
    private readonly ComputeLayer[] _layers;
    private readonly long[] _inputShape;
    private ILayerHook? _hook;
    private bool _running;
    private bool _tracing;
    private bool _disposed;

    private TorchVisionNetwork(string name, nn.Module<Tensor, Tensor> model, int inputSize)
    {
        Name = name;
        _model = model;
        _inputShape = [3, inputSize, inputSize];
        var compute = FindComputeModules(model);
        (_slots, _layers) = Trace(model, compute, inputSize);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<long> InputShape => _inputShape;

    /// <inheritdoc />
    public IReadOnlyList<ComputeLayer> Layers => _layers;

    /// <summary>
    /// Builds TorchVision model <paramref name="name"/> (case-insensitive, one of <see cref="Names"/>)
    /// in eval mode and traces it at [1, 3, <paramref name="inputSize"/>, <paramref name="inputSize"/>].
    /// Weights are random from <c>torch.manual_seed(<paramref name="seed"/>)</c> and TorchVision's
    /// initialisation, or read from <paramref name="weightsFile"/>: a state dict written by
    /// TorchSharp's <c>Module.save</c> for the same architecture (all entries, same shapes).
    /// </summary>
    /// <exception cref="InputException">Unknown name, a weights file that is missing, unreadable or
    /// for another architecture, or an input size the model cannot run at.</exception>
    public static TorchVisionNetwork Create(string name, long seed = 0, string? weightsFile = null, int inputSize = 224)
    {
        ArgumentNullException.ThrowIfNull(name);
        var canonical = Names.FirstOrDefault(n => n.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"unknown TorchVision model '{name}' (known: {string.Join(", ", Names)})", "model");
        if (inputSize < 1)
            throw new InputException($"must be at least 1, got {inputSize}", "input_size");
        if (weightsFile is not null && !File.Exists(weightsFile))
            throw new InputException("file not found", "weights", weightsFile);

        TorchRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        var model = Build(canonical);
        try
        {
            if (weightsFile is not null)
                LoadWeights(model, canonical, weightsFile);
            model.eval();
            // Inference only: no parameter needs a gradient, which also lets set_ swap weights in place.
            foreach (var p in model.parameters())
                p.requires_grad = false;
            return new TorchVisionNetwork(canonical, model, inputSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor input, ILayerHook? hook = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        if (_running)
            throw new InvalidOperationException("a forward pass of this network is already running (hooks must not call Forward)");
        var shape = input.shape;
        if (shape.Length != 4 || shape[1] != _inputShape[0] || shape[2] != _inputShape[1] || shape[3] != _inputShape[2] || input.dtype != ScalarType.Float32)
            throw new InputException(
                $"the input batch is {input.dtype} [{string.Join(", ", shape)}]; {Name} was traced for float32 [N, {string.Join(", ", _inputShape)}]",
                "input_size");

        _running = true;
        _hook = hook;
        foreach (var slot in _slots)
            slot.Calls = 0;
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var output = _model.call(input);
            // A layer the hook saw must have run once; a model whose forward skipped one would make
            // the per-layer statistics silently incomplete.
            if (hook is not null && _slots.FirstOrDefault(s => s.Calls != 1) is { } odd)
                throw new InvalidOperationException($"layer '{odd.Layer.Name}' ran {odd.Calls} times in one forward pass, expected once");
            return output.MoveToOuterDisposeScope();
        }
        finally
        {
            // A layer that threw between its pre- and post-hook still has the hook's weight.
            foreach (var slot in _slots)
                slot.Restore();
            _hook = null;
            _running = false;
        }
    }

    /// <summary>Disposes the model and its parameters.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _model.Dispose();
    }

    private static nn.Module<Tensor, Tensor> Build(string name) => name switch
    {
        "resnet18" => torchvision.models.resnet18(),
        "resnet34" => torchvision.models.resnet34(),
        "resnet50" => torchvision.models.resnet50(),
        "alexnet" => torchvision.models.alexnet(),
        "vgg16" => torchvision.models.vgg16(),
        "mobilenet_v2" => torchvision.models.mobilenet_v2(),
        _ => throw new InvalidOperationException($"no builder for '{name}'"),
    };

    private static void LoadWeights(nn.Module<Tensor, Tensor> model, string name, string path)
    {
        try
        {
            // strict: every entry of the file must exist in the model and every entry of the model in
            // the file. (TorchVision's own weights_file argument skips the classifier by default.)
            model.load(path, strict: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException
                                      or InvalidOperationException or NotImplementedException or ExternalException or OverflowException)
        {
            throw new InputException(
                $"cannot load {name} weights: {e.Message.ReplaceLineEndings(" ")} (the file must be a state dict written by TorchSharp's Module.save " +
                "for this architecture; convert a PyTorch .pth file with TorchSharp's exportsd.py)", "weights", path, inner: e);
        }
    }

    /// <summary>Every Conv2d and Linear by module path, e.g. <c>layer1.0.conv1</c>.</summary>
    private static Dictionary<nn.Module, string> FindComputeModules(nn.Module<Tensor, Tensor> model)
    {
        var found = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in model.named_modules())
        {
            if (module is Conv2d or Linear && !found.ContainsKey(module))
                found.Add(module, path);
        }
        if (found.Count == 0)
            throw new InvalidOperationException("the model has no Conv2d or Linear layer");
        return found;
    }

    /// <summary>
    /// Registers this network's permanent hooks on the compute modules and runs one forward pass at
    /// batch 1 to record each layer's input shape, in execution order, and whether a BatchNorm2d reads its output.
    /// </summary>
    private (Slot[] Slots, ComputeLayer[] Layers) Trace(nn.Module<Tensor, Tensor> model, Dictionary<nn.Module, string> compute, int inputSize)
    {
        var order = new List<(Slot Slot, long[] InputShape)>();
        var batchNormAfter = new HashSet<Slot>();
        Slot? lastRan = null;
        IntPtr lastOutput = IntPtr.Zero;
        string? calledTwice = null;

        foreach (var (module, path) in compute)
        {
            var typed = (nn.Module<Tensor, Tensor>)module;
            var slot = new Slot(path, typed);
            typed.register_forward_pre_hook((_, input) =>
            {
                if (!_tracing)
                    return Before(slot, input);
                if (slot.Index >= 0)
                    calledTwice ??= slot.Path;
                else
                {
                    slot.Index = order.Count;
                    order.Add((slot, input.shape));
                }
                return input;
            });
            typed.register_forward_hook((_, _, output) =>
            {
                if (_tracing)
                {
                    lastRan = slot;
                    lastOutput = output.Handle;
                }
                else if (_hook is not null)
                    After(slot, output);
                return output;
            });
        }

        // During the trace only: a BatchNorm2d whose input is the tensor a compute layer just produced follows that layer.
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is BatchNorm2d bn)
            {
                var remover = bn.register_forward_pre_hook((_, input) =>
                {
                    if (lastRan is not null && input.Handle == lastOutput)
                        batchNormAfter.Add(lastRan);
                    return input;
                });
                removers.Add(remover.remove);
            }
        }

        _tracing = true;
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            using var probe = torch.zeros(1, 3, inputSize, inputSize);
            model.call(probe);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException)
        {
            throw new InputException($"{Name} cannot run at {inputSize}x{inputSize}: {e.Message.ReplaceLineEndings(" ")}", "input_size", inner: e);
        }
        finally
        {
            _tracing = false;
            foreach (var remove in removers)
                remove();
        }

        // Layers are identified by module; a module called twice per pass would need per-call identities.
        if (calledTwice is not null)
            throw new InvalidOperationException($"module '{calledTwice}' runs more than once per forward pass");

        var unseen = compute.Values.Except(order.Select(o => o.Slot.Path)).ToList();
        if (unseen.Count > 0)
            throw new InvalidOperationException($"compute layers never ran in the trace: {string.Join(", ", unseen)}");

        var layers = new ComputeLayer[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            var (slot, shape) = order[i];
            slot.Layer = new ComputeLayer(slot.Path, ShapeOf(slot.Module, shape),
                IsDownsample: slot.Module is Conv2d && IsDownsamplePath(slot.Path),
                HasBias: slot.Module switch { Conv2d c => c.bias is not null, Linear l => l.bias is not null, _ => false },
                HasBatchNorm: batchNormAfter.Contains(slot));
            layers[i] = slot.Layer;
        }
        return ([.. order.Select(o => o.Slot)], layers);
    }

    // TorchVision's ResNet puts the shortcut's 1x1 conv (and its batch norm) in a Sequential named "downsample".
    private static bool IsDownsamplePath(string path) => path.Split('.').Contains("downsample");

    /// <summary>The zoo's shape for a module seen with input <paramref name="input"/>: conv as is, FC as a 1x1 layer on the flattened features.</summary>
    private static LayerShape ShapeOf(nn.Module module, long[] input)
    {
        switch (module)
        {
            case Conv2d conv:
                if (input.Length != 4)
                    throw new InvalidOperationException($"Conv2d input of rank {input.Length}");
                var padding = ConvPadding(conv);
                return new LayerShape(LayerKind.Convolution, Int(input[0]), Int(input[1]), Int(input[2]), Int(input[3]), Int(conv.out_channels),
                    Int(conv.kernel_size[0]), Int(conv.kernel_size[1]), Int(conv.stride[0]), Int(conv.stride[1]), padding,
                    Int(conv.dilation[0]), Int(conv.dilation[1]), Int(conv.groups));
            case Linear linear:
                // Leading dimensions are the batch (TorchVision flattens to [N, features] first).
                var batch = input.Take(input.Length - 1).Aggregate(1L, (a, b) => a * b);
                return LayerShape.FullyConnected(Int(linear.in_features), Int(linear.out_features), Int(batch));
            default:
                throw new InvalidOperationException($"not a compute module: {module.GetType().Name}");
        }
    }

    private static Workloads.Shapes.Padding ConvPadding(Conv2d conv)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new InvalidOperationException($"padding mode {conv.padding_mode} is not zero padding");
        if (conv.padding is { } p)
            return new Workloads.Shapes.Padding(Int(p[0]), Int(p[0]), Int(p[1]), Int(p[1]));
        if (conv.padding_type == TorchSharp.Padding.Valid)
            return Workloads.Shapes.Padding.None;
        // 'same' (stride 1 only): PyTorch puts the odd extra element after, as TorchSharp's UpdateReversedPaddingArray does.
        var h = (int)(conv.dilation[0] * (conv.kernel_size[0] - 1));
        var w = (int)(conv.dilation[1] * (conv.kernel_size[1] - 1));
        return new Workloads.Shapes.Padding(h / 2, h - h / 2, w / 2, w - w / 2);
    }

    private static int Int(long value) => (int)value;

    private Tensor Before(Slot slot, Tensor input)
    {
        slot.Calls++;
        if (_hook is null)
            return input;
        var weight = slot.Weight;
        var (newInput, newWeight) = _hook.Before(slot.Index, slot.Layer, input, weight);
        if (newInput is null || newWeight is null)
            throw new InvalidOperationException($"the hook returned a null tensor at layer '{slot.Layer.Name}'");
        if (!newInput.shape.SequenceEqual(input.shape))
            throw new InvalidOperationException($"the hook changed layer '{slot.Layer.Name}''s input shape");
        if (newWeight.Handle != weight.Handle)
        {
            if (!newWeight.shape.SequenceEqual(weight.shape) || newWeight.dtype != weight.dtype || newWeight.device_type != weight.device_type)
                throw new InvalidOperationException($"the hook's weight for layer '{slot.Layer.Name}' must be {weight.dtype} [{string.Join(", ", weight.shape)}]");
            // An alias of the original storage to point back at; the parameter object itself stays.
            slot.Original = weight.detach();
            slot.Original.DetachFromDisposeScope();
            weight.set_(newWeight);
        }
        return newInput;
    }

    private void After(Slot slot, Tensor output)
    {
        try
        {
            _hook!.After(slot.Index, slot.Layer, output);
        }
        finally
        {
            slot.Restore();
        }
    }

    /// <summary>One compute module and its traced layer.</summary>
    private sealed class Slot(string path, nn.Module<Tensor, Tensor> module)
    {
        public string Path { get; } = path;
        public nn.Module<Tensor, Tensor> Module { get; } = module;
        public int Index { get; set; } = -1;
        public ComputeLayer Layer { get; set; } = null!;
        public int Calls { get; set; }

        /// <summary>The weight's own storage while a hook's replacement is swapped in.</summary>
        public Tensor? Original { get; set; }

        public Tensor Weight => Module switch
        {
            Conv2d c => c.weight,
            Linear l => l.weight,
            _ => throw new InvalidOperationException(Module.GetType().Name),
        };

        public void Restore()
        {
            if (Original is null)
                return;
            Weight.set_(Original);
            Original.Dispose();
            Original = null;
        }
    }
}
