namespace HwSim.Simulator.Mapping;

/// <summary>
/// One block of a <see cref="LoopNestMapping"/>: the fold tiles the buffers hold at once, as its
/// ranges of the group GEMM. <see cref="Index"/> counts the blocks of its group in execution order.
/// </summary>
public readonly record struct FoldBlock(int Group, long Index, Span M, Span K, Span N)
{
    /// <summary>True when the block's reduction range starts at 0 (nothing to read back).</summary>
    public bool StartsReduction => K.Start == 0;

    /// <summary>True when the block's reduction range ends at <paramref name="k"/>.</summary>
    public bool EndsReduction(long k) => K.End == k;
}

/// <summary>
/// The folds and blocks a <see cref="LoopNestMapping"/> makes of a layer, in execution order:
/// groups outermost; per group the blocks in the mapping's order (outermost first); inside each
/// block its folds, in the same order. Fold tiles are the unit's rows and columns along its
/// row and column dimensions and the mapping's time chunk along its time dimension, cut at the
/// edges; a block is <see cref="LoopNestMapping.BlockM"/> x <see cref="LoopNestMapping.BlockK"/>
/// x <see cref="LoopNestMapping.BlockN"/> fold tiles, cut at the edges. Both engines enumerate
/// folds with it (as both use <see cref="FoldGrid.Folds(GemmProblem)"/> for the fixed mapping).
/// </summary>
public sealed class LoopNest
{
    private readonly long[] _tile = new long[3];
    private readonly long[] _tiles = new long[3];
    private readonly long[] _blockTiles = new long[3];
    private readonly long[] _blocks = new long[3];
    private readonly long[] _extent = new long[3];
    private readonly int[] _order;

    /// <param name="problem">The layer as group GEMMs.</param>
    /// <param name="unitGrid">The unit's grid (its spatial mapping); its time chunk is replaced by the mapping's.</param>
    /// <param name="mapping">The loop nest.</param>
    public LoopNest(GemmProblem problem, FoldGrid unitGrid, LoopNestMapping mapping)
    {
        Problem = problem;
        Mapping = mapping;
        Grid = GridOf(unitGrid, mapping);
        foreach (var d in Dims)
        {
            var i = (int)d;
            _extent[i] = FoldGrid.Extent(problem, d);
            _tile[i] = d == Grid.OnRows ? Grid.ArrayRows : d == Grid.OnCols ? Grid.ArrayCols : Math.Min(Grid.TimeChunk, Math.Max(1, _extent[i]));
            _tiles[i] = Ceil(_extent[i], _tile[i]);
            _blockTiles[i] = Math.Min(mapping.Block(d), Math.Max(1, _tiles[i]));
            _blocks[i] = Ceil(_tiles[i], _blockTiles[i]);
        }
        _order = [.. mapping.Order.Select(d => (int)d)];
    }

    private static readonly GemmDim[] Dims = [GemmDim.M, GemmDim.K, GemmDim.N];

    /// <summary>The fold grid a mapping implies on a unit: the unit's spatial mapping with the mapping's time chunk.</summary>
    public static FoldGrid GridOf(FoldGrid unitGrid, LoopNestMapping mapping) => unitGrid with { TimeChunk = mapping.TimeChunk };

    public GemmProblem Problem { get; }

    public LoopNestMapping Mapping { get; }

    /// <summary>The fold grid (the unit's spatial mapping with the mapping's time chunk).</summary>
    public FoldGrid Grid { get; }

    /// <summary>Elements of dimension <paramref name="d"/> in one fold tile (before edge cuts).</summary>
    public long TileLength(GemmDim d) => _tile[(int)d];

    /// <summary>Fold tiles along <paramref name="d"/> per group.</summary>
    public long Tiles(GemmDim d) => _tiles[(int)d];

    /// <summary>Fold tiles along <paramref name="d"/> per block (the mapping's factor, at most <see cref="Tiles"/>).</summary>
    public long BlockTiles(GemmDim d) => _blockTiles[(int)d];

    /// <summary>Elements of dimension <paramref name="d"/> in one block (before edge cuts).</summary>
    public long BlockLength(GemmDim d) => _blockTiles[(int)d] * _tile[(int)d];

