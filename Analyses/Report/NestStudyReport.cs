using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using HwSim.Analyses.FirstLast;
using HwSim.Analyses.Nest;
using HwSim.Analyses.Width;
using HwSim.CostModel.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Precision;

namespace HwSim.Analyses.Report;

/// <summary>
/// <see cref="StudyReport"/>'s document for a nest design: the network's nest study in place of the array evaluation. Energy goes
/// by storage level (a nest design has no array components or units), area is NestArea's, and time-based figures (latency,
/// throughput, power) need the design's clock (<c>clock_mhz</c>); without one they read "none". TOPS/W does not (operations per joule).
/// </summary>
/// <param name="Main">The network at <paramref name="Policy"/>, run by the nest study.</param>
/// <param name="Workload">The network at <paramref name="Policy"/> (its MACs: a bit-serial design's study counts bit-steps instead).</param>
/// <param name="Area">The design's area sized for <paramref name="Workload"/>'s formats.</param>
/// <param name="Shares">One first/last row per kept format, each run by the same session.</param>
/// <param name="Width">The width study, or null when the report leaves it out.</param>
public sealed record NestStudyReport(NestStudyResult Main, Workload Workload, NestAreaReport Area, PrecisionPolicy Policy, ImmutableArray<FirstLastRow> Shares, WidthStudy? Width)
{
    /// <summary>
    /// Runs every study of the report on <paramref name="nest"/> (its searches shared by all). <paramref name="policy"/> must set the
    /// inner formats; the first/last table keeps them and compares each of <paramref name="keep"/>.
    /// </summary>
    /// <param name="progress">Receives one line per step, for people.</param>
    public static NestStudyReport Build(Workload network, PrecisionPolicy policy, IReadOnlyList<FirstLastFormat> keep, NestSession nest,
        WidthSetting? width, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(nest);
        progress?.Invoke($"report: {network.Name} on nest design {nest.Design.Name}");
        var workload = policy.Apply(network);
        var main = Section("the main study", () => nest.Run(workload));
        var area = nest.Area(workload);
        progress?.Invoke("report: first/last share");
        var shares = Section($"the first/last section (--keep {string.Join(",", keep)})",
            () => FirstLastAnalysis.Analyse([network], policy with { FirstLast = keep[0] }, keep, nest));
        WidthStudy? study = null;
        string? omitted = null;
        if (width is not null)
        {
            progress?.Invoke("report: width break-even");
            try
            {
                study = WidthAnalysis.Run(network, width, nest, progress ?? (_ => { }));
            }
            catch (Exception e) when (InputException.Within(e) is { } input)
            {
                // As an array report: a network of the section with a layer that cannot run leaves the section out, not the report.
                omitted = input.Rule;
                progress?.Invoke($"report: width break-even left out: {omitted}");
            }
        }
        return new NestStudyReport(main, workload, area, policy, shares, study) { WidthOmitted = omitted };
    }

    /// <summary>Why the width section is left out although it was asked for, or null.</summary>
    public string? WidthOmitted { get; init; }

    // A report runs one network several times (formats, widths); an input error says which of its sections broke the rule.
    private static T Section<T>(string section, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (InputException.Within(e) is { } input)
        {
            throw input.In(section);
        }
    }

    /// <summary>The design's clock, or null.</summary>
    public double? ClockMhz => Main.Design.ClockMhz;

    /// <summary>Seconds of one inference at the design's clock (the batch's cycles over the batch), or null without a clock.</summary>
    public double? LatencySeconds => ClockMhz is { } mhz ? Main.Cycles / (mhz * 1e6) / Main.Batch : null;

    /// <summary>MACs of the layers that ran (the workload's, as the array report counts them: 2 ops each), over the batch.</summary>
    public long Macs
    {
        get
        {
            var ran = Main.Layers.Where(l => l.Ran).Select(l => l.Layer).ToHashSet(StringComparer.Ordinal);
            return Workload.Layers.Where(l => ran.Contains(l.Name)).Sum(l => l.Macs);
        }
    }

    private const string NoClock = "none (the design gives no clock_mhz)";

