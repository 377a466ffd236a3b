using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Pipeline;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Training;

/// <summary>
/// Weight fake quantisation for training, per method, differentiable with straight-through estimators. The STE is
/// written as <c>c + (q(c) - c).detach()</c>: the forward value is q(c), the gradient that of c (the clamp's
/// gradient is 1 inside the clip and 0 outside; <c>clamp</c> is used because TorchSharp 0.107.0's hardtanh does not clip).
/// </summary>
public static class WeightFakeQuant
{
    /// <summary>
    /// The training-time weights of a layer planned as <paramref name="plan"/> (fp32: <paramref name="w"/> itself).
    /// PACT and DoReFa: DoReFa k-bit weights (<see cref="DoReFaFakeQuant"/>); SAWB; XNOR-Net; TWN; uniform symmetric per channel.
    /// </summary>
    public static Tensor Apply(Tensor w, LayerPlan plan) => plan switch
    {
        LayerPlan.Float => w,
        LayerPlan.Quantized { Method: QuantMethod.Pact or QuantMethod.DoReFa, WeightBits: var b } => DoReFaFakeQuant.Weights(w, b),
        LayerPlan.Quantized { Method: QuantMethod.Sawb, WeightBits: var b } => Sawb(w, b),
        LayerPlan.Quantized { Method: QuantMethod.Xnor } => Xnor(w),
        LayerPlan.Quantized { Method: QuantMethod.Ternary } => Ternary(w),
        LayerPlan.Quantized { Method: QuantMethod.Uniform, WeightBits: var b } => UniformPerChannel(w, b),
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan, "no training quantizer for this plan"),
    };

    /// <summary>
    /// XNOR-Net weights (Rastegari et al., ECCV 2016, eq. 4 and 7): alpha_k sign(W_k) with alpha_k = mean|W_k| per
    /// output filter (sign(0) = +1). Backward: sign's straight-through gradient clipped to |w| &lt;= 1 (the paper's
    /// 1_{|r| &lt;= 1}); the gradient through alpha (the paper's 1/n term) comes from autograd.
    /// </summary>
    public static Tensor Xnor(Tensor w)
    {
        using var scope = NewDisposeScope();
        var rows = w.reshape(w.shape[0], -1);
        var shape = new long[w.dim()];
        Array.Fill(shape, 1L);
        shape[0] = w.shape[0];
        var alpha = rows.abs().mean([1L]).reshape(shape);
        return scope.MoveToOuter(alpha * ClippedSign(w));
    }

    /// <summary>sign(x) (sign(0) = +1) forward; gradient 1 where |x| &lt;= 1, else 0 (Hubara et al., "Binarized Neural Networks", NeurIPS 2016).</summary>
    public static Tensor ClippedSign(Tensor x)
    {
        using var scope = NewDisposeScope();
        var clipped = x.clamp(-1, 1);
        var sign = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x));
        return scope.MoveToOuter(clipped + (sign - clipped).detach());
    }

    /// <summary>
    /// TWN (Li and Liu, arXiv 1605.04711, eq. 9-10): Delta = 0.7 E|W|, codes sign(W) where |W| &gt; Delta, scale the mean
    /// |W| over those; the gradient passes straight through to every weight, as in the paper's training.
    /// </summary>
    public static Tensor Ternary(Tensor w)
    {
        using var scope = NewDisposeScope();
        Tensor q;
        using (no_grad())
        {
            var abs = w.abs();
            var delta = TernaryWeightQuantizer.ThresholdFactor * abs.mean();
            var kept = (abs > delta).to_type(w.dtype);
            var scale = (abs * kept).sum() / kept.sum().clamp_min(1);
            q = w.sign() * kept * scale;
        }
        return scope.MoveToOuter(w + (q - w).detach());
    }

    /// <summary>
    /// SAWB (Choi et al., arXiv 1807.06964, eq. 3): alpha = c1 sqrt(E w^2) - c2 E|w| (max|w| when that is not
    /// positive, as <see cref="SawbWeightQuantizer"/>), symmetric uniform on [-alpha, alpha]; STE inside the clip.
    /// </summary>
    public static Tensor Sawb(Tensor w, int bits)
    {
        var (c1, c2) = SawbWeightQuantizer.Coefficients(bits);
        using var scope = NewDisposeScope();
        double alpha;
        using (no_grad())
        {
            alpha = c1 * Math.Sqrt(w.square().mean().item<float>()) - c2 * w.abs().mean().item<float>();
            if (!(alpha > 0))
                alpha = Math.Max(w.abs().max().item<float>(), 1e-12);
        }
        return scope.MoveToOuter(SymmetricSte(w.clamp(-alpha, alpha), alpha, bits));
    }

    /// <summary>Symmetric per-output-channel uniform weights (the int8 baseline, as <see cref="UniformSymmetricPerChannelWeightQuantizer"/>): scale max|w_k| / (2^(k-1) - 1).</summary>
    public static Tensor UniformPerChannel(Tensor w, int bits)
    {
        using var scope = NewDisposeScope();
        var shape = new long[w.dim()];
        Array.Fill(shape, 1L);
        shape[0] = w.shape[0];
        var levels = (double)((1L << (bits - 1)) - 1);
        var max = w.detach().reshape(w.shape[0], -1).abs().amax([1L]).clamp_min(1e-12).reshape(shape);
        var q = (w.detach() / max * levels).round() * max / levels;
        return scope.MoveToOuter(w + (q - w).detach());
    }

    /// <summary>round(c/alpha (2^(k-1) - 1)) alpha/(2^(k-1) - 1) forward for c already clipped to [-alpha, alpha]; identity backward.</summary>
    internal static Tensor SymmetricSte(Tensor clipped, double alpha, int bits)
    {
        var levels = (double)((1L << (bits - 1)) - 1);
        if (levels < 1)
            return clipped + (torch.where(clipped >= 0, torch.ones_like(clipped), -torch.ones_like(clipped)) * alpha - clipped).detach();
        return clipped + ((clipped * (levels / alpha)).round() * (alpha / levels) - clipped).detach();
    }
}

