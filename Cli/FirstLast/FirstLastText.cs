using System.Globalization;
using HwSim.Analyses.FirstLast;
using HwSim.Cli.Common;
using HwSim.CostModel.Area;
using Spectre.Console;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.FirstLast;

/// <summary>The table and CSV forms of <c>hwsim first-last</c>.</summary>
internal static class FirstLastText
{
    public const string CsvHeader =
        "network,keep,kept_layers,kept_units,macs_share,bit_ops_share,ops_share,cycles_share,compute_energy_share,energy_share,kept_unit_area_share," +
        "total_macs,total_bit_ops,total_bops,total_flops,total_ops,total_cycles,total_energy_pj,total_compute_energy_pj,total_area_um2,not_run";

    /// <summary>One line per row; lists inside a cell are joined with ';'; costs are empty when the row did not run.</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<FirstLastRow> rows)
    {
        writer.WriteLine(CsvHeader);
        foreach (var r in rows)
        {
            var t = r.Total;
            var c = r.TotalCost;
            writer.WriteLine(string.Join(",",
                Csv(r.Network), r.Keep, Csv(string.Join(";", r.KeptLayers)), Csv(string.Join(";", r.KeptUnits)),
                D(r.MacsShare), D(r.BitOperationsShare), D(r.OpsShare), D(r.CyclesShare), D(r.ComputeEnergyShare), D(r.EnergyShare), D(r.KeptUnitAreaShare),
                t.Macs, t.BitOperations, t.Bops, t.Flops, D(t.Ops),
                c is null ? "" : Numbers.Plain(c.Cycles), D(c?.Energy.Value), D(c?.ComputeEnergy.Value), D(c?.Area.Value),
                Csv(r.NotRun ?? "")));
        }
    }

    /// <summary>One network, one row per kept format: the shares, then the network totals behind them, then how to read them.</summary>
    public static void WriteTables(IAnsiConsole console, FirstLastJson run, IReadOnlyList<FirstLastRow> rows)
    {
        var anyNotRun = rows.Any(r => r.NotRun is not null);
        var shares = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(run.Workload)} on {Markup.Escape(run.Architecture)} at {Markup.Escape(run.Technology)}, inner W:{run.Inner.Weight} A:{run.Inner.Input}: share of the kept layers");
        shares.AddColumn("keep").AddColumn("kept layers");
        foreach (var h in new[] { "MACs", "bit-ops", "OPs", "cycles", "compute energy", "energy", "kept-unit area" })
            shares.AddColumn(new TableColumn(h).RightAligned());
        if (anyNotRun)
            shares.AddColumn("note");
        foreach (var r in rows)
        {
            var cells = new List<string>
            {
                Markup.Escape(r.Keep), Markup.Escape(KeptLayers(r)),
                Numbers.Percent(r.MacsShare), Numbers.Percent(r.BitOperationsShare), Numbers.Percent(r.OpsShare),
                Share(r.CyclesShare), Share(r.ComputeEnergyShare), Share(r.EnergyShare),
                r.KeptUnitAreaShare is { } a ? $"{Numbers.Percent(a)} ({Markup.Escape(string.Join(", ", r.KeptUnits))})" : NotRunCell,
            };
            if (anyNotRun)
                cells.Add(r.NotRun is null ? "" : $"[red]{Markup.Escape(r.NotRun)}[/]");
            shares.AddRow([.. cells]);
        }
        console.Write(shares);

