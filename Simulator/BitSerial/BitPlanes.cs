using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// How an integer operand sits in a bit-serial PE's lane register: <see cref="Bits"/> planes of
/// a two's-complement code (binary and ternary as 2-bit codes, -1 = 11, +1 = 01) or of an
/// unsigned code. The top plane of a signed code weighs -2^(Bits-1); every other plane j weighs 2^j.
/// </summary>
internal readonly record struct BitPlanes(int Bits, bool Signed)
{
    public static BitPlanes Of(NumberFormat format) => format.IsFloat
        ? throw new InvalidOperationException($"a bit-serial unit computes on integer bit-planes; {format} should have been rejected by the unit's Unsupported check")
        : new(IntegerUnits.SerialBits(format), format.Kind != NumberKind.UnsignedInt);

    /// <summary>The code the lane register holds for <paramref name="value"/> (two's complement wraps negatives into Bits bits).</summary>
    public long Encode(long value) => value & Mask;

    /// <summary>The value a Bits-wide code stands for (sign-extended when signed).</summary>
    public long Decode(long code) => IsSignPlane(Bits - 1) && ((code >> (Bits - 1)) & 1) == 1 ? code - (1L << Bits) : code;

    public bool IsSignPlane(int plane) => Signed && plane == Bits - 1;

    public long Mask => (1L << Bits) - 1;
}
