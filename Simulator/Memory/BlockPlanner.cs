using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Memory;

/// <summary>DRAM bytes a block brings on chip before its first fold: weights, inputs and partial sums read back.</summary>
public readonly record struct BlockLoads(long WeightBytes, long IfmapBytes, long PsumReadBytes)
{
    /// <summary>Bytes prefetched while the previous block computes.</summary>
    public long PrefetchBytes => WeightBytes + IfmapBytes;
}

/// <summary>
/// What each block of a <see cref="LoopNestMapping"/> moves between DRAM and the buffers, in
/// closed form (Simulator/README.md section 4, "Loop-nest mappings"):
/// <list type="bullet">
/// <item>weights: the block's K-range x N-range, unless the previous block of the group had both ranges;</item>
/// <item>inputs: the strip of the block's M-range and K-range (<see cref="InputStrips"/>, no line-buffer
/// credit), unless the previous block of the group had both ranges;</item>
/// <item>partial sums (accumulator width): read back before a block whose K-range does not start at 0
/// unless the previous block had its M- and N-range; written after a block whose K-range does not
/// end at K unless the next block has them;</item>
/// <item>outputs: every fold that ends the reduction writes its M x N tile (output format).</item>
/// </list>
/// The reference engine has its own element-enumerating account of the same rules.
/// </summary>
public sealed class BlockPlanner
{
    private readonly GemmProblem _p;
    private readonly LoopNest _nest;
    private readonly InputStrips _strips;
    private readonly Dictionary<Span, long> _rows = [];

    public BlockPlanner(LoopNest nest)
    {
        _nest = nest;
        _p = nest.Problem;
        _strips = new InputStrips(_p);
    }

    /// <summary>Loads of <paramref name="block"/>; <paramref name="previous"/> is the block before it in the same group (null for a group's first).</summary>
    public BlockLoads Loads(FoldBlock block, FoldBlock? previous)
    {
        var weights = previous is { } w && w.K == block.K && w.N == block.N ? 0 : WeightBytes(block.K.Length, block.N.Length);
        var inputs = previous is { } i && i.M == block.M && i.K == block.K ? 0 : StripBytes(block.M, block.K);
        var read = !block.StartsReduction && !(previous is { } o && o.M == block.M && o.N == block.N) ? PsumBytes(block.M.Length, block.N.Length) : 0;
        return new BlockLoads(weights, inputs, read);
    }

    /// <summary>Partial sums written after <paramref name="block"/>'s last fold; <paramref name="next"/> is the next block of the same group (null for a group's last).</summary>
    public long PsumWriteBytes(FoldBlock block, FoldBlock? next) =>
        !block.EndsReduction(_p.K) && !(next is { } o && o.M == block.M && o.N == block.N) ? PsumBytes(block.M.Length, block.N.Length) : 0;

    /// <summary>Final outputs a fold writes (0 unless it ends the reduction).</summary>
    public long OutputBytes(Fold f) => f.EndsReduction(_p.K) ? GemmProblem.PackedBytes(f.M.Length * f.N.Length, _p.OutputFormat) : 0;

    private long WeightBytes(long k, long n) => GemmProblem.PackedBytes(k * n, _p.WeightFormat);

    private long PsumBytes(long m, long n) => GemmProblem.PackedBytes(m * n, _p.AccumulatorFormat);

    private long StripBytes(Span m, Span k)
    {
        if (!_rows.TryGetValue(m, out var rows))
        {
            // Bounded as TrafficPlanner's strip cache is.
            if (_rows.Count >= TrafficPlanner.MaxCachedStrips)
                _rows.Clear();
            _rows[m] = rows = _strips.Rows(m);
        }
        return GemmProblem.PackedBytes(rows * _p.Shape.Width * _strips.Channels(k), _p.InputFormat);
    }

