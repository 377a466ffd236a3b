using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HwSim.Analyses.Width;
using HwSim.Cli.Width;
using HwSim.Cli.Common;
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

    public static void AddTo(Command command)
    {
        command.Add(Widths);
        command.Add(Bits);
        command.Add(Baseline);
    }

    /// <summary>The section's setting from its options; bad values are <see cref="InputException"/>s naming them.</summary>
    public static WidthSetting Setting(ParseResult parse)
    {
        var widths = WidthCommand.ParseWidths(parse.GetValue(Widths) ?? "");
        var baselineFormat = WidthCommand.ParseBaseline(parse.GetValue(Baseline) ?? "int8");
        var bits = parse.GetValue(Bits);
        // The library checks the bits as "weight bits"; here one option sets both.
        LibraryFields.Named(() => PrecisionPolicy.FromBits(bits, bits, FirstLastFormat.Same), "--width-bits", "weight bits");
        return new WidthSetting(bits, baselineFormat, widths);
    }

    /// <summary>The files of the width section: width.json, width.csv and the width plot (PNG, SVG).</summary>
    public static IEnumerable<AtomicFile.Entry> Files(WidthStudy study, string folder) =>
    [
        AtomicFile.Entry.Text(Path.Combine(folder, "width.json"), w => w.WriteLine(OutputOptions.Serialize(WidthJson.From(study)))),
        AtomicFile.Entry.Text(Path.Combine(folder, "width.csv"), w => WidthCommand.WriteCsv(w, study)),
        .. Plots.Files(WidthPlot.Build(study), Path.Combine(folder, "width"), Plots.Width, WidthPlot.Height),
    ];

    public static void WriteTable(IAnsiConsole console, WidthStudy study) => WidthCommand.WriteTable(console, study);

    public static object Json(WidthStudy study) => WidthJson.From(study);
}
