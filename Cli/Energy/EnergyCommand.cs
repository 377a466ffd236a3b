using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.Simulator.Architecture;
using HwSim.Simulator;
using Spectre.Console;

namespace HwSim.Cli.Energy;

/// <summary>
/// <c>hwsim energy</c>: simulates the workload on the architecture and prices every counted
/// action: energy per layer and per inference with its breakdown (compute, registers, each SRAM
/// buffer, DRAM), by unit, and the derived power, TOPS/W and EDP.
/// </summary>
public static class EnergyCommand
{
    private static readonly WorkloadOptions Workload = new();
    private static readonly ArchitectureOption Architecture = new();
    private static readonly TechnologyOptions Technology = new();
    private static readonly EnergyTableOptions Table = new();
    private static readonly OutputOptions Output = new();
    private static readonly MappingOptions Mapping = new();

    public static Command Create()
    {
        var command = new Command("energy", "Energy per inference of a workload on an architecture, per layer, with a breakdown by component and unit.\n" +
            "A nest design (--arch eyeriss-rs, or a file with top-level 'levels:', e.g. docs/examples/timeloop/simple_ws.yaml) runs on the nest engine: per layer and per storage level, as hwsim nest prints.");
        Workload.AddTo(command);
        Architecture.AddTo(command);
        Technology.AddTo(command);
        Table.AddTo(command);
        Mapping.AddTo(command);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var (workload, policy) = Workload.Load(parse);
        if (NestRoute.Design(parse, Architecture) is { } design)
            return NestRoute.Run(parse, context, workload, design, Mapping, Technology.Resolve(parse), Output, Table.Table(parse), Table.DramKind(parse), showMapping: false);
        var arch = Architecture.Resolve(parse);
        var energyContext = EnergyContext.Of(arch, Technology.Resolve(parse), Table.DramKind(parse));
        var table = Table.Table(parse);
        PipelineOutput.Check(workload, arch, parse.GetValue(Workload.Source)!);
        var stages = SimulationProgress.Evaluate(context, workload, arch, Mapping.Resolve(parse, workload, arch), table, energyContext);
        var pipeline = PipelineOutput.Compose(workload, arch, stages);
        // Pipelined: each stage also idles while it waits for the slowest one; priced as idle PE-cycles.
        var report = Evaluator.PriceEnergy(workload, arch, pipeline?.SteadyState() ?? stages, table, energyContext);
        var joules = report.EnergyPerInferenceMicrojoules * 1e-6;
        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(EnergyJson.From(report, policy?.ToString(), Simulate.MappingText.Views(workload, arch, stages)) with { Pipeline = PipelineOutput.Json(pipeline, joules) }));
                    break;
                case OutputFormat.Csv:
                    EnergyJsonFacade.WriteCsv(writer, report);
                    break;
                default:
                    WriteTables(context.ConsoleOn(writer), report, energyContext, pipelined: pipeline is not null);
                    if (pipeline is not null)
                        PipelineOutput.Write(context.ConsoleOn(writer), pipeline, joules);
                    break;
            }
        });
        return HwSimApp.ExitOk;
    }

    private static void WriteTables(IAnsiConsole console, EnergyReport r, EnergyContext ctx, bool pipelined)
    {
        var total = r.Total.Value;
        var layers = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(r.Workload)} on {Markup.Escape(r.Architecture)} at {Markup.Escape(r.Technology)}: energy per layer");
        layers.AddColumn("layer").AddColumn("unit");
        foreach (var h in new[] { "cycles", "energy uJ", "share", "compute", "registers", "SRAM", "DRAM" })
            layers.AddColumn(new TableColumn(h).RightAligned());
        foreach (var l in r.Layers)
        {
            if (!l.Ran)
            {
                layers.AddRow(Markup.Escape(l.Layer), "[red]not run[/]", "", "", "", "", "", "", $"[red]{Markup.Escape(l.NotRunReason!)}[/]");
                continue;
            }
            var t = l.Total.Value;
            string Share(double v) => t == 0 ? "" : Numbers.Percent(v / t);
            layers.AddRow(Markup.Escape(l.Layer), Markup.Escape(l.Unit!), Numbers.Grouped(l.Cycles), Uj(t), Numbers.Percent(t / total),
                Share(l[EnergyComponent.Compute].Value), Share(l[EnergyComponent.Register].Value),
                Share(l[EnergyComponent.SramIfmap].Value + l[EnergyComponent.SramWeight].Value + l[EnergyComponent.SramOfmap].Value),
                Share(l[EnergyComponent.Dram].Value));
        }
        console.Write(layers);

        var breakdown = new Table().Border(TableBorder.Rounded).Title("where the energy goes");
        breakdown.AddColumn("component").AddColumn(new TableColumn("uJ").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var c in Enum.GetValues<EnergyComponent>())
            breakdown.AddRow(Name(c), Uj(r[c].Value), Numbers.Percent(r[c].Value / total));
        foreach (var (unit, e) in r.ByUnit)
            breakdown.AddRow($"[grey]unit {Markup.Escape(unit)}[/]", $"[grey]{Uj(e.Value)}[/]", $"[grey]{Numbers.Percent(e.Value / total)}[/]");
        breakdown.AddRow("[bold]total[/]", $"[bold]{Uj(total)}[/]", "100.00 %");
        console.Write(breakdown);

        var summary = new Table().Border(TableBorder.Rounded).Title("per inference");
        summary.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow("energy", $"{r.EnergyPerInferenceMicrojoules.ToString("0.###", CultureInfo.InvariantCulture)} uJ");
        summary.AddRow("latency", $"{(r.LatencySeconds * 1e3 / r.Batch).ToString("0.###", CultureInfo.InvariantCulture)} ms");
        // Pipelined: throughput, power and TOPS come from the pipeline table (stages overlap), not from the layers' sum.
        if (!pipelined)
        {
            summary.AddRow("inferences/s", r.InferencesPerSecond.ToString("0.#", CultureInfo.InvariantCulture));
            summary.AddRow("average power", $"{(r.AveragePowerWatts * 1e3).ToString("0.##", CultureInfo.InvariantCulture)} mW");
            summary.AddRow("throughput (2 ops/MAC)", $"{r.Tops.ToString("0.###", CultureInfo.InvariantCulture)} TOPS");
        }
        summary.AddRow("efficiency", $"{r.TopsPerWatt.ToString("0.##", CultureInfo.InvariantCulture)} TOPS/W");
        summary.AddRow("EDP", $"{r.EnergyDelayProduct.ToString("0.###e+0", CultureInfo.InvariantCulture)} J*s");
        summary.AddRow("technology", Markup.Escape(ctx.Scaling.ToString()));
        summary.AddRow("DRAM", $"{ctx.Dram.CsvName()} (per bit, not scaled with the node)");
        if (!r.AllRan)
            summary.AddRow("[red]layers not run (not priced)[/]", $"[red]{r.Layers.Count(l => !l.Ran)}[/]");
        console.Write(summary);
        foreach (var w in r.Warnings)
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
    }

    private static string Name(EnergyComponent c) => EnergyJsonFacade.Label(c);

    private static string Uj(double pj) => (pj * 1e-6).ToString("0.000", CultureInfo.InvariantCulture);

}
