using System.Globalization;
using HwSim.CostModel.Pricing;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.Energy;

/// <summary>The energy verb's JSON and CSV, for other verbs (report) that write the same tables.</summary>
internal static class EnergyJsonFacade
{
    public static object From(EnergyReport report, string? precision) => EnergyJson.From(report, precision);

    /// <summary>How a component is named in tables for people.</summary>
    public static string Label(EnergyComponent c) => c.Label();

    public const string CsvHeader = "layer,unit,ran,macs,cycles,energy_pj,compute_pj,register_pj,sram_ifmap_pj,sram_weight_pj,sram_ofmap_pj,dram_pj,leakage_pj";

    public static void WriteCsv(TextWriter writer, EnergyReport report)
    {
        writer.WriteLine(CsvHeader);
        foreach (var l in report.Layers)
            writer.WriteLine(string.Join(",", Csv(l.Layer), Csv(l.Unit ?? ""), l.Ran ? "true" : "false", l.Macs, l.Cycles, D(l.Total.Value),
                string.Join(",", Enum.GetValues<EnergyComponent>().Select(c => D(l[c].Value)))));
    }

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) => CsvText.Field(s);
}
