namespace HwSim.Simulator.Xnor;

/// <summary>
/// One PE's registers in the reference model. Lane registers hold one bit per lane and plane:
/// on the binary path a single plane (1 for +1, 0 for -1) plus the valid mask (0 on padding
/// lanes); on the bit-plane path the two's-complement planes of every operand of the step.
/// </summary>
internal sealed class XnorPe(int weightPlanes, int inputPlanes, int lanes)
{
    public bool[][] Weight { get; } = Planes(weightPlanes, lanes);

    public bool[][] Input { get; } = Planes(inputPlanes, lanes);

    public bool[] Valid { get; } = new bool[lanes];

    /// <summary>Lanes holding a term in the current step (the last step may hold fewer).</summary>
    public int Held { get; set; }

    /// <summary>The accumulator; during the shift-in and the drain it is also the column's shift-chain register.</summary>
    public long Accumulator { get; set; }

    /// <summary>During the shift-in or the drain: the accumulator holds a partial sum or result on the chain, for output pixel <see cref="Pixel"/>.</summary>
    public bool Live { get; set; }

    public long Pixel { get; set; }

    private static bool[][] Planes(int planes, int lanes) => [.. Enumerable.Range(0, planes).Select(_ => new bool[lanes])];
}
