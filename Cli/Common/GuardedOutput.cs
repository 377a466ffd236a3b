using System.Text;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// Standard output as the verbs see it: a write that fails because the output is full
/// (<c>&gt; /dev/full</c>, a full disk) or closed (<c>&gt;&amp;-</c>) becomes one error line and
/// exit code 2 instead of a stack trace. (A reader that went away, as in <c>| head -1</c>, is
/// not an error: .NET drops writes to a broken pipe, and the run ends normally.)
/// </summary>
internal sealed class GuardedOutput(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void WriteLine() => Guard(inner.WriteLine);

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A closed descriptor arrives as UnauthorizedAccessException around the IOException that says so.
            var reason = e.InnerException is IOException io ? io.Message : e.Message;
            throw new InputException($"cannot write to standard output: {reason}");
        }
    }
}
