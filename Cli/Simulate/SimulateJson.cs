using HwSim.Cli.Common;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Results;

namespace HwSim.Cli.Simulate;

/// <summary>The JSON shape of <c>hwsim simulate --format json</c> (snake_case keys).</summary>
internal sealed record SimulateJson(string Workload, string Architecture, double ClockMhz, string Engine, string? Precision,
    IReadOnlyList<LayerRunJson> Layers, TotalsRunJson Totals)
{
    /// <summary>Throughput, latency, bottleneck and FIFOs when the architecture is layer-pipelined (absent otherwise).</summary>
    public Common.PipelineJson? Pipeline { get; init; }

    /// <param name="views">Each layer's loop nest (null for a layer that did not run).</param>
    public static SimulateJson From(NetworkResult r, double clockMhz, string engine, string? precision, IReadOnlyList<MappingView?> views) => new(
        r.Workload, r.Architecture, clockMhz, engine, precision,
        [.. r.Layers.Select((l, i) => LayerRunJson.From(l, views[i]))],
        new TotalsRunJson(r.TotalCycles, r.ComputeCycles, r.StallCycles, r.Macs, r.Seconds(clockMhz) * 1e3,
            r.Layers.Length, r.NotRunLayers.Count(), CountJson.From(r.Counts)));
}

internal sealed record LayerRunJson(string Name, string? Unit, bool Ran, string? Reason, long Macs, long Cycles, long ComputeCycles,
    long StallCycles, long Folds, double Utilisation, double MappingEfficiency, MappingJson? Mapping, IReadOnlyList<CountJson> Counts)
{
    public static LayerRunJson From(LayerResult l, MappingView? view) => new(l.Layer, l.Unit, l.Ran, l.NotRunReason, l.Macs, l.TotalCycles, l.ComputeCycles,
        l.StallCycles, l.Folds, l.Utilisation, l.MappingEfficiency, view is null ? null : MappingJson.From(view), CountJson.From(l.Counts));
}

/// <summary>
/// A layer's mapping: "fixed", or a loop nest's order (outermost first), time chunk and block
/// factors (fold tiles per block, at most the layer's); with both, the tiles they imply in elements of M, K and N, and every loop of the nest
/// (<see cref="LoopJson"/>, the shape nest designs' mappings have too).
/// </summary>
internal sealed record MappingJson(string Kind, string? Order, long? TimeChunk, DimsJson? Blocks, DimsJson FoldTile, DimsJson BlockTile, DimsJson Gemm, int Groups,
    IReadOnlyList<LoopJson> Loops)
{
    public static MappingJson From(MappingView v) => v.Mapping is LoopNestMapping n
        ? new("loop_nest", string.Concat(n.Order), n.TimeChunk, Dims(v.Blocks), Dims(v.FoldTile), Dims(v.BlockTile), Dims(v.Extent), v.Groups, LoopJson.Of(v))
        : new("fixed", null, null, null, Dims(v.FoldTile), Dims(v.BlockTile), Dims(v.Extent), v.Groups, LoopJson.Of(v));

    private static DimsJson Dims(System.Collections.Immutable.ImmutableArray<long> d) => new(d[0], d[1], d[2]);
}

/// <summary>One value per GEMM dimension.</summary>
internal sealed record DimsJson(long M, long K, long N);

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
