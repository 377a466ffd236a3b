using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Training;

/// <summary>
/// PACT's activation as a custom autograd function (Choi et al., arXiv 1805.06085, eq. 1-3). Forward:
/// y = clip(x, 0, alpha), y_q = round(y (2^k - 1)/alpha) alpha/(2^k - 1). Backward, the straight-through estimator
/// through round: dy_q/dx = 1 for 0 &lt;= x &lt; alpha, else 0; dy_q/dalpha = 1 for x &gt;= alpha, else 0 (summed over
/// the tensor, alpha being one scalar per layer).
/// Call as <c>PactFunction.apply(x, alpha, bits)</c> with alpha a one-element tensor.
/// </summary>
public sealed class PactFunction : autograd.SingleTensorFunction<PactFunction>
{
    public override string Name => nameof(PactFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var alpha = (Tensor)vars[1];
        var bits = (int)vars[2];
        ctx.save_for_backward([x, alpha]);
        double levels = (1L << bits) - 1;
        var y = torch.minimum(x.clamp_min(0), alpha); // eq. 1, with alpha a tensor
        return (y * levels / alpha).round() * alpha / levels; // eq. 2
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (x, alpha) = (saved[0], saved[1]);
        var above = x >= alpha;
        var inside = (x >= 0).logical_and(above.logical_not());
        var gradX = grad_output * inside.to_type(grad_output.dtype);
        var gradAlpha = (grad_output * above.to_type(grad_output.dtype)).sum().reshape(alpha.shape);
        return [gradX, gradAlpha, null!];
    }
}

/// <summary>
/// DoReFa's quantize_k with a straight-through gradient (Zhou et al., arXiv 1606.06160, eq. 5): forward
/// round((2^k - 1) r)/(2^k - 1) for r in [0, 1]; backward passes the gradient through unchanged.
/// Call as <c>QuantizeKFunction.apply(r, bits)</c>.
/// </summary>
public sealed class QuantizeKFunction : autograd.SingleTensorFunction<QuantizeKFunction>
{
    public override string Name => nameof(QuantizeKFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var r = (Tensor)vars[0];
        double levels = (1L << (int)vars[1]) - 1;
        return (r * levels).round() / levels;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => [grad_output, null!];
}

/// <summary>
/// DoReFa's 1-bit weights with a straight-through gradient (Zhou et al., arXiv 1606.06160, eq. 7): forward
/// sign(w) E|w| (sign(0) = +1), backward passes the gradient through unchanged. Call as <c>BinarizeFunction.apply(w)</c>.
/// </summary>
public sealed class BinarizeFunction : autograd.SingleTensorFunction<BinarizeFunction>
{
    public override string Name => nameof(BinarizeFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var w = (Tensor)vars[0];
        return torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w)) * w.abs().mean();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => [grad_output];
}

/// <summary>DoReFa k-bit weight fake quantisation for training, differentiable through the straight-through functions.</summary>
public static class DoReFaFakeQuant
{
    /// <summary>
    /// w_q = 2 quantize_k(tanh(w)/(2 max|tanh(w)|) + 1/2) - 1 for k &gt; 1, sign(w) E|w| for k = 1 (Zhou et al. eq. 9, 7).
    /// The gradient flows through tanh and the max by ordinary autograd and straight through the round, as in the paper.
    /// </summary>
    public static Tensor Weights(Tensor w, int bits)
    {
        if (bits is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "DoReFa weights need 1 to 16 bits");
        if (bits == 1)
            return BinarizeFunction.apply(w);
        using var scope = NewDisposeScope();
        var t = w.tanh();
        // An all-zero weight would give 0/0; clamping the denominator keeps f = 1/2 there (tanh(0) = 0).
        var f = t / (2 * t.abs().max().clamp_min(1e-12)) + 0.5;
        return scope.MoveToOuter(2 * QuantizeKFunction.apply(f, bits) - 1);
    }
}
