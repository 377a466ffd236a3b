using HwSim.Cli.Common;
using HwSim.Workloads;

namespace HwSim.Cli.Report;

/// <summary>
/// The report folder: the files <c>hwsim report</c> writes and nothing else. A folder that holds
/// anything else (a user's own notes, or a report.md that is not a HwSim report) is refused
/// before any work, so a report never overwrites or mixes with files it did not write; a run
/// replaces every file of the previous report, all or none (<see cref="AtomicFile.WriteAll"/>),
/// and removes those it no longer writes (the width files after --no-width).
/// </summary>
internal static class ReportFolder
{
    /// <summary>How report.md begins; a report.md that does not is someone else's.</summary>
    public const string MarkdownTitle = "# HwSim report:";

    public static readonly IReadOnlySet<string> OwnFiles = new HashSet<string>(StringComparer.Ordinal)
    {
        "report.md", "energy.json", "energy-per-layer.csv", "first-last.json", "first-last.csv", "area.csv", "width.json", "width.csv", "accuracy.csv",
        "energy-per-layer.png", "energy-per-layer.svg", "first-last.png", "first-last.svg", "width.png", "width.svg",
    };

    /// <summary>Refuses a folder path that cannot hold a report, or a folder with files the report did not write.</summary>
    public static void Check(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new InputException("give a folder name, not an empty path", "--output");
        if (File.Exists(folder))
            throw new InputException("is a file; the report needs a folder (give a new or empty one)", file: folder);
        if (!Directory.Exists(folder))
            return;
        var foreign = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>()
            .Where(name => !IsOwn(folder, name)).Order(StringComparer.Ordinal).ToList();
        if (foreign.Count > 0)
            throw new InputException(
                $"holds {(foreign.Count == 1 ? "a file" : $"{foreign.Count} files")} hwsim report did not write ({string.Join(", ", foreign.Take(5))}{(foreign.Count > 5 ? ", ..." : "")}); " +
                "give a new or empty folder, or one an earlier report wrote", file: folder);
    }

    /// <summary>Creates the folder if it is missing.</summary>
    public static void Create(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot create the report folder: {e.Message}", file: folder);
        }
    }

    /// <summary>Deletes the report files of an earlier run that this run did not write.</summary>
    public static void RemoveOthers(string folder, IEnumerable<string> written)
    {
        var keep = written.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        foreach (var name in OwnFiles.Where(n => !keep.Contains(n)))
        {
            var path = Path.Combine(folder, name);
            try
            {
                if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
                    File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"cannot remove {name} of an earlier report: {e.Message}", file: folder);
            }
        }
    }

    private static bool IsOwn(string folder, string name)
    {
        if (name == "report.md")
            return StartsWithTitle(Path.Combine(folder, name));
        if (OwnFiles.Contains(name))
            return true;
        // A temporary file of a run killed while writing (".report.md.PID.GUID.tmp"): AtomicFile removes it on the next write.
        return name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal)
            && OwnFiles.Any(own => name.StartsWith($".{own}.", StringComparison.Ordinal));
    }

    private static bool StartsWithTitle(string path)
    {
        // Only a regular file is read: a FIFO named report.md would block, and is not a report anyway.
        if (PosixFiles.KindOf(Path.GetFullPath(path)) != PosixFiles.Kind.Regular)
            return false;
        try
        {
            using var reader = new StreamReader(path);
            var buffer = new char[MarkdownTitle.Length];
            return reader.ReadBlock(buffer) == buffer.Length && new string(buffer) == MarkdownTitle;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
