using TorchSharp;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// Quantises a layer's input activations with parameters fixed by calibration (see
/// <see cref="QuantizerFactory.CalibrateActivations"/>): the same clip for every input that follows.
/// </summary>
public interface IActivationQuantizer
{
    int Bits { get; }

    /// <summary>The calibrated clip or scale (PACT alpha, DoReFa 1.0, XNOR-Net mean |x|, uniform max - min range).</summary>
    double Alpha { get; }

    /// <summary>Quantises <paramref name="input"/> (float32, unchanged); the caller disposes the result.</summary>
    QuantizedTensor Quantize(torch.Tensor input);
}
