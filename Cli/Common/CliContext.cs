using HwSim.Workloads;
using Spectre.Console;

namespace HwSim.Cli.Common;

/// <summary>Where a verb writes, and whether that is a terminal (colour, width) or a pipe/file/test.</summary>
public sealed class CliContext(TextWriter output, TextWriter error, bool outputIsTerminal)
{
    // Verbs are static functions of a ParseResult; the app sets the context for the duration of one Run.
    [ThreadStatic] private static CliContext? _current;

    internal static CliContext? Current { get => _current; set => _current = value; }

    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;
    public bool OutputIsTerminal { get; } = outputIsTerminal;

    /// <summary>Set by --quiet: progress and notes are not written.</summary>
    public bool Quiet { get; init; }

    /// <summary>Progress or a note for people, on standard error (never mixed into the result), unless --quiet.</summary>
    public void Progress(string line)
    {
        if (!Quiet)
            Error.WriteLine(line);
    }

    internal static CliContext Get() => _current ?? throw new InvalidOperationException("verbs run through HwSimApp.Run");

    /// <summary>A Spectre console on <paramref name="writer"/>; wide and colourless when it is not a terminal.</summary>
    public IAnsiConsole ConsoleOn(TextWriter writer)
    {
        var terminal = OutputIsTerminal && ReferenceEquals(writer, Output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
            console.Profile.Width = 240;
        return console;
    }

    /// <summary>
    /// "warning: ..." on standard error, yellow on a terminal, unless --quiet: for results that are
    /// valid but weaker than they look (e.g. statistics from synthetic inputs).
    /// </summary>
    public void Warn(string message)
    {
        if (!Quiet)
            ErrorLine($"warning: {message}", "33");
    }

    /// <summary>One line, red on a terminal: "error: ...".</summary>
    public void ReportError(string message)
    {
        ErrorLine($"error: {message}", "31");
    }

    /// <summary>A line on standard error in an ANSI colour (SGR code) when that is a terminal and NO_COLOR is unset.</summary>
    private void ErrorLine(string line, string colour)
    {
        var coloured = ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        Error.WriteLine(coloured ? $"\u001b[{colour}m{line}\u001b[0m" : line);
    }

    /// <summary>Runs a verb body: user errors become one line and exit code 2.</summary>
    public static int Guard(Func<CliContext, int> body)
    {
        var context = Get();
        try
        {
            return body(context);
        }
        catch (InputException e)
        {
            context.ReportError(LibraryFields.AsOption(e).Message);
            return HwSimApp.ExitUserError;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions is [InputException first, ..] inner && inner.All(x => x is InputException))
        {
            // Work run in parallel (first-last's rows, sweep points) meets the same bad input on several threads: one line for it.
            context.ReportError(first.Message);
            return HwSimApp.ExitUserError;
        }
    }
}
