using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Cli.FirstLast;
using HwSim.Cli.Tradeoff;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using HwSim.Workloads.Precision;
using Spectre.Console;

namespace HwSim.Cli.Report;

/// <summary>
/// <c>hwsim report</c>: the question HwSim exists for, answered on built-in defaults (ResNet-18,
/// inner W4A2, first/last fp32, lowbit-default, 45 nm): energy per inference, latency,
/// throughput and area, the share of the full-precision first/last layers, and the width
/// break-even of a 1-bit network; tables on the terminal and a folder with report.md, the
/// CSV/JSON behind every table and the plots.
/// </summary>
public static class ReportCommand
{
    private static readonly Argument<string> Source = new("workload")
    {
        Description = "A built-in network, a CSV or an ONNX model (default: resnet18).",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => FirstLastAnalysis.DefaultNetwork,
    };

    private static readonly Option<int> WeightBits = new("--wbits") { Description = "Weight bits of the inner layers (1 = binary).", DefaultValueFactory = _ => FirstLastAnalysis.DefaultWeightBits, HelpName = "BITS" };
    private static readonly Option<int> InputBits = new("--abits") { Description = "Activation bits of the inner layers (1 = binary).", DefaultValueFactory = _ => FirstLastAnalysis.DefaultInputBits, HelpName = "BITS" };
    private static readonly Option<string> FirstLastOption = new("--first-last") { Description = "Format of the first and last layers: fp32, fp16, bf16, int8, int16 or same.", DefaultValueFactory = _ => "fp32", HelpName = "FORMAT" };
    private static readonly Option<string> Keep = new("--keep") { Description = "Formats compared in the first/last share table.", DefaultValueFactory = _ => "fp32,fp16,int8,same", HelpName = "LIST" };
    private static readonly Option<string> Directory = new("--output", "-o") { Description = "Folder for report.md, the CSV/JSON tables and the plots (created if missing; files replaced atomically).", DefaultValueFactory = _ => "hwsim-report", HelpName = "DIR" };
    private static readonly Option<bool> NoWidth = new("--no-width") { Description = "Skip the width break-even section." };
    private static readonly Option<string?> Accuracy = new("--accuracy") { Description = "A results CSV of 'hwsim tradeoff' (e.g. docs/accuracy-study/results.csv): adds the accuracy columns (mean and spread over seeds) beside energy and latency.", HelpName = "FILE" };

    private static readonly Option<OutputFormat> Format = new("--format", "-f")
    {
        Description = "What goes to standard output: table (for people), json (every section in one document) or csv (energy per layer); the folder is written either way.",
        DefaultValueFactory = _ => OutputFormat.Table,
        HelpName = "table|csv|json",
    };
    private static readonly ArchitectureOption Architecture = new();
    private static readonly CostOptions Cost = new();

