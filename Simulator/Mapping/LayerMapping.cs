using System.Collections.Immutable;

namespace HwSim.Simulator.Mapping;

/// <summary>
/// How one layer's group GEMMs are scheduled on a unit: the fold tiles the array works on, the
/// blocks of folds held in the buffers, and the order in which blocks and folds run. Groups are
/// always outermost and each group starts with nothing on chip. Both engines execute any
/// mapping; see Simulator/README.md section 4 for the traffic rules of each.
/// </summary>
public abstract record LayerMapping;

/// <summary>
/// The schedule HwSim used before it had a mapper (SCALE-Sim's): column folds outermost, then
/// row folds, then time chunks cut only as far as the buffers require (<see cref="Memory.Chunking"/>),
/// each fold its own block, with the whole-group residency, per-fold tile reuse and line-buffer
/// rules of <see cref="Memory.TrafficPlanner"/>. <c>scalesim_compat</c> units always use it.
/// </summary>
public sealed record FixedMapping : LayerMapping
{
    private FixedMapping()
    {
    }

    /// <summary>The one fixed mapping.</summary>
    public static FixedMapping Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => "fixed";
}

/// <summary>
/// A two-level loop nest over the group GEMM's dimensions M (output pixels, N·P·Q), K
/// (reduction, (C/G)·R·S) and N (filters). The fold tile is the unit's spatial extent on its
/// row and column dimensions and <see cref="TimeChunk"/> on its time dimension; a block is
/// <see cref="BlockM"/> x <see cref="BlockK"/> x <see cref="BlockN"/> fold tiles (cut at the
/// edges); blocks run in <see cref="Order"/> (outermost first), and so do the folds inside a block.
/// </summary>
public sealed record LoopNestMapping : LayerMapping
{
    /// <param name="timeChunk">Fold tile length along the unit's time dimension (at least 1).</param>
    /// <param name="order">The loop order, outermost first: a permutation of M, K and N.</param>
    /// <param name="blockM">Fold tiles per block along M (at least 1).</param>
    /// <param name="blockK">Fold tiles per block along K (at least 1).</param>
    /// <param name="blockN">Fold tiles per block along N (at least 1).</param>
    public LoopNestMapping(long timeChunk, IEnumerable<GemmDim> order, long blockM, long blockK, long blockN)
    {
        TimeChunk = timeChunk >= 1 ? timeChunk : throw new ArgumentOutOfRangeException(nameof(timeChunk), timeChunk, "at least 1");
        Order = [.. order];
        if (Order.Length != 3 || Order.Distinct().Count() != 3)
            throw new ArgumentException($"the loop order must name M, K and N once each, got {string.Join(",", Order)}", nameof(order));
        BlockM = blockM >= 1 ? blockM : throw new ArgumentOutOfRangeException(nameof(blockM), blockM, "at least 1");
        BlockK = blockK >= 1 ? blockK : throw new ArgumentOutOfRangeException(nameof(blockK), blockK, "at least 1");
        BlockN = blockN >= 1 ? blockN : throw new ArgumentOutOfRangeException(nameof(blockN), blockN, "at least 1");
    }

    /// <summary>Fold tile length along the unit's time dimension.</summary>
    public long TimeChunk { get; }

    /// <summary>Loop order of blocks (and of folds inside a block), outermost first.</summary>
    public ImmutableArray<GemmDim> Order { get; }

    /// <summary>Fold tiles per block along M.</summary>
    public long BlockM { get; }

    /// <summary>Fold tiles per block along K.</summary>
    public long BlockK { get; }

    /// <summary>Fold tiles per block along N.</summary>
    public long BlockN { get; }

    /// <summary>Fold tiles per block along <paramref name="dim"/>.</summary>
    public long Block(GemmDim dim) => dim switch
    {
        GemmDim.M => BlockM,
        GemmDim.K => BlockK,
        _ => BlockN,
    };

    /// <inheritdoc/>
    public bool Equals(LoopNestMapping? other) =>
        other is not null && TimeChunk == other.TimeChunk && Order.SequenceEqual(other.Order)
        && BlockM == other.BlockM && BlockK == other.BlockK && BlockN == other.BlockN;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(TimeChunk, Order[0], Order[1], BlockM, BlockK, BlockN);

    /// <inheritdoc/>
    public override string ToString() => $"order {string.Concat(Order)}, time chunk {TimeChunk}, blocks M{BlockM} K{BlockK} N{BlockN}";
}
