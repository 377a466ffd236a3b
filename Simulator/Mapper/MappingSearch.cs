using System.Collections.Concurrent;
using System.Collections.Immutable;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Simulator.Xnor;
using HwSim.Workloads;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator.Mapper;

/// <summary>
/// The mapper: per layer, enumerates loop-nest mappings, ranks them by closed forms
/// (<see cref="MappingEstimator"/>), runs the best few and the fixed mapping exactly with the
/// fast engine and keeps the best under the objective, so its pick is never worse than
/// <see cref="FixedMapping"/>. Picks are cached per (layer shape, formats, unit, buffers, DRAM,
/// objective, constraint, and the activation histogram when the unit's timing depends on values); one instance holds one price function, so a cached pick is always
/// the pick under those prices. Thread-safe.
/// </summary>
/// <remarks>
/// The mapspace: time chunks giving 1, 2, 3, 4, 6, 8, ... folds along the time dimension
/// (rounded up to whole steps of a bit-serial or xnor unit's lanes); block factors along each
/// dimension that give distinct numbers of blocks (1 to 16, then growing by a quarter);
/// the loop orders of the dimensions that have more than one block (a dimension whose block
/// covers its extent has one trip, so its place does not matter: it goes innermost, K last).
/// Pruned before estimating: blocks that break a capacity, and, for each time chunk and K and N
/// block, every M block but the largest that fits (DRAM traffic does not grow with the block);
/// under the latency and EDP objectives also a ladder of smaller M blocks (<see cref="SmallerBlocks"/>:
/// a smaller first block exposes less of its loads before the array starts), ranked in a list of
/// their own (<see cref="ExtraCandidates"/>) so that the largest blocks' best few still run exactly
/// and the pick is never slower than with the largest blocks alone.
/// Ties are broken by fewer estimated cycles (for the latency objective: less energy), fewer DRAM
/// bytes, then by the earlier candidate in enumeration order
/// (longer time chunks first, then smaller K, N blocks, then the order's place among
/// permutations); run exactly, equal scores go to fewer cycles (latency: less energy), and a
/// full tie between a candidate and the fixed mapping keeps the fixed one.
/// </remarks>
public sealed class MappingSearch
{
    /// <summary>Candidates the fast engine runs exactly after the estimate (besides the fixed mapping).</summary>
    public const int ExactCandidates = 3;

    /// <summary>
    /// Candidates with a smaller M block than the largest that fits (latency and EDP objectives only)
    /// that the fast engine also runs exactly: 2, because the estimate's cycles are a bound (the
    /// first block's loads exposed, the channel's total), not the timeline, and the block that wins
    /// is usually one of the two largest of the ladder whose loads still hide under compute.
    /// </summary>
    public const int ExtraCandidates = 2;

    /// <summary>Picks remembered at most (a few tens of MB); beyond, the cache starts over.</summary>
    internal const int MaxCached = 1 << 16;

    private readonly ActionPrice? _prices;
    private readonly ConcurrentDictionary<ActionKey, double> _priceOf = new();
    private readonly ConcurrentDictionary<CacheKey, LayerResult> _cache = new();
    private long _estimated;

    /// <param name="prices">Picojoules per action, for the energy and EDP objectives (null: latency only).</param>
    public MappingSearch(ActionPrice? prices) => _prices = prices;

    /// <summary>
    /// The search before smaller M blocks were estimated (every objective: the largest M block that
    /// fits only, cycles estimated without <see cref="MappingEstimator"/>'s burst term), kept so a
    /// property test can hold the new pick never worse than the old one.
    /// </summary>
    internal bool LargestMBlockOnly { get; init; }

    /// <summary>Candidates estimated so far (for mappings per second).</summary>
    public long Estimated => Interlocked.Read(ref _estimated);

    /// <summary>Layers answered from the cache so far.</summary>
    public long CacheHits => Interlocked.Read(ref _hits);

    private long _hits;

    private readonly record struct CacheKey(Workloads.Shapes.LayerShape Shape, Workloads.Formats.OperandPrecision Precision, UnitSpec Unit, BufferSpec Buffers,
        DramSpec Dram, MappingObjective Objective, MappingConstraint Constraint, object? Values);

