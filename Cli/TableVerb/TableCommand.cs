using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.CostModel.Area;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using Spectre.Console;
using AreaFit = HwSim.CostModel.Area.FitReport;
using EnergyFit = HwSim.CostModel.Energy.FitReport;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.TableVerb;

/// <summary>
/// <c>hwsim table</c>: the effective energy and area tables at a node, every number with its
/// source, the fitted laws with their points and residuals, and the technology factors, so a
/// user can see exactly which number priced what.
/// </summary>
public static class TableCommand
{
    private static readonly ArchitectureOption Architecture = new();
    private static readonly TechnologyOptions Technology = new();
    private static readonly EnergyTableOptions Energy = new();

    private static readonly Option<string[]> AreaTables = new("--area-table")
    {
        Description = "CSV file(s) whose rows replace the built-in area table's.",
        HelpName = "FILE",
    };

    private static readonly Option<string> What = new("--what")
    {
        Description = "Which table: energy, area, fits, scaling (table format shows these four unless given), or sram: one buffer's CACTI figures (--capacity-kb, --word-bits, --banks; 45 nm only).",
        HelpName = "energy|area|fits|scaling|sram",
    };

    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("table", "The effective energy (ERT) and area (ART) tables at a node, with sources, fitted laws and technology factors. SRAM rows are for the --arch buffers.");
        Architecture.AddTo(command);
        Technology.AddTo(command);
        Energy.AddTo(command);
        command.Add(AreaTables);
        command.Add(What);
        SramQueryOutput.AddTo(command);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var what = parse.GetValue(What)?.Trim().ToLowerInvariant();
        if (what == "sram")
        {
            var query = SramQueryOutput.Query(parse, Technology);
            Output.Emit(parse, context, writer => SramQueryOutput.Write(writer, context, parse.GetValue(Output.Format), query));
            return HwSimApp.ExitOk;
        }
        SramQueryOutput.RejectUnlessSram(parse);
        var arch = Architecture.Resolve(parse);
        var scaling = Technology.Resolve(parse);
        var energyContext = EnergyContext.Of(arch, scaling, Energy.DramKind(parse));
        var energy = Energy.Table(parse);
        var area = parse.GetValue(AreaTables) is { Length: > 0 } files ? AreaTable.Load(files) : AreaTable.Default;
        if (what is not (null or "energy" or "area" or "fits" or "scaling"))
            throw new InputException($"must be energy, area, fits, scaling or sram, got '{what}'", "--what");
        var format = parse.GetValue(Output.Format);
        if (format != OutputFormat.Table)
            what ??= "energy";

