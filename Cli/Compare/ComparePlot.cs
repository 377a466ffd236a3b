using ScottPlot;

using HwSim.Analyses.Compare;

namespace HwSim.Cli.Compare;

/// <summary>
/// The grouped bar chart of a <see cref="Comparison"/>: one group per metric, one bar per
/// configuration after the first, each bar the configuration's ratio to the first. Bars grow up
/// or down from the line at 1, which stands for the first configuration: on a log axis a
/// bar from 0 has no meaning, and on either axis "above or below the baseline" is the question.
/// </summary>
internal static class ComparePlot
{
    /// <summary>Ratios spanning more than this factor are drawn on a log axis, so 0.02x and 3x both stay readable.</summary>
    private const double LogAxisSpan = 10;

    private const double GroupWidth = 0.8;

    public static Plot Build(Comparison c, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var others = c.Configurations.Skip(1).ToList();
        var ratios = others.SelectMany(f => ComparedMetrics.All.Select(m => c.Ratio(f, m))).OfType<double>().Where(r => r > 0).Append(1.0).ToList();
        var log = ratios.Max() / ratios.Min() > LogAxisSpan;
        // On the log axis the bars are drawn in log10 units, so the baseline's 1 sits at 0.
        double Y(double ratio) => log ? Math.Log10(ratio) : ratio;
        var baseline = Y(1);
        var barWidth = GroupWidth / others.Count;

        var reference = plot.Add.HorizontalLine(baseline, 2, palette.GetColor(0));
        reference.LegendText = $"{c.Baseline.Label} (baseline = 1)" + PartialSuffix(c.Baseline);

        for (var j = 0; j < others.Count; j++)
        {
            var f = others[j];
            var colour = palette.GetColor(j + 1);
            var bars = new List<Bar>();
            foreach (var (m, i) in ComparedMetrics.All.Select((m, i) => (m, i)))
            {
                var position = i + (j - (others.Count - 1) / 2.0) * barWidth;
                var maybe = c.Ratio(f, m);
                if (maybe is not { } ratio || ratio <= 0)
                {
                    // No bar can show an undefined ratio or a zero on a log axis; say so where the bar would be
                    // ("no clock" where the configuration has no such figure: a nest design's latency and EDP without clock_mhz).
                    var text = plot.Add.Text(f[m] is null ? "no clock" : maybe is null ? "n/a" : "0x", position, baseline);
                    text.LabelAlignment = Alignment.LowerCenter;
                    text.LabelFontColor = colour;
                    continue;
                }
                bars.Add(new Bar
                {
                    Position = position,
                    Value = Y(ratio),
                    ValueBase = baseline,
                    Size = barWidth * 0.9,
                    FillColor = colour,
                    // A partial configuration's bars are hatched: its totals leave out layers it could not run.
                    FillHatch = f.Partial ? new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalUp) : null,
                    FillHatchColor = colour.Lighten(0.5),
                    LineWidth = 0,
                    Label = CompareText.Ratio(ratio),
                    LabelInvertWhenValueBelow = baseline,
                });
            }
            var plotted = plot.Add.Bars(bars);
            plotted.LegendText = f.Label + PartialSuffix(f);
            plotted.ValueLabelStyle.FontSize = 12;
        }

        plot.Axes.Bottom.SetTicks(
            [.. ComparedMetrics.All.Select((_, i) => (double)i)],
            [.. ComparedMetrics.All.Select(m => $"{m.Short()}\n({(m.HigherIsBetter() ? "higher" : "lower")} is better)")]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Grid.XAxisStyle.IsVisible = false;

        var (low, high) = (ratios.Min(), ratios.Max());
        if (log)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                // Decades read as "0.1x", "1x", "10x": the trailing zeros of a bar label would only add noise here.
                LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture) + "x",
            };
            plot.Grid.MinorLineWidth = 1;
            // A quarter of a decade beyond the extreme bars leaves room for their labels.
            plot.Axes.SetLimitsY(Math.Log10(low) - 0.25, Math.Log10(high) + 0.25);
        }
        else
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = y => y.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) + "x",
            };
            // From 0, so that a bar's length from the line at 1 is not magnified by a cut axis.
            plot.Axes.SetLimitsY(0, Math.Max(high, 1) * 1.12);
        }
        plot.Axes.SetLimitsX(-0.6, ComparedMetrics.All.Length - 0.4);

        plot.Title(title, 16);
        plot.YLabel($"ratio to {c.Baseline.Label}" + (log ? " (log scale)" : ""), 14);
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = 13;
        return plot;
    }

    private static string PartialSuffix(ConfigurationFigures f) =>
        f.Partial ? $" (partial: {f.NotRun.Length} of {f.LayerCount} layers not run)" : "";
}
