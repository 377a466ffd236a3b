using System.Globalization;
using System.Text;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// Writes output files so that a regular file is either complete or untouched, never
/// half-written: the content goes to a temporary file beside the target, which is then renamed
/// over it, keeping the old file's permissions. A symbolic link is followed and its target
/// written (the link stays); a device, FIFO or /dev/stdout is written in place, because renaming
/// over it would replace it (as root, -o /dev/null would turn /dev/null into a regular file). A
/// file without write permission is refused, even for root. Temporary files a killed run left
/// behind are removed by the next write of the same file.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>One file to write: its path and what to put in it.</summary>
    public sealed record Entry(string Path, Action<Stream> Write)
    {
        public static Entry Text(string path, Action<TextWriter> write) => new(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, leaveOpen: true);
            write(writer);
        });

        public static Entry Bytes(string path, byte[] content) => new(path, stream => stream.Write(content));
    }

    public static void Write(string path, Action<TextWriter> write) => WriteAll([Entry.Text(path, write)]);

    /// <summary>
    /// Writes every file or, for the regular ones, none: all targets are checked first, then every
    /// regular file's content goes to its temporary file, then devices and FIFOs are written, and
    /// only when all that worked are the temporary files renamed into place (a rename needs no
    /// space, so a full disk leaves the old files as they were).
    /// </summary>
    public static void WriteAll(IReadOnlyList<Entry> files)
    {
        var targets = files.Select(f => OutputTarget.Resolve(f.Path)).ToList();
        var temps = new string?[files.Count];
        var i = 0;
        try
        {
            for (i = 0; i < files.Count; i++)
                if (targets[i].Replace)
                    temps[i] = WriteTemporary(targets[i], files[i].Write);
            // Devices and FIFOs next: they can still fail (a full device), and the regular files are not replaced yet.
            for (i = 0; i < files.Count; i++)
                if (!targets[i].Replace)
                    WriteInPlace(targets[i], files[i].Write);
            for (i = 0; i < files.Count; i++)
            {
                if (temps[i] is { } temp)
                {
                    File.Move(temp, targets[i].WritePath, overwrite: true);
                    temps[i] = null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET ends some messages with " : '/full/path'"; the path is already in front.
            var reason = System.Text.RegularExpressions.Regex.Replace(e.Message, @" : '[^']*'$", "");
            throw new InputException($"cannot write the output: {reason}", file: files[Math.Min(i, files.Count - 1)].Path);
        }
        finally
        {
            foreach (var temp in temps)
                if (temp is not null && File.Exists(temp))
                    File.Delete(temp);
        }
    }

    private static string WriteTemporary(OutputTarget target, Action<Stream> write)
    {
        var directory = Path.GetDirectoryName(target.WritePath)!;
        var name = Path.GetFileName(target.WritePath);
        RemoveStaleTemporaries(directory, name);
        var temp = Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                // On disk before the rename: after a power cut the target is the old file or the new one, not an empty one.
                stream.Flush(flushToDisk: true);
            }
            if (target.KeepMode is { } mode && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, mode);
            return temp;
        }
        catch
        {
            if (File.Exists(temp))
                File.Delete(temp);
            throw;
        }
    }

    private static void WriteInPlace(OutputTarget target, Action<Stream> write)
    {
        // A regular file reached through /proc/self/fd (-o /dev/stdout > file) is truncated like a shell's '>'; a FIFO or device has nothing to truncate.
        using var stream = new FileStream(target.WritePath, target.Kind == PosixFiles.Kind.Regular ? FileMode.Truncate : FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        write(stream);
    }

    /// <summary>Deletes ".NAME.PID.*.tmp" files of <paramref name="name"/> whose process is gone (killed while writing).</summary>
    internal static void RemoveStaleTemporaries(string directory, string name)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, $".{name}.*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        var prefix = $".{name}.";
        foreach (var path in candidates)
        {
            var parts = Path.GetFileName(path)[prefix.Length..].Split('.');
            if (parts.Length != 3 || parts[2] != "tmp" || parts[1].Length != 32
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || PosixFiles.Alive(pid))
                continue;
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's leftover we may not remove: harmless, it is not the output.
            }
        }
    }
}

/// <summary>Where and how an output path is written, decided before anything is written.</summary>
/// <param name="Requested">The path as the user gave it, for messages.</param>
/// <param name="WritePath">The file that is written: symbolic links followed.</param>
/// <param name="Kind">What is there now.</param>
/// <param name="Replace">True: a temporary file renamed over <paramref name="WritePath"/>; false: written in place.</param>
/// <param name="KeepMode">The permissions of the file replaced, given to its successor.</param>
internal sealed record OutputTarget(string Requested, string WritePath, PosixFiles.Kind Kind, bool Replace, UnixFileMode? KeepMode)
{
    private const int MaxLinks = 40;

    public static OutputTarget Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InputException("give a file name, not an empty path", "--output");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InputException($"not a usable file name: {e.Message}", file: path);
        }
        var kind = PosixFiles.KindOf(full);
        if (kind == PosixFiles.Kind.Directory)
            throw new InputException("is a directory; give a file name", file: path);
        if (kind == PosixFiles.Kind.Special)
        {
            RefuseReadOnly(full, path);
            return new OutputTarget(path, full, kind, Replace: false, KeepMode: null);
        }

        var (final, throughDescriptor) = FollowLinks(full, path);
        if (kind == PosixFiles.Kind.Absent)
        {
            if (!Directory.Exists(Path.GetDirectoryName(final)))
                throw new InputException("cannot write the output: its directory does not exist", file: path);
            return new OutputTarget(path, final, kind, Replace: true, KeepMode: null);
        }
        RefuseReadOnly(final, path);
        var mode = OperatingSystem.IsWindows() ? (UnixFileMode?)null : File.GetUnixFileMode(final);
        // A file reached through /proc/self/fd (an open descriptor, e.g. /dev/stdout) may be unlinked or shared with the shell: write it in place.
        return throughDescriptor
            ? new OutputTarget(path, full, kind, Replace: false, KeepMode: null)
            : new OutputTarget(path, final, kind, Replace: true, KeepMode: mode);
    }

    private static void RefuseReadOnly(string file, string requested)
    {
        if (!PosixFiles.Writable(file))
            throw new InputException("is read-only (no write permission); make it writable or give another file", file: requested);
    }

    /// <summary>The file a chain of symbolic links ends at, and whether it passes through a process's open descriptors.</summary>
    private static (string Final, bool ThroughDescriptor) FollowLinks(string full, string requested)
    {
        var current = full;
        var throughDescriptor = false;
        for (var hop = 0; hop < MaxLinks; hop++)
        {
            var link = new FileInfo(current).LinkTarget;
            if (link is null)
                return (current, throughDescriptor);
            current = Path.GetFullPath(link, Path.GetDirectoryName(current)!);
            throughDescriptor |= current.StartsWith("/proc/", StringComparison.Ordinal) || current.StartsWith("/dev/fd/", StringComparison.Ordinal);
        }
        throw new InputException($"more than {MaxLinks} symbolic links in a row", file: requested);
    }
}