    /// <summary>Every layer of <paramref name="workload"/> on the unit it runs on, mapped by <paramref name="policy"/>.</summary>
    public NetworkResult Evaluate(Workload workload, ArchitectureSpec arch, MappingPolicy policy, Action<LayerResult>? layerDone = null)
    {
        var models = arch.Units.Select(UnitModels.For).ToList();
        return new NetworkResult(workload.Name, arch.Name, [.. workload.Layers.Select(l =>
        {
            var (model, reason) = Simulation.Choose(l, models);
            var result = model is null ? LayerResult.NotRun(l.Name, l.Macs, reason!) : Run(l, arch, model, policy.Objective, policy.ConstraintOf(l.Name));
            layerDone?.Invoke(result);
            return result;
        })]);
    }

    /// <summary>One layer on one unit: the best mapping the constraint allows under the objective, run by the fast engine.</summary>
    public LayerResult Run(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, MappingObjective objective, MappingConstraint constraint)
    {
        if (objective != MappingObjective.Latency && _prices is null)
            throw new InvalidOperationException($"the {objective} objective needs prices: give the mapper an ActionPrice");
        if (constraint.Fixed || !model.MappingFitsBuffers)
            return Exact(layer, arch, model, FixedMapping.Instance);
        var key = new CacheKey(layer.Shape, layer.Precision, model.Spec, arch.Buffers, arch.Dram, objective, constraint, model.ValueDependence(new GemmProblem(layer)));
        if (_cache.TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return cached with { Layer = layer.Name };
        }
        var result = Search(layer, arch, model, objective, constraint);
        // Bounded: a sweep over millions of architectures would otherwise keep every pick (gigabytes).
        if (_cache.Count >= MaxCached)
            _cache.Clear();
        _cache.TryAdd(key, result);
        return result;
    }

    private LayerResult Search(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, MappingObjective objective, MappingConstraint constraint)
    {
        var estimator = new MappingEstimator(layer, arch, model) { WithoutBursts = LargestMBlockOnly };
        var (best, reason, count) = Candidates(estimator, model, arch, objective, constraint, smallerM: !LargestMBlockOnly);
        Interlocked.Add(ref _estimated, count);
        var free = constraint == MappingConstraint.None;
        var tried = new List<LayerResult>();
        if (free)
            tried.Add(Exact(layer, arch, model, FixedMapping.Instance));
        foreach (var candidate in best)
            tried.Add(Exact(layer, arch, model, candidate));
        LayerResult? pick = null;
        (double, double) pickScore = default;
        foreach (var r in tried)
        {
            if (!r.Ran)
                continue;
            // Equal under the objective, the faster (for latency: the cheaper) wins; strictly better
            // only, so on a full tie the fixed mapping (tried first) stays, then the better estimate.
            var score = (Score(r, objective), objective != MappingObjective.Latency ? r.TotalCycles : _prices is null ? 0 : Energy(r.Counts));
            if (pick is null || score.CompareTo(pickScore) < 0)
                (pick, pickScore) = (r, score);
        }
        if (pick is not null)
            return pick;
        if (tried.Count > 0)
            return tried[0];
        return LayerResult.NotRun(layer.Name, layer.Macs, reason ?? $"no loop-nest mapping satisfies the constraint ({constraint})", model.Spec.Name);
    }

    /// <summary>One mapping run exactly by the fast engine.</summary>
    private static LayerResult Exact(LayerWorkload layer, ArchitectureSpec arch, IUnitModel model, LayerMapping mapping) =>
        Simulation.Run(layer, arch, model, mapping);

    private double Score(LayerResult r, MappingObjective objective) => objective switch
    {
        MappingObjective.Latency => r.TotalCycles,
        MappingObjective.Energy => Energy(r.Counts),
        _ => Energy(r.Counts) * r.TotalCycles,
    };

    /// <summary>Picojoules of <paramref name="counts"/> under this mapper's prices.</summary>
    public double Energy(ActivityCounts counts)
    {
        var sum = 0.0;
        foreach (var (k, v) in counts.Counts)
            sum += v * Price(k);
        return sum;
    }

    private double Price(ActionKey key) => _priceOf.GetOrAdd(key, k => _prices!(k));

    /// <summary>A candidate and its estimated score, ordered for the top list.</summary>
    private readonly record struct Ranked(double Score, double Then, long DramBytes, long Index, LoopNestMapping Mapping);

