using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.BitFusion;

/// <summary>
/// How a fusion unit's 16 BitBricks fuse for one pair of operand widths (Sharma et al., ISCA 2018,
/// §III): each operand is cut into 2-bit pieces, a power of two of them per pass (an operand of up
/// to 2 bits is 1 piece, up to 4 bits 2, up to 8 bits 4), so a b_w x b_a product takes
/// <see cref="WeightPieces"/> x <see cref="InputPieces"/> BitBricks and the unit computes
/// <see cref="Lanes"/> = 16 / that products per pass, all summed by its shift-add tree (they are
/// terms of one dot product). An operand of 9 to 16 bits is two 8-bit halves, one per pass
/// (temporal fusion, §III-C): a product takes <see cref="Passes"/> = halves_w x halves_a cycles.
/// </summary>
internal readonly record struct FusedWidths(BitPlanes Weight, BitPlanes Input, int WeightPieces, int InputPieces, int WeightHalves, int InputHalves)
{
    /// <summary>BitBricks in one fusion unit (the paper's 16, a 4x4 grid).</summary>
    public const int BitBricks = 16;

    /// <summary>Bits of one BitBrick operand.</summary>
    public const int PieceBits = 2;

    /// <summary>Widest operand a spatial fusion takes; wider ones are split into halves of this many bits.</summary>
    public const int SpatialBits = 8;

    /// <summary>Widest operand with temporal fusion (two spatial halves).</summary>
    public const int MaxBits = 2 * SpatialBits;

    public static FusedWidths Of(NumberFormat weight, NumberFormat input)
    {
        var (w, a) = (BitPlanes.Of(weight), BitPlanes.Of(input));
        return new(w, a, Pieces(w.Bits), Pieces(a.Bits), Halves(w.Bits), Halves(a.Bits));
    }

    /// <summary>Products one fusion unit computes per pass, all terms of the same dot product.</summary>
    public int Lanes => BitBricks / (WeightPieces * InputPieces);

    /// <summary>Cycles one product takes: 1, or 2 or 4 with temporal fusion of 16-bit operands.</summary>
    public int Passes => WeightHalves * InputHalves;

    /// <summary>BitBrick products one MAC takes over all its passes.</summary>
    public long BricksPerMac => (long)WeightPieces * InputPieces * Passes;

    /// <summary>The width an operand is fused at (2, 4, 8 or 16 bits): its code is sign- or zero-extended to it.</summary>
    public static int FusedBits(int pieces, int halves) => pieces * PieceBits * halves;

    private static int Halves(int bits) => bits > SpatialBits ? 2 : 1;

    // A half of a wider operand always fuses as a full 8-bit operand.
    private static int Pieces(int bits) => bits <= 2 ? 1 : bits <= 4 ? 2 : 4;
}
