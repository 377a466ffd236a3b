using System.Collections.Immutable;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Nest;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;

namespace HwSim.Analyses.Compare;

/// <summary>The figures <c>hwsim compare</c> sets side by side, in the order it shows them.</summary>
public enum ComparedMetric
{
/// <summary>Cycles of one batch.</summary>
    Cycles,
/// <summary>Latency of one batch at the clock.</summary>
    Latency,
/// <summary>Energy per inference.</summary>
    Energy,
/// <summary>Efficiency (higher is better).</summary>
    TopsPerWatt,
/// <summary>Area of the units and SRAM.</summary>
    Area,
/// <summary>Energy-delay product of one batch.</summary>
    Edp,
}

/// <summary>Names, units and direction of each <see cref="ComparedMetric"/>, shared by the table, CSV, JSON and plot.</summary>
public static class ComparedMetrics
{
    /// <summary>Every metric, in display order.</summary>
    public static ImmutableArray<ComparedMetric> All { get; } = [.. Enum.GetValues<ComparedMetric>()];

    /// <summary>Row label with its unit, for the table.</summary>
    public static string Header(this ComparedMetric m) => m switch
    {
        ComparedMetric.Cycles => "cycles",
        ComparedMetric.Latency => "latency ms",
        ComparedMetric.Energy => "energy per inference uJ",
        ComparedMetric.TopsPerWatt => "efficiency TOPS/W",
        ComparedMetric.Area => "area mm^2",
        _ => "EDP J*s",
    };

    /// <summary>Short name, for plot axis labels.</summary>
    public static string Short(this ComparedMetric m) => m switch
    {
        ComparedMetric.Cycles => "cycles",
        ComparedMetric.Latency => "latency",
        ComparedMetric.Energy => "energy",
        ComparedMetric.TopsPerWatt => "TOPS/W",
        ComparedMetric.Area => "area",
        _ => "EDP",
    };

    /// <summary>The key of the metric's ratio in JSON (ratio_to_first) and CSV (ratio_KEY).</summary>
    public static string Key(this ComparedMetric m) => m switch
    {
        ComparedMetric.Cycles => "cycles",
        ComparedMetric.Latency => "latency",
        ComparedMetric.Energy => "energy",
        ComparedMetric.TopsPerWatt => "tops_per_w",
        ComparedMetric.Area => "area",
        _ => "edp",
    };

    /// <summary>Only efficiency is better when larger; a reader of a ratio needs to know which way is good.</summary>
    public static bool HigherIsBetter(this ComparedMetric m) => m == ComparedMetric.TopsPerWatt;
}

/// <summary>A layer the architecture could not run, and why (from the simulator).</summary>
public sealed record NotRunLayer(string Layer, string Reason);

