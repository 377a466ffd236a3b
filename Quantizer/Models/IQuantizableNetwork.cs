using TorchSharp;

namespace HwSim.Quantizer.Models;

/// <summary>
/// A real network with weights that the quantizer can run with a hook at every convolution and
/// fully-connected layer: an ONNX file run by the executor, or a TorchVision model.
/// Forward passes run in inference mode (batch norm uses running statistics, no autograd).
/// </summary>
public interface IQuantizableNetwork : IDisposable
{
    /// <summary>Name for reports: the file name or the TorchVision builder's name.</summary>
    string Name { get; }

    /// <summary>Shape of one input, without the batch dimension: [channels, height, width].</summary>
    IReadOnlyList<long> InputShape { get; }

    /// <summary>The compute layers in execution order, as traced at <see cref="InputShape"/> with batch 1.</summary>
    IReadOnlyList<ComputeLayer> Layers { get; }

    /// <summary>
    /// Runs a batch [N, C, H, W] through the network and returns its output; with a hook, calls it
    /// at every compute layer (<see cref="ILayerHook.Before"/> then <see cref="ILayerHook.After"/>).
    /// </summary>
    torch.Tensor Forward(torch.Tensor input, ILayerHook? hook = null);
}
