using System.Globalization;
using HwSim.Analyses.Sweep;
using HwSim.Cli.Common;
using HwSim.Workloads;
using ScottPlot;

namespace HwSim.Cli.Sweep;

/// <summary>What the Pareto plot needs of one row of a sweep CSV.</summary>
public sealed record PlotPoint(long Id, string Tech, double LatencyMs, double EnergyUj, double AreaMm2, int LayersNotRun)
{
    /// <summary>The points of a sweep CSV read back, by the header's column names (so merged files plot too).</summary>
    public static IReadOnlyList<PlotPoint> From(SweepCsvFile file)
    {
        var header = SweepCsv.Split(file.Header);
        int Column(string name) => header.IndexOf(name) is var i and >= 0 ? i
            : throw new InputException($"has no '{name}' column, which the plot needs", name, file.Path, "line 2");
        var (tech, latency, energy, area, notRun) = (Column("tech"), Column("latency_ms"), Column("energy_uj"), Column("area_mm2"), Column("layers_not_run"));
        return [.. file.Rows.Select(r =>
        {
            var f = SweepCsv.Split(r.Line);
            return new PlotPoint(r.Id, f[tech], Number(f[latency]), Number(f[energy]), Number(f[area]), (int)Number(f[notRun]));
        })];

        double Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
    }
}

/// <summary>
/// Energy against latency of every point of a sweep, coloured by area, the Pareto front (no
/// other point is both faster and cheaper in energy) drawn over them. Points with layers no unit
/// could run are left out: their energy and latency leave those layers out too.
/// </summary>
public static class ParetoPlot
{
    // Colour steps of the area scale: fine enough to read as continuous, few enough plottables for a small SVG.
    private const int ColourSteps = 48;

    private static readonly MarkerShape[] TechShapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    /// <summary>
    /// The Pareto front of <paramref name="points"/> in (latency, energy), both minimised, in order
    /// of increasing latency (and so decreasing energy). Points that ran every layer only.
    /// </summary>
    public static IReadOnlyList<PlotPoint> Front(IEnumerable<PlotPoint> points)
    {
        var front = new List<PlotPoint>();
        foreach (var p in Plottable(points).OrderBy(p => p.LatencyMs).ThenBy(p => p.EnergyUj).ThenBy(p => p.Id))
            if (front.Count == 0 || p.EnergyUj < front[^1].EnergyUj)
                front.Add(p);
        return front;
    }

    /// <summary>"Pareto front: 3 points" or, per node, "Pareto front: 3 points at 45nm, 1 point at 7nm".</summary>
    public static string FrontSummary(IReadOnlyList<PlotPoint> points)
    {
        static string Count(int n) => n == 1 ? "1 point" : $"{n} points";
        var techs = Plottable(points).Select(p => p.Tech).Distinct().ToList();
        return techs.Count <= 1 ? $"Pareto front: {Count(Front(points).Count)}"
            : "Pareto front: " + string.Join(", ", techs.Select(t => $"{Count(Front(points.Where(p => p.Tech == t)).Count)} at {t}"));
    }

