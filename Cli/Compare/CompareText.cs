using System.Globalization;
using HwSim.Analyses.Compare;
using HwSim.Cli.Common;
using Spectre.Console;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.Compare;

/// <summary>The table (for people) and CSV (for scripts) forms of a <see cref="Comparison"/>, and its notes on partial totals.</summary>
internal static class CompareText
{
    /// <summary>
    /// One column per configuration, one row per metric: the configurations are what is compared,
    /// so they sit side by side, and the table stays narrow enough for a terminal with 3-4 of them.
    /// </summary>
    public static void WriteTable(IAnsiConsole console, Comparison c, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn(new TableColumn(""));
        foreach (var f in c.Configurations)
        {
            var header = $"[bold]{Markup.Escape(f.Label)}[/]" + (ReferenceEquals(f, c.Baseline) ? "\n[grey]baseline[/]" : "\n[grey]x baseline[/]");
            if (f.Partial)
                header += "\n[red]partial *[/]";
            table.AddColumn(new TableColumn(header).RightAligned());
        }
        foreach (var m in ComparedMetrics.All)
        {
            var label = m.HigherIsBetter() ? $"{m.Header()} [grey](higher is better)[/]" : m.Header();
            table.AddRow([label, .. c.Configurations.Select(f => Cell(c, f, m))]);
        }
        table.AddRow(["layers not run", .. c.Configurations.Select(f => f.Partial ? $"[red]{f.NotRun.Length} of {f.LayerCount}[/]" : "0")]);
        console.Write(table);
        foreach (var note in Notes(c))
            console.WriteLine(note);
        foreach (var f in c.Configurations)
            foreach (var w in f.Warnings)
                console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(f.Label)}: {Markup.Escape(w)}");
    }

    /// <summary>
    /// "value  (0.42x)"; the baseline shows only its value, its ratios being 1 by definition. A figure that is not given (latency
    /// and EDP without a clock) is "-", with no ratio.
    /// </summary>
    private static string Cell(Comparison c, ConfigurationFigures f, ComparedMetric m)
    {
        if (f[m] is not { } v)
            return Missing;
        var value = Value(m, v);
        if (ReferenceEquals(f, c.Baseline))
            return value;
        var ratio = c.Ratio(f, m);
        return $"{value}  [grey]({(ratio is { } r ? Ratio(r) : "n/a")})[/]";
    }

    /// <summary>What a figure that is not given shows as in the table.</summary>
    public const string Missing = "-";

    private static string Value(ComparedMetric m, double v) => m switch
    {
        ComparedMetric.Cycles => Numbers.Grouped((long)v),
        ComparedMetric.Latency => v.ToString("0.000", CultureInfo.InvariantCulture),
        ComparedMetric.Energy => v.ToString("#,0.000", CultureInfo.InvariantCulture),
        ComparedMetric.TopsPerWatt => v.ToString("0.000", CultureInfo.InvariantCulture),
        ComparedMetric.Area => v.ToString("0.000", CultureInfo.InvariantCulture),
        _ => v.ToString("0.000e+0", CultureInfo.InvariantCulture),
    };

    /// <summary>"0.42x"; two significant digits below 0.1 so that a 50x saving does not print as "0.02x".</summary>
    public static string Ratio(double r) =>
        (r == 0 ? "0" : r >= 0.1 ? r.ToString("0.00", CultureInfo.InvariantCulture) : r.ToString("G2", CultureInfo.InvariantCulture)) + "x";

    /// <summary>
    /// One line per partial configuration and reason: which layers did not run and why, and that
    /// its figures leave them out. Empty when every layer ran everywhere.
    /// </summary>
    public static IEnumerable<string> Notes(Comparison c)
    {
        foreach (var f in c.Configurations.Where(f => f.Partial))
        {
            yield return $"* {f.Label}: partial totals, {f.NotRun.Length} of {f.LayerCount} layers not run (its figures leave them out, so it looks cheaper and faster than it is):";
            foreach (var group in f.NotRun.GroupBy(n => n.Reason))
                yield return $"    {LayerList([.. group.Select(n => n.Layer)])}: {group.Key}";
        }
        foreach (var f in c.Configurations.Where(f => !f.HasClock))
            yield return $"{Missing}: {f.Label} is a nest design without clock_mhz, so its latency and EDP are not given (no clock is assumed).";
        if (ComparedMetrics.All.Any(m => c.Baseline[m] == 0))
            yield return $"n/a: {c.Baseline.Label} has a figure of 0 (no layer ran), so there is nothing to take a ratio to.";
        else if (!c.Baseline.HasClock && c.Configurations.Any(f => f.HasClock))
            yield return $"n/a: {c.Baseline.Label} has no latency or EDP, so there is nothing to take those ratios to.";
    }

    // A network can have dozens of layers that do not run (every inner layer on finn-like); the first few name the pattern.
    private static string LayerList(IReadOnlyList<string> layers) =>
        layers.Count <= 4 ? string.Join(", ", layers) : $"{string.Join(", ", layers.Take(4))} and {layers.Count - 4} more";

    public static void WriteCsv(TextWriter writer, Comparison c)
    {
        writer.WriteLine("architecture,cycles,latency_ms,energy_uj,tops_per_w,area_mm2,edp_js,layers_not_run,"
                         + string.Join(",", ComparedMetrics.All.Select(m => "ratio_" + m.Key())));
        foreach (var f in c.Configurations)
        {
            writer.WriteLine(string.Join(",",
                Csv(f.Label), Numbers.Plain(f.Cycles), D(f.LatencyMs), D(f.EnergyUj), D(f.TopsPerWatt), D(f.AreaMm2), D(f.EdpJs),
                f.NotRun.Length.ToString(CultureInfo.InvariantCulture),
                string.Join(",", ComparedMetrics.All.Select(m => c.Ratio(f, m) is { } r ? D(r) : ""))));
        }
    }

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // A figure that is not given is an empty cell, as an undefined ratio is.
    private static string D(double? v) => v is { } x ? D(x) : "";

    private static string Csv(string s) => CsvText.Field(s);
}
