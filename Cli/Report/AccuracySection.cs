using HwSim.Analyses.Tradeoff;
using System.Globalization;
using System.Text;
using HwSim.Cli.Tradeoff;
using Spectre.Console;

namespace HwSim.Cli.Report;

/// <summary>The report's accuracy section (<c>hwsim report --accuracy FILE</c>): a tradeoff results CSV summarised over seeds, beside its energy and latency.</summary>
public static class AccuracySection
{
    public sealed record Result(string File, IReadOnlyList<TradeoffSummary> Summaries, IReadOnlyList<WidthAnswer> Widths);

    public static Result Read(string path, double margin = 0.01)
    {
        var summaries = TradeoffStudy.Summarise(TradeoffCsv.Read(path));
        return new Result(path, summaries, TradeoffStudy.Widths(summaries, margin));
    }

    public static void WriteTable(IAnsiConsole console, Result r)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"accuracy beside the cost ({Markup.Escape(Path.GetFileName(r.File))})");
        foreach (var c in new[] { "method", "wbits", "abits", "first/last", "width", "seeds", "test accuracy", "range", "energy uJ", "latency ms", "first/last energy" })
            t.AddColumn(c);
        foreach (var s in r.Summaries)
            t.AddRow(Cells(s).Select(Markup.Escape).ToArray());
        console.Write(t);
        foreach (var w in r.Widths)
            console.WriteLine(TradeoffOutput.Sentence(w));
    }

    public static string Markdown(Result r)
    {
        var md = new StringBuilder();
        md.AppendLine("## Accuracy beside the cost");
        md.AppendLine();
        md.AppendLine($"From `{r.File}` (test accuracy: mean ± sample standard deviation over seeds; energy and latency per inference as priced by `hwsim tradeoff`).");
        md.AppendLine();
        md.AppendLine("| method | wbits | abits | first/last | width | seeds | test accuracy | range | energy uJ | latency ms | first/last energy |");
        md.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in r.Summaries)
            md.AppendLine("| " + string.Join(" | ", Cells(s)) + " |");
        md.AppendLine();
        foreach (var w in r.Widths)
            md.AppendLine("- " + TradeoffOutput.Sentence(w));
        md.AppendLine();
        return md.ToString();
    }

    private static string[] Cells(TradeoffSummary s) =>
    [
        s.Method, s.WeightBits.ToString(CultureInfo.InvariantCulture), s.InputBits.ToString(CultureInfo.InvariantCulture), s.FirstLast,
        s.Width.ToString("0.###", CultureInfo.InvariantCulture), s.Seeds.ToString(CultureInfo.InvariantCulture),
        string.Create(CultureInfo.InvariantCulture, $"{s.AccuracyMean * 100:0.00} ± {s.AccuracyStd * 100:0.00} %"),
        string.Create(CultureInfo.InvariantCulture, $"{s.AccuracyMin * 100:0.00} – {s.AccuracyMax * 100:0.00} %"),
        s.EnergyUj.ToString("0.###", CultureInfo.InvariantCulture), s.LatencyMs.ToString("0.#####", CultureInfo.InvariantCulture),
        Common.Numbers.Percent(s.FirstLastEnergyShare),
    ];
}
