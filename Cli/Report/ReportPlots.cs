using HwSim.Analyses.Nest;
using HwSim.CostModel.Pricing;
using ScottPlot;

namespace HwSim.Cli.Report;

/// <summary>The report's energy picture: where each layer's energy goes, stacked by component.</summary>
public static class ReportPlots
{
    private static readonly (EnergyComponent Component, string Label, string Hex)[] Components =
    [
        (EnergyComponent.Compute, "compute", "#1f77b4"),
        (EnergyComponent.Register, "PE registers", "#aec7e8"),
        (EnergyComponent.SramIfmap, "SRAM ifmap", "#2ca02c"),
        (EnergyComponent.SramWeight, "SRAM weights", "#98df8a"),
        (EnergyComponent.SramOfmap, "SRAM ofmap", "#bcbd22"),
        (EnergyComponent.Dram, "DRAM", "#d62728"),
        (EnergyComponent.Leakage, "leakage", "#7f7f7f"),
    ];

    /// <summary>Stacked bars per layer (uJ), one colour per component, layers in network order.</summary>
    public static Plot EnergyPerLayer(EnergyReport report)
    {
        var layers = report.Layers.Where(l => l.Ran).ToList();
        return Stacked([.. layers.Select(l => l.Layer)],
            [.. Components.Select(c => (c.Label, Color.FromHex(c.Hex), (Func<int, double>)(i => layers[i][c.Component].Value * 1e-6)))],
            $"{report.Workload} on {report.Architecture} at {report.Technology}: energy per layer");
    }

    /// <summary>
    /// A nest study's picture: stacked bars per layer (uJ per inference), one colour per storage level and one for the MACs, layers in
    /// network order (the array picture's components are the levels here).
    /// </summary>
    public static Plot EnergyPerLayer(NestStudyResult study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var layers = study.Layers.Where(l => l.Ran).ToList();
        var levels = study.Design.Architecture.Levels;
        // Category10, the palette the array picture's colours come from; the MACs take the first colour, as compute does there.
        var palette = new ScottPlot.Palettes.Category10();
        var parts = new List<(string Label, Color Colour, Func<int, double> Uj)>
            { (study.Design.BitSerialInputs ? "compute" : "MACs", palette.GetColor(0), i => layers[i].Energy!.Macs.Value * 1e-6 / study.Batch) };
        for (var l = 0; l < levels.Length; l++)
        {
            var level = l;
            parts.Add((levels[l].Name, palette.GetColor(l + 1), i => layers[i].Energy!.Levels[level].Total.Value * 1e-6 / study.Batch));
        }
        return Stacked([.. layers.Select(l => l.Layer)], parts, $"{study.Workload} on nest design {study.Design.Name} at {study.Options.Scaling.Target.Name}: energy per layer");
    }

    /// <summary>Stacked bars, one per layer, of each part's uJ (<c>Uj(i)</c> for layer i; parts of none are left out, bars and legend).</summary>
    private static Plot Stacked(IReadOnlyList<string> layers, IReadOnlyList<(string Label, Color Colour, Func<int, double> Uj)> parts, string title)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < layers.Count; i++)
        {
            var bottom = 0.0;
            foreach (var (_, colour, uj) in parts)
            {
                var value = uj(i);
                if (value <= 0) continue;
                bars.Add(new Bar { Position = i, ValueBase = bottom, Value = bottom + value, FillColor = colour, LineWidth = 0 });
                bottom += value;
            }
        }
        plot.Add.Bars(bars);
        foreach (var (label, colour, uj) in parts)
            if (Enumerable.Range(0, layers.Count).Any(i => uj(i) > 0))
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = colour });
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < layers.Count; i++)
            ticks.AddMajor(i, Short(layers[i]));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 150;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("energy per inference (uJ)");
        plot.Title(title);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        return plot;
    }

    private static string Short(string name) => name.Length <= 24 ? name : name[..11] + "…" + name[^11..];
}
