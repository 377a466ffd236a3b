namespace HwSim.Simulator.Architecture;

/// <summary>
/// Off-chip memory as the array sees it: one channel moving a fixed number of bytes per cycle,
/// of a device type that the cost model prices per bit (the simulator only times the channel).
/// </summary>
public sealed record DramSpec
{
    /// <param name="bandwidthBytesPerCycle">Bytes per array clock cycle, at least 1; null means unlimited (transfers take no time).</param>
    /// <param name="type">Device type, for the energy per bit (<see cref="DramKinds.Default"/>: LPDDR4).</param>
    public DramSpec(int? bandwidthBytesPerCycle, DramKind type = DramKinds.Default)
    {
        BandwidthBytesPerCycle = bandwidthBytesPerCycle;
        Type = type;
    }

    /// <summary>Device type: what one bit moved costs (CostModel), never the timing.</summary>
    public DramKind Type
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new Workloads.InputException($"unknown DRAM type {(int)value} (known: {string.Join(", ", DramKinds.CsvNames)})", "dram.type");
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
