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
