using HwSim.CostModel.Pricing;

namespace HwSim.Cli.Energy;

/// <summary>The JSON shape of <c>hwsim energy --format json</c> (snake_case keys, energies in pJ).</summary>
internal sealed record EnergyJson(string Workload, string Architecture, string Technology, double ClockMhz, string? Precision,
    IReadOnlyList<LayerEnergyJson> Layers, EnergyTotalsJson Totals, IReadOnlyList<string> Warnings)
{
    /// <summary>Throughput, latency, bottleneck, FIFOs and steady-state power when the architecture is layer-pipelined (absent otherwise).</summary>
    public Common.PipelineJson? Pipeline { get; init; }

    /// <param name="views">Each layer's loop nest, in the report's layer order (null for a layer that did not run), or null to leave mappings out.</param>
    public static EnergyJson From(EnergyReport r, string? precision, IReadOnlyList<Simulator.Mapper.MappingView?>? views = null) => new(
        r.Workload, r.Architecture, r.Technology, r.ClockMhz, precision,
        [.. r.Layers.Select((l, i) => new LayerEnergyJson(l.Layer, l.Unit, l.Ran, l.NotRunReason, l.Macs, l.Cycles, l.Total.Value, BreakdownJson.Of(c => l[c].Value))
            { Mapping = views?[i] is { } v ? Simulate.MappingJson.From(v) : null })],
        new EnergyTotalsJson(r.Total.Value, r.EnergyPerInferenceMicrojoules, BreakdownJson.Of(c => r[c].Value),
            [.. r.ByUnit.Select(u => new UnitEnergyJson(u.Unit, u.Energy.Value))],
            r.Macs, r.Cycles, r.LatencySeconds * 1e3, r.InferencesPerSecond, r.AveragePowerWatts, r.Tops, r.TopsPerWatt, r.EnergyDelayProduct,
            r.Layers.Count(l => !l.Ran)),
        r.Warnings);
}

internal sealed record LayerEnergyJson(string Name, string? Unit, bool Ran, string? Reason, long Macs, long Cycles, double EnergyPj, BreakdownJson Breakdown)
{
    /// <summary>The layer's mapping, as <c>hwsim simulate</c> gives it (energy's own JSON; absent from a report's energy.json).</summary>
    public Simulate.MappingJson? Mapping { get; init; }
}

internal sealed record UnitEnergyJson(string Unit, double EnergyPj);

internal sealed record EnergyTotalsJson(double EnergyPj, double EnergyPerInferenceUj, BreakdownJson Breakdown, IReadOnlyList<UnitEnergyJson> ByUnit,
    long Macs, long Cycles, double LatencyMs, double InferencesPerSecond, double AveragePowerW, double Tops, double TopsPerW, double EdpJs, int LayersNotRun);

/// <summary>Energy by component; sram_pj is the sum of the three buffers.</summary>
internal sealed record BreakdownJson(double ComputePj, double RegisterPj, double SramPj, double SramIfmapPj, double SramWeightPj, double SramOfmapPj, double DramPj, double LeakagePj)
{
    public static BreakdownJson Of(Func<EnergyComponent, double> e) => new(
        e(EnergyComponent.Compute), e(EnergyComponent.Register),
        e(EnergyComponent.SramIfmap) + e(EnergyComponent.SramWeight) + e(EnergyComponent.SramOfmap),
        e(EnergyComponent.SramIfmap), e(EnergyComponent.SramWeight), e(EnergyComponent.SramOfmap),
        e(EnergyComponent.Dram), e(EnergyComponent.Leakage));
}
