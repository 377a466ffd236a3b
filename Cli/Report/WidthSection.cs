using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Cli.Width;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Precision;
using Spectre.Console;

namespace HwSim.Cli.Report;

/// <summary>The report's width section: the WRPN break-even of the network at 1 bit, via the width verb's analysis.</summary>
internal static class WidthSection
{
    private static readonly Option<string> Widths = new("--widths")
    {
        Description = "Width multipliers of the width section.",
        DefaultValueFactory = _ => "1,1.5,2,3,4",
        HelpName = "LIST",
    };

    private static readonly Option<int> Bits = new("--width-bits")
    {
        Description = "Weight and activation bits of the widened network in the width section (1 = binary, WRPN's case).",
        DefaultValueFactory = _ => 1,
        HelpName = "BITS",
    };

    private static readonly Option<string> Baseline = new("--baseline")
    {
        Description = "Baseline of the width section: fp32 or int8 on every layer.",
        DefaultValueFactory = _ => "int8",
        HelpName = "fp32|int8",
    };

    public sealed record Result(WidthStudy Study);

    public static void AddTo(Command command)
    {
        command.Add(Widths);
        command.Add(Bits);
        command.Add(Baseline);
    }

    public static Result Run(ParseResult parse, Workload network, ArchitectureSpec arch, CostSetting cost, CliContext context)
    {
        var widths = WidthCommand.ParseWidths(parse.GetValue(Widths) ?? "");
        var baselineFormat = WidthCommand.ParseBaseline(parse.GetValue(Baseline) ?? "int8");
        var bits = parse.GetValue(Bits);
        var policy = PrecisionPolicy.FromBits(bits, bits, FirstLastFormat.Keep(Workloads.Formats.NumberFormat.Fp32));
        var lowBit = policy.Apply(network);
        var baseline = new PrecisionPolicy(baselineFormat, baselineFormat, FirstLastFormat.Same).Apply(network);
        var study = WidthAnalysis.Run(lowBit, baseline, baselineFormat.Name, $"{policy.InnerWeight!.Name} x {policy.InnerInput!.Name}",
            policy.FirstLast.ToString(), arch, cost, widths, context.Progress);
        return new Result(study);
    }

    /// <summary>The files of the width section: width.json, width.csv and the width plot (PNG, SVG).</summary>
    public static IEnumerable<AtomicFile.Entry> Files(Result r, string folder) =>
    [
        AtomicFile.Entry.Text(Path.Combine(folder, "width.json"), w => w.WriteLine(JsonSerializer.Serialize(WidthJson.From(r.Study), OutputOptions.Json))),
        AtomicFile.Entry.Text(Path.Combine(folder, "width.csv"), w => WidthCommand.WriteCsv(w, r.Study)),
        .. Plots.Files(WidthPlot.Build(r.Study), Path.Combine(folder, "width"), Plots.Width, WidthPlot.Height),
    ];

    public static void WriteTable(IAnsiConsole console, Result r) => WidthCommand.WriteTable(console, r.Study);

    public static object Json(Result r) => WidthJson.From(r.Study);

    public static string Markdown(Result r)
    {
        var s = r.Study;
        var md = new StringBuilder();
        md.AppendLine($"## Width break-even (WRPN): {s.Inner} widened k times vs the {s.Baseline} baseline");
        md.AppendLine();
        md.AppendLine("| k | MACs x | energy x | latency x |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var p in s.Points)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {p.K:0.##} | {p.MacsRatio:0.###} | {p.EnergyRatio:0.###} | {p.LatencyRatio:0.###} |"));
        md.AppendLine();
        md.AppendLine(WidthCommand.BreakEvenText("energy", s.Energy, s, p => p.EnergyRatio));
        md.AppendLine();
        md.AppendLine(WidthCommand.BreakEvenText("latency", s.Latency, s, p => p.LatencyRatio));
        md.AppendLine();
        md.AppendLine("![width curves](width.png)");
        md.AppendLine();
        return md.ToString();
    }
}
