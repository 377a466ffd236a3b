using HwSim.Quantizer.Torch;
using TorchSharp;

namespace HwSim.Quantizer.Methods;

/// <summary>The weight and activation quantizers of each method, with the bit-widths each supports.</summary>
/// <remarks>
/// Method to (weights, activations): Pact = DoReFa weights + PACT activations (the PACT paper quantises weights with
/// DoReFa); DoReFa = DoReFa both; Sawb = SAWB + PACT; Xnor = XNOR-Net weights + XNOR-Net sign activations at 1 bit,
/// PACT at more; Ternary = TWN + PACT; Uniform = symmetric per-channel weights + asymmetric per-tensor activations.
/// </remarks>
public static class QuantizerFactory
{
    /// <summary>Widest code any method produces (int16 first/last layers); see QuantCommon.MaxBits.</summary>
    public const int MaxBits = QuantCommon.MaxBits;

    /// <summary>
    /// The weight quantizer of <paramref name="method"/> at <paramref name="bits"/>; throws an
    /// <see cref="Workloads.InputException"/> on field "weight bits" when the method does not support that width
    /// (XNOR-Net: 1; TWN: 2; SAWB: the widths its coefficient table has; others 1..16 or 2..16).
    /// </summary>
    public static IWeightQuantizer Weights(QuantMethod method, int bits)
    {
        TorchRuntime.EnsureLoaded();
        return method switch
        {
            // The factory serves post-training quantisation of fp32-trained networks: DoReFa's levels are put back
            // in the weights' units (see DoReFaWeightQuantizer's restoreScale); training uses DoReFaFakeQuant.
            QuantMethod.Pact or QuantMethod.DoReFa => new DoReFaWeightQuantizer(bits, restoreScale: true),
            QuantMethod.Sawb => new SawbWeightQuantizer(bits),
            QuantMethod.Xnor => new XnorWeightQuantizer(bits),
            QuantMethod.Ternary => new TernaryWeightQuantizer(bits),
            QuantMethod.Uniform => new UniformSymmetricPerChannelWeightQuantizer(bits),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown quantisation method"),
        };
    }

    /// <summary>
    /// The activation quantizer of <paramref name="method"/> at <paramref name="bits"/>, calibrated on
    /// <paramref name="samples"/> (a float32 tensor of the layer's fp32 input values, any shape). When the
    /// samples have negative values the quantizer is signed (codes in Int(bits)); otherwise unsigned
    /// (UInt(bits)). Throws an InputException on field "activation bits" for unsupported widths.
    /// </summary>
    /// <remarks>
    /// Exceptions to the signed/unsigned rule, by definition of the method: a signed 1-bit quantizer is Binary
    /// (+/-1, there is no 1-bit Int), and XNOR-Net's 1-bit activations are Binary for any samples.
    /// PACT's alpha is chosen post-training by a grid search for the least squared error
    /// (<see cref="PactActivationQuantizer.Calibrate"/>); PACT itself learns it in training.
    /// </remarks>
    public static IActivationQuantizer CalibrateActivations(QuantMethod method, int bits, torch.Tensor samples)
    {
        TorchRuntime.EnsureLoaded();
        ArgumentNullException.ThrowIfNull(samples);
        switch (method)
        {
            case QuantMethod.Pact or QuantMethod.Sawb or QuantMethod.Ternary:
                return PactActivationQuantizer.Calibrate(bits, samples);
            case QuantMethod.DoReFa:
                QuantCommon.CheckBits(bits, 1, QuantCommon.ActivationBitsField, "DoReFa activations");
                using (torch.NewDisposeScope())
                    return new DoReFaActivationQuantizer(bits, QuantCommon.AsFloat32(samples, nameof(samples)).min().item<float>() < 0);
            case QuantMethod.Xnor:
                QuantCommon.CheckBits(bits, 1, QuantCommon.ActivationBitsField, "XNOR-Net activations");
                return bits == 1 ? XnorActivationQuantizer.Calibrate(samples) : PactActivationQuantizer.Calibrate(bits, samples);
            case QuantMethod.Uniform:
                return UniformActivationQuantizer.Calibrate(bits, samples);
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "unknown quantisation method");
        }
    }
}
