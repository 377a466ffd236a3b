using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HwSim.Cli.Common;

/// <summary>
/// The few file facts .NET does not expose and output files need: whether a path (symbolic links
/// followed) is a regular file or something a rename must not replace (a device such as
/// /dev/null, a FIFO, a socket), a file's inode, and whether this user may write it.
/// </summary>
/// <remarks>
/// On Linux these come from statx(2) and access(2). statx is used rather than stat because its
/// struct has one layout on every architecture (linux/include/uapi/linux/stat.h: stx_mode is the
/// u16 at byte 28, stx_ino the u64 at byte 32, 256 bytes in all). Elsewhere the managed
/// approximations below apply: every existing non-directory counts as a regular file.
/// </remarks>
internal static class PosixFiles
{
    public enum Kind { Absent, Regular, Directory, Special }

    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxIno = 0x100;
    private const int StatxBytes = 256;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int FileTypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int WriteOk = 2;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatxPath(int directory, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatxHandle(int descriptor, string empty, int flags, uint mask, byte[] buffer);

    [DllImport("libc.so.6", EntryPoint = "access", SetLastError = true)]
    private static extern int Access(string path, int mode);

    /// <summary>What <paramref name="path"/> is once symbolic links are followed; a dangling link is <see cref="Kind.Absent"/>.</summary>
    public static Kind KindOf(string path)
    {
        if (!OperatingSystem.IsLinux())
            return Directory.Exists(path) ? Kind.Directory : File.Exists(path) ? Kind.Regular : Kind.Absent;
        var buffer = new byte[StatxBytes];
        if (StatxPath(AtFdCwd, path, 0, StatxType | StatxMode, buffer) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error is NoSuchFile or NotADirectory)
                return Kind.Absent;
            throw new IOException($"cannot examine '{path}': {Marshal.GetPInvokeErrorMessage(error)}");
        }
        return (BitConverter.ToUInt16(buffer, ModeOffset) & FileTypeMask) switch
        {
            RegularType => Kind.Regular,
            DirectoryType => Kind.Directory,
            _ => Kind.Special,
        };
    }

    /// <summary>The inode of an open file, or null where it is not known (not Linux).</summary>
    public static ulong? Inode(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var buffer = new byte[StatxBytes];
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return StatxHandle((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno, buffer) == 0 ? BitConverter.ToUInt64(buffer, InodeOffset) : null;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>The inode <paramref name="path"/> names now (links followed), or null if it is gone or not known.</summary>
    public static ulong? Inode(string path)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var buffer = new byte[StatxBytes];
        return StatxPath(AtFdCwd, path, 0, StatxIno, buffer) == 0 ? BitConverter.ToUInt64(buffer, InodeOffset) : null;
    }

    /// <summary>
    /// Whether this user may write the existing file <paramref name="path"/>: the kernel's answer
    /// (access(2)), and, because root passes every access check, also at least one write bit in its
    /// mode. A file someone made read-only (chmod 444) is so refused even for root, as cp -i and rm ask first.
    /// </summary>
    public static bool Writable(string path)
    {
        if (OperatingSystem.IsWindows())
            return !File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly);
        if ((File.GetUnixFileMode(path) & AnyWrite) == 0)
            return false;
        return !OperatingSystem.IsLinux() || Access(path, WriteOk) == 0;
    }

    /// <summary>Whether process <paramref name="pid"/> is running (a temporary file it owns may still be in use).</summary>
    public static bool Alive(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
