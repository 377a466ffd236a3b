using TorchSharp;

namespace HwSim.Quantizer.Methods;

/// <summary>Quantises a layer's weight tensor ([K, C/g, R, S] or [out, in]); stateless, no calibration.</summary>
public interface IWeightQuantizer
{
    int Bits { get; }

    /// <summary>Quantises <paramref name="weight"/> (float32, unchanged); the caller disposes the result.</summary>
    QuantizedTensor Quantize(torch.Tensor weight);
}
