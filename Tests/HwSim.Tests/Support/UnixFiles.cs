using System.Diagnostics;

namespace HwSim.Tests.Support;

/// <summary>FIFOs and file types through the system's own tools (mkfifo, stat), independent of the code under test.</summary>
internal static class UnixFiles
{
    public static void MakeFifo(string path) => Run("mkfifo", path);

    /// <summary>stat's name for the file type: "regular file", "fifo", "symbolic link", "character special file", ...</summary>
    public static string TypeOf(string path) => Run("stat", "-c", "%F", path).Trim();

    /// <summary>A process that reads <paramref name="fifo"/> to its end (cat): the other side of a FIFO the code under test writes.</summary>
    public static Process Reader(string fifo)
    {
        var start = new ProcessStartInfo("cat") { RedirectStandardOutput = true };
        start.ArgumentList.Add(fifo);
        return Process.Start(start)!;
    }

    /// <summary>A process id that no process has now.</summary>
    public static int DeadPid()
    {
        for (var pid = 999_999_999; ; pid--)
            if (!Directory.Exists($"/proc/{pid}"))
                return pid;
    }

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }
}
