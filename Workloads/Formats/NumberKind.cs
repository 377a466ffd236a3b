namespace HwSim.Workloads.Formats;

/// <summary>The families of number formats an operand can have.</summary>
public enum NumberKind
{
    /// <summary>Two's-complement integer of b bits.</summary>
    SignedInt,
    /// <summary>Unsigned integer of b bits (activations after ReLU, PACT codes).</summary>
    UnsignedInt,
    /// <summary>Binary +/-1 stored as one bit (XNOR-Net, BNN).</summary>
    Binary,
    /// <summary>Ternary {-1, 0, +1} stored as two bits (TWN).</summary>
    Ternary,
    /// <summary>IEEE 754 half precision.</summary>
    Fp16,
    /// <summary>bfloat16: 8 exponent bits, 7 mantissa bits.</summary>
    Bf16,
    /// <summary>IEEE 754 single precision.</summary>
    Fp32,
}