    /// <summary>
    /// Draws the plot and writes <paramref name="basePath"/>.png and .svg. With several nodes each
    /// node gets its own marker shape and its own front: a node is chosen before the design, and
    /// the smallest node would otherwise hold the whole front.
    /// </summary>
    public static (string Png, string Svg) Save(IReadOnlyList<PlotPoint> points, string network, string basePath)
    {
        var shown = Plottable(points).ToList();
        var left = points.Count - shown.Count;
        var plot = new Plot();
        // ScottPlot's default family is often missing on servers and falls back to a serif face; take a sans face that is there.
        if (new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" }.FirstOrDefault(f => Fonts.GetTypeface(f, false, false)?.FamilyName == f) is { } sans)
            plot.Font.Set(sans);
        plot.Title($"{network}: energy vs latency of {shown.Count:N0} design points", size: 18);
        if (shown.Count == 0)
        {
            plot.Add.Annotation("no point ran every layer: nothing to plot");
            return Plots.Save(plot, basePath);
        }

        // Sweeps over bit-widths, array sizes and nodes span decades: log axes keep the cheap corner readable.
        var x = Scale.Of(shown.Select(p => p.LatencyMs));
        var y = Scale.Of(shown.Select(p => p.EnergyUj));
        var area = Scale.Of(shown.Select(p => p.AreaMm2));
        var colormap = new ScottPlot.Colormaps.Viridis();
        int Step(double a) => area.Flat ? ColourSteps - 1 : Math.Clamp((int)(area.Fraction(a) * ColourSteps), 0, ColourSteps - 1);

        var techs = shown.Select(p => p.Tech).Distinct().ToList();
        foreach (var group in shown.GroupBy(p => (Tech: techs.IndexOf(p.Tech), Step: Step(p.AreaMm2))))
        {
            var list = group.ToList();
            var markers = plot.Add.Markers(list.Select(p => x.Map(p.LatencyMs)).ToArray(), list.Select(p => y.Map(p.EnergyUj)).ToArray(),
                TechShapes[group.Key.Tech % TechShapes.Length], 7, colormap.GetColor((group.Key.Step + 0.5) / ColourSteps));
            markers.LegendText = "";
        }

        var fronts = techs.Select(t => (Tech: t, Front: Front(shown.Where(p => p.Tech == t)))).ToList();
        foreach (var (tech, front) in fronts)
        {
            var xs = front.Select(p => x.Map(p.LatencyMs)).ToArray();
            var ys = front.Select(p => y.Map(p.EnergyUj)).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, Colors.Crimson);
            line.LineWidth = 2;
            line.LegendText = "";
            var rings = plot.Add.Markers(xs, ys, MarkerShape.OpenCircle, 15, Colors.Crimson);
            rings.MarkerLineWidth = 2;
            rings.LegendText = "";
        }
        plot.Legend.ManualItems.Add(new LegendItem
        {
            LabelText = techs.Count == 1 ? "Pareto front" : "Pareto front of each node",
            LineColor = Colors.Crimson,
            LineWidth = 2,
            MarkerShape = MarkerShape.OpenCircle,
            MarkerSize = 12,
            MarkerLineColor = Colors.Crimson,
            MarkerLineWidth = 2,
        });
        if (techs.Count > 1)
            for (var t = 0; t < techs.Count; t++)
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = techs[t],
                    MarkerShape = TechShapes[t % TechShapes.Length],
                    MarkerSize = 9,
                    MarkerFillColor = Colors.Gray,
                    MarkerLineColor = Colors.Gray,
                });
        plot.Legend.DisplayPlottableLegendItems = false;
        plot.Legend.FontSize = 13;
        plot.Legend.Orientation = Orientation.Horizontal;
        // Below the axes: inside, it would hide points wherever it went.
        plot.ShowLegend(Edge.Bottom);

        if (!area.Flat)
        {
            var bar = plot.Add.ColorBar(new AreaScale(colormap, area.Map(area.Min), area.Map(area.Max)), Edge.Right);
            bar.Label = "area (mm²)" + (area.Log ? ", log scale" : "");
            bar.LabelStyle.FontSize = 14;
            bar.Axis.TickGenerator = area.Ticks();
        }

        plot.XLabel("latency per inference (ms)" + (x.Log ? ", log scale" : ""), size: 15);
        plot.YLabel("energy per inference (µJ)" + (y.Log ? ", log scale" : ""), size: 15);
        plot.Axes.Bottom.TickGenerator = x.Ticks();
        plot.Axes.Left.TickGenerator = y.Ticks();
        var notes = new List<string>();
        if (area.Flat)
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"area {area.Min:0.###} mm² at every point"));
        if (left > 0)
            notes.Add($"{left:N0} point(s) left out: layers no unit runs");
        if (notes.Count > 0)
            plot.Add.Annotation(string.Join("; ", notes), Alignment.UpperLeft);
        plot.Axes.Margins(0.04, 0.06);
        return Plots.Save(plot, basePath, 1100, 720);
    }

    private static IEnumerable<PlotPoint> Plottable(IEnumerable<PlotPoint> points) =>
        points.Where(p => p.LayersNotRun == 0 && p.LatencyMs > 0 && p.EnergyUj > 0 && double.IsFinite(p.LatencyMs) && double.IsFinite(p.EnergyUj) && double.IsFinite(p.AreaMm2));

    /// <summary>
    /// One plotted quantity: linear, or log10 when its largest value is more than
    /// <see cref="LogAbove"/> times its smallest; <see cref="Ticks"/> labels plain numbers either
    /// way (1, 2, 5, 10, ... on a log axis).
    /// </summary>
    private sealed record Scale(double Min, double Max, bool Log)
    {
        // Above about 3x, a linear axis crowds the cheap, fast corner (where the front is) into a few pixels.
        private const double LogAbove = 3;

        public static Scale Of(IEnumerable<double> values)
        {
            var list = values.ToList();
            var (min, max) = (list.Min(), list.Max());
            return new Scale(min, max, min > 0 && max / min > LogAbove);
        }

        public bool Flat => Max - Min <= 1e-12 * Math.Max(1, Math.Abs(Max));

        public double Map(double v) => Log ? Math.Log10(v) : v;

        public double Fraction(double v) => (Map(v) - Map(Min)) / (Map(Max) - Map(Min));

        public ScottPlot.ITickGenerator Ticks()
        {
            if (!Log)
                return new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("G6", CultureInfo.InvariantCulture), MaxTickCount = 10 };
            // The fewer decades an axis spans, the more digits get a label, so a short log axis still has numbers to read; minor ticks at the rest.
            var decades = Math.Log10(Max / Min);
            int[] labelled = decades <= 1 ? [1, 2, 3, 4, 5, 6, 8] : decades <= 2 ? [1, 2, 3, 5] : decades <= 3.5 ? [1, 2, 5] : [1];
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            for (var k = (int)Math.Floor(Math.Log10(Min)); k <= (int)Math.Ceiling(Math.Log10(Max)); k++)
                for (var m = 1; m <= 9; m++)
                {
                    var v = m * Math.Pow(10, k);
                    if (v < Min / 1.5 || v > Max * 1.5)
                        continue;
                    if (labelled.Contains(m))
                        ticks.AddMajor(Math.Log10(v), v.ToString("G6", CultureInfo.InvariantCulture));
                    else
                        ticks.AddMinor(Math.Log10(v));
                }
            return ticks;
        }
    }

    /// <summary>The colour bar's scale: area from the smallest to the largest design.</summary>
    private sealed class AreaScale(IColormap colormap, double min, double max) : IHasColorAxis
    {
        public IColormap Colormap { get; set; } = colormap;

        public ScottPlot.Range GetRange() => new(min, max);
    }
}
