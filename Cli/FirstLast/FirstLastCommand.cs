using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.FirstLast;
using HwSim.Cli.Common;
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
    // Not WorkloadOptions: this verb has its own defaults (W4A2 as 'hwsim report') and compares
    // several first/last formats (--keep) instead of applying one (--first-last).
    private static readonly Argument<string> Source = new("workload")
    {
        Description = "A built-in network (see 'hwsim networks'), a CSV file or an ONNX model.",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => FirstLastAnalysis.DefaultNetwork,
    };

    private static readonly Option<int> WeightBits = new("--wbits")
    {
        Description = "Weight bits of the inner layers, 1..32 (1 = binary +/-1; otherwise signed integers).",
        DefaultValueFactory = _ => FirstLastAnalysis.DefaultWeightBits,
        HelpName = "BITS",
    };

    private static readonly Option<int> InputBits = new("--abits")
    {
        Description = "Activation bits of the inner layers, 1..32 (1 = binary +/-1; otherwise unsigned, as after ReLU/PACT).",
        DefaultValueFactory = _ => FirstLastAnalysis.DefaultInputBits,
        HelpName = "BITS",
    };

    private static readonly Option<string> WeightKind = new("--wformat")
    {
        Description = "Weight number kind of the inner layers: int (two's complement) or ternary (TWN, needs --wbits 2).",
        DefaultValueFactory = _ => "int",
    };

    private static readonly Option<string> Keep = new("--keep")
    {
        Description = $"Formats of the first and last layers to compare, comma-separated: {string.Join(", ", FirstLastFormat.Names)} (same = the inner precision, i.e. nothing kept higher).",
        DefaultValueFactory = _ => string.Join(",", FirstLastAnalysis.DefaultKeep),
        HelpName = "FORMATS",
    };

    private static readonly Option<bool> RealDownsample = new("--real-downsample")
    {
        Description = "Keep the 1x1 shortcut (downsample) convolutions at the kept format too, as Bi-Real Net counts them; they count as kept layers.",
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

    private static readonly Option<string?> InputSize = new("--input-size")
    {
        Description = "ONNX only: input height x width (e.g. 224x224); overrides the model's, required when the model leaves them symbolic.",
        HelpName = "HxW",
    };

    private static readonly Option<int?> Batch = new("--batch")
    {
        Description = "Batch size: every convolution and fully connected layer takes N inputs (an ONNX model's batch is overridden; a symbolic one is 1 unless given).",
        HelpName = "N",
    };


    private static readonly ArchitectureOption Architecture = new();
    private static readonly CostOptions Cost = new();
    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("first-last",
            "Share of the first and last layers (kept at fp32, fp16, int8 or the inner precision) in a network's MACs, bit-operations, OPs, cycles, energy and unit area.")
        {
            Source, WeightBits, InputBits, WeightKind, Keep, RealDownsample, All,
        };
        Architecture.AddTo(command);
        Cost.AddTo(command);
        command.Add(InputSize);
        command.Add(Batch);
        Output.AddTo(command);
        command.Add(Plot);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var kind = (parse.GetValue(WeightKind) ?? "int").Trim().ToLowerInvariant();
        if (kind is not ("int" or "ternary"))
            throw new InputException($"must be int or ternary, got '{kind}'", "--wformat");
        var keep = ParseKeep(parse.GetValue(Keep) ?? "");
        var all = parse.GetValue(All);
        var givenWorkload = parse.GetResult(Source) is { Tokens.Count: > 0 };
        if (all && givenWorkload)
            throw new InputException("--all runs every network of the zoo; give no workload with it", "--all");
        // The zoo table answers "which network suffers most"; four formats per network would
        // bury that, so without an explicit --keep only the first (fp32) is compared.
        if (all && parse.GetResult(Keep) is not { Implicit: false })
            keep = [keep[0]];
        var inner = PrecisionPolicy.FromBits(parse.GetValue(WeightBits), parse.GetValue(InputBits), keep[0], kind == "ternary", parse.GetValue(RealDownsample));
        var arch = Architecture.Resolve(parse);
        var cost = Cost.Resolve(parse);
        var plotBase = parse.GetValue(Plot);
        if (plotBase is not null && string.IsNullOrWhiteSpace(plotBase))
            throw new InputException("give a file name without extension (BASE.png and BASE.svg are written)", "--plot");

        ImmutableArray<FirstLastRow> rows;
        string workloadName;
        if (all)
        {
            if (parse.GetValue(InputSize) is not null)
                throw new InputException("applies to ONNX models only, not to the zoo (--all)", "--input-size");
            var batch = parse.GetValue(Batch);
            if (batch is < 1)
                throw new InputException($"must be at least 1, got {batch}", "--batch");
            var networks = NetworkZoo.Names.Select(NetworkZoo.Get).Select(n => batch is { } b ? Batching.Apply(n, b) : n).ToArray();
            var finished = 0;
            var total = networks.Length * keep.Length;
            var gate = new Lock();
            rows = FirstLastAnalysis.Analyse(networks, inner, keep, arch, cost, row =>
            {
                var n = Interlocked.Increment(ref finished);
                // Rows finish on worker threads; one whole line per call keeps stderr readable.
                lock (gate)
                    context.Progress($"first-last: {row.Network} {row.Keep} done ({n}/{total})");
            });
            workloadName = "zoo";
        }
        else
        {
            var network = WorkloadOptions.LoadBatched(parse.GetValue(Source) ?? FirstLastAnalysis.DefaultNetwork, parse.GetValue(InputSize), parse.GetValue(Batch));
            rows = FirstLastAnalysis.Analyse(network, inner, keep, arch, cost);
            workloadName = network.Name;
        }

        var result = new FirstLastJson(workloadName, arch.Name, cost.Scaling.Target.Name, new InnerJson(inner.InnerWeight!.Name, inner.InnerInput!.Name),
            inner.RealDownsample, FirstLastAnalysis.OpsDefinition + "; " + FirstLastAnalysis.OpsCaveat, [.. rows.Select(FirstLastRowJson.From)]);
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
                    writer.WriteLine(JsonSerializer.Serialize(result, OutputOptions.Json));
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