        var energyRows = energy.Rows(energyContext);
        var areaRows = area.Rows(scaling);
        Output.Emit(parse, context, writer =>
        {
            if (format == OutputFormat.Json)
            {
                writer.WriteLine(what switch
                {
                    "area" => OutputOptions.Serialize<IReadOnlyList<AreaRowJson>>([.. areaRows.Select(r => new AreaRowJson(r.Component, r.BitsA, r.BitsB, r.Area.Value, r.Source))]),
                    "fits" => OutputOptions.Serialize(new FitsJson([.. energy.Fits.Select(EnergyFitOf)], [.. area.Fits.Select(AreaFitOf)])),
                    "scaling" => OutputOptions.Serialize(ScalingOf(scaling)),
                    _ => OutputOptions.Serialize<IReadOnlyList<EnergyRowJson>>([.. energyRows.Select(r => new EnergyRowJson(
                        r.Action.CsvName(),
                        r.Arithmetic == HwSim.Simulator.Counting.Arithmetic.None ? null : r.Arithmetic.ToString().ToLowerInvariant(),
                        r.BitsA,
                        r.BitsB,
                        r.Energy.Value,
                        r.Source,
                        r.CapacityBytes,
                        r.Buffer?.ToString().ToLowerInvariant(),
                        r.Dram?.CsvName()))]),
                });
                return;
            }
            if (format == OutputFormat.Csv)
            {
                if (what == "area")
                {
                    writer.WriteLine("component,bits_a,bits_b,area_um2,source");
                    foreach (var r in areaRows)
                        writer.WriteLine($"{r.Component},{r.BitsA},{r.BitsB},{D(r.Area.Value)},{Csv(r.Source)}");
                }
                else if (what == "energy")
                {
                    writer.WriteLine("action,arithmetic,bits_a,bits_b,energy_pj,source,capacity_bytes,buffer,dram");
                    foreach (var r in energyRows)
                        writer.WriteLine($"{r.Action.CsvName()},{(r.Arithmetic == HwSim.Simulator.Counting.Arithmetic.None ? "" : r.Arithmetic.ToString().ToLowerInvariant())},{r.BitsA},{r.BitsB},{D(r.Energy.Value)},{Csv(r.Source)},{r.CapacityBytes},{r.Buffer?.ToString().ToLowerInvariant()},{r.Dram?.CsvName()}");
                }
                else
                    throw new InputException("csv covers --what energy or area; use json for fits and scaling", "--format");
                return;
            }
            var console = context.ConsoleOn(writer);
            if (what is null or "energy")
            {
                var t = new Table().Border(TableBorder.Simple).Title($"energy per action at {Markup.Escape(scaling.Target.Name)} ({Markup.Escape(scaling.ToString())})");
                t.AddColumn("action").AddColumn("arith").AddColumn(new TableColumn("bits").RightAligned()).AddColumn(new TableColumn("pJ").RightAligned()).AddColumn("source");
                foreach (var r in energyRows)
                    t.AddRow(Markup.Escape(r.Action.CsvName() + (r.Buffer is { } b ? $" [{b.ToString().ToLowerInvariant()}]" : "") + (r.Dram is { } d ? $" [{d.CsvName()}]" : "")),
                        r.Arithmetic == HwSim.Simulator.Counting.Arithmetic.None ? "" : r.Arithmetic.ToString().ToLowerInvariant(),
                        r.BitsB > 0 ? $"{r.BitsA}x{r.BitsB}" : r.BitsA > 0 ? r.BitsA.ToString(CultureInfo.InvariantCulture) : "",
                        r.Energy.Value.ToString("G5", CultureInfo.InvariantCulture), Markup.Escape(r.Source));
                console.Write(t);
            }
            if (what is null or "area")
            {
                var t = new Table().Border(TableBorder.Simple).Title($"area per component at {Markup.Escape(scaling.Target.Name)}");
                t.AddColumn("component").AddColumn(new TableColumn("bits").RightAligned()).AddColumn(new TableColumn("um^2").RightAligned()).AddColumn("source");
                foreach (var r in areaRows)
                    t.AddRow(Markup.Escape(r.Component), r.BitsB > 0 ? $"{r.BitsA}x{r.BitsB}" : r.BitsA.ToString(CultureInfo.InvariantCulture),
                        r.Area.Value.ToString("G6", CultureInfo.InvariantCulture), Markup.Escape(r.Source));
                console.Write(t);
            }
            if (what is null or "fits")
            {
                foreach (var f in energy.Fits)
                {
                    console.MarkupLine($"[bold]fit[/] {Markup.Escape(f.ToString())}");
                    foreach (var p in f.Points)
                        console.MarkupLine($"   {p.CapacityBytes,10:N0} B x {p.WordBits,3}-bit: {p.PicojoulesPerBit:G4} pJ/bit published, {p.FittedPerBit:G4} fitted, ln residual {p.LogResidual:+0.000;-0.000}{(p.IsAnchor ? "" : " (not an anchor)")}  {Markup.Escape(p.Source)}");
                }
                foreach (var f in area.Fits)
                    console.MarkupLine($"[bold]fit[/] {Markup.Escape(f.ToString())}");
            }
            if (what is null or "scaling")
            {
                var t = new Table().Border(TableBorder.Rounded).Title($"Stillmaker & Baas 2017 factors from 45 nm HP at {TechnologyScaling.DefaultVdd} V (target Vdd {scaling.TargetVdd} V)");
                t.AddColumn("node").AddColumn(new TableColumn("energy factor").RightAligned()).AddColumn(new TableColumn("area factor").RightAligned());
                foreach (var n in TechNodes.Nodes.Where(n => !double.IsNaN(n.AreaFactorFrom45)))
                {
                    var s = new TechnologyScaling(scaling.Source, scaling.SourceVdd, n, scaling.TargetVdd);
                    t.AddRow(n.Name, s.EnergyFactor.ToString("0.####", CultureInfo.InvariantCulture), s.AreaFactor.ToString("0.####", CultureInfo.InvariantCulture));
                }
                console.Write(t);
            }
        });
        return HwSimApp.ExitOk;
    }

    private static EnergyFitJson EnergyFitOf(EnergyFit f) => new(f.Name, f.Coefficient, f.Exponent, f.RmsLogResidual, f.RSquared,
        [.. f.Points.Select(p => new EnergyFitPointJson(p.CapacityBytes, p.WordBits, p.EnergyPerAccess.Value, p.PicojoulesPerBit, p.FittedPerBit, p.IsAnchor, p.Source))]);

    private static AreaFitJson AreaFitOf(AreaFit f) => new(f.Name, f.Coefficient, f.Exponent, f.XUnit, f.YUnit, f.MaxRelativeResidual,
        [.. f.Points.Select(p => new AreaFitPointJson(p.X, p.Y, p.Fitted, p.Source))]);

    private static ScalingJson ScalingOf(TechnologyScaling scaling) => new(scaling.Source.Name, scaling.SourceVdd, scaling.Target.Name, scaling.TargetVdd,
        scaling.EnergyFactor, scaling.AreaFactor,
        [.. TechNodes.Nodes.Where(n => !double.IsNaN(n.AreaFactorFrom45)).Select(n =>
        {
            var s = new TechnologyScaling(scaling.Source, scaling.SourceVdd, n, scaling.TargetVdd);
            return new NodeJson(n.Name, n.A, n.B, n.C, s.EnergyFactor, s.AreaFactor);
        })]);

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) => CsvText.Field(s);
}