    /// <summary>Blocks along <paramref name="d"/> per group.</summary>
    public long Blocks(GemmDim d) => _blocks[(int)d];

    /// <summary>Blocks per group.</summary>
    public long BlocksPerGroup => _blocks[0] * _blocks[1] * _blocks[2];

    /// <summary>Folds per group (the same as the grid's: blocks only reorder them).</summary>
    public long FoldsPerGroup => _tiles[0] * _tiles[1] * _tiles[2];

    /// <summary>
    /// True when consecutive blocks of a group that differ at all differ in <paramref name="d"/>
    /// only whenever <paramref name="d"/> advances: every loop inside <paramref name="d"/>'s has
    /// one block. Then a block's predecessor has the same ranges of the other two dimensions
    /// unless <paramref name="d"/> wrapped round.
    /// </summary>
    public bool InnermostChanging(GemmDim d)
    {
        var at = Array.IndexOf(_order, (int)d);
        for (var j = at + 1; j < 3; j++)
            if (_blocks[_order[j]] > 1)
                return false;
        return true;
    }

    /// <summary>The blocks of groups <paramref name="fromGroup"/> to <paramref name="toGroup"/> - 1, in execution order.</summary>
    public IEnumerable<FoldBlock> BlocksOf(int fromGroup, int toGroup)
    {
        var (o0, o1, o2) = (_order[0], _order[1], _order[2]);
        var idx = new long[3];
        for (var g = fromGroup; g < Math.Min(toGroup, Problem.Groups); g++)
        {
            long index = 0;
            for (idx[o0] = 0; idx[o0] < _blocks[o0]; idx[o0]++)
                for (idx[o1] = 0; idx[o1] < _blocks[o1]; idx[o1]++)
                    for (idx[o2] = 0; idx[o2] < _blocks[o2]; idx[o2]++)
                        yield return new FoldBlock(g, index++, BlockSpan(0, idx[0]), BlockSpan(1, idx[1]), BlockSpan(2, idx[2]));
        }
    }

    private Span BlockSpan(int d, long i)
    {
        var len = _blockTiles[d] * _tile[d];
        return new Span(i * len, Math.Min(_extent[d], (i + 1) * len));
    }

    /// <summary>The folds of one block, in the mapping's order.</summary>
    public IEnumerable<Fold> FoldsOf(FoldBlock block)
    {
        var (o0, o1, o2) = (_order[0], _order[1], _order[2]);
        var first = new long[3];
        var last = new long[3];
        var spans = new[] { block.M, block.K, block.N };
        for (var d = 0; d < 3; d++)
        {
            first[d] = spans[d].Start / _tile[d];
            last[d] = Ceil(spans[d].End, _tile[d]);
        }
        var idx = new long[3];
        for (idx[o0] = first[o0]; idx[o0] < last[o0]; idx[o0]++)
            for (idx[o1] = first[o1]; idx[o1] < last[o1]; idx[o1]++)
                for (idx[o2] = first[o2]; idx[o2] < last[o2]; idx[o2]++)
                {
                    var m = TileSpan(0, idx[0]);
                    var k = TileSpan(1, idx[1]);
                    var n = TileSpan(2, idx[2]);
                    var rows = (int)idx[(int)Grid.OnRows];
                    var cols = (int)idx[(int)Grid.OnCols];
                    yield return new Fold(block.Group, rows, cols, m, k, n,
                        (int)Pick(Grid.OnRows, m, k, n).Length, (int)Pick(Grid.OnCols, m, k, n).Length);
                }
    }

    /// <summary>Every fold of groups <paramref name="fromGroup"/> to <paramref name="toGroup"/> - 1, in execution order.</summary>
    public IEnumerable<Fold> Folds(int fromGroup, int toGroup) => BlocksOf(fromGroup, toGroup).SelectMany(FoldsOf);

    /// <summary>Every fold of the layer, in execution order.</summary>
    public IEnumerable<Fold> Folds() => Folds(0, Problem.Groups);

    private Span TileSpan(int d, long i) => new(i * _tile[d], Math.Min(_extent[d], (i + 1) * _tile[d]));

    private static Span Pick(GemmDim d, Span m, Span k, Span n) => d switch
    {
        GemmDim.M => m,
        GemmDim.K => k,
        _ => n,
    };

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
