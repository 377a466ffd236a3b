using HwSim.Quantizer.Models;
using HwSim.Workloads.Shapes;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Pipeline;

/// <summary>
/// A small CNN written out with functional ops (no ONNX, no TorchVision), so the pipeline's tests do
/// not depend on the executors: conv 3->8 3x3 pad 1, ReLU, conv 8->16 3x3 stride 2 pad (1,0,1,0)
/// (asymmetric, as CNTK exports), ReLU, depthwise 3x3, ReLU, global average pool, FC 16->10.
/// Seeded random weights.
/// </summary>
internal sealed class TinyNetwork : IQuantizableNetwork
{
    private readonly Tensor[] _weights;
    private readonly Tensor _fcBias;

    public TinyNetwork(int size = 12, long seed = 3)
    {
        Size = size;
        using var g = new Generator(seed: (ulong)seed);
        _weights =
        [
            (randn([8, 3, 3, 3], generator: g) * 0.3).DetachFromDisposeScope(),
            (randn([16, 8, 3, 3], generator: g) * 0.15).DetachFromDisposeScope(),
            (randn([16, 1, 3, 3], generator: g) * 0.4).DetachFromDisposeScope(),
            (randn([10, 16], generator: g) * 0.3).DetachFromDisposeScope(),
        ];
        _fcBias = (randn([10], generator: g) * 0.1).DetachFromDisposeScope();
        var half = (size + 1 - 3) / 2 + 1;
        Layers =
        [
            new ComputeLayer("conv1", LayerShape.Conv(3, size, size, 8, 3, 1, 1)),
            new ComputeLayer("conv2", new LayerShape(LayerKind.Convolution, 1, 8, size, size, 16, 3, 3, 2, 2, new Padding(1, 0, 1, 0))),
            new ComputeLayer("dw3", LayerShape.Depthwise(16, half, half, 3, 1, 1)),
            new ComputeLayer("fc", LayerShape.FullyConnected(16, 10), HasBias: true),
        ];
    }

    public int Size { get; }

    public string Name => "tiny";

    public IReadOnlyList<long> InputShape => [3, Size, Size];

    public IReadOnlyList<ComputeLayer> Layers { get; }

    public Tensor Forward(Tensor input, ILayerHook? hook = null)
    {
        using var scope = NewDisposeScope();
        var x = input;
        x = nn.functional.relu(Layer(0, x, hook, (i, w) => nn.functional.conv2d(i, w, padding: [1, 1])));
        x = nn.functional.relu(Layer(1, x, hook, (i, w) => nn.functional.conv2d(nn.functional.pad(i, [1, 0, 1, 0]), w, strides: [2, 2])));
        x = nn.functional.relu(Layer(2, x, hook, (i, w) => nn.functional.conv2d(i, w, padding: [1, 1], groups: 16)));
        x = x.mean([2, 3]);
        x = Layer(3, x, hook, (i, w) => nn.functional.linear(i, w, _fcBias));
        return x.MoveToOuterDisposeScope();
    }

    private Tensor Layer(int index, Tensor input, ILayerHook? hook, Func<Tensor, Tensor, Tensor> compute)
    {
        var (i, w) = hook?.Before(index, Layers[index], input, _weights[index]) ?? (input, _weights[index]);
        var output = compute(i, w);
        hook?.After(index, Layers[index], output);
        return output;
    }

    public void Dispose()
    {
        foreach (var w in _weights)
            w.Dispose();
        _fcBias.Dispose();
    }
}
