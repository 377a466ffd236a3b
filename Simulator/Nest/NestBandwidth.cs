namespace HwSim.Simulator.Nest;

/// <summary>
/// Cycles with each level's bandwidth, Timeloop's performance model: a level instance that must read R words (or take in W) over a
/// layer at most b words per cycle needs at least R / b cycles, and the layer takes the longest of those and its compute cycles (the
/// product of its temporal bounds). Accesses per instance are the level's counts over the instances the mapping uses. It is a closed
/// form over the counts, which both engines give identically (NestAgreementTests), so it needs no stepping of its own.
/// </summary>
public static class NestBandwidth
{
    /// <summary>The layer's cycles: its compute cycles, or more where a level's bandwidth cannot keep up.</summary>
    public static long Cycles(NestArchitecture arch, NestCounts counts)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(counts);
        var cycles = counts.Cycles;
        for (var l = 0; l < arch.Levels.Length; l++)
        {
            var level = arch.Levels[l];
            if (level.ReadBandwidth is null && level.WriteBandwidth is null)
                continue;
            var a = counts.Levels[l].Values.Aggregate(default(NestAccesses), (x, y) => x + y);
            var instances = Math.Max(1, counts.UsedInstances[l]);
            if (level.ReadBandwidth is { } r)
                cycles = Math.Max(cycles, Needed(a.Reads, instances, r));
            if (level.WriteBandwidth is { } w)
                cycles = Math.Max(cycles, Needed(checked(a.Fills + a.Updates), instances, w));
        }
        return cycles;
    }

    // Words per instance over words per cycle, rounded up; exact for the whole-number bandwidths of design files below 2^53 words.
    private static long Needed(long words, long instances, double perCycle) =>
        checked((long)Math.Ceiling(words / (double)instances / perCycle));
}
