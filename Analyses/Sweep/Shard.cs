using System.Globalization;
using HwSim.Workloads;

namespace HwSim.Analyses.Sweep;

/// <summary>
/// A deterministic slice of a sweep: shard <see cref="Index"/> of <see cref="Count"/> holds the
/// points whose id modulo Count is Index. Indices are 0-based, as Slurm's SLURM_ARRAY_TASK_ID
/// (with --array=0-N-1) and Kubernetes' JOB_COMPLETION_INDEX are. Interleaving ids (rather than
/// cutting the id range into blocks) gives every shard a similar mix of cheap and expensive points.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard All { get; } = new(0, 1);

    public bool IsAll => Count == 1;

    public bool Contains(long pointId) => pointId % Count == Index;

    /// <summary>Points of a sweep of <paramref name="total"/> points in this shard, in id order.</summary>
    public IEnumerable<long> Ids(long total)
    {
        for (long id = Index; id < total; id += Count)
            yield return id;
    }

    /// <summary>"i/N" with 0 &lt;= i &lt; N.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new InputException($"must be INDEX/COUNT such as 0/4 (0-based, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX), got '{text}'", "shard");
        if (count < 1)
            throw new InputException($"the shard count must be at least 1, got {count}", "shard");
        return index < count ? new Shard(index, count)
            : throw new InputException($"shard indices are 0-based: 0 to {count - 1} for {count} shards, got {index}", "shard");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
