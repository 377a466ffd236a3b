using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using HwSim.Analyses.FirstLast;
using HwSim.Analyses.Width;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;

namespace HwSim.Analyses.Report;

/// <summary>
/// The question HwSim exists for, answered in one document: energy per inference, latency,
/// throughput and area of a network at a precision, the share of its first/last layers at each
/// kept format, and optionally the width break-even of a widened low-bit network.
/// </summary>
/// <param name="Main">The network at <paramref name="Policy"/>, simulated and priced.</param>
/// <param name="Shares">One first/last row per kept format.</param>
/// <param name="Width">The width study, or null when the report leaves it out.</param>
public sealed record StudyReport(Evaluated Main, PrecisionPolicy Policy, ImmutableArray<FirstLastRow> Shares, WidthStudy? Width)
{
    /// <summary>
    /// Runs every study of the report. <paramref name="policy"/> must set the inner formats;
    /// the first/last table keeps its inner formats and compares each of <paramref name="keep"/>.
    /// </summary>
    /// <param name="progress">Receives one line per step, for people.</param>
    public static StudyReport Build(Workload network, PrecisionPolicy policy, IReadOnlyList<FirstLastFormat> keep, ArchitectureSpec arch, CostSetting cost,
        WidthSetting? width, Action<string>? progress = null)
    {
        progress?.Invoke($"report: simulating {network.Name} on {arch.Name}");
        var main = Evaluator.Evaluate(policy.Apply(network), arch, cost);
        progress?.Invoke("report: first/last share");
        var shares = FirstLastAnalysis.Analyse(network, policy with { FirstLast = keep[0] }, keep, arch, cost);
        WidthStudy? study = null;
        string? omitted = null;
        if (width is not null)
        {
            progress?.Invoke("report: width break-even");
            try
            {
                study = WidthAnalysis.Run(network, width, arch, cost, progress ?? (_ => { }));
            }
            catch (Exception e) when (InputException.Within(e) is { } input)
            {
                // A ratio needs every layer of both networks priced; a layer that cannot run leaves this section out, not the report.
                omitted = input.Rule;
                progress?.Invoke($"report: width break-even left out: {omitted}");
            }
        }
        return new StudyReport(main, policy, shares, study) { Mapping = cost.Mapping, WidthOmitted = omitted };
    }

    /// <summary>Why the width section is left out although it was asked for (a network it prices has a layer that cannot run), or null.</summary>
    public string? WidthOmitted { get; init; }

    /// <summary>report.md's width section when it was asked for but could not be computed.</summary>
    public static string WidthOmittedMarkdown(string why) =>
        $"## Width break-even (WRPN)\n\nLeft out: {why}\n\n";

    /// <summary>How the layers were mapped (the cost setting's policy), as the report's header says.</summary>
    public MappingPolicy Mapping { get; init; } = MappingPolicy.Default;

    /// <summary>The summary table: label and value, for the terminal and report.md alike.</summary>
    public IEnumerable<(string Label, string Value)> SummaryRows()
    {
        var r = Main.Energy;
        yield return ("energy per inference", $"{F(r.EnergyPerInferenceMicrojoules, "0.0")} uJ");
        yield return ("latency", $"{F(r.LatencySeconds * 1e3 / r.Batch, "0.000")} ms");
        yield return ("throughput", $"{F(r.InferencesPerSecond, "0.0")} inferences/s ({F(r.Tops, "0.000")} TOPS, 2 ops per MAC)");
        yield return ("area", $"{F(Main.Area.TotalSquareMillimetres, "0.000")} mm^2 (PEs and SRAM; no DRAM interface or control)");
        yield return ("average power", $"{F(r.AveragePowerWatts * 1e3, "0.0")} mW");
        yield return ("efficiency", $"{F(r.TopsPerWatt, "0.00")} TOPS/W");
        if (!r.AllRan)
            yield return ("layers not run (not counted)", $"{r.Layers.Count(l => !l.Ran)}");
    }

    /// <summary>Where the energy goes: each component with energy, then each unit, in uJ per inference and as a share.</summary>
    public IEnumerable<(string Label, string Uj, string Share)> BreakdownRows()
    {
        var r = Main.Energy;
        var total = r.Total.Value;
        string Uj(double pj) => F(pj * 1e-6 / r.Batch, "0.0");
        foreach (var c in Enum.GetValues<EnergyComponent>())
            if (r[c].Value > 0)
                yield return (c.Label(), Uj(r[c].Value), Percent(r[c].Value / total));
        foreach (var (unit, e) in r.ByUnit)
            yield return ($"unit {unit}", Uj(e.Value), Percent(e.Value / total));
    }

