namespace HwSim.Quantizer.Methods;

/// <summary>The quantisation methods of <c>hwsim quantize --method</c>.</summary>
public enum QuantMethod
{
    /// <summary>PACT activations (Choi et al. 2018) with DoReFa weights, as in the PACT paper.</summary>
    Pact,
    /// <summary>DoReFa-Net weights and activations (Zhou et al. 2016).</summary>
    DoReFa,
    /// <summary>SAWB weights (Choi et al. 2018b) with PACT activations, the PACT+SAWB pairing.</summary>
    Sawb,
    /// <summary>XNOR-Net binary weights (per-filter scale) and, at 1 bit, binary activations (Rastegari et al. 2016).</summary>
    Xnor,
    /// <summary>Ternary weights, TWN (Li and Liu 2016), with PACT activations.</summary>
    Ternary,
    /// <summary>Uniform integer: symmetric per-channel weights, asymmetric per-tensor activations (the int8 baseline).</summary>
    Uniform,
}

/// <summary>The methods by name, as users type them (<c>--method</c>, override files).</summary>
public static class QuantMethodNames
{
    /// <summary>Lower-case names in declaration order: pact, dorefa, sawb, xnor, ternary, uniform.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetNames<QuantMethod>().Select(n => n.ToLowerInvariant())];

    /// <summary>
    /// One method by its exact name (any case). Enum.TryParse is not used: it accepts numbers and
    /// comma lists, which it ORs together ("dorefa,sawb" would be xnor).
    /// </summary>
    public static bool TryParse(string? text, out QuantMethod method)
    {
        var t = text?.Trim() ?? "";
        foreach (var m in Enum.GetValues<QuantMethod>())
        {
            if (string.Equals(m.ToString(), t, StringComparison.OrdinalIgnoreCase))
            {
                method = m;
                return true;
            }
        }
        method = default;
        return false;
    }
}
