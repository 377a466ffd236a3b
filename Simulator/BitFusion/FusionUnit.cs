namespace HwSim.Simulator.BitFusion;

/// <summary>
/// One fusion unit's datapath for one pass (Sharma et al., ISCA 2018, §III): the BitBricks,
/// fused by the operand widths, and the shift-add tree that sums their products.
/// </summary>
internal static class FusionUnit
{
    /// <summary>
    /// One BitBrick: a 2-bit piece of each operand, each extended to 3 bits by its sign mode
    /// (signed for the top piece of a signed operand, else zero), multiplied.
    /// </summary>
    public static long BitBrick(int x, bool xSigned, int y, bool ySigned) => Extend(x, xSigned) * Extend(y, ySigned);

    /// <summary>
    /// The tree's output for one pass: for each held term l, every weight piece i of half
    /// <paramref name="weightHalf"/> times every input piece j of half <paramref name="inputHalf"/>
    /// in its own BitBrick, shifted by 2(i + j), all summed; then shifted by the halves' weight
    /// 8 x (weightHalf + inputHalf).
    /// </summary>
    public static long Pass(ReadOnlySpan<long> weights, ReadOnlySpan<long> inputs, FusedWidths f, int weightHalf, int inputHalf)
    {
        long sum = 0;
        for (var l = 0; l < weights.Length; l++)
            for (var i = 0; i < f.WeightPieces; i++)
            {
                var (x, xs) = Piece(weights[l], f.Weight.Signed, f.WeightPieces, f.WeightHalves, weightHalf, i);
                for (var j = 0; j < f.InputPieces; j++)
                {
                    var (y, ys) = Piece(inputs[l], f.Input.Signed, f.InputPieces, f.InputHalves, inputHalf, j);
                    sum += BitBrick(x, xs, y, ys) << (FusedWidths.PieceBits * (i + j));
                }
            }
        return sum << (FusedWidths.SpatialBits * (weightHalf + inputHalf));
    }

    // Piece i of half h of an operand fused at pieces x 2 x halves bits: its 2-bit code and sign
    // mode. The value lies within the fused width, so its bits above are copies of its sign.
    private static (int Code, bool Signed) Piece(long value, bool signed, int pieces, int halves, int half, int piece)
    {
        var shift = half * FusedWidths.SpatialBits + piece * FusedWidths.PieceBits;
        var top = signed && half == halves - 1 && piece == pieces - 1;
        return ((int)((value >> shift) & 3), top);
    }

    private static long Extend(int code, bool signed) => signed && code >= 2 ? code - 4 : code;
}
