using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Units;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator.Mapper;

/// <summary>
/// A loop-nest mapping's counts in closed form (no fold walk): exactly the DRAM bytes, SRAM
/// accesses and array actions the fast engine counts for it (a property test holds them equal),
/// and an estimate of its cycles (compute exactly, stalls from bandwidth).
/// </summary>
/// <param name="Mapping">The mapping estimated.</param>
/// <param name="WeightBytes">Weights read from DRAM.</param>
/// <param name="InputBytes">Input strips read from DRAM.</param>
/// <param name="PsumReadBytes">Partial sums read back from DRAM.</param>
/// <param name="PsumWriteBytes">Partial sums spilled to DRAM.</param>
/// <param name="OutputBytes">Final outputs written to DRAM.</param>
/// <param name="ComputeCycles">Cycles with a fold in the array: exact on units that drain serially (the sum of the folds' cycles);
/// with <c>drain: overlapped</c> a lower bound, every overlap taken at its largest (the engine's also depends on the order of fold shapes and on DRAM).</param>
/// <param name="EstimatedCycles">Compute plus the stalls the bandwidth implies: the first block's loads, load bursts and the last write,
/// or the channel's total (a lower bound on the engine's cycles up to transfer rounding; the engine times it exactly).</param>
/// <param name="Folds">Folds over all groups.</param>
/// <param name="Counts">Every count but idle PE cycles (which follow from the cycles).</param>
public sealed record MappingEstimate(LoopNestMapping Mapping, long WeightBytes, long InputBytes, long PsumReadBytes, long PsumWriteBytes,
    long OutputBytes, long ComputeCycles, long EstimatedCycles, long Folds, ActivityCounts Counts)
{
    /// <summary>Bytes read from DRAM.</summary>
    public long DramReadBytes => WeightBytes + InputBytes + PsumReadBytes;

    /// <summary>Bytes written to DRAM.</summary>
    public long DramWriteBytes => PsumWriteBytes + OutputBytes;
}

/// <summary>
/// The closed forms the mapper ranks candidates with. For one layer on one unit:
/// <list type="bullet">
/// <item>array actions, compute cycles and the array's SRAM streams depend on the fold tiles
/// only (time chunk), not on blocks or order: each distinct fold shape is costed once by the
/// unit model and multiplied by its number;</item>
/// <item>an operand's DRAM bytes are its distinct blocks' bytes times the trips of its
/// irrelevant loop when that loop has more than one trip and sits outside one of its relevant
/// loops with more than one trip (Timeloop's rule; weights: M is irrelevant, inputs: N, partial
/// sums: K, which spill only when a loop with more than one trip runs inside K);</item>
/// <item>SRAM fills and drains are the DRAM transfers in words of the buffers' width, per transfer.</item>
/// </list>
/// </summary>
public sealed class MappingEstimator
{
    private readonly GemmProblem _p;
    private readonly IUnitModel _model;
    private readonly BufferSpec _buffers;
    private readonly DramSpec _dram;
    private readonly InputStrips _strips;
    private readonly Dictionary<long, Chunk> _chunks = [];
    private readonly Dictionary<long, Histogram> _stripRows = [];
    private readonly Dictionary<long, Histogram> _channels = [];

    /// <summary>The estimator of <paramref name="layer"/> on <paramref name="model"/>'s unit with <paramref name="arch"/>'s buffers and DRAM.</summary>
    public MappingEstimator(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model)
        : this(new GemmProblem(layer), arch.Buffers, arch.Dram, model)
    {
    }

    internal MappingEstimator(GemmProblem problem, BufferSpec buffers, DramSpec dram, IUnitModel model)
    {
        _p = problem;
        _model = model;
        _buffers = buffers;
        _dram = dram;
        _strips = new InputStrips(problem);
        Grid = model.Grid(problem);
    }

    internal GemmProblem Problem => _p;

    /// <summary>Estimate cycles as before the burst term (for the property test that holds the mapper's picks against its former search).</summary>
    internal bool WithoutBursts { get; init; }

    internal BufferSpec Buffers => _buffers;

    /// <summary>The unit's spatial mapping, time dimension uncut.</summary>
    public FoldGrid Grid { get; }

    /// <summary>Extent of a GEMM dimension.</summary>
    internal long Extent(GemmDim d) => FoldGrid.Extent(_p, d);

