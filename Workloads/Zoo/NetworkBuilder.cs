using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Workloads.Zoo;

/// <summary>
/// Describes a network layer by layer while tracking the feature map, so layer tables are
/// written as the architecture reads (conv, pool, fc) and sizes cannot drift from each other.
/// Pooling, batch norm and activations change sizes (or parameters) but are not layers here.
/// </summary>
internal sealed class NetworkBuilder
{
    private readonly string _name;
    private readonly List<LayerWorkload> _layers = [];

    public NetworkBuilder(string name, int channels = 3, int height = 224, int width = 224)
    {
        _name = name;
        Current = new FeatureMap(channels, height, width);
    }

    /// <summary>The feature map the next layer reads unless it is given another.</summary>
    public FeatureMap Current { get; set; }

    /// <summary>
    /// A convolution on <paramref name="from"/> (default: <see cref="Current"/>); its output becomes current.
    /// </summary>
    public FeatureMap Conv(string name, int filters, int kernel, int stride = 1, int pad = 0, int groups = 1,
        bool bias = false, bool batchNorm = true, bool downsample = false, FeatureMap? from = null)
    {
        var input = from ?? Current;
        var shape = LayerShape.Conv(input.Channels, input.Height, input.Width, filters, kernel, stride, pad, groups);
        _layers.Add(new LayerWorkload(name, shape, isDownsample: downsample, hasBias: bias, hasBatchNorm: batchNorm));
        Current = new FeatureMap(filters, shape.OutputHeight, shape.OutputWidth);
        return Current;
    }

    /// <summary>A depthwise convolution (one filter per channel).</summary>
    public FeatureMap Depthwise(string name, int kernel, int stride = 1, int pad = 0, bool batchNorm = true) =>
        Conv(name, Current.Channels, kernel, stride, pad, Current.Channels, batchNorm: batchNorm);

    /// <summary>Max or average pooling: changes H and W only. <paramref name="ceilMode"/> as in PyTorch.</summary>
    public FeatureMap Pool(int kernel, int stride, int pad = 0, bool ceilMode = false)
    {
        Current = Current with { Height = PoolOut(Current.Height, kernel, stride, pad, ceilMode), Width = PoolOut(Current.Width, kernel, stride, pad, ceilMode) };
        return Current;
    }

    /// <summary>Adaptive average pooling to a fixed output size.</summary>
    public FeatureMap AdaptivePool(int height, int width)
    {
        Current = Current with { Height = height, Width = width };
        return Current;
    }

    /// <summary>A fully connected layer on the flattened current feature map.</summary>
    public FeatureMap FullyConnected(string name, int outputs, bool bias = true)
    {
        var inputs = Current.Channels * Current.Height * Current.Width;
        _layers.Add(new LayerWorkload(name, LayerShape.FullyConnected(inputs, outputs), hasBias: bias));
        Current = new FeatureMap(outputs, 1, 1);
        return Current;
    }

    /// <summary>The workload, with the first layer First, the last Last and the rest Inner.</summary>
    public Workload Build()
    {
        var last = _layers.Count - 1;
        return new Workload(_name, _layers.Select((l, i) => l with { Role = i == 0 ? LayerRole.First : i == last ? LayerRole.Last : LayerRole.Inner }));
    }

    // PyTorch's pooling output size; in ceil mode the last window must start inside the (left-padded) input.
    private static int PoolOut(int size, int kernel, int stride, int pad, bool ceilMode)
    {
        var span = size + 2 * pad - kernel;
        if (span < 0)
            throw new InvalidOperationException($"pooling window {kernel} larger than padded input {size + 2 * pad}");
        var output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (output - 1) * stride >= size + pad)
            output--;
        return output;
    }
}
