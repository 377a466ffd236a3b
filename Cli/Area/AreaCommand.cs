using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.CostModel.Area;
using Spectre.Console;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.Area;

/// <summary><c>hwsim area</c>: an architecture's silicon area, per unit (PEs x PE area, with the PE's parts) and per SRAM buffer.</summary>
public static class AreaCommand
{
    private static readonly ArchitectureOption Architecture = new();
    private static readonly TechnologyOptions Technology = new();
    private static readonly OutputOptions Output = new();

    private static readonly Option<string[]> AreaTables = new("--area-table")
    {
        Description = "CSV file(s) whose rows replace the built-in area table's (component,bits_a,bits_b,area_um2,source), e.g. from your own synthesis.",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Command Create()
    {
        var command = new Command("area", "Area of an architecture: PEs per unit and SRAM buffers, in um^2 and mm^2, with sources.");
        Architecture.AddTo(command);
        Technology.AddTo(command, withVoltage: false);
        command.Add(AreaTables);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var arch = Architecture.Resolve(parse);
        var scaling = Technology.Resolve(parse);
        var files = parse.GetValue(AreaTables) ?? [];
        var table = files.Length == 0 ? AreaTable.Default : AreaTable.Load(files);
        var report = AreaModel.Area(arch, table, scaling);
        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(JsonSerializer.Serialize(new
                    {
                        architecture = report.Architecture,
                        tech = scaling.Target.Name,
                        area_factor = scaling.AreaFactor,
                        total_um2 = report.Total.Value,
                        total_mm2 = report.TotalSquareMillimetres,
                        units = report.Units.Select(u => new
                        {
                            unit = u.Unit,
                            kind = u.Kind,
                            pes = u.PeCount,
                            pe_um2 = u.Pe.Total.Value,
                            area_um2 = u.Area.Value,
                            pe = u.Pe.Description,
                            parts = u.Pe.Parts.Select(p => new { name = p.Name, count = p.Count, each_um2 = p.Each.Value, area_um2 = p.Area.Value, source = p.Source }),
                        }),
                        buffers = report.Buffers.Select(b => new { buffer = b.Name, bytes = b.Bytes, area_um2 = b.Area.Value, um2_per_bit = b.PerBit, source = b.Source }),
                        excluded = AreaReport.Excluded,
                    }, OutputOptions.Json));
                    break;
                case OutputFormat.Csv:
                    writer.WriteLine("component,count,each_um2,area_um2,area_mm2,source");
                    foreach (var u in report.Units)
                        writer.WriteLine($"{Csv(u.Unit)},{u.PeCount},{D(u.Pe.Total.Value)},{D(u.Area.Value)},{D(u.Area.SquareMillimetres)},{Csv(u.Pe.Description)}");
                    foreach (var b in report.Buffers)
                        writer.WriteLine($"{Csv(b.Name)},{b.Bytes},{D(b.PerBit)},{D(b.Area.Value)},{D(b.Area.SquareMillimetres)},{Csv(b.Source)}");
                    writer.WriteLine($"total,,,{D(report.Total.Value)},{D(report.TotalSquareMillimetres)},");
                    break;
                default:
                    var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(report.Architecture)} at {Markup.Escape(scaling.Target.Name)}: area");
                    table.AddColumn("component").AddColumn(new TableColumn("count").RightAligned()).AddColumn(new TableColumn("each").RightAligned())
                        .AddColumn(new TableColumn("um^2").RightAligned()).AddColumn(new TableColumn("mm^2").RightAligned()).AddColumn(new TableColumn("share").RightAligned()).AddColumn("source");
                    var total = report.Total.Value;
                    foreach (var u in report.Units)
                    {
                        table.AddRow($"[bold]{Markup.Escape(u.Unit)}[/] ({u.Kind} PEs)", Numbers.Grouped(u.PeCount), $"{u.Pe.Total.Value:N1} um^2", $"{u.Area.Value:N0}", $"{u.Area.SquareMillimetres:0.000}", Numbers.Percent(u.Area.Value / total), Markup.Escape(u.Pe.Description));
                        foreach (var p in u.Pe.Parts)
                            table.AddRow($"  [grey]{Markup.Escape(p.Name)}[/]", Numbers.Grouped(p.Count), $"{p.Each.Value:N2} um^2", $"[grey]{p.Area.Value:N1} per PE[/]", "", "", $"[grey]{Markup.Escape(p.Source)}[/]");
                    }
                    foreach (var b in report.Buffers)
                        table.AddRow($"[bold]{Markup.Escape(b.Name)}[/]", $"{b.Bytes:N0} B", $"{b.PerBit:0.###} um^2/bit", $"{b.Area.Value:N0}", $"{b.Area.SquareMillimetres:0.000}", Numbers.Percent(b.Area.Value / total), Markup.Escape(b.Source));
                    table.AddRow("[bold]total[/]", "", "", $"[bold]{total:N0}[/]", $"[bold]{report.TotalSquareMillimetres:0.000}[/]", "100.00 %", Markup.Escape(AreaReport.Excluded));
                    context.ConsoleOn(writer).Write(table);
                    break;
            }
        });
        return HwSimApp.ExitOk;
    }

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) => CsvText.Field(s);
}
