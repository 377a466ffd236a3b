using HwSim.Workloads.Formats;
using TorchSharp;

namespace HwSim.Quantizer.Methods;

/// <summary>
/// A tensor after quantisation: the integer codes a low-precision PE would hold, and the real
/// values they stand for. <c>Values == (Codes - ZeroPoint) * Scale</c> exactly (that is how Values is
/// computed), with Scale and ZeroPoint broadcastable to the tensor's shape (a scalar per tensor, or
/// [K, 1, 1, 1] / [K, 1] per output channel).
/// </summary>
public sealed class QuantizedTensor : IDisposable
{
    public QuantizedTensor(torch.Tensor values, torch.Tensor codes, torch.Tensor scale, torch.Tensor zeroPoint, NumberFormat format, double alpha)
    {
        Values = values;
        Codes = codes;
        Scale = scale;
        ZeroPoint = zeroPoint;
        Format = format;
        Alpha = alpha;
    }

    /// <summary>Dequantised values (float32), the same shape as the input.</summary>
    public torch.Tensor Values { get; }

    /// <summary>Integer codes (int64), the same shape; each within <see cref="Format"/>'s range (binary: -1/+1, ternary: -1/0/+1).</summary>
    public torch.Tensor Codes { get; }

    /// <summary>Step between adjacent codes (float32), broadcastable to the shape.</summary>
    public torch.Tensor Scale { get; }

    /// <summary>Code that stands for 0.0 (float32; may be fractional, e.g. DoReFa's odd-level weights), broadcastable.</summary>
    public torch.Tensor ZeroPoint { get; }

    /// <summary>The format of the codes, as the simulator sees the operand.</summary>
    public NumberFormat Format { get; }

    /// <summary>
    /// The clip or scale reported as <c>w_alpha</c>/<c>a_alpha</c>: the clipping level (PACT, SAWB, uniform,
    /// DoReFa activations = 1), or the scale (XNOR-Net, TWN, DoReFa 1-bit); the mean over channels when per channel.
    /// </summary>
    public double Alpha { get; }

    public void Dispose()
    {
        Values.Dispose();
        Codes.Dispose();
        Scale.Dispose();
        ZeroPoint.Dispose();
    }
}
