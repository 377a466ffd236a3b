using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.FirstLast;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Transforms;
using HwSim.Workloads.Zoo;
using Spectre.Console;

namespace HwSim.Cli.FirstLast;

/// <summary>
/// <c>hwsim first-last</c>: how much keeping the first and last layers at a higher precision
/// costs. For each kept format, the kept layers' share of the network's MACs, bit-operations,
/// Bi-Real OPs, cycles, compute energy, total energy and the area of the units they run on;
/// with --all, for every network of the zoo.
/// </summary>
public static class FirstLastCommand
{
    // The workload options with this verb's defaults (W4A2 as 'hwsim report'); it compares several
    // first/last formats (--keep) instead of applying one (--first-last).
    private static readonly WorkloadOptions Workload =
        WorkloadOptions.Study(FirstLastAnalysis.DefaultNetwork, FirstLastAnalysis.DefaultWeightBits, FirstLastAnalysis.DefaultInputBits);

    private static readonly Option<string> Keep = new("--keep")
    {
        Description = $"Formats of the first and last layers to compare, comma-separated: {string.Join(", ", FirstLastFormat.Names)} (same = the inner precision, i.e. nothing kept higher).",
        DefaultValueFactory = _ => string.Join(",", FirstLastAnalysis.DefaultKeep),
        HelpName = "FORMATS",
    };

    private static readonly Option<bool> All = new("--all")
    {
        Description = "Every network of the zoo, one row each: for the first --keep format, or for each format when --keep is given.",
    };

    private static readonly Option<string?> Plot = new("--plot")
    {
        Description = "Also draw the shares as a grouped bar chart, written to BASE.png and BASE.svg.",
        HelpName = "BASE",
    };

    private static readonly ArchitectureOption Architecture = new();
    private static readonly CostOptions Cost = new();
    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("first-last",
            "Share of the first and last layers (kept at fp32, fp16, int8 or the inner precision) in a network's MACs, bit-operations, OPs, cycles, energy and unit area.\n" +
            "A nest design (--arch eyeriss-rs, or a file with top-level 'levels:') runs each format's network on the nest engine, as hwsim energy does (--mapping search|FILE, --objective); its kept unit is the whole design.");
        Workload.AddTo(command, firstLast: false);
        command.Add(Keep);
        command.Add(All);
        Architecture.AddTo(command);
        Cost.AddTo(command);
        Output.AddTo(command);
        command.Add(Plot);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var keep = ParseKeep(parse.GetValue(Keep) ?? "");
        var all = parse.GetValue(All);
        var givenWorkload = parse.GetResult(Workload.Source) is { Tokens.Count: > 0 };
        if (all && givenWorkload)
            throw new InputException("--all runs every network of the zoo; give no workload with it", "--all");
        // The zoo table answers "which network suffers most"; four formats per network would
        // bury that, so without an explicit --keep only the first (fp32) is compared.
        if (all && parse.GetResult(Keep) is not { Implicit: false })
            keep = [keep[0]];
        // --wbits and --abits have defaults here, so there is always a policy; its first/last format is each of --keep in turn.
        var inner = (Workload.Policy(parse) ?? throw new InvalidOperationException("--wbits and --abits have defaults")) with { FirstLast = keep[0] };
        // A nest design runs each format's network through the nest study (Cli/Nest/NestRoute.cs) in place of the array simulation.
        var nest = NestRoute.Design(parse, Architecture) is { } design ? NestRoute.Session(parse, design, Cost) : null;
        var arch = nest is null ? Architecture.Resolve(parse) : null;
        var cost = nest is null ? Cost.Resolve(parse) : null;
        var plotBase = parse.GetValue(Plot);
        if (plotBase is not null && string.IsNullOrWhiteSpace(plotBase))
            throw new InputException("give a file name without extension (BASE.png and BASE.svg are written)", "--plot");

        ImmutableArray<FirstLastRow> rows;
        string workloadName;
        if (all)
        {
            if (parse.GetValue(Workload.InputSize) is not null)
                throw new InputException("applies to ONNX models only, not to the zoo (--all)", "--input-size");
            var batch = parse.GetValue(Workload.Batch);
            if (batch is < 1)
                throw new InputException($"must be at least 1, got {batch}", "--batch");
            var networks = NetworkZoo.Names.Select(NetworkZoo.Get).Select(n => batch is { } b ? Batching.Apply(n, b) : n).ToArray();
            var finished = 0;
            var total = networks.Length * keep.Length;
            var gate = new Lock();
            void Done(FirstLastRow row)
            {
                var n = Interlocked.Increment(ref finished);
                // Rows finish on worker threads; one whole line per call keeps stderr readable.
                lock (gate)
                    context.Progress($"first-last: {row.Network} {row.Keep} done ({n}/{total})");
            }
            if (nest is not null)
                context.Progress($"the zoo on nest design {nest.Design.Name}: {NestRoute.Searching(nest)}");
            rows = nest is null ? FirstLastAnalysis.Analyse(networks, inner, keep, arch!, cost!, Done) : FirstLastAnalysis.Analyse(networks, inner, keep, nest, Done);
            workloadName = "zoo";
        }
        else
        {
            var network = Workload.LoadSource(parse);
            if (nest is not null)
                context.Progress($"{network.Name} on nest design {nest.Design.Name}: {network.Layers.Length} layers x {keep.Length} first/last formats, {NestRoute.Searching(nest)}");
            rows = nest is null ? FirstLastAnalysis.Analyse(network, inner, keep, arch!,
                Cost.Resolve(parse, FirstLastAnalysis.Variants(network, inner, keep), arch!)) : FirstLastAnalysis.Analyse([network], inner, keep, nest);
            workloadName = network.Name;
        }

        var result = new FirstLastJson(workloadName, arch?.Name ?? nest!.Design.Name, (cost?.Scaling ?? nest!.Options.Scaling).Target.Name,
            new InnerJson(inner.InnerWeight!.Name, inner.InnerInput!.Name),
            inner.RealDownsample, FirstLastAnalysis.OpsDefinition + "; " + FirstLastAnalysis.OpsCaveat, [.. rows.Select(FirstLastRowJson.From)])
        {
            NestDesign = nest is not null,
            MappingSetting = Cost.Mapping.Setting(parse),
        };
        // The plot first: a bad --plot folder then fails before -o FILE is written, not after.
        if (plotBase is not null)
        {
            var (png, svg) = Plots.Save(all ? FirstLastPlot.Zoo(rows, result) : FirstLastPlot.Shares(rows, result), plotBase);
            context.Progress($"plot: {png}, {svg}");
        }
        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(result));
                    break;
                case OutputFormat.Csv:
                    FirstLastText.WriteCsv(writer, rows);
                    break;
                default:
                    var console = context.ConsoleOn(writer);
                    if (all)
                        FirstLastText.WriteZooTable(console, result, rows);
                    else
                        FirstLastText.WriteTables(console, result, rows);
                    break;
            }
        });
        return HwSimApp.ExitOk;
    }

    /// <summary>"fp32,fp16,int8,same" as formats, in the order given; unknown or repeated formats are errors.</summary>
    internal static ImmutableArray<FirstLastFormat> ParseKeep(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new InputException($"give one or more of {string.Join(", ", FirstLastFormat.Names)}, comma-separated", "--keep");
        var formats = parts.Select(p => FirstLastFormat.Parse(p, "--keep")).ToImmutableArray();
        var repeated = formats.GroupBy(f => f.ToString()).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? formats : throw new InputException($"'{repeated.Key}' is given twice", "--keep");
    }
}
