using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Training;

/// <summary>
/// PACT activation for quantisation-aware training (Choi et al., arXiv 1805.06085): replaces the ReLU in front of a
/// quantised layer with clip(x, 0, alpha) quantised to k bits, alpha a learnable per-layer parameter named
/// <c>alpha</c> with the straight-through gradients of <see cref="PactFunction"/>. The paper L2-regularises alpha:
/// give its parameter a weight decay in the optimizer to do the same.
/// </summary>
public sealed class PactActivation : nn.Module<Tensor, Tensor>
{
    private readonly Parameter alpha;

    /// <summary>
    /// <paramref name="initialAlpha"/> is the starting clip: the paper starts training from 10; when fine-tuning a
    /// trained network, a calibrated clip (<see cref="Methods.PactActivationQuantizer.Calibrate"/>) is a better start.
    /// </summary>
    public PactActivation(int bits, double initialAlpha, string name = nameof(PactActivation)) : base(name)
    {
        if (bits is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "PACT activations need 1 to 16 bits");
        if (!(initialAlpha > 0) || double.IsInfinity(initialAlpha))
            throw new ArgumentOutOfRangeException(nameof(initialAlpha), initialAlpha, "alpha must be positive and finite");
        Bits = bits;
        alpha = new Parameter(torch.tensor(new[] { (float)initialAlpha }));
        register_parameter(nameof(alpha), alpha);
    }

    public int Bits { get; }

    /// <summary>The learnable clip, a one-element parameter.</summary>
    public Parameter Alpha => alpha;

    /// <summary>The clip's current value.</summary>
    public double AlphaValue => alpha.item<float>();

    public override Tensor forward(Tensor input) => PactFunction.apply(input, alpha, Bits);
}

/// <summary>
/// A Conv2d whose weights are fake-quantised with DoReFa k-bit weights (<see cref="DoReFaFakeQuant.Weights"/>) in every
/// forward pass; the float weights are the trained parameters and the gradient reaches them straight through the
/// round. The bias stays in float. Build it from a trained Conv2d with <see cref="From"/>.
/// </summary>
public sealed class QuantConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long[] stride;
    private readonly long[] padding;
    private readonly long[] dilation;
    private readonly long groups;

    /// <summary>A quantised convolution with the given float weight [K, C/g, R, S] and optional bias [K] (both copied).</summary>
    public QuantConv2d(Tensor weight, Tensor? bias, int bits, long[] stride, long[] padding, long[] dilation, long groups, string name = nameof(QuantConv2d))
        : base(name)
    {
        if (bits is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "DoReFa weights need 1 to 16 bits");
        Bits = bits;
        this.weight = new Parameter(weight.detach().clone());
        register_parameter(nameof(weight), this.weight);
        if (bias is not null)
        {
            this.bias = new Parameter(bias.detach().clone());
            register_parameter(nameof(bias), this.bias);
        }
        (this.stride, this.padding, this.dilation, this.groups) = (stride, padding, dilation, groups);
    }

    /// <summary>A quantised copy of <paramref name="conv"/> (weights, bias, stride, padding, dilation, groups).</summary>
    public static QuantConv2d From(Conv2d conv, int bits)
    {
        ArgumentNullException.ThrowIfNull(conv);
        var padding = conv.padding ?? throw new NotSupportedException("QuantConv2d copies explicit padding only, not 'same'/'valid' padding modes");
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"QuantConv2d supports zero padding only, got {conv.padding_mode}");
        return new QuantConv2d(conv.weight, conv.bias, bits, conv.stride, padding, conv.dilation, conv.groups);
    }

    public int Bits { get; }

    /// <summary>The float (shadow) weight that training updates.</summary>
    public Parameter Weight => weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var quantised = DoReFaFakeQuant.Weights(weight, Bits);
        return scope.MoveToOuter(nn.functional.conv2d(input, quantised, bias, stride, padding, dilation, groups));
    }
}

/// <summary>
/// A Linear layer whose weights are fake-quantised with DoReFa k-bit weights in every forward pass (see
/// <see cref="QuantConv2d"/>). Build it from a trained Linear with <see cref="From"/>.
/// </summary>
public sealed class QuantLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>A quantised linear layer with the given float weight [out, in] and optional bias [out] (both copied).</summary>
    public QuantLinear(Tensor weight, Tensor? bias, int bits, string name = nameof(QuantLinear)) : base(name)
    {
        if (bits is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "DoReFa weights need 1 to 16 bits");
        Bits = bits;
        this.weight = new Parameter(weight.detach().clone());
        register_parameter(nameof(weight), this.weight);
        if (bias is not null)
        {
            this.bias = new Parameter(bias.detach().clone());
            register_parameter(nameof(bias), this.bias);
        }
    }

    /// <summary>A quantised copy of <paramref name="linear"/>.</summary>
    public static QuantLinear From(Linear linear, int bits)
    {
        ArgumentNullException.ThrowIfNull(linear);
        return new QuantLinear(linear.weight, linear.bias, bits);
    }

    public int Bits { get; }

    /// <summary>The float (shadow) weight that training updates.</summary>
    public Parameter Weight => weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var quantised = DoReFaFakeQuant.Weights(weight, Bits);
        return scope.MoveToOuter(nn.functional.linear(input, quantised, bias));
    }
}