    /// <summary>
    /// The best few candidates by estimate, the reason when there is none, and how many were estimated.
    /// Under the latency and EDP objectives (unless <paramref name="smallerM"/> is false) the best
    /// <see cref="ExtraCandidates"/> with smaller M blocks follow the <paramref name="keep"/> best
    /// with the largest M blocks, which are the same as without them.
    /// </summary>
    internal (IReadOnlyList<LoopNestMapping> Best, string? Reason, long Count) Candidates(MappingEstimator e, IUnitModel model, ArchitectureSpec arch,
        MappingObjective objective, MappingConstraint constraint, int keep = ExactCandidates, bool smallerM = true)
    {
        var top = new List<Ranked>(keep + 1);
        // Energy: a smaller M block never moves fewer DRAM bytes, and compute energy does not depend on blocks, so only latency can gain.
        var smaller = smallerM && objective != MappingObjective.Energy && constraint.BlockM is null;
        var extra = new List<Ranked>(ExtraCandidates + 1);
        string? smallestUnfit = null;
        long index = 0;
        var pes = model.Spec.PeCount;
        var prices = objective == MappingObjective.Latency ? null : new VariablePrices(this, arch.Buffers);
        foreach (var chunk in TimeChunks(e, model, constraint))
        {
            MappingEstimator.Chunk c;
            try
            {
                c = e.ChunkOf(chunk);
                if (c.FoldsPerGroup * Math.Min(e.Problem.Groups, 4) > Simulation.MaxFolds)
                    continue;
            }
            catch (OverflowException)
            {
                continue;
            }
            var constant = prices is null ? 0 : Energy(c.Counts.ToCounts());
            var mOptions = BlockOptions(c.Folds[0], constraint.BlockM);
            var kOptions = BlockOptions(c.Folds[1], constraint.BlockK);
            var nOptions = BlockOptions(c.Folds[2], constraint.BlockN);
            foreach (var bK in kOptions)
            {
                var anyN = false;
                foreach (var bN in nOptions)
                {
                    var ek = bK * c.Tile[1];
                    var en = bN * c.Tile[2];
                    // The largest M block that fits (binary search: what a block needs grows with it).
                    long bM = -1;
                    var (lo, hi) = (0, mOptions.Length - 1);
                    while (lo <= hi)
                    {
                        var mid = (lo + hi) / 2;
                        if (Unfit(e, c, mOptions[mid] * c.Tile[0], ek, en) is null)
                        {
                            bM = mOptions[mid];
                            lo = mid + 1;
                        }
                        else
                            hi = mid - 1;
                    }
                    if (bM < 0)
                    {
                        // The smallest blocks of this chunk (chunks shrink, so the last one explains best).
                        if (bK == kOptions[0] && bN == nOptions[0])
                            smallestUnfit = Unfit(e, c, mOptions[0] * c.Tile[0], ek, en, explain: true);
                        break;
                    }
                    anyN = true;
                    foreach (var blockM in smaller ? SmallerBlocks(c.Folds[0], bM).Prepend(bM) : [bM])
                    {
                        var list = blockM == bM ? top : extra;
                        var listKeep = blockM == bM ? keep : ExtraCandidates;
                        foreach (var order in Orders(c, blockM, bK, bN, constraint))
                        {
                            MappingEstimator.BlockTraffic t;
                            try
                            {
                                t = e.Traffic(c, blockM, bK, bN, order);
                            }
                            catch (OverflowException)
                            {
                                continue;
                            }
                            var energy = prices is null ? 0 : constant + prices.Variable(t) + Price(ActionKey.Simple(PrimitiveAction.IdlePeCycle)) * Math.Max(0, (double)t.Cycles * pes - c.BusyPeCycles);
                            var score = objective switch
                            {
                                MappingObjective.Latency => t.Cycles,
                                MappingObjective.Energy => energy,
                                _ => energy * t.Cycles,
                            };
                            var at = index++;
                            // Most candidates lose to the current top few: compared before a mapping is built.
                            // Equal scores: the faster estimate (for latency: the cheaper) first.
                            var then = objective == MappingObjective.Latency ? energy : t.Cycles;
                            if (list.Count >= listKeep && !Better(new Ranked(score, then, t.DramBytes, at, null!), list[^1]))
                                continue;
                            Insert(list, new Ranked(score, then, t.DramBytes, at, new LoopNestMapping(chunk, order, blockM, bK, bN)), listKeep);
                        }
                    }
                }
                if (!anyN)
                    break;
            }
        }
        return ([.. top.Concat(extra).Select(r => r.Mapping)], smallestUnfit, index);
    }