        var totals = new Table().Border(TableBorder.Rounded).Title("network totals behind the shares");
        totals.AddColumn("keep");
        foreach (var h in new[] { "MACs", "bit-ops", "BOPs", "FLOPs", "OPs", "cycles", "compute uJ", "energy uJ", "area mm^2" })
            totals.AddColumn(new TableColumn(h).RightAligned());
        foreach (var r in rows)
        {
            var t = r.Total;
            var c = r.TotalCost;
            totals.AddRow(Markup.Escape(r.Keep), Numbers.Grouped(t.Macs), Numbers.Grouped(t.BitOperations), Numbers.Grouped(t.Bops), Numbers.Grouped(t.Flops), Ops(t.Ops),
                c is null ? NotRunCell : Numbers.Grouped(c.Cycles), c is null ? NotRunCell : Uj(c.ComputeEnergy.Value), c is null ? NotRunCell : Uj(c.Energy.Value),
                c is null ? NotRunCell : Mm2(c.Area.SquareMillimetres));
        }
        console.Write(totals);
        WriteNotes(console, run, withOps: true);
    }

    /// <summary>The zoo: one row per network (and kept format), with the shares people compare across networks.</summary>
    public static void WriteZooTable(IAnsiConsole console, FirstLastJson run, IReadOnlyList<FirstLastRow> rows)
    {
        var anyNotRun = rows.Any(r => r.NotRun is not null);
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"the zoo on {Markup.Escape(run.Architecture)} at {Markup.Escape(run.Technology)}, inner W:{run.Inner.Weight} A:{run.Inner.Input}: share of the kept layers");
        table.AddColumn("network").AddColumn("keep").AddColumn("kept layers");
        foreach (var h in new[] { "MACs", "bit-ops", "cycles", "energy", "network MACs", "network cycles", "network uJ" })
            table.AddColumn(new TableColumn(h).RightAligned());
        if (anyNotRun)
            table.AddColumn("note");
        foreach (var r in rows)
        {
            var c = r.TotalCost;
            var cells = new List<string>
            {
                Markup.Escape(r.Network), Markup.Escape(r.Keep), Markup.Escape(KeptLayers(r)),
                Numbers.Percent(r.MacsShare), Numbers.Percent(r.BitOperationsShare), Share(r.CyclesShare), Share(r.EnergyShare),
                Numbers.Grouped(r.Total.Macs), c is null ? NotRunCell : Numbers.Grouped(c.Cycles), c is null ? NotRunCell : Uj(c.Energy.Value),
            };
            if (anyNotRun)
                cells.Add(r.NotRun is null ? "" : $"[red]{Markup.Escape(r.NotRun)}[/]");
            table.AddRow([.. cells]);
        }
        console.Write(table);
        WriteNotes(console, run, withOps: false);
    }

    private static void WriteNotes(IAnsiConsole console, FirstLastJson run, bool withOps)
    {
        var kept = run.RealDownsample ? "the first and last layers and the 1x1 shortcut (downsample) convs" : "the first and last layers";
        console.MarkupLine($"[grey]kept layers: {kept}; 'same' leaves them at the inner precision (the baseline the other rows are compared with).[/]");
        if (withOps)
        {
            console.MarkupLine($"[grey]{Markup.Escape(FirstLastAnalysis.OpsDefinition)}.[/]");
            console.MarkupLine($"[grey]{Markup.Escape(FirstLastAnalysis.OpsCaveat)}.[/]");
        }
        console.MarkupLine(run.NestDesign
            ? $"[grey]kept-unit area: a nest design runs every layer on all of its levels and MACs, so the kept layers' area is the whole design's (sized for each row's formats) and its share is 100 %.[/]"
            : $"[grey]kept-unit area: the unit(s) the kept layers ran on, over the chip's units and SRAM ({Markup.Escape(AreaReport.Excluded)}).[/]");
    }

    private const string NotRunCell = "[red]not run[/]";

    /// <summary>"conv1, fc" or, with shortcut convs, "conv1, fc + 3 downsample".</summary>
    private static string KeptLayers(FirstLastRow r) =>
        r.KeptLayers.Length <= 2 ? string.Join(", ", r.KeptLayers)
            : $"{r.KeptLayers[0]}, {r.KeptLayers[^1]} + {r.KeptLayers.Length - 2} downsample";

    private static string Share(double? fraction) => fraction is { } f ? Numbers.Percent(f) : NotRunCell;

    private static string Uj(double pj) => (pj * 1e-6).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Mm2(double mm2) => mm2.ToString("0.0000", CultureInfo.InvariantCulture);

    // OPs are a whole number unless BOPs is not a multiple of 64: one decimal shows that without noise.
    private static string Ops(double ops) => ops == Math.Floor(ops) ? ops.ToString("N0", CultureInfo.InvariantCulture) : ops.ToString("N1", CultureInfo.InvariantCulture);

    private static string D(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Csv(string s) => CsvText.Field(s);
}
