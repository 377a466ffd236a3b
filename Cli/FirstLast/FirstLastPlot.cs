using System.Globalization;
using ScottPlot;

using HwSim.Analyses.FirstLast;

namespace HwSim.Cli.FirstLast;

/// <summary>The grouped bar charts of <c>hwsim first-last --plot</c>, shares in percent.</summary>
internal static class FirstLastPlot
{
    // More bars than this per group leave no room for value labels above them.
    private const int MaxLabelledSeries = 4;

    /// <summary>One network: x = metric, one bar per kept format; a format whose layers did not run has no cost bars.</summary>
    public static Plot Shares(IReadOnlyList<FirstLastRow> rows, FirstLastJson run)
    {
        (string Name, Func<FirstLastRow, double?> Share)[] metrics =
        [
            ("MACs", r => r.MacsShare), ("bit-ops", r => r.BitOperationsShare), ("OPs", r => r.OpsShare),
            ("cycles", r => r.CyclesShare), ("compute energy", r => r.ComputeEnergyShare), ("energy", r => r.EnergyShare),
            ("kept-unit area", r => r.KeptUnitAreaShare),
        ];
        var palette = new ScottPlot.Palettes.Category10();
        var series = rows.Select((r, i) => new Series(r.NotRun is null ? r.Keep : $"{r.Keep} (not run)",
            [.. metrics.Select(m => m.Share(r))], palette.GetColor(i))).ToList();
        var kept = run.RealDownsample ? "first/last layers and shortcut convs" : "first and last layers";
        return Grouped($"{run.Workload} on {run.Architecture}, inner W:{run.Inner.Weight} A:{run.Inner.Input}: share of the kept {kept}",
            [.. metrics.Select(m => m.Name)], series, "first/last format");
    }

    /// <summary>The zoo: x = network; bars: MACs share, then cycles and energy share per kept format.</summary>
    public static Plot Zoo(IReadOnlyList<FirstLastRow> rows, FirstLastJson run)
    {
        var networks = rows.Select(r => r.Network).Distinct(StringComparer.Ordinal).ToArray();
        var keeps = rows.Select(r => r.Keep).Distinct(StringComparer.Ordinal).ToArray();
        FirstLastRow Row(string network, string keep) => rows.First(r => r.Network == network && r.Keep == keep);
        // The kept layers are chosen by position, so their MACs share is the same for every format: one series.
        var series = new List<Series> { new("MACs", [.. networks.Select(n => (double?)Row(n, keeps[0]).MacsShare)], Colors.Gray) };
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < keeps.Length; i++)
        {
            // One hue per format, cycles lighter than energy, so a format's two bars read as a pair.
            var colour = palette.GetColor(i);
            series.Add(new($"cycles ({keeps[i]})", [.. networks.Select(n => Row(n, keeps[i]).CyclesShare)], colour.Lighten(0.45)));
            series.Add(new($"energy ({keeps[i]})", [.. networks.Select(n => Row(n, keeps[i]).EnergyShare)], colour));
        }
        var kept = run.RealDownsample ? "first/last layers and shortcut convs" : "first and last layers";
        return Grouped($"The zoo on {run.Architecture}, inner W:{run.Inner.Weight} A:{run.Inner.Input}: share of the kept {kept}", networks, series, null);
    }


    /// <summary>One bar per group; a null value (a cost of a row that did not run) draws no bar.</summary>
    private sealed record Series(string Label, double?[] Values, Color Colour);

    private static Plot Grouped(string title, string[] groups, IReadOnlyList<Series> series, string? legendTitle)
    {
        var plot = new Plot();
        plot.Font.Set(Common.Plots.SansFace);
        const double groupWidth = 0.8;
        var barWidth = groupWidth / series.Count;
        var labelled = series.Count <= MaxLabelledSeries;
        var legend = new List<LegendItem>();
        for (var s = 0; s < series.Count; s++)
        {
            var colour = series[s].Colour;
            var bars = new List<Bar>();
            for (var g = 0; g < groups.Length; g++)
            {
                if (series[s].Values[g] is not { } share)
                    continue;
                bars.Add(new Bar
                {
                    Position = g + (s - (series.Count - 1) / 2.0) * barWidth,
                    Value = 100 * share,
                    Size = barWidth * 0.9,
                    FillColor = colour,
                    LineWidth = 0,
                    Label = labelled ? Label(100 * share) : "",
                });
            }
            if (bars.Count > 0)
            {
                var plottable = plot.Add.Bars(bars);
                plottable.ValueLabelStyle.FontSize = 11;
            }
            legend.Add(new LegendItem { LabelText = series[s].Label, FillColor = colour });
        }

        plot.Title(title, 15);
        plot.YLabel("share of the whole network");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, groups.Length).Select(g => (double)g)], groups);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        // Ticks stop at 100 %: the headroom above is for labels, not a share anything can reach.
        double[] ticks = [.. Enumerable.Range(0, 11).Select(i => 10.0 * i)];
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ticks, [.. ticks.Select(t => t.ToString("0", CultureInfo.InvariantCulture) + " %")]);
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        // Shares are 0..100 %; headroom above 100 keeps the value labels and legend clear of the top bars.
        plot.Axes.SetLimits(-0.5, groups.Length - 0.5, 0, 112);
        if (legendTitle is not null)
            legend.Insert(0, new LegendItem { LabelText = legendTitle + ":" });
        plot.ShowLegend(legend, Alignment.UpperLeft);
        plot.Legend.Orientation = Orientation.Horizontal;
        return plot;
    }

    // Small shares need a decimal to be told apart; large ones read better without.
    private static string Label(double percent) =>
        percent.ToString(percent < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
}
