using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>
/// One storage level of a nest architecture: what it keeps, how many words one instance holds, and how many
/// instances of the next level (or, for the last level, MACs) each instance feeds, as FanoutX x FanoutY.
/// </summary>
/// <param name="Name">For people ("shared_glb", "pe_spad").</param>
/// <param name="Keeps">The operands it stores; the others bypass it.</param>
/// <param name="CapacityWords">Words one instance holds (all kept operands together), or null for unbounded (DRAM).</param>
/// <param name="FanoutX">Instances of the next level per instance along X.</param>
/// <param name="FanoutY">Instances of the next level per instance along Y.</param>
/// <param name="ReadBandwidth">Words one instance can read per cycle (Timeloop's <c>read_bandwidth</c>), or null for unlimited.</param>
/// <param name="WriteBandwidth">Words one instance can take in (fills and updates) per cycle, or null for unlimited.</param>
public sealed record NestLevel(string Name, ImmutableHashSet<NestTensor> Keeps, long? CapacityWords = null, int FanoutX = 1, int FanoutY = 1,
    double? ReadBandwidth = null, double? WriteBandwidth = null)
{
    public bool Holds(NestTensor tensor) => Keeps.Contains(tensor);
}

/// <summary>Storage levels from the outermost (level 0, usually DRAM, which keeps every operand) inward.</summary>
public sealed record NestArchitecture
{
    public NestArchitecture(IEnumerable<NestLevel> levels)
    {
        Levels = [.. levels];
        if (Levels.Length == 0)
            throw new ArgumentException("a nest architecture needs at least one level", nameof(levels));
        foreach (var t in Enum.GetValues<NestTensor>())
            if (!Levels[0].Holds(t))
                throw new ArgumentException($"level 0 ({Levels[0].Name}) must keep every operand; it bypasses {t}", nameof(levels));
        foreach (var level in Levels)
        {
            if (level.FanoutX < 1 || level.FanoutY < 1)
                throw new ArgumentException($"level {level.Name}: fan-out {level.FanoutX}x{level.FanoutY} must be at least 1x1", nameof(levels));
            if (level.CapacityWords is < 1)
                throw new ArgumentException($"level {level.Name}: capacity {level.CapacityWords} words must be at least 1", nameof(levels));
            if (level.ReadBandwidth is { } r && !(double.IsFinite(r) && r > 0) || level.WriteBandwidth is { } w && !(double.IsFinite(w) && w > 0))
                throw new ArgumentException($"level {level.Name}: bandwidths must be above 0 words per cycle", nameof(levels));
        }
    }

    public ImmutableArray<NestLevel> Levels { get; }

    /// <summary>The nearest level outside <paramref name="level"/> that keeps <paramref name="tensor"/>, or -1 for level 0.</summary>
    public int ParentKeeper(int level, NestTensor tensor)
    {
        for (var l = level - 1; l >= 0; l--)
            if (Levels[l].Holds(tensor))
                return l;
        return -1;
    }

    /// <summary>The innermost level that keeps <paramref name="tensor"/>: the one the MACs use.</summary>
    public int InnermostKeeper(NestTensor tensor)
    {
        for (var l = Levels.Length - 1; l >= 0; l--)
            if (Levels[l].Holds(tensor))
                return l;
        return 0;
    }
}
