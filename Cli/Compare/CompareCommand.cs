using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.Compare;
using HwSim.Analyses.Nest;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

namespace HwSim.Cli.Compare;

/// <summary>
/// <c>hwsim compare</c>: one workload on several architectures with the same tables and node,
/// side by side (cycles, latency, energy per inference, TOPS/W, area, EDP, layers not run), each
/// figure also as a ratio to the first architecture; optionally a grouped bar chart of the ratios.
/// An --arch may be a nest design (built-in eyeriss-rs, or a file with top-level <c>levels:</c>), resolved as
/// <c>hwsim energy</c> resolves it (<see cref="NestDesigns.Find"/> first) and run by the nest study with the nest mapper.
/// </summary>
public static class CompareCommand
{
    private static readonly WorkloadOptions Workload = new();
    private static readonly CostOptions Cost = WithNestMappingNote(new CostOptions());
    private static readonly OutputOptions Output = new();

    // The shared ArchitectureOption is single-valued; compare needs the option once per configuration.
    private static readonly Option<string[]> Architectures = new("--arch")
    {
        Description = "An architecture to compare, given once per configuration (at least 2; the first is the baseline of the ratios): a preset or a .yaml/.yml file (see 'hwsim archs'), "
            + $"or a nest design: a built-in one ({string.Join(", ", NestDesigns.Names)}) or a file with top-level 'levels:' (docs/examples/timeloop/*.yaml), run by the nest mapper. "
            + "A nest design without clock_mhz has no latency or EDP ('-').",
        HelpName = "NAME|FILE",
        AllowMultipleArgumentsPerToken = false,
    };


    private static readonly Option<string?> PlotBase = new("--plot")
    {
        Description = "Also write a grouped bar chart of the ratios to the first architecture as BASE.png and BASE.svg.",
        HelpName = "BASE",
    };

    // --mapping is the array mapper's; a nest design is searched by the nest mapper under --objective, as hwsim energy does with --mapping search.
    private static CostOptions WithNestMappingNote(CostOptions cost)
    {
        cost.Mapping.Mapping.Description += $" Applies to array architectures only: a nest design is mapped by the nest mapper ({NestRoute.Samples:N0} samples per layer) under --objective.";
        return cost;
    }

    public static Command Create()
    {
        var command = new Command("compare", "One workload on several architectures side by side: cycles, latency, energy, TOPS/W, area and EDP, with ratios to the first.\n" +
            "An --arch may be a nest design (e.g. --arch eyeriss-like --arch eyeriss-rs: weight stationary against row stationary with per-PE scratchpads).");
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
        var architectures = arguments.Select(Resolve).ToList();
        var (workload, policy) = Workload.Load(parse);
        var cost = Cost.Resolve(parse, workload, architectures.Select(a => a.Spec).OfType<ArchitectureSpec>());
        var scaling = cost.Scaling;
        foreach (var a in architectures.Where(a => a.Nest is not null))
            context.Progress($"{a.Name}: nest design, the nest mapper samples {NestRoute.Samples:N0} mappings per layer");
        var comparison = Comparison.Of(workload, architectures, cost, parse.GetValue(Cost.Mapping.Objective), NestRoute.Samples);

        var technology = string.Create(CultureInfo.InvariantCulture, $"{scaling.Target.Name} @ {scaling.TargetVdd} V");
        var title = $"{workload.Name}" + (policy is null ? "" : $" ({policy})") + $" at {technology}"
                    + (comparison.Batch > 1 ? $", batch {comparison.Batch} (cycles, latency, EDP per batch)" : "");
        var format = parse.GetValue(Output.Format);
        Output.Emit(parse, context, writer =>
        {
            switch (format)
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(CompareJson.From(comparison, policy?.ToString(), technology) with { MappingSetting = Cost.Mapping.Setting(parse) }));
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

    /// <summary>A nest design first (as hwsim energy resolves --arch, Cli/Nest/NestRoute.cs), else a preset or an architecture file.</summary>
    private static ComparedArchitecture Resolve(string argument)
    {
        if (LibraryFields.Named(() => NestDesigns.Find(argument), "--arch", "architecture") is { } design)
        {
            return new ComparedArchitecture(argument, NestDesigns.IsBuiltin(argument) ? null : argument, design);
        }
        var (spec, preset) = ArchitectureOption.Find(argument);
        return new ComparedArchitecture(argument, preset is null ? argument : null, spec);
    }
}
