using System.Text.Json.Serialization;
using HwSim.Analyses.FirstLast;

namespace HwSim.Cli.FirstLast;

/// <summary>
/// The JSON shape of <c>hwsim first-last --format json</c> (snake_case keys; shares are fractions
/// 0..1; energies in pJ, areas in um^2). Cost fields are absent on a row whose layers did not run.
/// </summary>
internal sealed record FirstLastJson(string Workload, string Architecture, string Technology, InnerJson Inner, bool RealDownsample,
    string OpsDefinition, IReadOnlyList<FirstLastRowJson> Rows)
{
    /// <summary>--mapping and --objective as given (set by the verb; a report's sections share its own).</summary>
    public Common.MappingSettingJson? MappingSetting { get; init; }

    /// <summary>
    /// Whether the architecture is a nest design (its kept_units is the design, whose whole area is the kept area). Not written:
    /// the JSON of an array architecture stays as it was, and kept_units names the design.
    /// </summary>
    [JsonIgnore]
    public bool NestDesign { get; init; }
}

internal sealed record InnerJson(string Weight, string Input);

internal sealed record FirstLastRowJson(
    string Network, string Keep, IReadOnlyList<string> KeptLayers, IReadOnlyList<string> KeptUnits, string? NotRun,
    double MacsShare, double BitOpsShare, double OpsShare,
    double? CyclesShare, double? ComputeEnergyShare, double? EnergyShare, double? KeptUnitAreaShare,
    AmountsJson Kept, AmountsJson Totals)
{
    public static FirstLastRowJson From(FirstLastRow r) => new(
        r.Network, r.Keep, r.KeptLayers, r.KeptUnits, r.NotRun,
        r.MacsShare, r.BitOperationsShare, r.OpsShare, r.CyclesShare, r.ComputeEnergyShare, r.EnergyShare, r.KeptUnitAreaShare,
        AmountsJson.From(r.Kept, r.KeptCost), AmountsJson.From(r.Total, r.TotalCost));
}

/// <summary>Counts and costs of a set of layers; area_um2 is the kept units' area (kept) or the chip's (totals).</summary>
internal sealed record AmountsJson(long Macs, long BitOps, long Bops, long Flops, double Ops,
    long? Cycles, double? EnergyPj, double? ComputeEnergyPj, double? AreaUm2)
{
    public static AmountsJson From(OperationCounts o, CostAmounts? c) => new(
        o.Macs, o.BitOperations, o.Bops, o.Flops, o.Ops, c?.Cycles, c?.Energy.Value, c?.ComputeEnergy.Value, c?.Area.Value);
}