    /// <summary>
    /// DRAM bytes read and written by the whole layer under <paramref name="nest"/>'s mapping, in
    /// closed form (no walk): the sums the walk adds block by block. Weights: each (K-block,
    /// N-block) pair once when M is the innermost loop with more than one block (or M has one
    /// block), else once per block; inputs likewise with N; partial sums only when K is split
    /// over blocks and some loop inside K's has more than one block: each block but the last
    /// along K writes and each but the first reads its M x N range.
    /// </summary>
    public static (long Read, long Write) DramBytes(LoopNest nest)
    {
        var p = nest.Problem;
        var strips = new InputStrips(p);
        var (lm, lk, ln) = (nest.BlockLength(GemmDim.M), nest.BlockLength(GemmDim.K), nest.BlockLength(GemmDim.N));
        var (bm, bk, bn) = (nest.Blocks(GemmDim.M), nest.Blocks(GemmDim.K), nest.Blocks(GemmDim.N));

        var weights = EdgeSum(p.K, lk, p.N, ln, p.WeightFormat.Bits) * (nest.InnermostChanging(GemmDim.M) ? 1 : bm);

        // Strip heights over M-blocks times channel counts over K-blocks.
        var rowCounts = strips.RowFrequencies(lm);
        var channelCounts = strips.ChannelFrequencies(lk);
        long inputs = 0;
        foreach (var (rows, rc) in rowCounts)
            foreach (var (channels, cc) in channelCounts)
                inputs = inputs + rc * cc * GemmProblem.PackedBytes(rows * p.Shape.Width * channels, p.InputFormat);
        inputs = inputs * (nest.InnermostChanging(GemmDim.N) ? 1 : bn);

        var psums = bk > 1 && !nest.InnermostChanging(GemmDim.K) ? (bk - 1) * EdgeSum(p.M, lm, p.N, ln, p.AccumulatorFormat.Bits) : 0;
        var outputs = EdgeSum(p.M, nest.TileLength(GemmDim.M), p.N, nest.TileLength(GemmDim.N), p.OutputFormat.Bits);
        return (p.Groups * (weights + inputs + psums), p.Groups * (psums + outputs));
    }

    /// <summary>Sum over the tiles of an a x b grid cut into pieces of la x lb (cut at the edges) of each piece's packed bytes.</summary>
    private static long EdgeSum(long a, long la, long b, long lb, int bits)
    {
        var (fullA, restA) = (a / la, a % la);
        var (fullB, restB) = (b / lb, b % lb);
        return fullA * fullB * GemmProblem.PackedBytes(la * lb, bits)
            + (restA > 0 ? fullB * GemmProblem.PackedBytes(restA * lb, bits) : 0)
            + (restB > 0 ? fullA * GemmProblem.PackedBytes(la * restB, bits) : 0)
            + (restA > 0 && restB > 0 ? GemmProblem.PackedBytes(restA * restB, bits) : 0);
    }

    /// <summary>
    /// Why <paramref name="nest"/>'s blocks do not fit <paramref name="buffers"/> (the rule and
    /// the bytes), or null. Every block may use half of each double-buffered level (all of a single-buffered one) for its weights, its input strip,
    /// and, when the reduction is split over folds, its M x N partial sums at accumulator width; a shared level takes the sum of the tiles it holds.
    /// The largest block of each kind is checked (the first along each dimension, or for strips
    /// the tallest over one period of M-ranges).
    /// </summary>
    public static string? Unfit(LoopNest nest, BufferSpec buffers)
    {
        var p = nest.Problem;
        var (lm, lk, ln) = (Math.Min(p.M, nest.BlockLength(GemmDim.M)), Math.Min(p.K, nest.BlockLength(GemmDim.K)), Math.Min(p.N, nest.BlockLength(GemmDim.N)));
        var weights = GemmProblem.PackedBytes(lk * ln, p.WeightFormat);
        var strips = new InputStrips(p);
        var rows = strips.RowFrequencies(nest.BlockLength(GemmDim.M)).Keys.DefaultIfEmpty(0).Max();
        var channels = strips.ChannelFrequencies(nest.BlockLength(GemmDim.K)).Keys.Max();
        var strip = GemmProblem.PackedBytes(rows * p.Shape.Width * channels, p.InputFormat);
        var psums = nest.Tiles(GemmDim.K) > 1 ? GemmProblem.PackedBytes(lm * ln, p.AccumulatorFormat) : 0;
        if (buffers.Overfull(weights, strip, psums) is not { } over)
            return null;
        if (buffers.LevelOf(over.Operand).Shared)
            return buffers.SharedOverflow(over.Operand, over.Need);
        return over.Operand switch
        {
            BufferKind.Weight => $"a block's weights ({lk:N0} x {ln:N0} at {p.WeightFormat.Bits} bits) need {weights:N0} B, but a block may use half the weight buffer, {buffers.Room(BufferKind.Weight):N0} B",
            BufferKind.Ifmap => $"a block's input strip ({rows:N0} rows x {p.Shape.Width:N0} columns x {channels:N0} channels at {p.InputFormat.Bits} bits) needs {strip:N0} B, but a block may use half the input buffer, {buffers.Room(BufferKind.Ifmap):N0} B",
            _ => $"a block's partial sums ({lm:N0} x {ln:N0} at {p.AccumulatorFormat.Bits} bits, the reduction being split over folds) need {psums:N0} B, but a block may use half the output buffer, {buffers.Room(BufferKind.Ofmap):N0} B",
        };
    }
}
