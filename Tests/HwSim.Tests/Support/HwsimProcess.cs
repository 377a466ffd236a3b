using System.Diagnostics;
using System.Text;

namespace HwSim.Tests.Support;

/// <summary>
/// The built hwsim as a separate process, for what an in-process run cannot show: signals, a
/// standard output that is full or closed. Linux only (signals, /dev/full, FIFOs).
/// </summary>
internal sealed class HwsimProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly StringBuilder _output = new();

    private HwsimProcess(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start };
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>The apphost beside the tests (the Cli project is referenced, so it is built with them).</summary>
    public static string Executable { get; } = Path.Combine(AppContext.BaseDirectory, "hwsim");

    public int Id => _process.Id;

    public string Error { get { lock (_error) return _error.ToString(); } }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts hwsim with <paramref name="args"/> in <paramref name="directory"/>, standard output and error captured.</summary>
    public static HwsimProcess Start(string directory, params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        return new HwsimProcess(start);
    }

    /// <summary>Runs <c>sh -c SCRIPT</c> with $0 = the hwsim executable (for redirections such as <c>&gt; /dev/full</c>); returns exit code and stderr.</summary>
    public static (int ExitCode, string Error) Shell(string script, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Executable);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{script}' still running after {timeout}");
        }
        return (process.ExitCode, error.Result);
    }

    /// <summary>
    /// Whether this process ignores SIGINT, as every command a non-interactive shell starts with '&amp;' does (POSIX: such a
    /// background job ignores the keyboard's interrupt). A child inherits the disposition and the .NET runtime keeps it, so
    /// hwsim started from here cannot see a Ctrl-C at all. Read from the SigIgn mask of /proc/self/status (bit 1: signal 2).
    /// </summary>
    public static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0b10) != 0;
    }

    /// <summary>Sends a signal by name (TERM, INT) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until stderr contains <paramref name="text"/>; false on timeout or exit.</summary>
    public bool WaitForError(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Error.Contains(text, StringComparison.Ordinal))
                return true;
            if (_process.HasExited)
                return false;
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Waits for the exit; null if still running after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return null;
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null)
            return;
        lock (to)
            to.Append(line).Append('\n');
    }
}
