using System.Collections.Immutable;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Mapper;

/// <summary>What the mapper minimises per layer.</summary>
public enum MappingObjective
{
    /// <summary>Energy under the caller's prices (the default).</summary>
    Energy,

    /// <summary>Cycles, stalls included.</summary>
    Latency,

    /// <summary>Energy x cycles.</summary>
    Edp,
}

/// <summary>
/// Picojoules of one occurrence of an action. Energy is linear in the counts (the cost model
/// prices every count by itself), so a price per action is all the mapper needs from the layer
/// above; the simulator itself stays price-free.
/// </summary>
public delegate double ActionPrice(ActionKey key);

/// <summary>
/// What a mapping file (or a caller) asks of one layer: either the fixed schedule, or any subset
/// of a loop nest's choices, the mapper searching the rest.
/// </summary>
public sealed record MappingConstraint
{
    /// <summary>The layer runs with <see cref="FixedMapping"/>.</summary>
    public bool Fixed { get; init; }

    /// <summary>The loop order, outermost first (M, K and N once each).</summary>
    public ImmutableArray<GemmDim>? Order { get; init; }

    /// <summary>Fold tile length along the unit's time dimension.</summary>
    public long? TimeChunk { get; init; }

    /// <summary>Fold tiles per block along M.</summary>
    public long? BlockM { get; init; }

    /// <summary>Fold tiles per block along K.</summary>
    public long? BlockK { get; init; }

    /// <summary>Fold tiles per block along N.</summary>
    public long? BlockN { get; init; }

    /// <summary>No constraint at all.</summary>
    public static MappingConstraint None { get; } = new();

    /// <summary>Whether <paramref name="m"/> satisfies every constraint given.</summary>
    public bool Admits(LoopNestMapping m) =>
        !Fixed && (Order is not { } o || o.SequenceEqual(m.Order)) && (TimeChunk is not { } t || t == m.TimeChunk)
        && (BlockM is not { } bm || bm == m.BlockM) && (BlockK is not { } bk || bk == m.BlockK) && (BlockN is not { } bn || bn == m.BlockN);

    /// <summary>The value of the block constraint along <paramref name="dim"/>.</summary>
    public long? Block(GemmDim dim) => dim switch
    {
        GemmDim.M => BlockM,
        GemmDim.K => BlockK,
        _ => BlockN,
    };

    /// <inheritdoc/>
    public bool Equals(MappingConstraint? other) =>
        other is not null && Fixed == other.Fixed && TimeChunk == other.TimeChunk && BlockM == other.BlockM && BlockK == other.BlockK && BlockN == other.BlockN
        && (Order is { } a ? other.Order is { } b && a.SequenceEqual(b) : other.Order is null);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Fixed, TimeChunk, BlockM, BlockK, BlockN, Order is { } o ? string.Concat(o) : "");

    /// <inheritdoc/>
    public override string ToString() => Fixed ? "fixed"
        : string.Join(", ", new[]
        {
            Order is { } o ? $"order {string.Concat(o)}" : null,
            TimeChunk is { } t ? $"time chunk {t}" : null,
            BlockM is { } m ? $"block M {m}" : null,
            BlockK is { } k ? $"block K {k}" : null,
            BlockN is { } n ? $"block N {n}" : null,
        }.OfType<string>()) is { Length: > 0 } s ? s : "none";
}

/// <summary>
/// How layers get their mappings: the fixed schedule for every layer, or a search per layer
/// under an objective, optionally constrained per layer (a mapping file).
/// </summary>
public sealed record MappingPolicy
{
    private MappingPolicy(bool search, MappingObjective objective, Func<string, MappingConstraint?>? constraints, string? source, string? contents)
    {
        Search = search;
        Objective = objective;
        _constraints = constraints;
        Source = source;
        _contents = contents;
    }

    private readonly string? _contents;

    private readonly Func<string, MappingConstraint?>? _constraints;

    /// <summary>Whether layers are mapped by search (else every layer runs <see cref="FixedMapping"/>).</summary>
    public bool Search { get; }

    /// <summary>What the search minimises.</summary>
    public MappingObjective Objective { get; }

    /// <summary>Where the per-layer constraints came from (a mapping file's path), or null.</summary>
    public string? Source { get; }

    /// <summary>Today's schedule for every layer.</summary>
    public static MappingPolicy Fixed { get; } = new(false, MappingObjective.Energy, null, null, null);

    /// <summary>A search per layer under <paramref name="objective"/>.</summary>
    public static MappingPolicy SearchFor(MappingObjective objective) => new(true, objective, null, null, null);

    /// <summary>The default: search, minimising energy.</summary>
    public static MappingPolicy Default { get; } = SearchFor(MappingObjective.Energy);

    /// <summary>A search whose layers may be constrained: <paramref name="constraints"/> gives a layer's constraint by name, or null for none.</summary>
    /// <param name="contents">What identifies the constraints' source beyond its name (a file's text), for <see cref="Fingerprint"/>.</param>
    public static MappingPolicy Constrained(MappingObjective objective, Func<string, MappingConstraint?> constraints, string source, string contents) =>
        new(true, objective, constraints, source, contents);

    /// <summary>This policy with another objective.</summary>
    public MappingPolicy WithObjective(MappingObjective objective) => new(Search, objective, _constraints, Source, _contents);

    /// <summary>One line that differs whenever the policy can pick differently (a sweep's identity includes it).</summary>
    public string Fingerprint => !Search ? "fixed"
        : $"search {Objective.ToString().ToLowerInvariant()}{(_contents is null ? "" : $" constraints sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_contents)))}")}";

    /// <summary>What the policy asks of layer <paramref name="layer"/>.</summary>
    public MappingConstraint ConstraintOf(string layer) =>
        !Search ? new MappingConstraint { Fixed = true } : _constraints?.Invoke(layer) ?? MappingConstraint.None;

    /// <inheritdoc/>
    public override string ToString() => !Search ? "fixed" : $"search ({Objective.ToString().ToLowerInvariant()}{(Source is null ? "" : $", constraints from {Source}")})";
}
