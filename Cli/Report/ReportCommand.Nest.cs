using System.CommandLine;
using HwSim.Analyses.FirstLast;
using HwSim.Analyses.Nest;
using HwSim.Analyses.Report;
using HwSim.Analyses.Tradeoff;
using HwSim.Cli.Common;
using HwSim.Cli.FirstLast;
using HwSim.Cli.Nest;
using HwSim.Cli.Tradeoff;
using HwSim.Workloads;
using Spectre.Console;

namespace HwSim.Cli.Report;

/// <summary>
/// <c>hwsim report --arch NEST</c>: the report's folder and sections for a nest design (built-in, or a file with top-level
/// <c>levels:</c>), every study run by one <see cref="NestSession"/> with the verb's --mapping, --objective, --tech, --energy-table,
/// --dram and --area-table (Cli/Nest/NestRoute.cs). Energy goes by storage level, area is NestArea's; what needs array units
/// (energy by component and unit) is left out with a line saying so.
/// </summary>
public static partial class ReportCommand
{
    private static int RunNest(ParseResult parse, CliContext context, string folder, NestDesign design)
    {
        var policy = Workload.Policy(parse) ?? throw new InvalidOperationException("--wbits and --abits have defaults");
        var network = Workload.LoadSource(parse);
        var nest = NestRoute.Session(parse, design, Cost);
        var keep = FirstLastCommand.ParseKeep(parse.GetValue(Keep) ?? "");
        var accuracy = parse.GetValue(Accuracy) is { } accuracyFile ? AccuracySection.Read(accuracyFile) : null;
        var width = parse.GetValue(NoWidth) ? null : WidthSection.Setting(parse);
        // A nest mapping file gives each layer exact loop bounds, which the width section's widened layers no longer multiply to.
        if (nest.Mappings is not null && width is not null && width.Widths.Any(k => k != 1))
            throw new InputException("a nest mapping file gives each layer's exact loop bounds, and the width section widens every layer (other channels, other bounds); add --no-width, or map with 'search'", "--mapping");
        // Before minutes of work: a folder the report cannot use is refused now.
        ReportFolder.Check(folder);

        context.Progress($"{network.Name} on nest design {nest.Design.Name}: {network.Layers.Length} layers, {NestRoute.Searching(nest)}");
        var report = NestStudyReport.Build(network, policy, keep, nest, width, context.Progress);
        var main = report.Main;
        var shares = report.Shares;
        var sharesJson = new FirstLastJson(network.Name, nest.Design.Name, nest.Options.Scaling.Target.Name, new InnerJson(policy.InnerWeight!.Name, policy.InnerInput!.Name),
            policy.RealDownsample, FirstLastAnalysis.OpsDefinition + "; " + FirstLastAnalysis.OpsCaveat, [.. shares.Select(FirstLastRowJson.From)])
        {
            NestDesign = true,
        };
        var energyJson = NestJson.From(main);

        // As for an array: every file is rendered before the first is written, and all replace the old ones together (or none does).
        string In(string name) => Path.Combine(folder, name);
        ReportFolder.Create(folder);
        List<AtomicFile.Entry> files =
        [
            AtomicFile.Entry.Text(In("energy.json"), w => w.WriteLine(OutputOptions.Serialize(energyJson))),
            AtomicFile.Entry.Text(In("energy-per-layer.csv"), w => NestOutput.WriteCsv(w, main)),
            AtomicFile.Entry.Text(In("first-last.json"), w => w.WriteLine(OutputOptions.Serialize(sharesJson))),
            AtomicFile.Entry.Text(In("first-last.csv"), w => FirstLastText.WriteCsv(w, shares)),
            AtomicFile.Entry.Text(In("area.csv"), w => NestStudyReport.WriteAreaCsv(w, report.Area)),
            .. Plots.Files(ReportPlots.EnergyPerLayer(main), In("energy-per-layer")),
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
                context.Output.WriteLine(OutputOptions.Serialize(new ReportJson(network.Name, nest.Design.Name, folder, energyJson, report.Area.TotalSquareMillimetres, sharesJson,
                    report.Width is null ? null : WidthSection.Json(report.Width),
                    accuracy is null ? null : new ReportAccuracyJson(accuracy.File, accuracy.Summaries, [.. accuracy.Widths.Select(TradeoffOutput.Sentence)]))));
                break;
            case OutputFormat.Csv:
                NestOutput.WriteCsv(context.Output, main);
                break;
            default:
                var console = context.ConsoleOn(context.Output);
                WriteNestSummary(console, report);
                WriteSections(console, sharesJson, shares, report.Width, report.WidthOmitted, accuracy);
                foreach (var w in main.Layers.Where(l => l.Energy is not null).SelectMany(l => l.Energy!.Warnings).Concat(report.Area.Warnings).Distinct())
                    console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
                console.MarkupLine($"[grey]report folder: {Markup.Escape(folder)}/ (report.md, CSV/JSON tables, PNG and SVG plots)[/]");
                break;
        }
        return HwSimApp.ExitOk;
    }

    private static void WriteNestSummary(IAnsiConsole console, NestStudyReport report)
    {
        var (r, policy) = (report.Main, report.Policy);
        var t = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(r.Workload)} ({Markup.Escape(policy.ToString())}) on nest design {Markup.Escape(r.Design.Name)} at {Markup.Escape(r.Options.Scaling.Target.Name)}");
        t.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (label, value) in report.SummaryRows())
            t.AddRow(Markup.Escape(label), Markup.Escape(value));
        console.Write(t);
        var b = new Table().Border(TableBorder.Rounded).Title("where the energy goes");
        b.AddColumn("level").AddColumn(new TableColumn("uJ per inference").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (label, uj, share) in report.BreakdownRows())
            b.AddRow(Markup.Escape(label), uj, share);
        console.Write(b);
        console.MarkupLine("[grey]energy by array component and unit: left out (a nest design has storage levels, not array units)[/]");
    }
}
