using System.Globalization;
using System.Text.Json.Serialization;
using HwSim.Analyses.Datapaths;
using HwSim.Cli.Common;
using HwSim.Workloads.Import.Csv;
using Spectre.Console;

namespace HwSim.Cli.Datapaths;

/// <summary>The table, CSV and JSON forms of a <see cref="DatapathStudy"/>, and its notes on layers not run.</summary>
internal static class DatapathsText
{
    /// <summary>One row per architecture and precision, grouped by architecture so that its precisions read down a column.</summary>
    public static void WriteTable(IAnsiConsole console, DatapathStudy s, string title)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn("architecture");
        table.AddColumn("inner");
        foreach (var h in new[] { "cycles", "latency ms", "energy uJ", "TOPS/W", "area mm^2", "layers not run" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var arch in s.Architectures)
        {
            foreach (var precision in s.Precisions)
            {
                var f = s[arch, precision].Figures;
                var ran = f.LayerCount - f.NotRun.Length;
                table.AddRow(Markup.Escape(arch), precision.Label, Numbers.Grouped(f.Cycles), F(f.LatencyMs, "0.000"), F(f.EnergyUj, "#,0.0"),
                    F(f.TopsPerWatt, "0.000"), F(f.AreaMm2, "0.000"),
                    f.Partial ? $"[red]{f.NotRun.Length} of {f.LayerCount}[/]" + (ran == 0 ? " [red](none ran)[/]" : "") : "0");
            }
        }
        console.Write(table);
        foreach (var note in Notes(s))
            console.WriteLine(note);
    }

    /// <summary>
    /// Per architecture, each reason a layer did not run and at which precisions, so that a row
    /// with partial totals (cheaper and faster than it would be) is never read without its reason.
    /// </summary>
    public static IEnumerable<string> Notes(DatapathStudy s)
    {
        var partial = s.Points.Where(p => p.Figures.Partial).ToList();
        if (partial.Count > 0)
            yield return "Rows with layers not run are partial: their figures cover only the layers that ran.";
        foreach (var arch in partial.GroupBy(p => p.Architecture))
        {
            foreach (var reason in arch.SelectMany(p => p.Figures.NotRun.Select(n => (p.Precision, n.Layer, n.Reason))).GroupBy(x => x.Reason))
            {
                var precisions = string.Join(" ", reason.Select(x => x.Precision.Label).Distinct());
                var layers = reason.Select(x => x.Layer).Distinct().ToList();
                var layerText = layers.Count <= 4 ? string.Join(", ", layers) : $"{string.Join(", ", layers.Take(4))} and {layers.Count - 4} more";
                yield return $"* {arch.Key} at {precisions}: {layerText}: {reason.Key}";
            }
        }
        foreach (var w in s.Points.SelectMany(p => p.Figures.Warnings.Select(w => $"warning: {p.Architecture}: {w}")).Distinct())
            yield return w;
    }

    public static void WriteCsv(TextWriter writer, DatapathStudy s)
    {
        writer.WriteLine("architecture,precision,weight_bits,input_bits,cycles,latency_ms,energy_uj,tops_per_w,area_mm2,edp_js,layers,layers_not_run");
        foreach (var p in s.Points)
        {
            var f = p.Figures;
            writer.WriteLine(string.Join(",", CsvText.Field(p.Architecture), p.Precision.Label, I(p.Precision.WeightBits), I(p.Precision.InputBits),
                Numbers.Plain(f.Cycles), R(f.LatencyMs), R(f.EnergyUj), R(f.TopsPerWatt), R(f.AreaMm2), R(f.EdpJs), I(f.LayerCount), I(f.NotRun.Length)));
        }
    }

    public static DatapathsJson Json(DatapathStudy s, string technology) => new(s.Network, s.FirstLast.ToString(), technology,
        [.. s.Points.Select(p => new DatapathPointJson(p.Architecture, p.Precision.Label, p.Precision.WeightBits, p.Precision.InputBits,
            p.Figures.Cycles, p.Figures.LatencyMs, p.Figures.EnergyUj, p.Figures.TopsPerWatt, p.Figures.AreaMm2, p.Figures.EdpJs,
            p.Figures.LayerCount, p.Figures.Partial, [.. p.Figures.NotRun.Select(n => new DatapathNotRunJson(n.Layer, n.Reason))], p.Figures.Warnings))]);

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    // Latency and EDP are null only for a nest design without a clock, which the study does not take; "-" and "" keep the shape.
    private static string F(double? v, string format) => v is { } x ? F(x, format) : "-";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string R(double? v) => v is { } x ? R(x) : "";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The JSON shape of <c>hwsim datapaths --format json</c> (snake_case keys).</summary>
internal sealed record DatapathsJson(string Network, string FirstLast, string Technology, IReadOnlyList<DatapathPointJson> Points);

/// <param name="Partial">True when layers did not run: every figure then covers only the layers that ran.</param>
internal sealed record DatapathPointJson(string Architecture, string Precision, int WeightBits, int InputBits, long Cycles, double? LatencyMs,
    double EnergyUj, double TopsPerW, double AreaMm2, double? EdpJs, int Layers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Partial, IReadOnlyList<DatapathNotRunJson> NotRun, IReadOnlyList<string> Warnings);

internal sealed record DatapathNotRunJson(string Layer, string Reason);
