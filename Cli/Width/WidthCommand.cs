using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.Width;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using Spectre.Console;

namespace HwSim.Cli.Width;

/// <summary>
/// <c>hwsim width</c>: WRPN's question (Mishra et al., "WRPN: Wide Reduced-Precision Networks",
/// ICLR 2018): is there a width k at which the low-bit network, widened k times to recover
/// accuracy, costs as much as the unwidened baseline? Prices the widened network at each grid
/// width and finds the energy and latency break-even widths between grid points with Brent's
/// method.
/// </summary>
public static class WidthCommand
{
    /// <summary>Largest width multiplier accepted: beyond it networks are absurd and counts approach 64-bit limits.</summary>
    public const double MaxWidth = 64;

    private static readonly WorkloadOptions Workload = new();
    private static readonly ArchitectureOption Architecture = new();
    private static readonly CostOptions Cost = new();
    private static readonly OutputOptions Output = new();

    private static readonly Option<string> Widths = new("--widths")
    {
        Description = $"Width multipliers k to price, comma-separated (each > 0, at most {MaxWidth}); the break-even search stays between the smallest and the largest.",
        HelpName = "K,K,...",
        DefaultValueFactory = _ => "1,1.5,2,3,4",
    };

    private static readonly Option<string> Baseline = new("--baseline")
    {
        Description = "The baseline: the unwidened network with every layer (first and last too) at fp32 or int8 (int8 weights and activations).",
        HelpName = "fp32|int8",
        DefaultValueFactory = _ => "fp32",
    };

    private static readonly Option<string?> Plot = new("--plot")
    {
        Description = "Also draw the energy and latency ratios against k, with the break-even widths, to BASE.png and BASE.svg.",
        HelpName = "BASE",
    };