    /// <summary>The fold tile length along <paramref name="d"/> with time chunk <paramref name="chunk"/>.</summary>
    internal long Tile(GemmDim d, long chunk) =>
        d == Grid.OnRows ? Grid.ArrayRows : d == Grid.OnCols ? Grid.ArrayCols : Math.Min(chunk, Math.Max(1, Extent(d)));

    /// <summary>Fold tiles along <paramref name="d"/> with time chunk <paramref name="chunk"/>.</summary>
    internal long FoldsAlong(GemmDim d, long chunk) => Ceil(Extent(d), Tile(d, chunk));

    /// <summary>The closed-form counts of <paramref name="mapping"/> (which must be legal; see <see cref="Unfit(LoopNestMapping)"/>).</summary>
    public MappingEstimate Estimate(LoopNestMapping mapping)
    {
        var c = ChunkOf(mapping.TimeChunk);
        var t = Traffic(c, mapping.BlockM, mapping.BlockK, mapping.BlockN, mapping.Order);
        var counts = new ActivityCountsBuilder();
        counts.Add(c.Counts);
        var g = (long)_p.Groups;
        counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Weight), 8 * t.Weight.Bytes);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Weight, _buffers.WordBitsOf(BufferKind.Weight)), t.Weight.Words);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ifmap), 8 * t.Input.Bytes);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ifmap, _buffers.WordBitsOf(BufferKind.Ifmap)), t.Input.Words);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap), 8 * t.Psum.Bytes);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ofmap, _buffers.WordBitsOf(BufferKind.Ofmap)), t.Psum.Words);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap), 8 * t.Psum.Bytes);
        counts.Add(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ofmap, _buffers.WordBitsOf(BufferKind.Ofmap)), t.Psum.Words);
        counts.Add(ActionKey.Simple(PrimitiveAction.DramReadByte), t.Weight.Bytes + t.Input.Bytes + t.Psum.Bytes);
        counts.Add(ActionKey.Simple(PrimitiveAction.DramWriteByte), t.Psum.Bytes);
        return new MappingEstimate(mapping, t.Weight.Bytes, t.Input.Bytes, t.Psum.Bytes, t.Psum.Bytes, c.Outputs.Bytes,
            c.ComputeCycles, t.Cycles, c.FoldsPerGroup * g, counts.ToCounts());
    }

    /// <summary>
    /// Why <paramref name="mapping"/> cannot run with these buffers (the capacity rules of
    /// loop-nest mappings, each level double-buffered), or null when it can.
    /// </summary>
    public string? Unfit(LoopNestMapping mapping)
    {
        var c = ChunkOf(mapping.TimeChunk);
        return Unfit(c, mapping.BlockM * c.Tile[(int)GemmDim.M], mapping.BlockK * c.Tile[(int)GemmDim.K], mapping.BlockN * c.Tile[(int)GemmDim.N]);
    }

    /// <summary>
    /// The capacity rules for blocks of these extents: null when they fit; else the rule and the
    /// bytes, with <paramref name="qualifier"/> after "on chip", or "" when
    /// <paramref name="qualifier"/> is null (the search's probes only need the answer, not a message).
    /// </summary>
    internal string? Unfit(Chunk c, long bm, long bk, long bn, string? qualifier = "")
    {
        var weights = WeightBlockBytes(bk, bn);
        var strip = StripBytes(bm, bk);
        var psums = c.Folds[(int)GemmDim.K] > 1 ? PsumBlockBytes(bm, bn) : 0;
        if (_buffers.Overfull(weights, strip, psums) is not { } over)
            return null;
        if (qualifier is null)
            return "";
        if (_buffers.LevelOf(over.Operand).Shared)
            return _buffers.SharedOverflow(over.Operand, over.Need) + qualifier;
        return over.Operand switch
        {
            BufferKind.Weight => $"a block needs {weights:N0} B of weights on chip{qualifier}, but half the weight buffer is {_buffers.Room(BufferKind.Weight):N0} B",
            BufferKind.Ifmap => $"a block needs {strip:N0} B of input rows on chip{qualifier}, but half the input buffer is {_buffers.Room(BufferKind.Ifmap):N0} B",
            _ => $"a block needs {psums:N0} B of partial sums on chip{qualifier}, but half the output buffer is {_buffers.Room(BufferKind.Ofmap):N0} B",
        };
    }

    internal long WeightBlockBytes(long bk, long bn) => GemmProblem.PackedBytes(Math.Min(bk, _p.K) * Math.Min(bn, _p.N), _p.WeightFormat);

    internal long StripBytes(long bm, long bk) => GemmProblem.PackedBytes(StripRows(bm).Max * Channels(bk).Max, _p.InputFormat);

    internal long PsumBlockBytes(long bm, long bn) => GemmProblem.PackedBytes(Math.Min(bm, _p.M) * Math.Min(bn, _p.N), _p.AccumulatorFormat);

    /// <summary>Bytes, SRAM words and DRAM cycles of a set of transfers.</summary>
    internal readonly record struct Transfers(long Bytes, long Words, long Cycles)
    {
        public static Transfers operator +(Transfers a, Transfers b) => new(a.Bytes + b.Bytes, a.Words + b.Words, a.Cycles + b.Cycles);

        public static Transfers operator *(long n, Transfers a) => new(n * a.Bytes, n * a.Words, n * a.Cycles);
    }

    /// <summary>The DRAM traffic of one candidate, all groups, and its estimated cycles.</summary>
    internal readonly record struct BlockTraffic(Transfers Weight, Transfers Input, Transfers Psum, long Cycles, long DramBytes);

    private Transfers One(long bytes, BufferKind level) => new(bytes, Words(8 * bytes, level), _dram.TransferCycles(bytes));

    private long Words(long bits, BufferKind level) => (bits + _buffers.WordBitsOf(level) - 1) / _buffers.WordBitsOf(level);

    /// <summary>
    /// Traffic of blocks <paramref name="bM"/> x <paramref name="bK"/> x <paramref name="bN"/> fold
    /// tiles in <paramref name="order"/>: distinct blocks once, times the reload rule.
    /// </summary>
    internal BlockTraffic Traffic(Chunk c, long bM, long bK, long bN, System.Collections.Immutable.ImmutableArray<GemmDim> order)
    {
        var em = bM * c.Tile[0];
        var ek = bK * c.Tile[1];
        var en = bN * c.Tile[2];
        var nbM = Ceil(_p.M, em);
        var nbK = Ceil(_p.K, ek);
        var nbN = Ceil(_p.N, en);
        // A loop irrelevant to an operand reloads it when it has more than one trip and a relevant loop with more than one trip runs inside it.
        bool Outside(GemmDim irrelevant)
        {
            var at = order.IndexOf(irrelevant);
            if (Trips(irrelevant) <= 1) return false;
            for (var j = at + 1; j < 3; j++)
                if (Trips(order[j]) > 1)
                    return true;
            return false;
        }
        long Trips(GemmDim d) => d == GemmDim.M ? nbM : d == GemmDim.K ? nbK : nbN;
        var g = (long)_p.Groups;
        var weights = DistinctWeights(ek, en);
        var inputs = DistinctInputs(em, ek);
        var w = g * (Outside(GemmDim.M) ? nbM : 1) * weights;
        var i0 = g * (Outside(GemmDim.N) ? nbN : 1) * inputs;
        var psum = Outside(GemmDim.K) ? g * (nbK - 1) * DistinctPsums(em, en) : default;
        var dramBytes = w.Bytes + i0.Bytes + 2 * psum.Bytes + c.Outputs.Bytes;
        var dramCycles = w.Cycles + i0.Cycles + 2 * psum.Cycles + c.Outputs.Cycles;
        // The first block's loads are exposed; after that loads overlap compute, unless the channel is the bottleneck
        // or a block's loads take longer than the block before it computes.
        var first = _dram.TransferCycles(WeightBlockBytes(ek, en) + GemmProblem.PackedBytes(StripRows(em).First * Channels(ek).First, _p.InputFormat));
        var cycles = Math.Max(c.ComputeCycles + first + Bursts(c, em, ek, en, order, [nbM, nbK, nbN]) + c.LastWriteCycles, dramCycles);
        return new BlockTraffic(w, i0, psum, cycles, dramBytes);
    }

    /// <summary>
    /// A lower bound on the cycles block loads add beyond compute and the first block's loads.
    /// Block b+1's loads are requested when block b starts, and it starts no earlier than they
    /// arrive and block b ends, so it starts at least max(C_b, L_{b+1}) after block b: each
    /// transition adds at least L_{b+1} - C_b. C_b is at most a whole block's folds at the
    /// longest fold's cycles; L_{b+1} at least the smallest weight block (when the transition
    /// changes K or N) plus the smallest input strip (when it changes M or K), partial sums left
    /// out. A transition at loop level j (of <paramref name="order"/>) changes that loop's
    /// dimension and every inner one with more than one trip; between groups everything loads.
    /// This is what tells a large block that must load while a short block computes (an input
    /// strip per M block in MNK with small N blocks) from an even one, which the channel's total alone does not.
    /// </summary>
    private long Bursts(Chunk c, long em, long ek, long en, System.Collections.Immutable.ImmutableArray<GemmDim> order, long[] trips)
    {
        if (_dram.BandwidthBytesPerCycle is null || WithoutBursts)
            return 0;
        var blockFolds = Math.Min(em / c.Tile[0], c.Folds[0]) * Math.Min(ek / c.Tile[1], c.Folds[1]) * Math.Min(en / c.Tile[2], c.Folds[2]);
        var longest = blockFolds * c.LongestFoldCycles;
        var weights = GemmProblem.PackedBytes(Shortest(_p.K, ek) * Shortest(_p.N, en), _p.WeightFormat);
        var strip = GemmProblem.PackedBytes(StripRows(em).Values[0].Value * Channels(ek).Values[0].Value, _p.InputFormat);
        long Exposed(bool w, bool i) => Math.Max(0, _dram.TransferCycles((w ? weights : 0) + (i ? strip : 0)) - longest);
        var g = (long)_p.Groups;
        var sum = (g - 1) * Exposed(true, true);
        long outer = g;
        for (var j = 0; j < 3; j++)
        {
            var t = trips[(int)order[j]];
            if (t > 1)
            {
                bool Changes(GemmDim d) => order[j] == d || (order.IndexOf(d) > j && trips[(int)d] > 1);
                sum += outer * (t - 1) * Exposed(Changes(GemmDim.K) || Changes(GemmDim.N), Changes(GemmDim.M) || Changes(GemmDim.K));
            }
            outer *= t;
        }
        return sum;
    }

    /// <summary>The shortest range of <paramref name="block"/> elements cutting <paramref name="extent"/>.</summary>
    private static long Shortest(long extent, long block) => block >= extent ? extent : extent % block == 0 ? block : extent % block;

    private readonly Dictionary<(long, long), Transfers> _weights = [];
    private readonly Dictionary<(long, long), Transfers> _psums = [];

    private Transfers DistinctWeights(long ek, long en)
    {
        if (_weights.TryGetValue((ek, en), out var known))
            return known;
        var sum = default(Transfers);
        foreach (var (k, ck) in Ranges(_p.K, ek))
            foreach (var (n, cn) in Ranges(_p.N, en))
                sum += ck * cn * One(GemmProblem.PackedBytes(k * n, _p.WeightFormat), BufferKind.Weight);
        return _weights[(ek, en)] = sum;
    }

    private Transfers DistinctPsums(long em, long en)
    {
        if (_psums.TryGetValue((em, en), out var known))
            return known;
        var sum = default(Transfers);
        foreach (var (m, cm) in Ranges(_p.M, em))
            foreach (var (n, cn) in Ranges(_p.N, en))
                sum += cm * cn * One(GemmProblem.PackedBytes(m * n, _p.AccumulatorFormat), BufferKind.Ofmap);
        return _psums[(em, en)] = sum;
    }

    private readonly Dictionary<(long, long), Transfers> _inputs = [];

    private Transfers DistinctInputs(long em, long ek)
    {
        if (_inputs.TryGetValue((em, ek), out var known))
            return known;
        var sum = default(Transfers);
        var rows = StripRows(em);
        var channels = Channels(ek);
        foreach (var (r, cr) in rows.Values)
            foreach (var (ch, cc) in channels.Values)
                sum += cr * cc * One(GemmProblem.PackedBytes(r * ch, _p.InputFormat), BufferKind.Ifmap);
        return _inputs[(em, ek)] = sum;
    }

    /// <summary>Lengths of the ranges of <paramref name="block"/> elements that cut an extent, with their numbers.</summary>
    private static IEnumerable<(long Length, long Count)> Ranges(long extent, long block)
    {
        if (block >= extent)
        {
            yield return (extent, 1);
            yield break;
        }
        var full = extent / block;
        yield return (block, full);
        if (extent % block != 0)
            yield return (extent % block, 1);
    }

    /// <summary>How often each value occurs over the blocks of one dimension, the largest, and the first block's.</summary>
    internal sealed record Histogram(IReadOnlyList<(long Value, long Count)> Values, long Max, long First);

    /// <summary>Input rows x W of each M-range of <paramref name="em"/> pixels (the strip of one channel).</summary>
    private Histogram StripRows(long em)
    {
        em = Math.Min(em, _p.M);
        if (_stripRows.TryGetValue(em, out var known))
            return known;
        var width = (long)_p.Shape.Width;
        var rows = _strips.RowFrequencies(em);
        var values = rows.OrderBy(kv => kv.Key).Select(kv => (kv.Key * width, kv.Value)).ToList();
        return _stripRows[em] = new Histogram(values, values.Count == 0 ? 0 : values[^1].Item1, _strips.Rows(new Span(0, em)) * width);
    }

    /// <summary>Input channels each K-range of <paramref name="ek"/> terms covers.</summary>
    private Histogram Channels(long ek)
    {
        ek = Math.Min(ek, _p.K);
        if (_channels.TryGetValue(ek, out var known))
            return known;
        var counts = _strips.ChannelFrequencies(ek).OrderBy(kv => kv.Key).ToList();
        return _channels[ek] = new Histogram([.. counts.Select(kv => (kv.Key, kv.Value))], counts[^1].Key, _strips.Channels(new Span(0, ek)));
    }

    /// <summary>What depends on the fold tiles only: the folds' costs, the array's SRAM streams, the final outputs.</summary>
    internal sealed class Chunk
    {
        public required long TimeChunk { get; init; }

        /// <summary>Fold tile per dimension (M, K, N).</summary>
        public required long[] Tile { get; init; }

        /// <summary>Fold tiles per dimension (M, K, N).</summary>
        public required long[] Folds { get; init; }

        public required long FoldsPerGroup { get; init; }

        public required long ComputeCycles { get; init; }

        public required long BusyPeCycles { get; init; }

        public required long UsedPes { get; init; }

        /// <summary>Array actions and SRAM streams, and the outputs' drains and DRAM writes, all groups.</summary>
        public required ActivityCountsBuilder Counts { get; init; }

        public required Transfers Outputs { get; init; }

        /// <summary>Cycles of the longest fold (serial drains: what a fold occupies the array at most).</summary>
        public required long LongestFoldCycles { get; init; }

        /// <summary>Cycles of the layer's last output write (exposed after the last fold).</summary>
        public required long LastWriteCycles { get; init; }
    }

    internal Chunk ChunkOf(long chunk)
    {
        if (_chunks.TryGetValue(chunk, out var known))
            return known;
        var tile = new[] { Tile(GemmDim.M, chunk), Tile(GemmDim.K, chunk), Tile(GemmDim.N, chunk) };
        var folds = new[] { Ceil(_p.M, tile[0]), Ceil(_p.K, tile[1]), Ceil(_p.N, tile[2]) };
        var g = (long)_p.Groups;
        var counts = new ActivityCountsBuilder();
        long compute = 0, busy = 0, used = 0, longestDrain = 0, longestStartBody = 0, longestFold = 0;
        var outputs = default(Transfers);
        long lastWrite = 0;
        long W(long bits, BufferKind level) => Words(bits, level);
        var readBits = new long[3];
        var writeBits = new long[3];
        var readWords = new long[3];
        var writeWords = new long[3];
        foreach (var m in Classes(_p.M, tile[0]))
            foreach (var k in Classes(_p.K, tile[1]))
                foreach (var n in Classes(_p.N, tile[2]))
                {
                    var spans = new[] { m.Span, k.Span, n.Span };
                    var rowSpan = spans[(int)Grid.OnRows];
                    var colSpan = spans[(int)Grid.OnCols];
                    var rowIndex = (int)(rowSpan.Start / tile[(int)Grid.OnRows]);
                    var colIndex = (int)(colSpan.Start / tile[(int)Grid.OnCols]);
                    // A representative fold of the class: costs depend on the fold's shape and place in the reduction only
                    // (the first fold differs only on scalesim_compat units, which always run the fixed mapping).
                    var fold = new Fold(0, rowIndex, colIndex, m.Span, k.Span, n.Span, (int)rowSpan.Length, (int)colSpan.Length);
                    var cost = _model.Cost(_p, fold);
                    var times = g * m.Count * k.Count * n.Count;
                    compute += times * cost.ComputeCycles;
                    longestFold = Math.Max(longestFold, cost.ComputeCycles);
                    longestDrain = Math.Max(longestDrain, cost.DrainCycles);
                    if (fold.StartsReduction)
                        longestStartBody = Math.Max(longestStartBody, cost.ComputeCycles - cost.DrainCycles);
                    busy += times * cost.BusyPeCycles;
                    used += times * rowSpan.Length * colSpan.Length;
                    foreach (var (action, count) in cost.Compute.Counts)
                        counts.Add(action, count * times);
                    readBits[(int)BufferKind.Ifmap] += times * cost.IfmapReadBits;
                    readWords[(int)BufferKind.Ifmap] += times * W(cost.IfmapReadBits, BufferKind.Ifmap);
                    readBits[(int)BufferKind.Weight] += times * cost.WeightReadBits;
                    readWords[(int)BufferKind.Weight] += times * W(cost.WeightReadBits, BufferKind.Weight);
                    readBits[(int)BufferKind.Ofmap] += times * cost.OfmapReadBits;
                    readWords[(int)BufferKind.Ofmap] += times * W(cost.OfmapReadBits, BufferKind.Ofmap);
                    writeBits[(int)BufferKind.Ofmap] += times * cost.OfmapWriteBits;
                    writeWords[(int)BufferKind.Ofmap] += times * W(cost.OfmapWriteBits, BufferKind.Ofmap);
                    if (k.Span.End == _p.K)
                    {
                        var bytes = GemmProblem.PackedBytes(m.Span.Length * n.Span.Length, _p.OutputFormat);
                        var one = One(bytes, BufferKind.Ofmap);
                        outputs += times * one;
                        readBits[(int)BufferKind.Ofmap] += times * 8 * bytes;
                        readWords[(int)BufferKind.Ofmap] += times * one.Words;
                        if (m.Span.End == _p.M && n.Span.End == _p.N)
                            lastWrite = one.Cycles;
                    }
                }
        foreach (var b in Enum.GetValues<BufferKind>())
        {
            counts.Add(ActionKey.Sram(PrimitiveAction.SramReadBit, b), readBits[(int)b]);
            counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteBit, b), writeBits[(int)b]);
            counts.Add(ActionKey.Sram(PrimitiveAction.SramReadWord, b, _buffers.WordBitsOf(b)), readWords[(int)b]);
            counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteWord, b, _buffers.WordBitsOf(b)), writeWords[(int)b]);
        }
        counts.Add(ActionKey.Simple(PrimitiveAction.DramWriteByte), outputs.Bytes);
        // Overlapped drains: every fold that starts its reduction but the layer's first computes during its
        // predecessor's drain, by at most min(that drain, its own cycles before draining) (Simulator/README.md §3).
        if (_model.Spec.Drain == DrainMode.Overlapped)
            compute -= (g * folds[(int)GemmDim.M] * folds[(int)GemmDim.N] - 1) * Math.Min(longestDrain, longestStartBody);
        var result = new Chunk
        {
            TimeChunk = chunk,
            Tile = tile,
            Folds = folds,
            FoldsPerGroup = folds[0] * folds[1] * folds[2],
            ComputeCycles = compute,
            BusyPeCycles = busy,
            UsedPes = used,
            Counts = counts,
            Outputs = outputs,
            LongestFoldCycles = longestFold,
            LastWriteCycles = lastWrite,
        };
        _chunks[chunk] = result;
        return result;
    }

    /// <summary>The distinct folds along one dimension: a representative span (first of its kind) and how many there are.</summary>
    private static IEnumerable<(Span Span, long Count)> Classes(long extent, long tile)
    {
        var folds = Ceil(extent, tile);
        // Along K the first and last folds differ from the middle ones (they start or end the reduction); along M and N only the last may be short.
        var spans = new List<(Span Span, long Count)> { (new Span(0, Math.Min(extent, tile)), 1) };
        if (folds > 2)
            spans.Add((new Span(tile, 2 * tile), folds - 2));
        if (folds > 1)
            spans.Add((new Span((folds - 1) * tile, extent), 1));
        return spans;
    }

    internal static long Ceil(long a, long b) => (a + b - 1) / b;
}
