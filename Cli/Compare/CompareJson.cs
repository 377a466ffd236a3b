using System.Text.Json.Serialization;

using HwSim.Analyses.Compare;

namespace HwSim.Cli.Compare;

/// <summary>
/// The JSON shape of <c>hwsim compare --format json</c> (snake_case keys). Figures are as
/// <c>hwsim energy</c> and <c>hwsim area</c> report them; a ratio is null where the first
/// configuration's figure is 0 or either figure is missing (latency and EDP of a nest design without a clock).
/// </summary>
internal sealed record CompareJson(string Workload, string? Precision, string Technology, int Batch, IReadOnlyList<ConfigurationJson> Configs)
{
    /// <summary>--mapping and --objective as given (set by the verb; a report's sections share its own).</summary>
    public Common.MappingSettingJson? MappingSetting { get; init; }

    public static CompareJson From(Comparison c, string? precision, string technology) => new(
        c.Workload, precision, technology, c.Batch,
        [.. c.Configurations.Select(f => new ConfigurationJson(
            f.Label, f.File, f.Cycles, f.LatencyMs, f.EnergyUj, f.TopsPerWatt, f.AreaMm2, f.EdpJs, f.NotRun.Length, f.Partial,
            new RatioJson(c.Ratio(f, ComparedMetric.Cycles), c.Ratio(f, ComparedMetric.Latency), c.Ratio(f, ComparedMetric.Energy),
                c.Ratio(f, ComparedMetric.TopsPerWatt), c.Ratio(f, ComparedMetric.Area), c.Ratio(f, ComparedMetric.Edp)),
            [.. f.NotRun.Select(n => new NotRunJson(n.Layer, n.Reason))], f.Warnings))]);
}

/// <param name="Partial">True when layers did not run: every figure then covers only the layers that ran.</param>
/// <param name="LatencyMs">Null (written, not dropped) for a nest design without a clock, as is <paramref name="EdpJs"/>.</param>
internal sealed record ConfigurationJson(string Architecture, string? File, long Cycles,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LatencyMs, double EnergyUj, double TopsPerW,
    double AreaMm2, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? EdpJs, int LayersNotRun, bool Partial, RatioJson RatioToFirst,
    IReadOnlyList<NotRunJson> NotRun, IReadOnlyList<string> Warnings);

// An undefined ratio is written as null, not dropped as the shared options drop nulls, so that
// every configuration has the same keys.
internal sealed record RatioJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Cycles,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Latency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Energy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? TopsPerW,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Area,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Edp);

internal sealed record NotRunJson(string Layer, string Reason);