    /// <summary>
    /// Smaller M blocks to estimate besides the largest that fits (<paramref name="largest"/> of
    /// <paramref name="folds"/> fold tiles), descending: the blocks that cut M into twice, four
    /// times, ... as many blocks, each ceil(folds / blocks) so the blocks are as even as the fold
    /// count allows (the mapspace's own rule for block factors), down to one fold. Why doublings:
    /// what a smaller block gains is its smaller first load (exposed before the array starts) and
    /// smaller bursts, both in proportion to the block, while what it costs (input strips reloaded
    /// once per outer N block, halo rows fetched again, weights reloaded when M is outside) grows
    /// with the number of blocks; a geometric ladder brackets the best trade within a factor of
    /// two in log2(folds) steps (at most 12 for ResNet-50's 3,136-row M on 1-row units), where the
    /// mapspace's 1-to-16-then-a-quarter ladder would add about 30 blocks per K and N block.
    /// Every block of the ladder fits: what a block needs grows with it.
    /// </summary>
    internal static IEnumerable<long> SmallerBlocks(long folds, long largest)
    {
        var previous = largest;
        for (var blocks = 2 * MappingEstimator.Ceil(folds, largest); previous > 1; blocks *= 2)
        {
            var block = MappingEstimator.Ceil(folds, blocks);
            if (block < previous)
                yield return previous = block;
        }
    }

    /// <summary>Why blocks of these extents do not fit ("" when <paramref name="explain"/> is false: most probes only need the answer), or null.</summary>
    private static string? Unfit(MappingEstimator e, MappingEstimator.Chunk c, long em, long ek, long en, bool explain = false) =>
        e.Unfit(c, em, ek, en, explain ? " even with the smallest blocks and time chunk allowed" : null);

    private static void Insert(List<Ranked> top, Ranked r, int keep)
    {
        var at = top.Count;
        while (at > 0 && Better(r, top[at - 1]))
            at--;
        if (at >= keep)
            return;
        top.Insert(at, r);
        if (top.Count > keep)
            top.RemoveAt(top.Count - 1);
    }

    private static bool Better(Ranked a, Ranked b) =>
        (a.Score, a.Then, a.DramBytes, a.Index).CompareTo((b.Score, b.Then, b.DramBytes, b.Index)) < 0;

    /// <summary>The prices of what changes between candidates of one time chunk: DRAM bytes, SRAM fills and drains.</summary>
    private sealed class VariablePrices
    {
        private readonly double _dramRead, _dramWrite, _weightFill, _weightFillWord, _inputFill, _inputFillWord, _psum, _psumWord;

