using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Pipeline;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Transforms;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace HwSim.Quantizer.Training;

/// <summary>
/// One convolution or fully connected layer of a <see cref="TrainableNetwork"/>: its float (shadow) weights, the plan
/// that says how training quantises its operands, and its input quantizer (which also applies the activation).
/// </summary>
public sealed class TrainableLayer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d? _conv;
    private readonly Linear? _linear;

    internal TrainableLayer(string name, Conv2d? conv, Linear? linear, LayerPlan plan, bool image, bool realIsIdentity, bool downsample, bool batchNorm)
        : base(name)
    {
        (_conv, _linear, Plan, IsDownsample, HasBatchNorm) = (conv, linear, plan, downsample, batchNorm);
        Input = new InputFakeQuant(plan, image, realIsIdentity);
        if (conv is not null)
            register_module("conv", conv);
        if (linear is not null)
            register_module("linear", linear);
        register_module("input", Input);
    }

    /// <summary>The layer's name in workloads: module-path style, e.g. <c>conv2</c>, <c>layer2.0.downsample</c>, <c>fc</c>.</summary>
    public string LayerName => GetName();

    public LayerPlan Plan { get; }
    public InputFakeQuant Input { get; }
    public bool IsDownsample { get; }
    public bool HasBatchNorm { get; }

    /// <summary>The float weight that training updates.</summary>
    public Parameter Weight => _conv?.weight ?? _linear!.weight!;

    internal Tensor? Bias => _conv is not null ? _conv.bias : _linear!.bias;

    /// <summary>The layer's computation with given (already quantised) input and weight.</summary>
    internal Tensor Compute(Tensor input, Tensor weight) => _conv is not null
        ? F.conv2d(input, weight, _conv.bias, _conv.stride, _conv.padding!, _conv.dilation, _conv.groups)
        : F.linear(input, weight, _linear!.bias);

    /// <summary>The workload shape of this layer for an input of shape <paramref name="input"/> (batch 1).</summary>
    internal LayerShape ShapeFor(long[] input)
    {
        if (_conv is { } c)
        {
            var p = (int)c.padding![0];
            return new LayerShape(LayerKind.Convolution, (int)input[0], (int)input[1], (int)input[2], (int)input[3], (int)c.out_channels,
                (int)c.kernel_size[0], (int)c.kernel_size[1], (int)c.stride[0], (int)c.stride[1], new Workloads.Shapes.Padding(p, p, p, p), 1, 1, 1);
        }
        return LayerShape.FullyConnected((int)_linear!.in_features, (int)_linear.out_features, (int)input[0]);
    }

    /// <summary>Training forward: input quantizer (with the activation), fake-quantised weight, compute.</summary>
    public override Tensor forward(Tensor preActivation)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Compute(Input.forward(preActivation), WeightFakeQuant.Apply(Weight, Plan)));
    }
}

/// <summary>The networks <c>hwsim train</c> knows, by name.</summary>
public static class TrainableNetworks
{
    /// <summary>compact-vgg (four 3x3 convolutions and a classifier) and resnet20 (He et al. 2016's CIFAR ResNet-20, 1x1 projection shortcuts).</summary>
    public static IReadOnlyList<string> Names { get; } = ["compact-vgg", "resnet20"];

    /// <summary>Canonical name, or an <see cref="InputException"/> on <paramref name="field"/>.</summary>
    public static string Canonical(string name, string field = "trainable network") =>
        Names.FirstOrDefault(n => n.Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"unknown network '{name}' (known: {string.Join(", ", Names)})", field);

    /// <summary>
    /// Builds network <paramref name="name"/> for [1, size, size] inputs and <paramref name="classes"/> classes at width
    /// <paramref name="width"/> (every channel count c becomes round(c k), as <see cref="Widening.Scale"/>), with the
    /// layer plans of <paramref name="options"/> (null: all fp32). Weights are initialised from the current torch seed.
    /// </summary>
    public static TrainableNetwork Create(string name, double width, QuantizeOptions? options, int size = 28, int classes = 10)
    {
        if (!double.IsFinite(width) || width <= 0 || width > 64)
            throw new InputException($"must be a positive width multiplier up to 64, got {width}", "width multiplier");
        return Canonical(name) switch
        {
            "compact-vgg" => new CompactVgg(width, options, size, classes),
            _ => new ResNet20(width, options, size, classes),
        };
    }
}

/// <summary>
/// A network for quantisation-aware training whose compute layers are <see cref="TrainableLayer"/>s. Each layer
/// receives the pre-activation (batch-norm output) of the layer before and applies the activation with its input
/// quantizer; in a binary-activation network (XNOR-Net A1) the float activation is the identity, as XNOR-Net and
/// BNNs binarise the batch-norm output. It is also an <see cref="IQuantizableNetwork"/>: run with a hook, every layer
/// gets its float input and weight through the hook instead of its training quantizers, so that
/// <see cref="NetworkQuantizer"/> measures the trained tensors.
/// </summary>
public abstract class TrainableNetwork : nn.Module<Tensor, Tensor>, IQuantizableNetwork
{
    private readonly List<TrainableLayer> _layers = [];
    private ComputeLayer[] _traced = [];
    private ILayerHook? _hook;
    private List<long[]>? _trace;

