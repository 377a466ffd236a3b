using System.Globalization;
using HwSim.Analyses.Datapaths;
using ScottPlot;

namespace HwSim.Cli.Datapaths;

/// <summary>
/// Energy per inference against latency, both on log axes (the datapaths span decades): one
/// colour per architecture, one marker per precision, its shape the weight bits and its size the
/// activation bits; each architecture's points are joined in precision order so its trend reads
/// as one path. A point with layers not run is drawn hollow (its totals are partial); a point
/// where no layer ran has no figure to place and is left out, as the title says.
/// </summary>
internal static class DatapathsPlot
{
    private static readonly MarkerShape[] FilledByWeight =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    private static readonly MarkerShape[] OpenByWeight =
        [MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond, MarkerShape.OpenTriangleDown];

    public static Plot Build(DatapathStudy s, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var weights = s.Precisions.Select(p => p.WeightBits).Distinct().Order().ToList();
        var inputs = s.Precisions.Select(p => p.InputBits).Distinct().Order().ToList();
        float Size(int inputBits) => 6 + 4 * inputs.IndexOf(inputBits);
        var shown = s.Points.Where(p => p.Figures.EnergyUj > 0 && p.Figures.LatencyMs > 0).ToList();
        var left = s.Points.Length - shown.Count;

        for (var i = 0; i < s.Architectures.Length; i++)
        {
            var arch = s.Architectures[i];
            var colour = palette.GetColor(i);
            var points = shown.Where(p => p.Architecture == arch).ToList();
            if (points.Count > 1)
            {
                var path = plot.Add.ScatterLine(points.Select(p => Math.Log10(Latency(p))).ToArray(),
                    points.Select(p => Math.Log10(p.Figures.EnergyUj)).ToArray(), colour.WithAlpha(0.35));
                path.LineWidth = 1;
            }
            foreach (var p in points)
            {
                var w = weights.IndexOf(p.Precision.WeightBits) % FilledByWeight.Length;
                var marker = plot.Add.Marker(Math.Log10(Latency(p)), Math.Log10(p.Figures.EnergyUj),
                    p.Figures.Partial ? OpenByWeight[w] : FilledByWeight[w], Size(p.Precision.InputBits), colour);
                marker.MarkerLineWidth = 2;
            }
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = arch + (points.Count < s.Precisions.Length ? $" ({points.Count} of {s.Precisions.Length} ran a layer)" : ""),
                MarkerShape = MarkerShape.FilledCircle, MarkerSize = 10, MarkerFillColor = colour, MarkerLineColor = colour,
            });
        }
        for (var w = 0; w < weights.Count; w++)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"W{weights[w]}",
                MarkerShape = FilledByWeight[w % FilledByWeight.Length], MarkerSize = 10, MarkerFillColor = Colors.Gray, MarkerLineColor = Colors.Gray,
            });
        }
        plot.Legend.DisplayPlottableLegendItems = false;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = 12;
        plot.ShowLegend(Edge.Bottom);

        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = v => Math.Pow(10, v).ToString("#,0.###", CultureInfo.InvariantCulture),
            };
        }
        plot.Grid.MinorLineWidth = 1;
        var sizes = string.Join(" < ", inputs.Select(a => $"A{a}"));
        plot.Title(title + $"\nmarker shape: weight bits; size: {sizes}; hollow: some layers not run (partial)"
                   + (left > 0 ? $"; {left} points with no layer run left out" : ""), 14);
        plot.XLabel("latency per inference (ms, log scale)", 14);
        plot.YLabel("energy per inference (µJ, log scale)", 14);
        return plot;
    }

    // Only plotted points (LatencyMs > 0) reach here; the study runs array architectures, which always have a clock.
    private static double Latency(DatapathPoint p) => p.Figures.LatencyMs ?? throw new InvalidOperationException($"{p.Architecture} has no latency");
}
