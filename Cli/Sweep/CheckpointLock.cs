using HwSim.Cli.Common;
using HwSim.Workloads;

namespace HwSim.Cli.Sweep;

/// <summary>
/// One live writer per sweep checkpoint: a run holds an exclusive lock on ".FILE.lock" beside its
/// -o file for as long as it runs, and a second run on the same file is refused instead of
/// overwriting the first one's rows with its own (three shards given one -o kept 576 of 1,728
/// points). The lock is flock(2), which .NET takes for <see cref="FileShare.None"/> on Unix: the
/// kernel drops it when the holder dies, even by SIGKILL, so a killed run never blocks the next;
/// Linux's NFS client maps it to a POSIX lock, so shards on different nodes see it too.
/// </summary>
internal sealed class CheckpointLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private CheckpointLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>The lock file of the checkpoint <paramref name="file"/> (symbolic links already followed).</summary>
    public static string PathOf(string file) => Path.Combine(Path.GetDirectoryName(file)!, $".{Path.GetFileName(file)}.lock");

    /// <param name="file">The checkpoint as written (symbolic links followed, so two links to one file share the lock).</param>
    /// <param name="requested">The -o value, for the message.</param>
    public static CheckpointLock Acquire(string file, string requested)
    {
        var path = PathOf(file);
        // A holder that ends deletes the lock file; if that happens between our open and our lock, we hold a
        // lock on a file nobody else will open: try again on the file that is there now.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (IsHeld(e))
            {
                throw new InputException(
                    $"another hwsim sweep is writing this file now (it holds {Path.GetFileName(path)}); wait for it, or give this run its own -o (shards each write their own file and 'hwsim merge' joins them)",
                    "--output", requested);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"cannot create the checkpoint's lock file {Path.GetFileName(path)}: {e.Message}", "--output", requested);
            }
            var held = PosixFiles.Inode(stream.SafeFileHandle);
            if (held is null || held == PosixFiles.Inode(path))
                return new CheckpointLock(stream, path);
            stream.Dispose();
        }
        throw new InputException($"could not lock {Path.GetFileName(path)}: other runs keep replacing it", "--output", requested);
    }

    /// <summary>
    /// Whether opening failed because another process holds the lock (not for want of space or
    /// permission): .NET reports flock's EWOULDBLOCK (11 on Linux, 35 on macOS) as the HResult,
    /// Windows a sharing violation.
    /// </summary>
    private static bool IsHeld(IOException e) =>
        e.HResult == (OperatingSystem.IsWindows() ? unchecked((int)0x80070020) : OperatingSystem.IsLinux() ? 11 : 35);

    public void Dispose()
    {
        // Deleted while still held, so no other run can lock this file in between and then lose it.
        try
        {
            File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A lock file left behind is harmless: the next run locks it again.
        }
        _stream.Dispose();
    }
}
