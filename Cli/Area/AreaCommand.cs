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
                    writer.WriteLine(OutputOptions.Serialize(new AreaJson(report.Architecture, scaling.Target.Name, scaling.AreaFactor,
                        report.Total.Value, report.TotalSquareMillimetres,
                        [.. report.Units.Select(u => new AreaUnitJson(u.Unit, u.Kind, u.PeCount, u.Pe.Total.Value, u.Area.Value, u.Pe.Description,
                            [.. u.Pe.Parts.Select(p => new AreaPartJson(p.Name, p.Count, p.Each.Value, p.Area.Value, p.Source))]))],
                        [.. report.Buffers.Select(b => new AreaBufferJson(b.Name, b.Bytes, b.Area.Value, b.PerBit, b.Source))],
                        AreaReport.Excluded)));
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

/// <summary>The JSON shape of <c>hwsim area --format json</c> (snake_case keys).</summary>
internal sealed record AreaJson(string Architecture, string Tech, double AreaFactor, double TotalUm2, double TotalMm2,
    IReadOnlyList<AreaUnitJson> Units, IReadOnlyList<AreaBufferJson> Buffers, string Excluded);

internal sealed record AreaUnitJson(string Unit, string Kind, long Pes, double PeUm2, double AreaUm2, string Pe, IReadOnlyList<AreaPartJson> Parts);

internal sealed record AreaPartJson(string Name, long Count, double EachUm2, double AreaUm2, string Source);

internal sealed record AreaBufferJson(string Buffer, long Bytes, double AreaUm2, double Um2PerBit, string Source);
