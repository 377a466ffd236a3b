namespace HwSim.Simulator.Architecture;

/// <summary>
/// Whether a unit's next fold may compute while the previous fold's results are still leaving the
/// array (Simulator/README.md §3 "Fold pipelining"). Only kinds whose results leave through a drain
/// phase of their own after the compute (bit-serial, XNOR, dot-product) can overlap it.
/// </summary>
public enum DrainMode
{
    /// <summary>Each fold starts after the previous fold's last result has left (one accumulator per PE).</summary>
    Serial,
    /// <summary>Double-buffered accumulators: a fold that starts a reduction computes into the other bank while the previous fold drains.</summary>
    Overlapped,
}
