using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.Compare;
using HwSim.Analyses.Datapaths;
using HwSim.Cli.Common;
using HwSim.Workloads;
using HwSim.Workloads.Precision;

namespace HwSim.Cli.Datapaths;

/// <summary>
/// <c>hwsim datapaths</c>: issue 14's comparison of low-precision datapaths. One network, its
/// inner layers at each W<i>w</i>A<i>a</i> (first and last layer at one fixed format), on several
/// architectures with the same cost setting: cycles, latency, energy per inference, TOPS/W and
/// area per architecture and precision, the layers a unit could not run with the reason, and
/// optionally an energy-latency plot.
/// </summary>
public static class DatapathsCommand
{
    private const string DefaultNetwork = "resnet18";

    private static readonly WorkloadOptions Workload = WorkloadOptions.Study(DefaultNetwork, 1, 1);
    private static readonly CostOptions Cost = new();
    private static readonly OutputOptions Output = new();

    private static readonly Option<string[]> Architectures = new("--arch")
    {
        Description = $"An architecture to compare, once per architecture: a preset or a .yaml/.yml file (see 'hwsim archs'). Default: {string.Join(", ", DatapathStudy.DefaultArchitectures)}.",
        HelpName = "NAME|FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<string> Precisions = new("--precisions")
    {
        Description = "The inner layers' precisions, comma-separated W<bits>A<bits> (1 bit is binary +/-1, wider weights signed, wider activations unsigned).",
        HelpName = "W1A1,W2A2,...",
        DefaultValueFactory = _ => string.Join(",", DatapathPrecision.Default.Select(p => p.Label)),
    };

    private static readonly Option<string> FirstLast = new("--first-last")
    {
        Description = "The first and last layers' format at every precision: int8, int16, fp16, bf16, fp32, or same (as the inner layers).",
        HelpName = "FORMAT",
        DefaultValueFactory = _ => "int8",
    };

    private static readonly Option<string?> PlotBase = new("--plot")
    {
        Description = "Also draw energy against latency (one colour per architecture, one marker per precision) to BASE.png and BASE.svg.",
        HelpName = "BASE",
    };

    public static Command Create()
    {
        var command = new Command("datapaths", "Low-precision datapaths compared (issue 14): one network at several W/A precisions on several architectures: cycles, latency, energy, TOPS/W, area.");
        // The precisions come from --precisions; the workload options here are only the network and its input size and batch.
        command.Add(Workload.Source);
        command.Add(Workload.InputSize);
        command.Add(Workload.Batch);
        command.Add(Architectures);
        command.Add(Precisions);
        command.Add(FirstLast);
        Cost.AddTo(command);
        Output.AddTo(command);
        command.Add(PlotBase);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var precisions = DatapathPrecision.ParseList(parse.GetValue(Precisions) ?? "", "--precisions");
        var firstLast = FirstLastFormat.Parse(parse.GetValue(FirstLast) ?? "int8", "--first-last");
        var plotBase = parse.GetValue(PlotBase);
        // A plot that cannot be written should fail before the work, not after the table is printed.
        if (!string.IsNullOrWhiteSpace(plotBase) && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(plotBase))))
            throw new InputException("cannot write the plot: its directory does not exist", "--plot", plotBase);
        var given = parse.GetValue(Architectures) is { Length: > 0 } a ? a : [.. DatapathStudy.DefaultArchitectures];
        var architectures = given.Select(name =>
        {
            var (spec, preset) = ArchitectureOption.Find(name);
            return new ComparedArchitecture(name, preset is null ? name : null, spec);
        }).ToList();
        var network = Workload.LoadSource(parse);
        var cost = Cost.Resolve(parse);

        var study = DatapathStudy.Run(network, architectures, precisions, firstLast, cost,
            p => context.Progress($"datapaths: {p.Architecture} {p.Precision}: {p.Figures.EnergyUj.ToString("0.0", CultureInfo.InvariantCulture)} uJ"));

        var scaling = cost.Scaling;
        var technology = string.Create(CultureInfo.InvariantCulture, $"{scaling.Target.Name} @ {scaling.TargetVdd} V");
        var title = $"{study.Network}: inner layers at each precision, first/last {firstLast}, at {technology}"
                    + (network.Batch > 1 ? $", batch {network.Batch} (cycles and latency per batch)" : "");
        var format = parse.GetValue(Output.Format);
        Output.Emit(parse, context, writer =>
        {
            switch (format)
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(DatapathsText.Json(study, technology)));
                    break;
                case OutputFormat.Csv:
                    DatapathsText.WriteCsv(writer, study);
                    break;
                default:
                    DatapathsText.WriteTable(context.ConsoleOn(writer), study, title);
                    break;
            }
        });
        // The table carries its notes; CSV and JSON readers still need to hear that some totals are partial.
        if (format != OutputFormat.Table)
        {
            foreach (var note in DatapathsText.Notes(study))
                context.Progress(note);
        }
        if (!string.IsNullOrWhiteSpace(plotBase))
        {
            var (png, svg) = Plots.Save(DatapathsPlot.Build(study, title), plotBase, 1200, 800);
            context.Progress($"datapaths: wrote {png} and {svg}");
        }
        return HwSimApp.ExitOk;
    }
}
