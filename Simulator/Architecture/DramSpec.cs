namespace HwSim.Simulator.Architecture;

/// <summary>Off-chip memory as the array sees it: one channel moving a fixed number of bytes per cycle.</summary>
public sealed record DramSpec
{
    /// <param name="bandwidthBytesPerCycle">Bytes per array clock cycle, at least 1; null means unlimited (transfers take no time).</param>
    public DramSpec(int? bandwidthBytesPerCycle)
    {
        BandwidthBytesPerCycle = bandwidthBytesPerCycle;
    }

    public static DramSpec Unlimited { get; } = new((int?)null);

    /// <summary>Bytes per cycle, or null for unlimited.</summary>
    public int? BandwidthBytesPerCycle
    {
        get;
        init => field = value is null or >= 1 ? value
            : throw new Workloads.InputException($"must be at least 1 byte per cycle or 'unlimited', got {value}", "dram.bandwidth_bytes_per_cycle");
    }

    public bool IsUnlimited => BandwidthBytesPerCycle is null;

    /// <summary>Whole cycles the channel is busy moving <paramref name="bytes"/> (0 when unlimited or nothing moves).</summary>
    public long TransferCycles(long bytes) =>
        bytes <= 0 || BandwidthBytesPerCycle is not { } bw ? 0 : (bytes + bw - 1) / bw;
}
