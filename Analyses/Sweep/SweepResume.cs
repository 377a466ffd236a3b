namespace HwSim.Analyses.Sweep;

/// <summary>
/// What an existing output file contributes to a run: the rows of the same sweep it already
/// holds (kept byte for byte), and so the points still to compute.
/// </summary>
public static class SweepResume
{
    /// <summary>The field of errors about the output file a run resumes from.</summary>
    public const string OutputField = "output";

    /// <summary>
    /// The rows of <paramref name="path"/>, which must hold rows of this same sweep (identity line
    /// and header) and of this shard only; anything else is an <see cref="Workloads.InputException"/>
    /// rather than an overwrite, because the file may hold hours of another sweep's results.
    /// </summary>
    public static IReadOnlyList<SweepRow> ExistingRows(SweepDefinition sweep, Shard shard, string path)
    {
        var file = SweepCsv.Read(path);
        var identity = SweepCsv.IdentityLine(sweep.Hash, sweep.PointCount);
        if (file.Identity != identity)
            throw new Workloads.InputException(
                $"holds a different sweep (sweep={file.Hash}, {file.Points} points; this one is sweep={sweep.Hash}, {sweep.PointCount} points): " +
                "give another output file, or overwrite it to start this sweep over", OutputField, path, "line 1");
        if (file.Header != SweepCsv.HeaderLine(sweep))
            throw new Workloads.InputException("its header differs from this sweep's columns (was it edited?); give another output file, or overwrite it", OutputField, path, "line 2");
        if (file.Rows.FirstOrDefault(r => !shard.Contains(r.Id)) is { } foreign)
            throw new Workloads.InputException(
                $"holds point {foreign.Id}, which is not in shard {shard} (ids with id % {shard.Count} == {shard.Index}); each shard needs its own output file",
                OutputField, path, $"line {foreign.LineNumber}");
        return file.Rows;
    }

    /// <summary>The ids of <paramref name="shard"/> that <paramref name="existing"/> does not hold, in id order.</summary>
    public static IReadOnlyList<long> Missing(SweepDefinition sweep, Shard shard, IEnumerable<SweepRow> existing)
    {
        var have = existing.Select(r => r.Id).ToHashSet();
        return [.. shard.Ids(sweep.PointCount).Where(id => !have.Contains(id))];
    }
}