    /// <summary>The summary table: label and value, for the terminal and report.md alike.</summary>
    public IEnumerable<(string Label, string Value)> SummaryRows()
    {
        var energyJ = Main.Energy.Value * 1e-12;
        // Three decimals, as hwsim energy prints a nest study: a nest design's workloads are often small (the array report's one decimal is for ResNet-sized runs).
        yield return ("energy per inference", $"{F(Main.EnergyPerInference.Microjoules, "0.000")} uJ");
        yield return ("cycles", Main.Cycles.ToString("N0", CultureInfo.InvariantCulture) + (Main.Batch == 1 ? "" : $" (batch of {Main.Batch})"));
        if (LatencySeconds is { } seconds)
        {
            var batchSeconds = seconds * Main.Batch;
            var tops = 2.0 * Macs / batchSeconds / 1e12;
            yield return ("latency", $"{F(seconds * 1e3, "0.000")} ms (at {F(ClockMhz!.Value, "0.###")} MHz)");
            yield return ("throughput", $"{F(Main.Batch / batchSeconds, "0.0")} inferences/s ({F(tops, "0.000")} TOPS, 2 ops per MAC)");
            yield return ("area", AreaText());
            yield return ("average power", $"{F(energyJ / batchSeconds * 1e3, "0.0")} mW");
            yield return ("efficiency", $"{F(tops / (energyJ / batchSeconds), "0.00")} TOPS/W");
        }
        else
        {
            yield return ("latency", NoClock);
            yield return ("throughput", NoClock);
            yield return ("area", AreaText());
            yield return ("average power", NoClock);
            // Operations per joule need no time: without leakage the efficiency is the same at any clock.
            yield return ("efficiency", $"{F(CostModel.Pricing.EnergyReport.TopsPerWattOf(Macs, Main.Energy), "0.00")} TOPS/W (2 ops per MAC; no clock needed)");
        }
        if (Main.Layers.Any(l => !l.Ran))
            yield return ("layers not run (not counted)", $"{Main.Layers.Count(l => !l.Ran)}");
    }

    private string AreaText() => $"{F(Area.TotalSquareMillimetres, "0.000")} mm^2 (storage levels and MACs, NestArea; no DRAM interface or control)";

    /// <summary>Where the energy goes: each storage level, then the MACs, in uJ per inference and as a share.</summary>
    public IEnumerable<(string Label, string Uj, string Share)> BreakdownRows()
    {
        var total = Main.Energy.Value;
        string Uj(double pj) => F(pj * 1e-6 / Main.Batch, "0.000");
        string Share(double pj) => total > 0 ? StudyReport.Percent(pj / total) : "-";
        var levels = Main.Design.Architecture.Levels;
        for (var i = 0; i < levels.Length; i++)
        {
            var pj = Main.LevelEnergy(i).Value;
            yield return ($"level {levels[i].Name}", Uj(pj), Share(pj));
        }
        // A bit-serial PE's compute is its bit-steps and its accumulations (CostModel/Nest/NestEnergy.cs), as hwsim nest labels it.
        var compute = Main.Design.BitSerialInputs ? "compute (bit-steps and accumulations)" : "MACs (compute)";
        yield return (compute, Uj(Main.MacEnergy.Value), Share(Main.MacEnergy.Value));
    }

    /// <summary>report.md: every section that applies to a nest design, a line for each that does not, and the files beside it.</summary>
    /// <param name="date">The day the report was produced, as its header says.</param>
    /// <param name="producer">What produced it, as its header says (the CLI: "`hwsim report`").</param>
    public string Markdown(DateTime date, string producer = "HwSim")
    {
        var options = Main.Options;
        var mapped = Main.Layers.All(l => !l.Ran || l.Searched)
            ? $"the nest mapper ({options.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples per layer problem, objective {options.Objective.ToString().ToLowerInvariant()})"
            : $"a nest mapping file, the nest mapper for the rest (objective {options.Objective.ToString().ToLowerInvariant()})";
        var md = StudyReport.Head($"{Main.Workload} on {Main.Design.Name}",
            string.Create(CultureInfo.InvariantCulture,
                $"Inner layers {Policy.InnerWeight} x {Policy.InnerInput}, first/last {Policy.FirstLast}; technology {options.Scaling.Target.Name}; nest design (storage levels and loop nests), layers mapped by {mapped}; produced by {producer} on {date:yyyy-MM-dd} (UTC)."),
            SummaryRows(), "level", BreakdownRows());
        md.AppendLine("Energy by array component and by unit is left out: a nest design has storage levels, not array components or units.");
        md.AppendLine();
        md.AppendLine("![energy per layer](energy-per-layer.png)");
        md.AppendLine();
        md.Append(StudyReport.SharesMarkdown(Shares,
            "Every layer runs on the whole design, so the kept layers' unit is the design: its area share is 100 % (when they ran)."));
        if (Width is not null)
        {
            md.Append(StudyReport.WidthMarkdown(Width));
            if (ClockMhz is null)
            {
                md.AppendLine("Without clock_mhz the latency ratio is the cycle ratio (the same design runs both networks).");
                md.AppendLine();
            }
        }
        else if (WidthOmitted is { } why)
            md.Append(StudyReport.WidthOmittedMarkdown(why));
        md.AppendLine("## Files");
        md.AppendLine();
        md.AppendLine("`energy.json` (the nest study, as `hwsim nest -f json`), `energy-per-layer.csv` (per layer and level), `first-last.json`, `first-last.csv`, `area.csv` (per level)"
            + (Width is null ? "" : ", `width.json`, `width.csv`") + "; each plot as PNG and SVG.");
        md.AppendLine("How every number is computed: the repository README, `Simulator/README.md` and `CostModel/Nest/NestArea.cs`; the source of every energy and area figure: `hwsim table`.");
        return md.ToString();
    }

    /// <summary>area.csv: each level's area (all its instances), the MACs and the total, in um^2 and mm^2.</summary>
    public static void WriteAreaCsv(TextWriter w, NestAreaReport area)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(area);
        w.WriteLine("component,instances,area_um2,area_mm2");
        foreach (var l in area.Levels)
            w.WriteLine($"{CsvText.Field(l.Level)},{l.Instances.ToString(CultureInfo.InvariantCulture)},{R(l.Area.Value)},{R(l.Area.SquareMillimetres)}");
        w.WriteLine($"MACs,{area.Macs.ToString(CultureInfo.InvariantCulture)},{R(area.MacArea.Value)},{R(area.MacArea.SquareMillimetres)}");
        w.WriteLine($"total,,{R(area.Total.Value)},{R(area.TotalSquareMillimetres)}");
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