    protected TrainableNetwork(string name, double width, QuantizeOptions? options, int size) : base(name)
    {
        Width = width;
        Options = options;
        InputShape = [1, size, size];
        RealIsIdentity = options is { Method: QuantMethod.Xnor, InputBits: 1 };
    }

    public double Width { get; }

    /// <summary>The quantisation policy, or null for the fp32 network.</summary>
    public QuantizeOptions? Options { get; }

    /// <summary>Binary activations: the network's float activation is the identity, not ReLU.</summary>
    public bool RealIsIdentity { get; }

    public string Name => GetName();

    public IReadOnlyList<long> InputShape { get; }

    public IReadOnlyList<ComputeLayer> Layers => _traced;

    /// <summary>The compute layers in execution order.</summary>
    public IReadOnlyList<TrainableLayer> TrainableLayers => _layers;

    /// <summary>Creates the layers' modules in execution order; called by subclass constructors with every layer's name first.</summary>
    protected IReadOnlyList<string> LayerNames { get; private set; } = [];

    protected void DeclareLayers(params string[] names) => LayerNames = names;

    /// <summary>A convolution (3x3 or 1x1, zero padding (k-1)/2, no bias: batch norm follows) as compute layer number <c>_layers.Count</c>.</summary>
    protected TrainableLayer Conv(long inChannels, long outChannels, long kernel, long stride, bool downsample = false)
    {
        var index = _layers.Count;
        var name = LayerNames[index];
        var layer = new TrainableLayer(name, nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: (kernel - 1) / 2, bias: false), null,
            PlanFor(name, index), image: index == 0, RealIsIdentity, downsample, batchNorm: true);
        _layers.Add(layer);
        return layer;
    }

    /// <summary>The classifier (with bias), the last compute layer.</summary>
    protected TrainableLayer Fc(long inFeatures, long classes)
    {
        var index = _layers.Count;
        var name = LayerNames[index];
        var layer = new TrainableLayer(name, null, nn.Linear(inFeatures, classes), PlanFor(name, index), image: false, RealIsIdentity, false, batchNorm: false);
        _layers.Add(layer);
        return layer;
    }

    private LayerPlan PlanFor(string name, int index) =>
        Options?.PlanFor(name, index, LayerNames.Count) ?? new LayerPlan.Float(Workloads.Formats.NumberFormat.Fp32);

    /// <summary>Registers the modules and records every layer's input shape with one probe pass.</summary>
    protected void Finish()
    {
        if (_layers.Count != LayerNames.Count)
            throw new InvalidOperationException($"{LayerNames.Count} layer names for {_layers.Count} layers");
        RegisterComponents();
        _trace = [];
        try
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            eval();
            forward(zeros(1, InputShape[0], InputShape[1], InputShape[2]));
            _traced = [.. _layers.Select((l, i) => new ComputeLayer(l.LayerName, l.ShapeFor(_trace[i]), l.IsDownsample, l.Bias is not null, l.HasBatchNorm))];
        }
        finally
        {
            _trace = null;
            train();
        }
    }

    /// <summary>Runs compute layer <paramref name="layer"/> on a pre-activation: training quantizers, or the hook, or the trace.</summary>
    protected Tensor Run(TrainableLayer layer, Tensor preActivation)
    {
        if (_trace is not null)
        {
            var real = layer.Input.Real(preActivation);
            _trace.Add(real.shape);
            return layer.Compute(real, layer.Weight);
        }
        if (_hook is null)
            return layer.call(preActivation);
        var index = _layers.IndexOf(layer);
        var (input, weight) = _hook.Before(index, _traced[index], layer.Input.Real(preActivation), layer.Weight);
        var output = layer.Compute(input, weight);
        _hook.After(index, _traced[index], output);
        return output;
    }

    /// <summary>The float activation used on residual shortcuts and before global pooling: ReLU, or the identity in a binary network.</summary>
    protected Tensor Real(Tensor x) => RealIsIdentity ? x : F.relu(x);

    /// <inheritdoc />
    public Tensor Forward(Tensor input, ILayerHook? hook = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var wasTraining = training;
        eval();
        _hook = hook;
        try
        {
            using var _ = no_grad();
            return forward(input);
        }
        finally
        {
            _hook = null;
            if (wasTraining)
                train();
        }
    }

    void IDisposable.Dispose() => Dispose();
}

/// <summary>
/// A compact VGG-style CNN for 28x28x1 (Simonyan and Zisserman's pattern of stacked 3x3 convolutions with batch norm
/// and 2x2 max pooling, scaled down): conv 1->c, conv c->c, pool, conv c->2c, conv 2c->2c, pool, fc 2c*7*7->classes,
/// with c = round(8 k). At k = 1 it is small on purpose (8 and 16 channels, 1.2 M MACs per image): the study widens it
/// to k = 4 on one CPU core.
/// </summary>
public sealed class CompactVgg : TrainableNetwork
{
    /// <summary>Channels of the first two convolutions at k = 1.</summary>
    public const int BaseChannels = 8;

