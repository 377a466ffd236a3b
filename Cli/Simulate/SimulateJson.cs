using HwSim.Simulator.Counting;
using HwSim.Simulator.Results;

namespace HwSim.Cli.Simulate;

/// <summary>The JSON shape of <c>hwsim simulate --format json</c> (snake_case keys).</summary>
internal sealed record SimulateJson(string Workload, string Architecture, double ClockMhz, string Engine, string? Precision,
    IReadOnlyList<LayerRunJson> Layers, TotalsRunJson Totals)
{
    /// <summary>Throughput, latency, bottleneck and FIFOs when the architecture is layer-pipelined (absent otherwise).</summary>
    public Common.PipelineJson? Pipeline { get; init; }

    public static SimulateJson From(NetworkResult r, double clockMhz, string engine, string? precision) => new(
        r.Workload, r.Architecture, clockMhz, engine, precision,
        [.. r.Layers.Select(LayerRunJson.From)],
        new TotalsRunJson(r.TotalCycles, r.ComputeCycles, r.StallCycles, r.Macs, r.Seconds(clockMhz) * 1e3,
            r.Layers.Length, r.NotRunLayers.Count(), CountJson.From(r.Counts)));
}

internal sealed record LayerRunJson(string Name, string? Unit, bool Ran, string? Reason, long Macs, long Cycles, long ComputeCycles,
    long StallCycles, long Folds, double Utilisation, double MappingEfficiency, IReadOnlyList<CountJson> Counts)
{
    public static LayerRunJson From(LayerResult l) => new(l.Layer, l.Unit, l.Ran, l.NotRunReason, l.Macs, l.TotalCycles, l.ComputeCycles,
        l.StallCycles, l.Folds, l.Utilisation, l.MappingEfficiency, CountJson.From(l.Counts));
}

internal sealed record TotalsRunJson(long Cycles, long ComputeCycles, long StallCycles, long Macs, double LatencyMs, int Layers,
    int LayersNotRun, IReadOnlyList<CountJson> Counts);

/// <summary>One activity count: the action, its widths, arithmetic and buffer where they apply.</summary>
internal sealed record CountJson(string Action, int? BitsA, int? BitsB, string? Arithmetic, string? Buffer, long Count)
{
    public static IReadOnlyList<CountJson> From(ActivityCounts counts) =>
    [
        .. counts.Counts.Select(kv => new CountJson(
            Snake(kv.Key.Action.ToString()),
            kv.Key.BitsA == 0 ? null : kv.Key.BitsA,
            kv.Key.BitsB == 0 ? null : kv.Key.BitsB,
            kv.Key.Arithmetic == Simulator.Counting.Arithmetic.None ? null : kv.Key.Arithmetic.ToString().ToLowerInvariant(),
            kv.Key.Buffer?.ToString().ToLowerInvariant(),
            kv.Value)),
    ];

    internal static string Snake(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
