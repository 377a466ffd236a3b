namespace HwSim.Simulator.Memory;

/// <summary>
/// DRAM bytes one fold moves. Loads are prefetched while the previous fold computes; writes
/// leave after the fold ends; partial sums spilled by the previous fold are read back after it.
/// </summary>
/// <param name="WeightLoadBytes">Weights brought on chip for this fold.</param>
/// <param name="IfmapLoadBytes">Input activations brought on chip for this fold.</param>
/// <param name="PsumReadBytes">Spilled partial sums read back before this fold (they exist only after the previous fold wrote them).</param>
/// <param name="PsumWriteBytes">Partial sums spilled after this fold because the output buffer cannot hold them.</param>
/// <param name="OutputWriteBytes">Final outputs written after this fold.</param>
public readonly record struct FoldTraffic(long WeightLoadBytes, long IfmapLoadBytes, long PsumReadBytes, long PsumWriteBytes, long OutputWriteBytes)
{
    /// <summary>Bytes prefetched during the previous fold.</summary>
    public long PrefetchBytes => WeightLoadBytes + IfmapLoadBytes;

    /// <summary>Bytes written when this fold ends.</summary>
    public long WriteBytes => PsumWriteBytes + OutputWriteBytes;
}