    public static Command Create()
    {
        var command = new Command("width", "WRPN's question: the widened low-bit network's MACs, bit-ops, cycles, energy and area relative to an fp32 or int8 baseline, and the break-even widths.\n" +
            "A nest design (--arch eyeriss-rs, or a file with top-level 'levels:') prices every network on the nest engine, as hwsim energy does (--mapping search|FILE, --objective); without clock_mhz the latency ratio is the cycle ratio.");
        // WRPN's networks are binary: without --wbits/--abits this verb studies W1A1, not the workload's own formats.
        Workload.WeightBits.DefaultValueFactory = _ => 1;
        Workload.WeightBits.Description = "Weight bits of the widened network's inner layers, 1..32 (1 = binary +/-1).";
        Workload.InputBits.DefaultValueFactory = _ => 1;
        Workload.InputBits.Description = "Activation bits of the widened network's inner layers, 1..32 (1 = binary +/-1).";
        Workload.AddTo(command);
        command.Add(Widths);
        command.Add(Baseline);
        Architecture.AddTo(command);
        Cost.AddTo(command);
        Output.AddTo(command);
        command.Add(Plot);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var widths = ParseWidths(parse.GetValue(Widths) ?? "");
        var baselineFormat = ParseBaseline(parse.GetValue(Baseline) ?? "fp32");
        var plotBase = parse.GetValue(Plot);
        // Checked before the study runs, not after its table is printed.
        if (!string.IsNullOrWhiteSpace(plotBase) && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(plotBase))))
            throw new InputException("cannot write the plot: its directory does not exist", "--plot", plotBase);
        var (lowBit, given) = Workload.Load(parse);
        var policy = given ?? throw new InvalidOperationException("--wbits and --abits default to 1 here, so there is always a policy");
        var baseline = new PrecisionPolicy(baselineFormat, baselineFormat, FirstLastFormat.Same).Apply(lowBit);
        var inner = $"{policy.InnerWeight?.Name ?? "as given"} x {policy.InnerInput?.Name ?? "as given"}";

        WidthStudy study;
        // A nest design prices every network with the nest study (Cli/Nest/NestRoute.cs) in place of the array simulation.
        if (NestRoute.Design(parse, Architecture) is { } design)
        {
            var nest = NestRoute.Session(parse, design, Cost);
            // A nest mapping file gives each layer exact loop bounds, which a widened layer's channels no longer multiply to.
            if (nest.Mappings is not null && widths.Any(k => k != 1))
                throw new InputException("a nest mapping file gives each layer's exact loop bounds, and width widens every layer (other channels, other bounds); map the widths with 'search'", "--mapping");
            context.Progress($"{lowBit.Name} on nest design {nest.Design.Name}: the baseline and each width, {NestRoute.Searching(nest)}");
            study = WidthAnalysis.Run(lowBit, baseline, baselineFormat.Name, inner, policy.FirstLast.ToString(), nest, widths, context.Progress);
        }
        else
        {
            var arch = Architecture.Resolve(parse);
            var cost = Cost.Resolve(parse, WidthAnalysis.Variants(lowBit, baseline, baselineFormat.Name, widths), arch);
            study = WidthAnalysis.Run(lowBit, baseline, baselineFormat.Name, inner, policy.FirstLast.ToString(), arch, cost, widths, context.Progress);
        }

        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(WidthJson.From(study) with { MappingSetting = Cost.Mapping.Setting(parse) }));
                    break;
                case OutputFormat.Csv:
                    WriteCsv(writer, study);
                    break;
                default:
                    WriteTable(context.ConsoleOn(writer), study);
                    break;
            }
        });
        if (!string.IsNullOrWhiteSpace(plotBase))
        {
            var (png, svg) = WidthPlot.Save(study, plotBase);
            context.Progress($"width: wrote {png} and {svg}");
        }
        return HwSimApp.ExitOk;
    }

    /// <summary>The grid: positive, finite, at most <see cref="MaxWidth"/>; returned ascending without repeats.</summary>
    public static IReadOnlyList<double> ParseWidths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new List<double>(parts.Length);
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var k) || !double.IsFinite(k) || k <= 0 || k > MaxWidth)
                throw new InputException($"must be comma-separated width multipliers above 0 and at most {MaxWidth} (e.g. 1,1.5,2,3,4), got '{part}' in '{text}'", "--widths");
            widths.Add(k);
        }
        return [.. widths.Distinct().Order()];
    }

    internal static NumberFormat ParseBaseline(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" => NumberFormat.Fp32,
        "int8" => NumberFormat.Int(8),
        _ => throw new InputException($"must be fp32 or int8, got '{text}'", "--baseline"),
    };

    internal static void WriteTable(IAnsiConsole console, WidthStudy s)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(s.Network)}: inner {Markup.Escape(s.Inner)}, first/last {Markup.Escape(s.FirstLast)}, widened k times vs the {s.Baseline} baseline on {Markup.Escape(s.Architecture)} at {Markup.Escape(s.Technology)}");
        table.AddColumn("k");
        foreach (var h in new[] { "MACs", "bit-ops", "cycles", "energy uJ", "MACs x", "bit-ops x", "energy x", "latency x" })
            table.AddColumn(new TableColumn(h).RightAligned());
        var b = s.BaselineCosts;
        table.AddRow($"[grey]{s.Baseline} baseline[/]", Numbers.Grouped(b.Macs), Numbers.Grouped(b.BitOps), Numbers.Grouped(b.Cycles), Uj(b.Energy.Value), "1", "1", "1", "1");
        foreach (var p in s.Points)
        {
            table.AddRow(p.K.ToString("0.00", CultureInfo.InvariantCulture), Numbers.Grouped(p.Costs.Macs), Numbers.Grouped(p.Costs.BitOps),
                Numbers.Grouped(p.Costs.Cycles), Uj(p.Costs.Energy.Value), Ratio(p.MacsRatio), Ratio(p.BitOpsRatio), Ratio(p.EnergyRatio, true), Ratio(p.LatencyRatio, true));
        }
        console.Write(table);
        console.MarkupLine(BreakEvenLine("energy", s.Energy, s, p => p.EnergyRatio));
        console.MarkupLine(BreakEvenLine("latency", s.Latency, s, p => p.LatencyRatio));
        // An array's area is the same for every network; a nest design's MACs and registers are sized for the network's formats.
        var widened = s.Points.Select(p => p.Costs.Area).Distinct().ToList();
        if (widened is [var same] && same == b.Area)
            console.MarkupLine($"area: {Markup.Escape(AreaReport.Format(b.Area))} for both: the same architecture ({Markup.Escape(s.Architecture)}) runs the baseline and every width, so the area ratio is 1.");
        else
            console.MarkupLine($"area: {Markup.Escape(AreaReport.Format(b.Area))} for the baseline, {Markup.Escape(string.Join(", ", widened.Select(AreaReport.Format)))} widened: {Markup.Escape(s.Architecture)}'s MACs and registers are sized for each network's formats (NestArea).");
    }

    private static string BreakEvenLine(string what, BreakEven be, WidthStudy s, Func<WidthPoint, double> ratio) =>
        Markup.Escape(WidthAnalysis.BreakEvenText(what, be, s, ratio)).Replace($"k = {F2(be.Width ?? 0)}:", $"[bold]k = {F2(be.Width ?? 0)}[/]:");

    internal static void WriteCsv(TextWriter writer, WidthStudy s)
    {
        // One fixed schema: the baseline row, one row per width, then the two break-even rows (k empty when there is none).
        writer.WriteLine("kind,k,macs,bit_ops,cycles,energy_pj,area_um2,macs_ratio,bit_ops_ratio,energy_ratio,latency_ratio");
        var b = s.BaselineCosts;
        writer.WriteLine($"baseline,1,{b.Macs},{b.BitOps},{b.Cycles},{R(b.Energy.Value)},{R(b.Area.Value)},1,1,1,1");
        foreach (var p in s.Points)
            writer.WriteLine($"widened,{R(p.K)},{p.Costs.Macs},{p.Costs.BitOps},{p.Costs.Cycles},{R(p.Costs.Energy.Value)},{R(p.Costs.Area.Value)},{R(p.MacsRatio)},{R(p.BitOpsRatio)},{R(p.EnergyRatio)},{R(p.LatencyRatio)}");
        writer.WriteLine($"break_even_energy,{(s.Energy.Width is { } e ? R(e) : "")},,,,,,,,{(s.Energy.Ratio is { } er ? R(er) : "")},");
        writer.WriteLine($"break_even_latency,{(s.Latency.Width is { } l ? R(l) : "")},,,,,,,,,{(s.Latency.Ratio is { } lr ? R(lr) : "")}");
    }

    // Ratios below 1 are the widened network's win; on a terminal they are green, above 1 red.
    private static string Ratio(double r, bool colour = false)
    {
        var text = r.ToString(r < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
        return !colour ? text : r <= 1 ? $"[green]{text}[/]" : $"[red]{text}[/]";
    }

    private static string Uj(double pj) => (pj * 1e-6).ToString("0.000", CultureInfo.InvariantCulture);

    private static string F2(double k) => k.ToString("0.00", CultureInfo.InvariantCulture);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