    private readonly TrainableLayer conv1, conv2, conv3, conv4, fc;
    private readonly BatchNorm2d bn1, bn2, bn3, bn4;

    public CompactVgg(double width, QuantizeOptions? options, int size, int classes) : base("compact-vgg", width, options, size)
    {
        if (size % 4 != 0)
            throw new InputException($"compact-vgg pools twice by 2: the input size must be a multiple of 4, got {size}", "input_size");
        var c = Widening.Scale(BaseChannels, width);
        var c2 = Widening.Scale(2 * BaseChannels, width);
        DeclareLayers("conv1", "conv2", "conv3", "conv4", "fc");
        conv1 = Conv(1, c, 3, 1);
        conv2 = Conv(c, c, 3, 1);
        conv3 = Conv(c, c2, 3, 1);
        conv4 = Conv(c2, c2, 3, 1);
        fc = Fc((long)c2 * (size / 4) * (size / 4), classes);
        (bn1, bn2, bn3, bn4) = (nn.BatchNorm2d(c), nn.BatchNorm2d(c), nn.BatchNorm2d(c2), nn.BatchNorm2d(c2));
        Finish();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = bn1.call(Run(conv1, x));
        h = F.max_pool2d(bn2.call(Run(conv2, h)), 2);
        h = bn3.call(Run(conv3, h));
        h = F.max_pool2d(bn4.call(Run(conv4, h)), 2);
        return scope.MoveToOuter(Run(fc, h.flatten(1)));
    }
}

/// <summary>
/// ResNet-20 (He et al., CVPR 2016, section 4.2: a 3x3 stem, three stages of three basic blocks at 16, 32 and 64
/// channels, strides 1, 2, 2, global average pooling, fc) for 28x28x1, channels x k, with 1x1 projection shortcuts
/// (option B) where the shape changes. Batch norm after every convolution.
/// </summary>
public sealed class ResNet20 : TrainableNetwork
{
    private const int BlocksPerStage = 3;
    private static readonly int[] StageChannels = [16, 32, 64];

    private readonly TrainableLayer stem, fc;
    private readonly BatchNorm2d stemBn;
    private readonly Block[] blocks;

    public ResNet20(double width, QuantizeOptions? options, int size, int classes) : base("resnet20", width, options, size)
    {
        var names = new List<string> { "conv1" };
        var plan = new List<(int Stage, int Block, long In, long Out, long Stride)>();
        long channels = Widening.Scale(StageChannels[0], width);
        for (var s = 0; s < StageChannels.Length; s++)
        {
            long outChannels = Widening.Scale(StageChannels[s], width);
            for (var b = 0; b < BlocksPerStage; b++)
            {
                var stride = s > 0 && b == 0 ? 2 : 1;
                names.Add($"layer{s + 1}.{b}.conv1");
                names.Add($"layer{s + 1}.{b}.conv2");
                if (stride != 1 || channels != outChannels)
                    names.Add($"layer{s + 1}.{b}.downsample");
                plan.Add((s, b, channels, outChannels, stride));
                channels = outChannels;
            }
        }
        names.Add("fc");
        DeclareLayers([.. names]);
        stem = Conv(1, Widening.Scale(StageChannels[0], width), 3, 1);
        stemBn = nn.BatchNorm2d(Widening.Scale(StageChannels[0], width));
        blocks = [.. plan.Select(p => new Block(this, p.In, p.Out, p.Stride))];
        fc = Fc(channels, classes);
        for (var i = 0; i < blocks.Length; i++)
            register_module($"block{i}", blocks[i]);
        Finish();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = stemBn.call(Run(stem, x));
        foreach (var block in blocks)
            h = block.Forward(this, h);
        var pooled = F.adaptive_avg_pool2d(Real(h), [1, 1]).flatten(1);
        return scope.MoveToOuter(Run(fc, pooled));
    }

    private sealed class Block : nn.Module
    {
        private readonly TrainableLayer conv1, conv2;
        private readonly TrainableLayer? downsample;
        private readonly BatchNorm2d bn1, bn2;
        private readonly BatchNorm2d? bnDown;

        public Block(ResNet20 net, long inChannels, long outChannels, long stride) : base("block")
        {
            conv1 = net.Conv(inChannels, outChannels, 3, stride);
            conv2 = net.Conv(outChannels, outChannels, 3, 1);
            bn1 = nn.BatchNorm2d(outChannels);
            bn2 = nn.BatchNorm2d(outChannels);
            if (stride != 1 || inChannels != outChannels)
            {
                downsample = net.Conv(inChannels, outChannels, 1, stride, downsample: true);
                bnDown = nn.BatchNorm2d(outChannels);
            }
            RegisterComponents();
        }

        public Tensor Forward(ResNet20 net, Tensor h)
        {
            var o = bn1.call(net.Run(conv1, h));
            o = bn2.call(net.Run(conv2, o));
            var shortcut = downsample is null ? net.Real(h) : bnDown!.call(net.Run(downsample, h));
            return o + shortcut;
        }
    }
}
