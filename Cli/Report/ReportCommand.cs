using HwSim.Analyses.Tradeoff;
using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HwSim.Analyses.FirstLast;
using HwSim.Analyses.Report;
using HwSim.Cli.FirstLast;
using HwSim.Analyses.Width;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
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
public static partial class ReportCommand
{
    private static readonly WorkloadOptions Workload =
        WorkloadOptions.Study(FirstLastAnalysis.DefaultNetwork, FirstLastAnalysis.DefaultWeightBits, FirstLastAnalysis.DefaultInputBits);
    private static readonly Option<string> Keep = new("--keep") { Description = "Formats compared in the first/last share table.", DefaultValueFactory = _ => "fp32,fp16,int8,same", HelpName = "LIST" };
    private static readonly Option<string> Directory = new("--output", "-o") { Description = "Folder for report.md, the CSV/JSON tables and the plots: new, empty, or one an earlier report wrote (a folder with other files is refused); created if missing, its report files replaced together.", DefaultValueFactory = _ => "hwsim-report", HelpName = "DIR" };
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
            "Energy per inference, latency, throughput, area, the first/last-layer share and the width break-even, on built-in defaults (ResNet-18 W4A2, fp32 first/last, lowbit-default, 45 nm); writes a folder with report.md, tables and plots.\n" +
            "A nest design (--arch eyeriss-rs, or a file with top-level 'levels:') runs every section on the nest engine, as hwsim energy does (--mapping search|FILE, --objective): energy by storage level, area per level, time-based figures only with clock_mhz.");
        Workload.AddTo(command);
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
        // A nest design (--arch eyeriss-rs, or a file with top-level 'levels:') runs the report's studies on the nest engine.
        if (NestRoute.Design(parse, Architecture) is { } design)
            return RunNest(parse, context, folder, design);
        var policy = Workload.Policy(parse) ?? throw new InvalidOperationException("--wbits and --abits have defaults");
        var network = Workload.LoadSource(parse);
        var arch = Architecture.Resolve(parse);
        var keep = FirstLastCommand.ParseKeep(parse.GetValue(Keep) ?? "");
        var accuracy = parse.GetValue(Accuracy) is { } accuracyFile ? AccuracySection.Read(accuracyFile) : null;
        var width = parse.GetValue(NoWidth) ? null : WidthSection.Setting(parse);
        // A mapping file is checked against every network the report's sections run, each at its own formats.
        IEnumerable<(string, HwSim.Workloads.Workload)> variants = [("the main study", policy.Apply(network)), .. FirstLastAnalysis.Variants(network, policy, keep)];
        if (width is not null)
            variants = [.. variants, .. WidthAnalysis.Variants(network, width).Select(v => ($"the width section, {v.Variant}", v.Workload))];
        var cost = Cost.Resolve(parse, variants, arch);
        // Before minutes of work: a folder the report cannot use is refused now.
        ReportFolder.Check(folder);

        var report = StudyReport.Build(network, policy, keep, arch, cost, width, context.Progress);
        var main = report.Main;
        var shares = report.Shares;
        var sharesJson = new FirstLastJson(network.Name, arch.Name, cost.Scaling.Target.Name, new InnerJson(policy.InnerWeight!.Name, policy.InnerInput!.Name),
            policy.RealDownsample, FirstLastAnalysis.OpsDefinition + "; " + FirstLastAnalysis.OpsCaveat, [.. shares.Select(FirstLastRowJson.From)]);

        // Files first, then the tables: a report folder is complete when the command says so. Every file is
        // rendered before the first is written, and all replace the old ones together (or none does).
        string In(string name) => Path.Combine(folder, name);
        ReportFolder.Create(folder);
        List<AtomicFile.Entry> files =
        [
            AtomicFile.Entry.Text(In("energy.json"), w => w.WriteLine(OutputOptions.Serialize(Energy.EnergyJsonFacade.From(main.Energy, policy.ToString())))),
            AtomicFile.Entry.Text(In("energy-per-layer.csv"), w => Energy.EnergyJsonFacade.WriteCsv(w, main.Energy)),
            AtomicFile.Entry.Text(In("first-last.json"), w => w.WriteLine(OutputOptions.Serialize(sharesJson))),
            AtomicFile.Entry.Text(In("first-last.csv"), w => FirstLastText.WriteCsv(w, shares)),
            AtomicFile.Entry.Text(In("area.csv"), w => StudyReport.WriteAreaCsv(w, main.Area)),
            .. Plots.Files(ReportPlots.EnergyPerLayer(main.Energy), In("energy-per-layer")),
            .. Plots.Files(FirstLastPlot.Shares(shares, sharesJson), In("first-last")),
            .. report.Width is null ? [] : WidthSection.Files(report.Width, folder),
            .. accuracy is null ? [] : new[] { AtomicFile.Entry.Text(In("accuracy.csv"), w => TradeoffCsv.WriteSummaryCsv(w, accuracy.Summaries)) },
            AtomicFile.Entry.Text(In("report.md"), w => w.Write(report.Markdown(DateTime.UtcNow, "`hwsim report`") + (accuracy is null ? "" : AccuracySection.Markdown(accuracy)))),
        ];
        AtomicFile.WriteAll(files);
        ReportFolder.RemoveOthers(folder, files.Select(f => f.Path));

        switch (parse.GetValue(Format))
        {
            case OutputFormat.Json:
                context.Output.WriteLine(OutputOptions.Serialize(new ReportJson(network.Name, arch.Name, folder,
                    Energy.EnergyJsonFacade.From(main.Energy, policy.ToString()), main.Area.TotalSquareMillimetres, sharesJson,
                    report.Width is null ? null : WidthSection.Json(report.Width),
                    accuracy is null ? null : new ReportAccuracyJson(accuracy.File, accuracy.Summaries, [.. accuracy.Widths.Select(TradeoffOutput.Sentence)]))));
                break;
            case OutputFormat.Csv:
                Energy.EnergyJsonFacade.WriteCsv(context.Output, main.Energy);
                break;
            default:
                var console = context.ConsoleOn(context.Output);
                WriteSummary(console, report);
                WriteSections(console, sharesJson, shares, report.Width, report.WidthOmitted, accuracy);
                foreach (var w in main.Energy.Warnings)
                    console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
                console.MarkupLine($"[grey]report folder: {Markup.Escape(folder)}/ (report.md, CSV/JSON tables, PNG and SVG plots)[/]");
                break;
        }
        return HwSimApp.ExitOk;
    }

    /// <summary>The tables both reports, an array's and a nest design's, print after their summary: the first/last shares, the width break-even (or why it is left out) and the accuracy.</summary>
    private static void WriteSections(IAnsiConsole console, FirstLastJson sharesJson, IReadOnlyList<FirstLastRow> shares, WidthStudy? width, string? widthOmitted,
        AccuracySection.Result? accuracy)
    {
        FirstLastText.WriteTables(console, sharesJson, shares);
        if (width is not null)
            WidthSection.WriteTable(console, width);
        else if (widthOmitted is not null)
            console.MarkupLine($"[yellow]width break-even left out:[/] {Markup.Escape(widthOmitted)}");
        if (accuracy is not null)
            AccuracySection.WriteTable(console, accuracy);
    }

    private static void WriteSummary(IAnsiConsole console, StudyReport report)
    {
        var (e, policy) = (report.Main, report.Policy);
        var t = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(e.Workload.Name)} ({Markup.Escape(policy.ToString())}) on {Markup.Escape(e.Architecture.Name)} at {Markup.Escape(e.Energy.Technology)}");
        t.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (label, value) in report.SummaryRows())
            t.AddRow(label, value);
        console.Write(t);
        var b = new Table().Border(TableBorder.Rounded).Title("where the energy goes");
        b.AddColumn("component").AddColumn(new TableColumn("uJ per inference").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (label, uj, share) in report.BreakdownRows())
            b.AddRow(label, uj, share);
        console.Write(b);
    }
}

/// <summary>The JSON shape of <c>hwsim report --format json</c> (snake_case keys); Energy is an EnergyJson, Width a WidthJson.</summary>
internal sealed record ReportJson(string Workload, string Architecture, string Folder, object Energy, double AreaMm2, FirstLastJson FirstLast,
    object? Width, ReportAccuracyJson? Accuracy);

internal sealed record ReportAccuracyJson(string File, IReadOnlyList<TradeoffSummary> Summaries, IReadOnlyList<string> Widths);