        public VariablePrices(MappingSearch s, BufferSpec buffers)
        {
            _dramRead = s.Price(ActionKey.Simple(PrimitiveAction.DramReadByte));
            _dramWrite = s.Price(ActionKey.Simple(PrimitiveAction.DramWriteByte));
            _weightFill = 8 * s.Price(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Weight));
            _weightFillWord = s.Price(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Weight, buffers.WordBitsOf(BufferKind.Weight)));
            _inputFill = 8 * s.Price(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ifmap));
            _inputFillWord = s.Price(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ifmap, buffers.WordBitsOf(BufferKind.Ifmap)));
            // A partial sum spilled is read from the output buffer and written back to it later.
            _psum = 8 * (s.Price(ActionKey.Sram(PrimitiveAction.SramWriteBit, BufferKind.Ofmap)) + s.Price(ActionKey.Sram(PrimitiveAction.SramReadBit, BufferKind.Ofmap)));
            _psumWord = s.Price(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ofmap, buffers.WordBitsOf(BufferKind.Ofmap))) + s.Price(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ofmap, buffers.WordBitsOf(BufferKind.Ofmap)));
        }

        public double Variable(MappingEstimator.BlockTraffic t) =>
            (double)t.Weight.Bytes * (_dramRead + _weightFill) + (double)t.Weight.Words * _weightFillWord
            + (double)t.Input.Bytes * (_dramRead + _inputFill) + (double)t.Input.Words * _inputFillWord
            + (double)t.Psum.Bytes * (_dramRead + _dramWrite + _psum) + (double)t.Psum.Words * _psumWord;
    }

    /// <summary>Time chunks to try, longest first: 1, 2, 3, 4, 6, 8, ... folds along the time dimension.</summary>
    internal static IEnumerable<long> TimeChunks(MappingEstimator e, IUnitModel model, MappingConstraint constraint)
    {
        if (constraint.TimeChunk is { } fixedChunk)
        {
            yield return fixedChunk;
            yield break;
        }
        var time = e.Grid.InTime;
        var extent = Math.Max(1, e.Extent(time));
        // A bit-serial or xnor unit takes its reduction in steps of its lanes: a chunk between steps idles lanes in every fold.
        var step = time == GemmDim.K ? model.Spec switch
        {
            BitSerialUnitSpec b => b.Lanes,
            XnorUnitSpec x => x.Lanes,
            _ => 1,
        } : 1;
        long previous = -1;
        foreach (var folds in Counts(extent))
        {
            var chunk = Math.Min(extent, MappingEstimator.Ceil(MappingEstimator.Ceil(extent, folds), step) * step);
            if (chunk == previous)
                continue;
            previous = chunk;
            yield return chunk;
            if (chunk <= step)
                yield break;
        }
    }

    /// <summary>1 to 16, then growing by a quarter, up to <paramref name="max"/>.</summary>
    private static IEnumerable<long> Counts(long max)
    {
        for (var n = 1L; n <= max; n = n < 16 ? n + 1 : n + n / 4)
            yield return n;
    }

    /// <summary>Block factors (fold tiles per block) giving distinct numbers of blocks, ascending.</summary>
    internal static long[] BlockOptions(long folds, long? constraint)
    {
        if (constraint is { } c)
            return [c];
        var options = new SortedSet<long>();
        foreach (var blocks in Counts(folds))
            options.Add(MappingEstimator.Ceil(folds, blocks));
        options.Add(1);
        return [.. options];
    }

    private static readonly ImmutableArray<GemmDim>[] Permutations =
    [
        [GemmDim.M, GemmDim.K, GemmDim.N], [GemmDim.M, GemmDim.N, GemmDim.K], [GemmDim.K, GemmDim.M, GemmDim.N],
        [GemmDim.K, GemmDim.N, GemmDim.M], [GemmDim.N, GemmDim.M, GemmDim.K], [GemmDim.N, GemmDim.K, GemmDim.M],
    ];

    /// <summary>
    /// The orders that differ: those of the dimensions with more than one block; the others go
    /// innermost (M, then N, then K), where their single trip changes nothing.
    /// </summary>
    internal static IReadOnlyList<ImmutableArray<GemmDim>> Orders(MappingEstimator.Chunk c, long bM, long bK, long bN, MappingConstraint constraint)
    {
        if (constraint.Order is { } given)
            return [given];
        var pattern = (MappingEstimator.Ceil(c.Folds[0], bM) > 1 ? 1 : 0) | (MappingEstimator.Ceil(c.Folds[1], bK) > 1 ? 2 : 0) | (MappingEstimator.Ceil(c.Folds[2], bN) > 1 ? 4 : 0);
        return CanonicalOrders[pattern];
    }

    /// <summary>The distinct canonical orders for each set of dimensions with more than one block (bit d set: dimension d).</summary>
    private static readonly ImmutableArray<GemmDim>[][] CanonicalOrders = [.. Enumerable.Range(0, 8).Select(pattern =>
    {
        bool Several(GemmDim d) => (pattern & (1 << (int)d)) != 0;
        var seen = new HashSet<string>();
        var orders = new List<ImmutableArray<GemmDim>>();
        foreach (var p in Permutations)
        {
            var canonical = p.Where(Several).Concat(new[] { GemmDim.M, GemmDim.N, GemmDim.K }.Where(d => !Several(d))).ToImmutableArray();
            if (seen.Add(string.Concat(canonical)))
                orders.Add(canonical);
        }
        return orders.ToArray();
    })];
}