/// <summary>
/// One architecture's figures for the workload. When layers did not run, every figure covers only
/// the layers that did (the simulator cannot cost what has no unit), so the totals are partial:
/// a partial configuration looks cheaper and faster than it would be with the missing layers.
/// </summary>
/// <param name="Label">Name shown for the configuration: the architecture's name, made unique.</param>
/// <param name="File">The YAML file the architecture came from; null for a preset or a built-in nest design.</param>
/// <param name="Cycles">Cycles of the whole workload (one batch), layers run one after another.</param>
/// <param name="LatencyMs">The cycles at the architecture's clock, milliseconds; null for a nest design without a clock.</param>
/// <param name="EnergyUj">Energy per inference, microjoules.</param>
/// <param name="TopsPerWatt">Tera-operations per joule, 2 operations per MAC.</param>
/// <param name="AreaMm2">Compute units and SRAM buffers (a nest design: its levels and MACs), square millimetres.</param>
/// <param name="EdpJs">Energy-delay product of one batch, joule-seconds; null without a clock.</param>
/// <param name="LayerCount">Layers in the workload, run or not.</param>
public sealed record ConfigurationFigures(string Label, string? File, long Cycles, double? LatencyMs, double EnergyUj, double TopsPerWatt,
    double AreaMm2, double? EdpJs, int LayerCount, ImmutableArray<NotRunLayer> NotRun)
{
    /// <summary>True when some layers did not run, so every figure leaves them out.</summary>
    public bool Partial => NotRun.Length > 0;

    /// <summary>The pricing's warnings (<see cref="CostModel.Pricing.EnergyReport.Warnings"/>: SRAM accesses outside the CACTI table).</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];

    /// <summary>False for a nest design without a clock: its latency and EDP are not given.</summary>
    public bool HasClock => LatencyMs is not null;

    /// <summary>The figure for metric <paramref name="m"/>; null where there is none (latency and EDP without a clock).</summary>
    public double? this[ComparedMetric m] => m switch
    {
        ComparedMetric.Cycles => Cycles,
        ComparedMetric.Latency => LatencyMs,
        ComparedMetric.Energy => EnergyUj,
        ComparedMetric.TopsPerWatt => TopsPerWatt,
        ComparedMetric.Area => AreaMm2,
        _ => EdpJs,
    };

    /// <summary>The figures of an evaluated workload, as <c>hwsim energy</c> and <c>hwsim area</c> report them.</summary>
    public static ConfigurationFigures From(string label, string? file, Evaluated e)
    {
        var r = e.Energy;
        return new ConfigurationFigures(label, file, r.Cycles, r.LatencySeconds * 1e3, r.EnergyPerInferenceMicrojoules, r.TopsPerWatt,
            e.Area.TotalSquareMillimetres, r.EnergyDelayProduct, r.Layers.Length,
            [.. r.Layers.Where(l => !l.Ran).Select(l => new NotRunLayer(l.Layer, l.NotRunReason!))])
        {
            Warnings = r.Warnings,
        };
    }

    /// <summary>
    /// The figures of a nest study (what <c>hwsim energy</c> prints for the design: its cycles and energy over the layers that ran)
    /// and the design's area. Energy per inference is the total over the batch; latency and EDP need the design's clock.
    /// </summary>
    public static ConfigurationFigures From(string label, string? file, NestStudyResult study, NestAreaReport area)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(area);
        var pj = study.Energy.Value;
        var topsPerWatt = CostModel.Pricing.EnergyReport.TopsPerWattOf(study.Macs, study.Energy);
        double? seconds = study.Design.ClockMhz is { } mhz ? study.Cycles / (mhz * 1e6) : null;
        var warnings = study.Layers.Where(l => l.Energy is not null).SelectMany(l => l.Energy!.Warnings).Concat(area.Warnings).Distinct();
        return new ConfigurationFigures(label, file, study.Cycles, seconds * 1e3, study.EnergyPerInference.Microjoules, topsPerWatt, area.TotalSquareMillimetres,
            pj * 1e-12 * seconds, study.Layers.Length, [.. study.Layers.Where(l => !l.Ran).Select(l => new NotRunLayer(l.Layer, l.NotRunReason!))])
        {
            Warnings = [.. warnings],
        };
    }
}

/// <summary>
/// An architecture to compare: what the user typed, and what it resolved to, either an array architecture (<see cref="Spec"/>,
/// simulated and priced by the Evaluator) or a nest design (<see cref="Nest"/>, run by the nest study).
/// </summary>
public sealed record ComparedArchitecture
{
    /// <param name="argument">The --arch value: a preset name or a YAML path.</param>
    /// <param name="file">The YAML path when the architecture came from a file; null for a preset.</param>
    public ComparedArchitecture(string argument, string? file, ArchitectureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        (Argument, File, Spec) = (argument, file, spec);
    }

    /// <param name="argument">The --arch value: a built-in nest design's name or a YAML path.</param>
    /// <param name="file">The YAML path when the design came from a file; null for a built-in one.</param>
    public ComparedArchitecture(string argument, string? file, NestDesign nest)
    {
        ArgumentNullException.ThrowIfNull(nest);
        (Argument, File, Nest) = (argument, file, nest);
    }

    /// <summary>The --arch value as given.</summary>
    public string Argument { get; }

    /// <summary>The YAML path it came from; null for a preset or a built-in nest design.</summary>
    public string? File { get; }

    /// <summary>The array architecture, or null for a nest design.</summary>
    public ArchitectureSpec? Spec { get; }

    /// <summary>The nest design, or null for an array architecture.</summary>
    public NestDesign? Nest { get; }

