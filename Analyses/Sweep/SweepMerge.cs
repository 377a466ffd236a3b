using System.Collections.Immutable;
using HwSim.Workloads;

namespace HwSim.Analyses.Sweep;

/// <summary>Sweep CSVs joined: the shared identity and header, every row once, sorted by point id.</summary>
/// <param name="Points">Points in the whole sweep (rows may be fewer when shards are missing).</param>
public sealed record MergedSweep(string Identity, string Header, long Points, ImmutableArray<SweepRow> Rows)
{
    /// <summary>Ids of the sweep that no file held, in order.</summary>
    public IEnumerable<long> Missing()
    {
        long next = 0;
        foreach (var row in Rows)
        {
            for (; next < row.Id; next++)
                yield return next;
            next = row.Id + 1;
        }
        for (; next < Points; next++)
            yield return next;
    }
}

/// <summary>
/// Joins shard files of one sweep. The rows are copied byte for byte and sorted by id, so the
/// shards of a sweep merge to exactly the file one unsharded run writes.
/// </summary>
public static class SweepMerge
{
    /// <summary>
    /// The merged sweep; <see cref="InputException"/> when a file holds another sweep (identity or
    /// header differ) or a point id is in two files (shards overlap: the same -o given twice, or a
    /// shard run with another count).
    /// </summary>
    public static MergedSweep Merge(IReadOnlyList<SweepCsvFile> files)
    {
        if (files.Count == 0)
            throw new InputException("give at least one sweep CSV to merge", "files");
        var first = files[0];
        var owner = new Dictionary<long, (SweepCsvFile File, SweepRow Row)>();
        foreach (var file in files)
        {
            if (file.Identity != first.Identity)
                throw new InputException(
                    $"holds a different sweep (sweep={file.Hash}, {file.Points} points) from {first.Path} (sweep={first.Hash}, {first.Points} points); only files of one sweep merge",
                    file: file.Path, location: "line 1");
            if (file.Header != first.Header)
                throw new InputException($"its header differs from {first.Path}'s (was one edited?)", file: file.Path, location: "line 2");
            foreach (var row in file.Rows)
            {
                if (owner.TryGetValue(row.Id, out var seen))
                    throw new InputException($"point {row.Id} is also in {seen.File.Path} (line {seen.Row.LineNumber}); shards must not overlap", "point_id", file.Path, $"line {row.LineNumber}");
                owner.Add(row.Id, (file, row));
            }
        }
        return new MergedSweep(first.Identity, first.Header, first.Points, [.. owner.Values.Select(v => v.Row).OrderBy(r => r.Id)]);
    }
}
