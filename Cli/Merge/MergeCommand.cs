using System.CommandLine;
using System.Globalization;
using HwSim.Analyses.Sweep;
using HwSim.Cli.Sweep;
using HwSim.Cli.Common;
using HwSim.Workloads;

namespace HwSim.Cli.Merge;

/// <summary>
/// <c>hwsim merge</c>: joins the CSVs of a sharded sweep (<c>hwsim sweep --shard i/N</c>) into the
/// file one unsharded run would have written, byte for byte.
/// </summary>
public static class MergeCommand
{
    private static readonly Argument<string[]> Files = new("files")
    {
        Description = "Sweep CSVs of one sweep (e.g. part-*.csv), in any order.",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string?> Output = new("--output", "-o")
    {
        Description = "Write the merged CSV to FILE (atomically) instead of standard output.",
        HelpName = "FILE",
    };

    private static readonly Option<bool> RequireComplete = new("--require-complete")
    {
        Description = "Fail (exit 2) unless the files hold every point of the sweep, e.g. to check a job array finished.",
    };

    private static readonly Option<string?> PlotBase = new("--plot")
    {
        Description = "Write the Pareto plot of the merged sweep to BASE.png and BASE.svg (as 'hwsim sweep --plot').",
        HelpName = "BASE",
    };

    public static Command Create()
    {
        var command = new Command("merge", "Join the CSVs of a sharded sweep: same sweep only, no point twice, rows sorted by point id, written atomically.")
        {
            Files, Output, RequireComplete, PlotBase,
        };
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var paths = parse.GetValue(Files) ?? [];
        var merged = SweepMerge.Merge([.. paths.Select(SweepCsv.Read)]);
        var missing = merged.Points - merged.Rows.Length;
        if (missing > 0 && parse.GetValue(RequireComplete))
            throw new InputException($"the files hold {merged.Rows.Length:N0} of {merged.Points:N0} points; missing ids {Sample(merged)}", "--require-complete");
        var output = parse.GetValue(Output);
        if (output is null)
            SweepCsv.Write(context.Output, merged.Identity, merged.Header, merged.Rows);
        else
            AtomicFile.Write(output, writer => SweepCsv.Write(writer, merged.Identity, merged.Header, merged.Rows));
        context.Progress(string.Create(CultureInfo.InvariantCulture, $"merge: {paths.Length} file(s), {merged.Rows.Length:N0} of {merged.Points:N0} points")
            + (missing > 0 ? $"; missing ids {Sample(merged)}" : "")
            + (output is null ? "" : $"; wrote {output}"));

        if (parse.GetValue(PlotBase) is { } plotBase)
        {
            var file = new SweepCsvFile(output ?? "(merged)", "", merged.Points, merged.Header, merged.Rows);
            var points = PlotPoint.From(file);
            var network = merged.Rows.Length == 0 || SweepCsv.Split(merged.Header).IndexOf("network") is not (>= 0 and var column) ? "sweep" : SweepCsv.Split(merged.Rows[0].Line)[column];
            var (png, svg) = ParetoPlot.Save(points, network, plotBase);
            context.Progress($"plot: {png}, {svg} ({ParetoPlot.FrontSummary(points)})");
        }
        return HwSimApp.ExitOk;
    }

    /// <summary>The first few missing ids: "3, 7, 11, ... (250 in all)".</summary>
    private static string Sample(MergedSweep merged)
    {
        var ids = merged.Missing().Take(6).ToList();
        var count = merged.Points - merged.Rows.Length;
        return string.Join(", ", ids.Take(5)) + (count > 5 ? $", ... ({count:N0} in all)" : "");
    }
}