    /// <summary>report.md: every section with its table and plot, and the files beside it.</summary>
    /// <param name="date">The day the report was produced, as its header says.</param>
    /// <param name="producer">What produced it, as its header says (the CLI: "`hwsim report`").</param>
    public string Markdown(DateTime date, string producer = "HwSim")
    {
        var e = Main;
        var r = e.Energy;
        var md = Head($"{e.Workload.Name} on {e.Architecture.Name}",
            string.Create(CultureInfo.InvariantCulture, $"Inner layers {Policy.InnerWeight} x {Policy.InnerInput}, first/last {Policy.FirstLast}; technology {r.Technology}; layers mapped by {Mapping}; produced by {producer} on {date:yyyy-MM-dd} (UTC)."),
            SummaryRows(), "component", BreakdownRows());
        md.AppendLine("![energy per layer](energy-per-layer.png)");
        md.AppendLine();
        md.Append(SharesMarkdown(Shares, ""));
        if (Width is not null)
            md.Append(WidthMarkdown(Width));
        else if (WidthOmitted is { } why)
            md.Append(WidthOmittedMarkdown(why));
        md.AppendLine("## Files");
        md.AppendLine();
        md.AppendLine("`energy.json`, `energy-per-layer.csv`, `first-last.json`, `first-last.csv`, `area.csv`" + (Width is null ? "" : ", `width.json`, `width.csv`") + "; each plot as PNG and SVG.");
        md.AppendLine("How every number is computed: the repository README and `Simulator/README.md`; the source of every energy and area figure: `hwsim table`.");
        return md.ToString();
    }

    /// <summary>report.md's head, an array's or a nest design's: title, the line saying what ran, the summary and the energy breakdown by <paramref name="part"/>.</summary>
    internal static StringBuilder Head(string title, string ran, IEnumerable<(string Label, string Value)> summary, string part,
        IEnumerable<(string Label, string Uj, string Share)> breakdown)
    {
        var md = new StringBuilder();
        md.AppendLine($"# HwSim report: {title}");
        md.AppendLine();
        md.AppendLine(ran);
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---:|");
        foreach (var (label, value) in summary)
            md.AppendLine($"| {label} | {value} |");
        md.AppendLine();
        md.AppendLine("## Where the energy goes");
        md.AppendLine();
        md.AppendLine($"| {part} | uJ per inference | share |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (label, uj, share) in breakdown)
            md.AppendLine($"| {label} | {uj} | {share} |");
        md.AppendLine();
        return md;
    }

    /// <summary>The first/last section of report.md (array and nest reports alike); <paramref name="note"/>, when not empty, is a line after the table's lead.</summary>
    internal static string SharesMarkdown(ImmutableArray<FirstLastRow> shares, string note)
    {
        var md = new StringBuilder();
        md.AppendLine("## What the first and last layers cost");
        md.AppendLine();
        md.AppendLine("Share of the first and last layers in the whole network, for each format they are kept at (inner layers unchanged).");
        md.AppendLine();
        if (note.Length > 0)
        {
            md.AppendLine(note);
            md.AppendLine();
        }
        md.AppendLine("| keep | MACs | bit-ops | cycles | compute energy | energy | area of their unit |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in shares)
            md.AppendLine($"| {s.Keep} | {P(s.MacsShare)} | {P(s.BitOperationsShare)} | {P(s.CyclesShare)} | {P(s.ComputeEnergyShare)} | {P(s.EnergyShare)} | {P(s.KeptUnitAreaShare)} |");
        md.AppendLine();
        md.AppendLine("![first/last share](first-last.png)");
        md.AppendLine();
        return md.ToString();
    }

    internal static string WidthMarkdown(WidthStudy s)
    {
        var md = new StringBuilder();
        md.AppendLine($"## Width break-even (WRPN): {s.Inner} widened k times vs the {s.Baseline} baseline");
        md.AppendLine();
        md.AppendLine("| k | MACs x | energy x | latency x |");
        md.AppendLine("|---:|---:|---:|---:|");
        foreach (var p in s.Points)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {p.K:0.##} | {p.MacsRatio:0.###} | {p.EnergyRatio:0.###} | {p.LatencyRatio:0.###} |"));
        md.AppendLine();
        md.AppendLine(WidthAnalysis.BreakEvenText("energy", s.Energy, s, p => p.EnergyRatio));
        md.AppendLine();
        md.AppendLine(WidthAnalysis.BreakEvenText("latency", s.Latency, s, p => p.LatencyRatio));
        md.AppendLine();
        md.AppendLine("![width curves](width.png)");
        md.AppendLine();
        return md.ToString();
    }

    /// <summary>area.csv: each component's area and the total, in um^2 and mm^2.</summary>
    public static void WriteAreaCsv(TextWriter w, AreaReport area)
    {
        w.WriteLine("component,area_um2,area_mm2");
        foreach (var item in area.Breakdown)
            w.WriteLine($"{item.Name},{item.Area.Value.ToString("R", CultureInfo.InvariantCulture)},{item.SquareMillimetres.ToString("R", CultureInfo.InvariantCulture)}");
        w.WriteLine($"total,{area.Total.Value.ToString("R", CultureInfo.InvariantCulture)},{area.TotalSquareMillimetres.ToString("R", CultureInfo.InvariantCulture)}");
    }

    /// <summary>A fraction as "12.34 %", as every HwSim table writes shares.</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    private static string P(double? fraction) => fraction is { } f ? Percent(f) : "not run";

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
