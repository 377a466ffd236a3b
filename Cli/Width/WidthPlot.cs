using System.Globalization;
using HwSim.Analyses.Width;
using HwSim.Cli.Common;
using ScottPlot;

namespace HwSim.Cli.Width;

/// <summary>
/// The width study as a picture: energy and latency of the widened network relative to the
/// baseline against the width multiplier, the baseline as a line at 1, and the break-even widths
/// marked where the curves cross it.
/// </summary>
internal static class WidthPlot
{
    private static readonly Color EnergyColor = new(31, 119, 180);
    private static readonly Color LatencyColor = new(214, 39, 40);

    /// <summary>Height of the width plot in pixels (two curves and a note box need more than the default).</summary>
    public const int Height = 650;

    /// <summary>Writes BASE.png and BASE.svg; returns their paths.</summary>
    public static (string Png, string Svg) Save(WidthStudy s, string basePath) => Plots.Save(Build(s), basePath, Plots.Width, Height);

    public static Plot Build(WidthStudy s)
    {
        var plot = new Plot();
        var top = Math.Max(1.2, s.Points.Max(p => Math.Max(p.EnergyRatio, p.LatencyRatio)) * 1.15);
        var (low, high) = (s.Points[0].K, s.Points[^1].K);
        var pad = Math.Max(0.05, 0.04 * (high - low));

        var one = plot.Add.HorizontalLine(1, 1.5f, Colors.Black, LinePattern.Dashed);
        one.LegendText = $"baseline: {s.Baseline} everywhere, unwidened (= 1)";
        Curve(plot, s, "energy", EnergyColor, p => p.EnergyRatio, s.Energy, MarkerShape.FilledCircle, top * 0.97, high - low);
        Curve(plot, s, "latency", LatencyColor, p => p.LatencyRatio, s.Latency, MarkerShape.FilledSquare, top * 0.89, high - low);

        plot.Title($"{s.Network}: {s.Inner} inner layers (first/last {s.FirstLast}) widened k times vs the {s.Baseline} baseline");
        plot.XLabel("width multiplier k (channels x k, rounded per layer)");
        plot.YLabel($"cost relative to the {s.Baseline} baseline");
        plot.Axes.Title.Label.FontSize = 17;
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontSize = 13;

        // 0 is always shown so the ratios read as fractions of the baseline; the top leaves room for the break-even labels.
        plot.Axes.SetLimitsY(0, top);
        plot.Axes.SetLimitsX(low - pad, high + pad);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. s.Points.Select(p => new Tick(p.K, p.K.ToString("0.##", CultureInfo.InvariantCulture)))]);

        var range = $"[{s.Points[0].K.ToString("0.##", CultureInfo.InvariantCulture)}, {s.Points[^1].K.ToString("0.##", CultureInfo.InvariantCulture)}]";
        var lines = new List<string> { $"{s.Architecture} at {s.Technology} runs both: same silicon, area ratio 1" };
        if (s.Energy.Width is null)
            lines.Add($"no energy break-even in {range}");
        if (s.Latency.Width is null)
            lines.Add($"no latency break-even in {range}");
        var note = plot.Add.Annotation(string.Join("\n", lines), EmptiestCorner(s, low - pad, high + pad, top, lines.Count));
        note.LabelFontSize = 12;
        note.LabelBackgroundColor = Colors.White.WithAlpha(0.9);
        note.LabelBorderColor = Colors.Gray;
        note.LabelShadowColor = Colors.Transparent;
        return plot;
    }

    /// <summary>
    /// The plot corner with the least drawn in it (curves, the baseline line, break-even labels),
    /// for the note box, so it never hides a curve: ratios rise with k when there is a crossing and
    /// stay low when there is none, so no one corner is always free.
    /// </summary>
    private static Alignment EmptiestCorner(WidthStudy s, double left, double right, double top, int lines)
    {
        var drawn = new List<(double X, double Y)>();
        const int Samples = 200;
        for (var i = 0; i <= Samples; i++)
        {
            var x = left + (right - left) * i / Samples;
            drawn.Add((x, 1));
            drawn.Add((x, Interpolate(s, x, p => p.EnergyRatio)));
            drawn.Add((x, Interpolate(s, x, p => p.LatencyRatio)));
        }
        foreach (var (be, y) in new[] { (s.Energy, top * 0.97), (s.Latency, top * 0.89) })
        {
            if (be.Width is not { } k)
                continue;
            var toRight = k - s.Points[0].K < 0.6 * (s.Points[^1].K - s.Points[0].K);
            for (var i = 0; i <= 20; i++)
                drawn.Add((k + (toRight ? 1 : -1) * 0.3 * (right - left) * i / 20, y - 0.03 * top));
        }
        var normal = drawn.Select(d => ((d.X - left) / (right - left), d.Y / top)).ToList();
        int In(double x0, double x1, double y0, double y1) => normal.Count(n => n.Item1 >= x0 && n.Item1 <= x1 && n.Item2 >= y0 && n.Item2 <= y1);
        // The box, as a fraction of the data area: about 430 of 930 px wide, 16 px a line of 470 px high.
        var (w, h) = (0.47, 0.04 + 0.036 * lines);
        (Alignment Corner, int Count)[] corners =
        [
            (Alignment.LowerRight, In(1 - w, 1, 0, h)),
            (Alignment.UpperLeft, In(0, w, 1 - h, 1)),
            (Alignment.UpperRight, In(1 - w, 1, 1 - h, 1)),
            (Alignment.LowerLeft, In(0, w, 0, h)),
        ];
        return corners.MinBy(c => c.Count).Corner;
    }

    /// <summary>The ratio at width x on the straight lines drawn between grid points (held flat outside them).</summary>
    private static double Interpolate(WidthStudy s, double x, Func<WidthPoint, double> ratio)
    {
        var p = s.Points;
        if (x <= p[0].K)
            return ratio(p[0]);
        for (var i = 1; i < p.Length; i++)
        {
            if (x <= p[i].K)
                return ratio(p[i - 1]) + (ratio(p[i]) - ratio(p[i - 1])) * (x - p[i - 1].K) / (p[i].K - p[i - 1].K);
        }
        return ratio(p[^1]);
    }

    private static void Curve(Plot plot, WidthStudy s, string what, Color color, Func<WidthPoint, double> ratio, BreakEven be, MarkerShape shape,
        double labelY, double span)
    {
        var xs = s.Points.Select(p => p.K).ToList();
        var ys = s.Points.Select(ratio).ToList();
        // The crossing itself is a point of the curve: drawing through it puts the marker on the line.
        if (be is { Width: { } w, Ratio: { } r } && !xs.Contains(w))
        {
            var at = xs.FindIndex(x => x > w);
            xs.Insert(at < 0 ? xs.Count : at, w);
            ys.Insert(at < 0 ? ys.Count : at, r);
        }
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
        line.LineWidth = 2.5f;
        line.MarkerSize = 0;
        line.LegendText = $"{what}: widened {s.Inner} / baseline";
        plot.Add.Markers(s.Points.Select(p => p.K).ToArray(), s.Points.Select(ratio).ToArray(), shape, 9, color);

        if (be.Width is not { } k)
            return;
        plot.Add.VerticalLine(k, 1.5f, color, LinePattern.Dotted);
        plot.Add.Marker(k, 1, MarkerShape.FilledDiamond, 16, color);
        // Near the top, where curves that rise with k have not yet arrived; beside the line, on the side with more room.
        var right = k - s.Points[0].K < 0.6 * span;
        var label = plot.Add.Text($"{what} break-even k = {k.ToString("0.00", CultureInfo.InvariantCulture)}", k, labelY);
        label.LabelFontSize = 15;
        label.LabelBold = true;
        label.LabelFontColor = color;
        label.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
        label.LabelAlignment = right ? Alignment.UpperLeft : Alignment.UpperRight;
        label.LabelOffsetX = right ? 6 : -6;
    }
}
