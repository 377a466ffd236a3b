using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.DotProduct;

/// <summary>
/// A bit-parallel dot-product array, DaDianNao's NFU (Chen et al., MICRO 2014): each PE is one
/// filter lane of <see cref="Lanes"/> multipliers whose products an adder tree sums into an
/// accumulator, one dot step of <see cref="Lanes"/> reduction terms per cycle whatever the
/// operands' widths. Built for one operand <see cref="Format"/>, as a systolic array is: integer
/// layers up to its width on an integer unit, float layers on a float unit at least as wide.
/// </summary>
public sealed record DotProductUnitSpec : UnitSpec
{
    /// <param name="lanes">Products per PE per cycle (multipliers into one adder tree).</param>
    /// <param name="format">The operand format the multipliers are built for.</param>
    public DotProductUnitSpec(string name, int rows, int cols, int lanes, NumberFormat format)
        : base(name, rows, cols)
    {
        Lanes = lanes;
        Format = format;
    }

    /// <summary>Reduction terms a PE takes per cycle (multipliers into one adder tree).</summary>
    public int Lanes { get; init => field = value is >= 1 and <= 4096 ? value : throw new InputException($"must be 1 to 4096, got {value}", "units[].lanes"); }

    /// <summary>The operand format of the multipliers (intB, fp16, bf16 or fp32).</summary>
    public NumberFormat Format
    {
        get;
        init => field = value is { Kind: NumberKind.SignedInt or NumberKind.Fp16 or NumberKind.Bf16 or NumberKind.Fp32 }
            ? value : throw new InputException($"a dotproduct unit is built for intB, fp16, bf16 or fp32 operands, got {value}", "units[].format");
    }

    /// <summary>
    /// <see cref="SkipMode.ZeroOperands"/> gates each lane whose input term is zero (its multiplier
    /// and its product into the tree; energy, not cycles); the bit-serial timing modes are refused.
    /// </summary>
    public SkipMode Skip
    {
        get;
        init => field = value is SkipMode.None or SkipMode.ZeroOperands ? value
            : throw new InputException(SkipModes.TimingOnBitParallel("dotproduct"), "units[].skip");
    }

    public override string? Unsupported(OperandPrecision precision) => ParallelUnits.Unsupported(this, Format, precision);
}