    public static Command Create()
    {
        var command = new Command("report",
            "Energy per inference, latency, throughput, area, the first/last-layer share and the width break-even, on built-in defaults (ResNet-18 W4A2, fp32 first/last, lowbit-default, 45 nm); writes a folder with report.md, tables and plots.");
        command.Add(Source);
        command.Add(WeightBits);
        command.Add(InputBits);
        command.Add(FirstLastOption);
        command.Add(Keep);
        Architecture.AddTo(command);
        Cost.AddTo(command);
        WidthSection.AddTo(command);
        command.Add(NoWidth);
        command.Add(Accuracy);
        command.Add(Directory);
        command.Add(Format);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var folder = parse.GetValue(Directory)!;
        var network = WorkloadSource.Load(parse.GetValue(Source) ?? FirstLastAnalysis.DefaultNetwork);
        var firstLast = FirstLastFormat.Parse(parse.GetValue(FirstLastOption) ?? "fp32");
        var policy = PrecisionPolicy.FromBits(parse.GetValue(WeightBits), parse.GetValue(InputBits), firstLast);
        var arch = Architecture.Resolve(parse);
        var cost = Cost.Resolve(parse);
        var keep = FirstLastCommand.ParseKeep(parse.GetValue(Keep) ?? "");
        var accuracy = parse.GetValue(Accuracy) is { } accuracyFile ? AccuracySection.Read(accuracyFile) : null;
        try
        {
            System.IO.Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot create the report folder: {e.Message}", file: folder);
        }

        context.Progress($"report: simulating {network.Name} on {arch.Name}");
        var main = Evaluator.Evaluate(policy.Apply(network), arch, cost);
        context.Progress("report: first/last share");
        var inner = policy with { FirstLast = keep[0] };
        var shares = FirstLastAnalysis.Analyse(network, inner, keep, arch, cost);
        var sharesJson = new FirstLastJson(network.Name, arch.Name, cost.Scaling.Target.Name, new InnerJson(policy.InnerWeight!.Name, policy.InnerInput!.Name),
            false, FirstLastAnalysis.OpsDefinition + "; " + FirstLastAnalysis.OpsCaveat, [.. shares.Select(FirstLastRowJson.From)]);
        WidthSection.Result? width = null;
        if (!parse.GetValue(NoWidth))
        {
            context.Progress("report: width break-even");
            width = WidthSection.Run(parse, network, arch, cost, context);
        }

        // Files first, then the tables: a report folder is complete when the command says so.
        var written = new List<string>();
        void Write(string name, Action<TextWriter> body)
        {
            var path = Path.Combine(folder, name);
            AtomicFile.Write(path, body);
            written.Add(path);
        }
        Write("energy.json", w => w.WriteLine(JsonSerializer.Serialize(Energy.EnergyJsonFacade.From(main.Energy, policy.ToString()), OutputOptions.Json)));
        Write("energy-per-layer.csv", w => Energy.EnergyJsonFacade.WriteCsv(w, main.Energy));
        Write("first-last.json", w => w.WriteLine(JsonSerializer.Serialize(sharesJson, OutputOptions.Json)));
        Write("first-last.csv", w => FirstLastText.WriteCsv(w, shares));
        Write("area.csv", w => WriteAreaCsv(w, main.Area));
        var (energyPng, _) = Plots.Save(ReportPlots.EnergyPerLayer(main.Energy), Path.Combine(folder, "energy-per-layer"));
        var (sharePng, _) = Plots.Save(FirstLastPlot.Shares(shares, sharesJson), Path.Combine(folder, "first-last"));
        written.Add(energyPng);
        written.Add(sharePng);
        if (width is not null)
            written.AddRange(WidthSection.Write(width, folder));
        if (accuracy is not null)
            Write("accuracy.csv", w => TradeoffOutput.WriteSummaryCsv(w, accuracy.Summaries));
        Write("report.md", w => w.Write(Markdown(main, shares, width, policy) + (accuracy is null ? "" : AccuracySection.Markdown(accuracy))));

        switch (parse.GetValue(Format))
        {
            case OutputFormat.Json:
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    workload = network.Name,
                    architecture = arch.Name,
                    folder,
                    energy = Energy.EnergyJsonFacade.From(main.Energy, policy.ToString()),
                    area_mm2 = main.Area.TotalSquareMillimetres,
                    first_last = sharesJson,
                    width = width is null ? null : WidthSection.Json(width),
                    accuracy = accuracy is null ? null : new { file = accuracy.File, summaries = accuracy.Summaries, widths = accuracy.Widths.Select(TradeoffOutput.Sentence) },
                }, OutputOptions.Json));
                break;
            case OutputFormat.Csv:
                Energy.EnergyJsonFacade.WriteCsv(context.Output, main.Energy);
                break;
            default:
                var console = context.ConsoleOn(context.Output);
                WriteSummary(console, main, policy);
                FirstLastText.WriteTables(console, sharesJson, shares);
                if (width is not null)
                    WidthSection.WriteTable(console, width);
                if (accuracy is not null)
                    AccuracySection.WriteTable(console, accuracy);
                console.MarkupLine($"[grey]report folder: {Markup.Escape(folder)}/ (report.md, CSV/JSON tables, PNG and SVG plots)[/]");
                break;
        }
        return HwSimApp.ExitOk;
    }

    private static void WriteSummary(IAnsiConsole console, Evaluated e, PrecisionPolicy policy)
    {
        var r = e.Energy;
        var t = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(e.Workload.Name)} ({Markup.Escape(policy.ToString())}) on {Markup.Escape(e.Architecture.Name)} at {Markup.Escape(r.Technology)}");
        t.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (label, value) in SummaryRows(e))
            t.AddRow(label, value);
        console.Write(t);
        var b = new Table().Border(TableBorder.Rounded).Title("where the energy goes");
        b.AddColumn("component").AddColumn(new TableColumn("uJ per inference").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (label, uj, share) in BreakdownRows(r))
            b.AddRow(label, uj, share);
        console.Write(b);
    }

    private static IEnumerable<(string Label, string Value)> SummaryRows(Evaluated e)
    {
        var r = e.Energy;
        yield return ("energy per inference", $"{F(r.EnergyPerInferenceMicrojoules, "0.0")} uJ");
        yield return ("latency", $"{F(r.LatencySeconds * 1e3 / r.Batch, "0.000")} ms");
        yield return ("throughput", $"{F(r.InferencesPerSecond, "0.0")} inferences/s ({F(r.Tops, "0.000")} TOPS, 2 ops per MAC)");
        yield return ("area", $"{F(e.Area.TotalSquareMillimetres, "0.000")} mm^2 (PEs and SRAM; no DRAM interface or control)");
        yield return ("average power", $"{F(r.AveragePowerWatts * 1e3, "0.0")} mW");
        yield return ("efficiency", $"{F(r.TopsPerWatt, "0.00")} TOPS/W");
        if (!r.AllRan)
            yield return ("layers not run (not counted)", $"{r.Layers.Count(l => !l.Ran)}");
    }

    private static IEnumerable<(string Label, string Uj, string Share)> BreakdownRows(EnergyReport r)
    {
        var total = r.Total.Value;
        string Uj(double pj) => F(pj * 1e-6 / r.Batch, "0.0");
        foreach (var c in Enum.GetValues<EnergyComponent>())
            if (r[c].Value > 0)
                yield return (Energy.EnergyJsonFacade.Label(c), Uj(r[c].Value), Numbers.Percent(r[c].Value / total));
        foreach (var (unit, e) in r.ByUnit)
            yield return ($"unit {unit}", Uj(e.Value), Numbers.Percent(e.Value / total));
    }

    private static string Markdown(Evaluated e, ImmutableArray<FirstLastRow> shares, WidthSection.Result? width, PrecisionPolicy policy)
    {
        var r = e.Energy;
        var md = new StringBuilder();
        md.AppendLine($"# HwSim report: {e.Workload.Name} on {e.Architecture.Name}");
        md.AppendLine();
        md.AppendLine($"Inner layers {policy.InnerWeight} x {policy.InnerInput}, first/last {policy.FirstLast}; technology {r.Technology}; produced by `hwsim report` on {DateTime.UtcNow:yyyy-MM-dd} (UTC).");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---:|");
        foreach (var (label, value) in SummaryRows(e))
            md.AppendLine($"| {label} | {value} |");
        md.AppendLine();
        md.AppendLine("## Where the energy goes");
        md.AppendLine();
        md.AppendLine("| component | uJ per inference | share |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (label, uj, share) in BreakdownRows(r))
            md.AppendLine($"| {label} | {uj} | {share} |");
        md.AppendLine();
        md.AppendLine("![energy per layer](energy-per-layer.png)");
        md.AppendLine();
        md.AppendLine("## What the first and last layers cost");
        md.AppendLine();
        md.AppendLine("Share of the first and last layers in the whole network, for each format they are kept at (inner layers unchanged).");
        md.AppendLine();
        md.AppendLine("| keep | MACs | bit-ops | cycles | compute energy | energy | area of their unit |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in shares)
            md.AppendLine($"| {s.Keep} | {P(s.MacsShare)} | {P(s.BitOperationsShare)} | {P(s.CyclesShare)} | {P(s.ComputeEnergyShare)} | {P(s.EnergyShare)} | {P(s.KeptUnitAreaShare)} |");
        md.AppendLine();
        md.AppendLine("![first/last share](first-last.png)");
        md.AppendLine();
        if (width is not null)
            md.Append(WidthSection.Markdown(width));
        md.AppendLine("## Files");
        md.AppendLine();
        md.AppendLine("`energy.json`, `energy-per-layer.csv`, `first-last.json`, `first-last.csv`, `area.csv`" + (width is null ? "" : ", `width.json`, `width.csv`") + "; each plot as PNG and SVG.");
        md.AppendLine("How every number is computed: the repository README and `Simulator/README.md`; the source of every energy and area figure: `hwsim table`.");
        return md.ToString();
    }

    private static void WriteAreaCsv(TextWriter w, AreaReport area)
    {
        w.WriteLine("component,area_um2,area_mm2");
        foreach (var item in area.Breakdown)
            w.WriteLine($"{item.Name},{item.Area.Value.ToString("R", CultureInfo.InvariantCulture)},{item.SquareMillimetres.ToString("R", CultureInfo.InvariantCulture)}");
        w.WriteLine($"total,{area.Total.Value.ToString("R", CultureInfo.InvariantCulture)},{area.TotalSquareMillimetres.ToString("R", CultureInfo.InvariantCulture)}");
    }

    private static string P(double? fraction) => fraction is { } f ? Numbers.Percent(f) : "not run";

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
