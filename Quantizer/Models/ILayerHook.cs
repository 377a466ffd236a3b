using TorchSharp;

namespace HwSim.Quantizer.Models;

/// <summary>
/// What the quantizer does at each compute layer while a network runs: it sees the layer's input
/// activation and weight and may replace them (fake quantisation), then sees the layer's output.
/// Networks call it for every <see cref="ComputeLayer"/> in execution order.
/// </summary>
public interface ILayerHook
{
    /// <summary>
    /// Called just before layer <paramref name="index"/> computes. Returns the input and weight to use
    /// instead (same shapes; return the arguments to change nothing). The network disposes neither
    /// argument nor the returned tensors' originals; the hook must not dispose what it returns until
    /// <see cref="After"/>.
    /// </summary>
    (torch.Tensor Input, torch.Tensor Weight) Before(int index, ComputeLayer layer, torch.Tensor input, torch.Tensor weight);

    /// <summary>Called with layer <paramref name="index"/>'s output (bias added, before any batch norm or activation that follows).</summary>
    void After(int index, ComputeLayer layer, torch.Tensor output);
}
