using System.Globalization;
using HwSim.Cli.Common;
using HwSim.Quantizer.Pipeline;
using Spectre.Console;

namespace HwSim.Cli.Quantize;

/// <summary>The table <c>hwsim quantize</c> prints for people: one row per layer, then the network's figures.</summary>
internal static class QuantizeTable
{
    public static void Write(IAnsiConsole console, QuantizationResult r)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(r.Network)}: {Markup.Escape(r.Options.ToString())}");
        table.AddColumn("layer").AddColumn("plan").AddColumn("W").AddColumn("A");
        foreach (var h in new[] { "MACs", "w_alpha", "a_alpha", "W zero %", "A zero %", "W 1-bits", "A 1-bits", "SQNR dB" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var l in r.Layers)
        {
            var s = l.Layer.Statistics;
            table.AddRow(Markup.Escape(l.Layer.Name), Markup.Escape(l.Plan.ToString()), l.Layer.Precision.Weight.Name, l.Layer.Precision.Input.Name,
                Numbers.Grouped(l.Layer.Macs), G(s?.WeightAlpha), G(s?.InputAlpha), P(s?.WeightSparsity), P(s?.InputSparsity),
                F(s?.WeightNonZeroBits), F(s?.InputNonZeroBits), Db(l.SqnrDb));
        }
        console.Write(table);
        var agreement = r.Top1Agreement is { } a ? string.Create(CultureInfo.InvariantCulture, $", top-1 agreement with fp32 {100 * a:0.0} %") : "";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"network output SQNR {Db(r.OutputSqnrDb)} dB{agreement} over {r.Inputs} inputs; calibration: {r.Calibration}; {r.Elapsed.TotalSeconds:0.0} s"));
        if (r.SyntheticCalibration)
            console.WriteLine("warning: activation statistics (a_alpha, A zero %, A 1-bits, SQNR) come from synthetic inputs, not real data");
    }

    private static string G(double? v) => v is { } x ? x.ToString("0.####", CultureInfo.InvariantCulture) : "";

    private static string P(double? v) => v is { } x ? (100 * x).ToString("0.0", CultureInfo.InvariantCulture) : "";

    private static string F(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "";

    public static string Db(double? v) => v switch
    {
        null => "",
        double.PositiveInfinity => "inf",
        var x => x.Value.ToString("0.0", CultureInfo.InvariantCulture),
    };
}
