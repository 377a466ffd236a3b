using HwSim.Analyses.Tradeoff;
using System.Globalization;
using HwSim.Cli.Common;
using ScottPlot;
using Spectre.Console;

namespace HwSim.Cli.Tradeoff;

/// <summary>The tradeoff's tables and its Pareto plot (its CSV files are <see cref="TradeoffCsv"/>'s).</summary>
public static class TradeoffOutput
{
    public static void WriteTables(IAnsiConsole console, TradeoffResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"accuracy (mean ± sample std over seeds) vs cost on {Markup.Escape(result.Architecture)}");
        foreach (var c in new[] { "configuration", "seeds", "test accuracy", "range", "energy µJ", "latency ms", "first/last energy" })
            table.AddColumn(c);
        foreach (var s in result.Summaries)
            table.AddRow(Markup.Escape(s.Configuration), s.Seeds.ToString(CultureInfo.InvariantCulture), Pct(s.AccuracyMean) + " ± " + Pct(s.AccuracyStd),
                Pct(s.AccuracyMin) + " – " + Pct(s.AccuracyMax), s.EnergyUj.ToString("0.###", CultureInfo.InvariantCulture),
                s.LatencyMs.ToString("0.#####", CultureInfo.InvariantCulture), Pct(s.FirstLastEnergyShare));
        console.Write(table);

        if (result.FirstLast.Count > 0)
        {
            var fl = new Table().Border(TableBorder.Rounded).Title("what the first/last layers buy (k = 1)");
            foreach (var c in new[] { "configuration", "first/last", "test accuracy", "energy µJ", "first/last share of energy" })
                fl.AddColumn(c);
            foreach (var s in result.FirstLast)
                fl.AddRow(Markup.Escape($"{s.Method} W{s.WeightBits}A{s.InputBits}"), s.FirstLast, Pct(s.AccuracyMean) + " ± " + Pct(s.AccuracyStd),
                    s.EnergyUj.ToString("0.###", CultureInfo.InvariantCulture), Pct(s.FirstLastEnergyShare));
            console.Write(fl);
        }
        foreach (var w in result.Widths)
            console.WriteLine(Sentence(w));
    }

    private static ScottPlot.TickGenerators.NumericManual LogTicks(double min, double max)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var decade = Math.Floor(Math.Log10(min)); decade <= Math.Ceiling(Math.Log10(max)); decade++)
            foreach (var step in new[] { 1, 2, 5 })
            {
                var value = step * Math.Pow(10, decade);
                if (value >= min / 2 && value <= max * 2)
                    ticks.AddMajor(Math.Log10(value), value.ToString("G6", CultureInfo.InvariantCulture));
            }
        return ticks;
    }

    /// <summary>The width answer in one sentence.</summary>
    public static string Sentence(WidthAnswer w) => w.Smallest is { } s
        ? FormattableString.Invariant($"W1A1 (first/last {w.FirstLast}) is within {Points(w.Margin)} of {w.Baseline} ({Pct(w.BaselineAccuracy)}) from k = {s.Width:0.###}: {Pct(s.AccuracyMean)} ± {Pct(s.AccuracyStd)}, {s.EnergyUj:0.###} µJ, {s.LatencyMs:0.#####} ms per inference")
        : FormattableString.Invariant($"W1A1 (first/last {w.FirstLast}) is not within {Points(w.Margin)} of {w.Baseline} ({Pct(w.BaselineAccuracy)}) at any width in the grid (widest k = {w.Candidates[^1].Width:0.###}: {Pct(w.Candidates[^1].AccuracyMean)})");

    private static string Points(double margin) => FormattableString.Invariant($"{margin * 100:0.#} percentage point{(margin == 0.01 ? "" : "s")}");

    private static string Pct(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    /// <summary>Accuracy against energy per inference, one marker per configuration, the seeds' standard deviation as error bars, and the Pareto front (no configuration both more accurate and cheaper).</summary>
    public static (string Png, string Svg) Plot(TradeoffResult result, string basePath)
    {
        var plot = new Plot();
        plot.Title($"accuracy vs energy per inference on {result.Architecture}", size: 18);
        var palette = new ScottPlot.Palettes.Category10();
        var methods = result.Summaries.Select(s => $"{s.Method} W{s.WeightBits}A{s.InputBits}").Distinct().ToList();
        var shapes = new Dictionary<string, MarkerShape> { ["fp32"] = MarkerShape.FilledCircle, ["int8"] = MarkerShape.FilledSquare, ["same"] = MarkerShape.FilledTriangleUp };
        foreach (var s in result.Summaries)
        {
            var colour = palette.GetColor(methods.IndexOf($"{s.Method} W{s.WeightBits}A{s.InputBits}"));
            var x = Math.Log10(s.EnergyUj);
            var y = s.AccuracyMean * 100;
            var bar = plot.Add.ErrorBar([x], [y], [s.AccuracyStd * 100]);
            bar.Color = colour;
            var marker = plot.Add.Marker(x, y, shapes.GetValueOrDefault(s.FirstLast, MarkerShape.FilledDiamond), 10, colour);
            marker.LegendText = "";
            var label = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"k={s.Width:0.##}"), x, y);
            label.LabelFontSize = 10;
            label.LabelOffsetX = 6;
            label.LabelOffsetY = -14;
        }
        var front = new List<TradeoffSummary>();
        foreach (var s in result.Summaries.OrderBy(s => s.EnergyUj).ThenByDescending(s => s.AccuracyMean))
            if (front.Count == 0 || s.AccuracyMean > front[^1].AccuracyMean)
                front.Add(s);
        var line = plot.Add.ScatterLine(front.Select(s => Math.Log10(s.EnergyUj)).ToArray(), front.Select(s => s.AccuracyMean * 100).ToArray(), Colors.Crimson);
        line.LineWidth = 1.5f;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = "Pareto front";
        for (var i = 0; i < methods.Count; i++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = methods[i], MarkerShape = MarkerShape.FilledCircle, MarkerSize = 9, MarkerFillColor = palette.GetColor(i), MarkerLineColor = palette.GetColor(i) });
        foreach (var (format, shape) in shapes)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"first/last {format}", MarkerShape = shape, MarkerSize = 9, MarkerFillColor = Colors.Gray, MarkerLineColor = Colors.Gray });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Pareto front", LineColor = Colors.Crimson, LineWidth = 1.5f, LinePattern = LinePattern.Dashed });
        plot.Legend.DisplayPlottableLegendItems = false;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        // Energies span decades (a binary network to a widened fp32 one): a log axis, labelled 1, 2, 5, 10, ... in µJ.
        plot.Axes.Bottom.TickGenerator = LogTicks(result.Summaries.Min(s => s.EnergyUj), result.Summaries.Max(s => s.EnergyUj));
        plot.XLabel("energy per inference (µJ, log scale)");
        plot.YLabel("test accuracy (%), mean ± std over seeds");
        return Plots.Save(plot, basePath);
    }
}