/// <summary>
/// Input (activation) fake quantisation of one layer for training. The network hands each layer its pre-activation
/// (batch-norm output); the layer's input quantizer applies the nonlinearity and the quantisation together:
/// ReLU then PACT / DoReFa / uniform for unsigned activations, the clipped sign for XNOR-Net's binary ones, plain
/// ReLU (or identity in a binary network) for a float layer. The first layer reads the image, centred on
/// [-0.5, 0.5], whose range is known: it is quantised on that fixed symmetric range (binary at 1 bit).
/// </summary>
public sealed class InputFakeQuant : nn.Module<Tensor, Tensor>
{
    /// <summary>Half-range of the centred image input (pixels/255 - 0.5).</summary>
    public const double ImageHalfRange = 0.5;

    /// <summary>Momentum of the uniform quantizer's running range, as TensorFlow's fake-quant EMA (decay 0.999 is theirs for long runs; 0.9 suits a few epochs).</summary>
    public const double RangeMomentum = 0.9;

    private readonly PactActivation? _pact;
    private readonly Tensor? _range; // uniform: [min, max], a buffer so that checkpoints keep it

    public InputFakeQuant(LayerPlan plan, bool image, bool realIsIdentity, string name = nameof(InputFakeQuant)) : base(name)
    {
        Plan = plan;
        Image = image;
        RealIsIdentity = realIsIdentity;
        if (!image && plan is LayerPlan.Quantized { Method: QuantMethod.Pact or QuantMethod.Sawb or QuantMethod.Ternary } or LayerPlan.Quantized { Method: QuantMethod.Xnor, InputBits: > 1 })
            _pact = new PactActivation(((LayerPlan.Quantized)plan).InputBits, 10.0); // the paper's starting clip; Trainer calibrates it
        if (!image && plan is LayerPlan.Quantized { Method: QuantMethod.Uniform })
        {
            _range = torch.tensor(new[] { 0f, 1f });
            register_buffer("range", _range);
        }
        RegisterComponents();
    }

    public LayerPlan Plan { get; }

    /// <summary>The layer reads the network's input image.</summary>
    public bool Image { get; }

    /// <summary>The float activation of this network is the identity (binary networks keep the real pre-activation).</summary>
    public bool RealIsIdentity { get; }

    /// <summary>PACT's learnable clip, when this quantizer is PACT.</summary>
    public PactActivation? Pact => _pact;

    /// <summary>The float input this layer would see without quantisation: the image, or the pre-activation through ReLU (identity in a binary network).</summary>
    public Tensor Real(Tensor x) => Image || RealIsIdentity ? x : nn.functional.relu(x);

    /// <summary>Sets the quantizer's clip from the real input it will see: PACT's alpha (the MSE-optimal clip, <see cref="PactActivationQuantizer.Calibrate"/>) and the uniform range (min, max).</summary>
    public void Calibrate(Tensor realInput)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (_pact is not null)
            _pact.Alpha.copy_(torch.tensor(new[] { (float)PactActivationQuantizer.Calibrate(_pact.Bits, realInput).Alpha }));
        if (_range is not null)
            _range.copy_(torch.stack([realInput.min(), realInput.max()]));
    }

    public override Tensor forward(Tensor x)
    {
        switch (Plan)
        {
            case LayerPlan.Float:
                return Real(x);
            case LayerPlan.Quantized { Method: QuantMethod.Xnor, InputBits: 1 }:
                return WeightFakeQuant.ClippedSign(x);
            case LayerPlan.Quantized q when Image:
                return WeightFakeQuant.SymmetricSte(x.clamp(-ImageHalfRange, ImageHalfRange), ImageHalfRange, q.InputBits);
            case LayerPlan.Quantized when _pact is not null:
                return _pact.forward(x);
            case LayerPlan.Quantized { Method: QuantMethod.DoReFa, InputBits: var b }:
            {
                // DoReFa activations (Zhou et al. eq. 5 on clip(x, 0, 1)); gradient 1 inside [0, 1].
                using var scope = NewDisposeScope();
                var c = x.clamp(0, 1);
                double levels = (1L << b) - 1;
                return scope.MoveToOuter(c + ((c * levels).round() / levels - c).detach());
            }
            case LayerPlan.Quantized { Method: QuantMethod.Uniform, InputBits: var b }:
            {
                // Asymmetric per-tensor uniform on a running [min, max] (the int8 baseline's activations), STE inside the range.
                using var scope = NewDisposeScope();
                var real = Real(x);
                if (training)
                {
                    using var _ = no_grad();
                    var observed = torch.stack([real.min(), real.max()]);
                    _range!.mul_(RangeMomentum).add_(observed * (1 - RangeMomentum));
                }
                var (low, high) = (_range![0].item<float>(), _range[1].item<float>());
                if (!(high > low))
                    high = low + 1e-6f;
                double steps = (1L << b) - 1;
                var scale = (high - low) / steps;
                var zero = Math.Round(-low / scale);
                var c = real.clamp(low, high);
                var q = ((c / scale).round() + zero).clamp(0, steps);
                return scope.MoveToOuter(c + (((q - zero) * scale) - c).detach());
            }
            default:
                throw new InvalidOperationException($"no training input quantizer for {Plan}");
        }
    }
}