// The JSON shapes of 'hwsim table --format json' for each --what (snake_case keys).

internal sealed record EnergyRowJson(string Action, string? Arithmetic, int BitsA, int BitsB, double EnergyPj, string Source, long? CapacityBytes,
    string? Buffer, string? Dram);

internal sealed record AreaRowJson(string Component, long BitsA, long BitsB, double AreaUm2, string Source);

internal sealed record FitsJson(IReadOnlyList<EnergyFitJson> Energy, IReadOnlyList<AreaFitJson> Area);

internal sealed record EnergyFitJson(string Name, double Coefficient, double Exponent, double RmsLogResidual, double RSquared, IReadOnlyList<EnergyFitPointJson> Points);

internal sealed record EnergyFitPointJson(long CapacityBytes, int WordBits, double EnergyPj, double PjPerBit, double FittedPjPerBit, bool Anchor, string Source);

internal sealed record AreaFitJson(string Name, double Coefficient, double Exponent, string XUnit, string YUnit, double MaxRelativeResidual, IReadOnlyList<AreaFitPointJson> Points);

internal sealed record AreaFitPointJson(double X, double Y, double Fitted, string Source);

internal sealed record ScalingJson(string Source, double SourceVdd, string Target, double TargetVdd, double EnergyFactor, double AreaFactor, IReadOnlyList<NodeJson> Nodes);

internal sealed record NodeJson(string Node, double A, double B, double C, double EnergyFactor, double AreaFactor);
