using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace HwSim.Cli.Common;

/// <summary>
/// Shows a long run's progress (a sweep, a quantisation) on standard error while <c>step</c> runs it: a Spectre.Console bar with
/// the remaining time on a terminal; plain lines every <see cref="LineInterval"/> otherwise (log
/// files of Slurm and Kubernetes jobs are read later, and a redrawn bar would fill them with
/// control codes); nothing with --quiet.
/// </summary>
internal static class ProgressDisplay
{
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <param name="step">Waits up to the given time for the run; true when it has ended (finished, failed or cancelled).</param>
    public static void Show(CliContext context, string description, int total, Func<long> completed, Func<TimeSpan, bool> step, string unit = "points")
    {
        if (context.Quiet || total == 0)
        {
            while (!step(Poll))
            {
            }
            return;
        }
        if (ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected)
            Bar(description, total, completed, step);
        else
            Lines(context, description, unit, total, completed, step);
    }

    private static void Bar(string description, int total, Func<long> completed, Func<TimeSpan, bool> step)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: total);
                while (!step(Poll))
                    task.Value = completed();
                task.Value = completed();
            });
    }

    private static void Lines(CliContext context, string description, string unit, int total, Func<long> completed, Func<TimeSpan, bool> step)
    {
        var clock = Stopwatch.StartNew();
        var next = LineInterval;
        while (!step(Poll))
        {
            if (clock.Elapsed < next)
                continue;
            next += LineInterval;
            var done = completed();
            var rate = done / clock.Elapsed.TotalSeconds;
            var left = rate > 0 ? $", about {Duration((total - done) / rate)} left" : "";
            context.Progress(string.Create(CultureInfo.InvariantCulture, $"{description}: {done:N0}/{total:N0} {unit} ({100.0 * done / total:0.0} %), {rate:0.#} {unit}/s{left}"));
        }
    }

    /// <summary>"42 s", "3 min 5 s", "2 h 10 min".</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min"
            : t.TotalMinutes >= 1 ? $"{t.Minutes} min {t.Seconds} s"
            : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#} s");
    }
}
