using System.Text.Json.Serialization;

using HwSim.Analyses.Width;

namespace HwSim.Cli.Width;

/// <summary>
/// The JSON shape of <c>hwsim width --format json</c> (snake_case keys, energies in pJ, areas in
/// um^2). <c>break_even</c> always has both keys: a width, or null for no crossing in
/// <c>search_range</c>; <c>break_even_ratio</c> is the cost ratio evaluated at that width.
/// </summary>
internal sealed record WidthJson(string Network, string Baseline, string Inner, string FirstLast, string Architecture, string Technology,
    WidthCostsJson BaselineCosts, IReadOnlyList<WidthPointJson> Widths, BreakEvenJson BreakEven, BreakEvenJson BreakEvenRatio, double[] SearchRange, int NetworksEvaluated)
{
    /// <summary>--mapping and --objective as given (set by the verb; a report's sections share its own).</summary>
    public Common.MappingSettingJson? MappingSetting { get; init; }

    public static WidthJson From(WidthStudy s) => new(
        s.Network, s.Baseline, s.Inner, s.FirstLast, s.Architecture, s.Technology,
        new WidthCostsJson(s.BaselineCosts.Macs, s.BaselineCosts.BitOps, s.BaselineCosts.Cycles, s.BaselineCosts.Energy.Value, s.BaselineCosts.Area.Value),
        [.. s.Points.Select(p => new WidthPointJson(p.K, p.Costs.Macs, p.Costs.BitOps, p.Costs.Cycles, p.Costs.Energy.Value, p.Costs.Area.Value,
            p.EnergyRatio, p.LatencyRatio, p.MacsRatio, p.BitOpsRatio))],
        new BreakEvenJson(s.Energy.Width, s.Latency.Width),
        new BreakEvenJson(s.Energy.Ratio, s.Latency.Ratio),
        [s.Energy.Low, s.Energy.High],
        s.Evaluations);
}

internal sealed record WidthCostsJson(long Macs, long BitOps, long Cycles, double EnergyPj, double AreaUm2);

internal sealed record WidthPointJson(double K, long Macs, long BitOps, long Cycles, double EnergyPj, double AreaUm2,
    double EnergyRatio, double LatencyRatio, double MacsRatio, double BitOpsRatio);

/// <summary>Per metric; null means "no crossing in the search range" and is written, not left out, so scripts can test for it.</summary>
internal sealed record BreakEvenJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Energy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Latency);
