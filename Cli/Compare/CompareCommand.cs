using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.Compare;
using HwSim.Cli.Common;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.Workloads;

namespace HwSim.Cli.Compare;

/// <summary>
/// <c>hwsim compare</c>: one workload on several architectures with the same tables and node,
/// side by side (cycles, latency, energy per inference, TOPS/W, area, EDP, layers not run), each
/// figure also as a ratio to the first architecture; optionally a grouped bar chart of the ratios.
/// </summary>
public static class CompareCommand
{
    private static readonly WorkloadOptions Workload = new();
    private static readonly CostOptions Cost = new();
    private static readonly OutputOptions Output = new();

    // The shared ArchitectureOption is single-valued; compare needs the option once per configuration.
    private static readonly Option<string[]> Architectures = new("--arch")
    {
        Description = "An architecture to compare, given once per configuration (at least 2; the first is the baseline of the ratios): a preset or a .yaml/.yml file (see 'hwsim archs').",
        HelpName = "NAME|FILE",
        AllowMultipleArgumentsPerToken = false,
    };


    private static readonly Option<string?> PlotBase = new("--plot")
    {
        Description = "Also write a grouped bar chart of the ratios to the first architecture as BASE.png and BASE.svg.",
        HelpName = "BASE",
    };

    public static Command Create()
    {
        var command = new Command("compare", "One workload on several architectures side by side: cycles, latency, energy, TOPS/W, area and EDP, with ratios to the first.");
        Workload.AddTo(command);
        command.Add(Architectures);
        Cost.AddTo(command);
        Output.AddTo(command);
        command.Add(PlotBase);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var arguments = parse.GetValue(Architectures) ?? [];
        // Checked before any file is read, so the most likely mistake gets its own message first.
        if (arguments.Length < Comparison.MinimumArchitectures)
            throw new InputException($"give at least {Comparison.MinimumArchitectures} architectures to compare, one --arch each (got {arguments.Length}), e.g. --arch lowbit-default --arch loom-like", "--arch");
        var plotBase = parse.GetValue(PlotBase);
        // A plot that cannot be written should fail before the work, not after the table is printed.
        if (!string.IsNullOrWhiteSpace(plotBase) && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(plotBase))))
            throw new InputException("cannot write the plot: its directory does not exist", "--plot", plotBase);
        var architectures = arguments.Select(a =>
        {
            var (spec, preset) = ArchitectureOption.Find(a);
            return new ComparedArchitecture(a, preset is null ? a : null, spec);
        }).ToList();
        var (workload, policy) = Workload.Load(parse);
        var cost = Cost.Resolve(parse, workload, architectures.Select(a => a.Spec));
        var scaling = cost.Scaling;
        var comparison = Comparison.Of(workload, architectures, cost);

        var technology = string.Create(CultureInfo.InvariantCulture, $"{scaling.Target.Name} @ {scaling.TargetVdd} V");
        var title = $"{workload.Name}" + (policy is null ? "" : $" ({policy})") + $" at {technology}"
                    + (comparison.Batch > 1 ? $", batch {comparison.Batch} (cycles, latency, EDP per batch)" : "");
        var format = parse.GetValue(Output.Format);
        Output.Emit(parse, context, writer =>
        {
            switch (format)
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(CompareJson.From(comparison, policy?.ToString(), technology)));
                    break;
                case OutputFormat.Csv:
                    CompareText.WriteCsv(writer, comparison);
                    break;
                default:
                    CompareText.WriteTable(context.ConsoleOn(writer), comparison, title);
                    break;
            }
        });
        // The table carries its notes; CSV and JSON readers still need to hear that some totals are partial.
        if (format != OutputFormat.Table)
        {
            foreach (var note in CompareText.Notes(comparison))
                context.Progress(note);
        }
        if (!string.IsNullOrWhiteSpace(plotBase))
        {
            var (png, svg) = Plots.Save(ComparePlot.Build(comparison, title), plotBase);
            context.Progress($"wrote {png} and {svg}");
        }
        return HwSimApp.ExitOk;
    }
}
