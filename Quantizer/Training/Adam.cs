using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Training;

/// <summary>
/// Adam (Kingma and Ba, ICLR 2015, Algorithm 1) with per-parameter L2 decay, written out so that its whole state
/// (moments and step count) is plain tensors a checkpoint can save and restore exactly: a resumed run must equal an
/// uninterrupted one. beta1 0.9, beta2 0.999, epsilon 1e-8, the paper's defaults.
/// </summary>
public sealed class Adam : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly (string Name, Tensor Parameter, double Decay)[] _parameters;
    private readonly Tensor[] _m, _v;

    public Adam(IEnumerable<(string Name, Tensor Parameter, double Decay)> parameters)
    {
        _parameters = [.. parameters];
        _m = [.. _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope())];
        _v = [.. _parameters.Select(p => zeros_like(p.Parameter).DetachFromDisposeScope())];
    }

    public long Steps { get; private set; }

    public void ZeroGrad()
    {
        foreach (var (_, p, _) in _parameters)
            p.grad?.zero_();
    }

    /// <summary>One update with learning rate <paramref name="lr"/>.</summary>
    public void Step(double lr)
    {
        Steps++;
        var correction1 = 1 - Math.Pow(Beta1, Steps);
        var correction2 = 1 - Math.Pow(Beta2, Steps);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var (_, p, decay) = _parameters[i];
            if (p.grad is not { } g)
                continue;
            if (decay > 0)
                g = g + p * decay;
            _m[i].mul_(Beta1).add_(g, alpha: 1 - Beta1);
            _v[i].mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            var denominator = (_v[i] / correction2).sqrt_().add_(Epsilon);
            p.addcdiv_(_m[i], denominator, value: -lr / correction1);
        }
    }

    /// <summary>The state as named tensors (m and v per parameter) plus the step count.</summary>
    public IEnumerable<(string Name, Tensor Value)> State()
    {
        for (var i = 0; i < _parameters.Length; i++)
        {
            yield return ($"adam.m.{_parameters[i].Name}", _m[i]);
            yield return ($"adam.v.{_parameters[i].Name}", _v[i]);
        }
    }

    /// <summary>Restores a state saved from <see cref="State"/>.</summary>
    public void Restore(long steps, IReadOnlyDictionary<string, Tensor> saved)
    {
        Steps = steps;
        using var _ = no_grad();
        foreach (var (name, t) in State())
            t.copy_(saved.TryGetValue(name, out var s) ? s : throw new InvalidDataException($"the checkpoint has no {name}"));
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v))
            t.Dispose();
    }
}