    /// <summary>The architecture's or design's own name.</summary>
    public string Name => Spec?.Name ?? Nest!.Name;
}

/// <summary>
/// One workload on several architectures with the same cost setting, and each figure's ratio to
/// the first architecture (the baseline).
/// </summary>
/// <param name="Batch">Inferences per run of the workload; cycles, latency and EDP are per batch.</param>
public sealed record Comparison(string Workload, int Batch, ImmutableArray<ConfigurationFigures> Configurations)
{
    /// <summary>A comparison needs at least this many architectures.</summary>
    public const int MinimumArchitectures = 2;

    /// <summary>The first architecture, which every ratio divides by.</summary>
    public ConfigurationFigures Baseline => Configurations[0];

    /// <summary>True when some configuration has layers that did not run.</summary>
    public bool AnyPartial => Configurations.Any(c => c.Partial);

    /// <summary>
    /// The configuration's figure over the baseline's; exactly 1 for the baseline itself (x/x is
    /// exact in IEEE arithmetic). Null when the baseline's figure is 0 (e.g. none of its layers
    /// ran): a ratio to nothing has no meaning, and printing infinity would suggest one.
    /// Null too where either figure is missing (latency and EDP of a nest design without a clock).
    /// </summary>
    public double? Ratio(ConfigurationFigures c, ComparedMetric m) =>
        (c[m], Baseline[m]) is (double value, double baseline) && baseline != 0 ? value / baseline : null;

    /// <summary>
    /// Simulates and prices <paramref name="workload"/> on each architecture in order: an array architecture with
    /// <paramref name="cost"/>'s mapping policy, a nest design with the nest mapper (NestStudy: <paramref name="nestObjective"/>,
    /// the study's default samples unless <paramref name="nestSamples"/> says otherwise) at <paramref name="cost"/>'s tables, node and
    /// DRAM type. A mapping file in <paramref name="cost"/> maps array architectures only.
    /// </summary>
    public static Comparison Of(Workload workload, IReadOnlyList<ComparedArchitecture> architectures, CostSetting cost,
        MappingObjective nestObjective = MappingObjective.Energy, int? nestSamples = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(cost);
        if (architectures.Count < MinimumArchitectures)
            throw new InputException($"give at least {MinimumArchitectures} architectures to compare (got {architectures.Count})", "architectures");
        var labels = Labels(architectures);
        var figures = architectures.Select((a, i) => a.Spec is { } spec
            ? ConfigurationFigures.From(labels[i], a.File, Evaluator.Evaluate(workload, spec, cost))
            : Nest(labels[i], a.File, workload, a.Nest!, cost, nestObjective, nestSamples));
        return new Comparison(workload.Name, workload.Batch, [.. figures]);
    }

    private static ConfigurationFigures Nest(string label, string? file, Workload workload, NestDesign design, CostSetting cost, MappingObjective objective, int? samples)
    {
        // --dram replaces the design's DRAM type, as it does for hwsim energy on a nest design (Cli/Nest/NestRoute.cs).
        if (cost.Dram is { } kind)
            design = design.WithDram(kind);
        var options = new NestStudyOptions(cost.Scaling, objective) { Table = cost.Energy };
        if (samples is { } n)
            options = options with { Samples = n };
        var session = new NestSession(design, null, options, cost.Area);
        return ConfigurationFigures.From(label, file, session.Run(workload), session.Area(workload));
    }

    /// <summary>
    /// Architecture names, made unique so rows, legend entries and JSON records can be told apart:
    /// a YAML file may reuse a preset's name, and the same architecture may be given twice.
    /// </summary>
    private static string[] Labels(IReadOnlyList<ComparedArchitecture> architectures)
    {
        var names = architectures.Select(a => a.Name).ToArray();
        var labels = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var clash = names.Count(n => n.Equals(names[i], StringComparison.OrdinalIgnoreCase)) > 1;
            labels[i] = clash && architectures[i].File is { } file ? $"{names[i]} ({Path.GetFileName(file)})" : names[i];
        }
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels.Take(i).Any(l => l.Equals(labels[i], StringComparison.OrdinalIgnoreCase)))
                labels[i] = $"{labels[i]} #{i + 1}";
        }
        return labels;
    }
}
