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
        var plot = new Plot();
        var layers = report.Layers.Where(l => l.Ran).ToList();
        var bars = new List<Bar>();
        for (var i = 0; i < layers.Count; i++)
        {
            var bottom = 0.0;
            foreach (var (component, _, hex) in Components)
            {
                var uj = layers[i][component].Value * 1e-6;
                if (uj <= 0) continue;
                bars.Add(new Bar { Position = i, ValueBase = bottom, Value = bottom + uj, FillColor = Color.FromHex(hex), LineWidth = 0 });
                bottom += uj;
            }
        }
        plot.Add.Bars(bars);
        foreach (var (component, label, hex) in Components)
            if (layers.Any(l => l[component].Value > 0))
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = Color.FromHex(hex) });
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < layers.Count; i++)
            ticks.AddMajor(i, Short(layers[i].Layer));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 60;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 150;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("energy per inference (uJ)");
        plot.Title($"{report.Workload} on {report.Architecture} at {report.Technology}: energy per layer");
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        return plot;
    }

    private static string Short(string name) => name.Length <= 24 ? name : name[..11] + "…" + name[^11..];
}
