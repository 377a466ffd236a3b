using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>
/// The nest engine's fast model: every count of Simulator/Nest/README.md in closed form. Tiles are translates of one
/// base tile per level (inputs live in padded coordinates, so nothing is clipped, and a dilated tile's rows with gaps move
/// as one), so a level's epochs fall into a
/// few kinds of transition: the temporal loop that steps, with every loop inside it wrapping to 0. Each kind moves
/// the tile by the same shift and happens a known number of times, so a count is a sum over the kinds of
/// (times it happens) x (what one such step costs), and what one step costs is taken once, from per-axis overlaps
/// or, where siblings' tiles overlap in part, by enumerating one tile's elements. A bit-serial problem's input bits are one more
/// dimension, B, and one more axis of the input tiles (a plain range, as C is); a grouped problem's groups are another, G, an axis
/// of all three operands' tiles (a plain range too: no halo, groups share nothing); nothing else changes. The cycle-stepped NestReference counts the same things MAC by MAC.
/// </summary>
public static class NestAnalysis
{
    /// <summary>Tiles this large times their distinct siblings are not enumerated (about 1 s of work); such a mapping is refused.</summary>
    public const long MaxEnumerated = 1L << 26;

    /// <summary>Counts one layer under one mapping (the mapping must fit: <see cref="NestMapping.Unfit"/>).</summary>
    public static NestCounts Count(NestProblem problem, NestArchitecture arch, NestMapping mapping)
    {
        if (mapping.Unfit(problem, arch) is { } why)
            throw new ArgumentException(why, nameof(mapping));
        return CountFitting(problem, arch, mapping);
    }

    /// <summary>As <see cref="Count"/> for a mapping the caller has just checked with <see cref="NestMapping.Unfit"/> (the mapper), so it is not checked twice.</summary>
    internal static NestCounts CountFitting(NestProblem problem, NestArchitecture arch, NestMapping mapping)
    {
        var nest = new Flat(problem, mapping);
        var levels = arch.Levels.Length;
        var reads = new long[levels, 3];
        var fills = new long[levels, 3];
        var updates = new long[levels, 3];
        foreach (var t in Enum.GetValues<NestTensor>())
        {
            var keepers = Enumerable.Range(0, levels).Where(l => arch.Levels[l].Holds(t)).ToList();
            for (var i = 1; i < keepers.Count; i++)
                Between(nest, t, keepers[i - 1], keepers[i], reads, fills, updates);
            AtMacs(nest, t, keepers[^1], reads, updates);
        }
        // Groups are a dimension like any other (G, an axis of every operand's tiles), so nothing is multiplied here. A mapping whose
        // only G loop is outermost at level 0 gives G times one group's counts: that loop's steps move every tile to another group,
        // sharing nothing, so each is a first epoch (whole tiles filled, outputs starting at zero, the last tile written back), and
        // every other step happens G times (NestGroupsTests checks it against one group's counts times G on random cases).
        var counts = Enumerable.Range(0, levels).Select(l => Enum.GetValues<NestTensor>()
            .Where(t => arch.Levels[l].Holds(t))
            .ToImmutableDictionary(t => t, t => new NestAccesses(reads[l, (int)t], fills[l, (int)t], updates[l, (int)t]))).ToImmutableArray();
        return new NestCounts(counts, problem.Macs, nest.Cycles, [.. Enumerable.Range(0, levels).Select(nest.Instances)]);
    }

    // Child keeper c of t with parent keeper p: c's fills, p's reads serving them (multicast over the c-instances
    // under one p-instance) and, for outputs, p's updates from c's write-backs (reduced over those instances).
    private static void Between(Flat nest, NestTensor t, int p, int c, long[,] reads, long[,] fills, long[,] updates)
    {
        var tile = new Tile(nest, t, c);
        var siblings = nest.Offsets(t, nest.SpatialLoops(p, c)).Distinct(OffsetComparer.Instance).ToList();
        var steps = nest.Steps(c);
        var (instances, parents) = (nest.Instances(c), nest.Instances(p));
        long union0 = tile.Union(siblings, null);
        if (t != NestTensor.Outputs)
        {
            long own = tile.Size, shared = union0;
            foreach (var step in steps)
            {
                var shift = nest.Coordinates(t, step.Shift);
                var overlap = tile.Overlap(shift);
                own = checked(own + step.Count * (tile.Size - overlap));
                // A step that keeps nothing of a tile (a G step always, as groups share nothing) needs what the first epoch needed:
                // each sibling's whole new tile, their union. Taken as such rather than enumerated again.
                shared = checked(shared + step.Count * (overlap == 0 ? union0 : tile.Union(siblings, shift)));
            }
            fills[c, (int)t] = checked(fills[c, (int)t] + instances * own);
            reads[p, (int)t] = checked(reads[p, (int)t] + parents * shared);
            return;
        }
        // Outputs: a tile is equal to the previous one or disjoint from it (plain, aligned ranges). It is filled when
        // the instance touched it before, which is when some temporal loop irrelevant to outputs is past its first
        // index (stepping that loop back gives an earlier epoch with the same outputs); it is written back when it
        // changes and at the end.
        long changes = 0, refills = 0;
        foreach (var step in steps)
        {
            if (Flat.IsZero(nest.Coordinates(t, step.Shift)))
                continue;
            changes = checked(changes + step.Count);
            refills = checked(refills + step.SeenBefore);
        }
        fills[c, (int)t] = checked(fills[c, (int)t] + instances * tile.Size * refills);
        reads[p, (int)t] = checked(reads[p, (int)t] + parents * union0 * refills);
        updates[p, (int)t] = checked(updates[p, (int)t] + parents * union0 * (changes + 1));
    }

    // The MACs under each instance of the innermost keeper k: per cycle, the distinct elements they use (read-only
    // operands: reads of k) or update (outputs: updates of k, and reads of k for those the instance touched before).
    private static void AtMacs(Flat nest, NestTensor t, int k, long[,] reads, long[,] updates)
    {
        var distinct = nest.Offsets(t, nest.SpatialLoops(k, nest.LevelCount)).Distinct(OffsetComparer.Instance).LongCount();
        var perCycle = checked(nest.Instances(k) * distinct);
        if (t != NestTensor.Outputs)
        {
            reads[k, (int)t] = checked(reads[k, (int)t] + perCycle * nest.Cycles);
            return;
        }
        updates[k, (int)t] = checked(updates[k, (int)t] + perCycle * nest.Cycles);
        reads[k, (int)t] = checked(reads[k, (int)t] + perCycle * (nest.Cycles - nest.RelevantCycles(t)));
    }

    /// <summary>One kind of epoch transition of a level: the temporal loop that steps, the shift in dimension indices, how often.</summary>
    /// <param name="SeenBefore">Of <paramref name="Count"/>, the transitions after which some temporal loop irrelevant to outputs is past its first index.</param>
    private sealed record Step(long[] Shift, long Count, long SeenBefore);

    private sealed class OffsetComparer : IEqualityComparer<long[]>
    {
        public static readonly OffsetComparer Instance = new();

        public bool Equals(long[]? a, long[]? b) => a!.AsSpan().SequenceEqual(b);

        public int GetHashCode(long[] a)
        {
            var h = new HashCode();
            foreach (var x in a)
                h.Add(x);
            return h.ToHashCode();
        }
    }

    /// <summary>The loops in global order with each one's stride (the product of the bounds of the same dimension inside it).</summary>
    private sealed class Flat
    {
        private readonly NestProblem _problem;
        private readonly (NestDim Dim, int Bound, int Level, bool Spatial, long Stride)[] _loops;

        public Flat(NestProblem problem, NestMapping mapping)
        {
            _problem = problem;
            LevelCount = mapping.Levels.Length;
            var loops = mapping.Loops().ToList();
            _loops = new (NestDim, int, int, bool, long)[loops.Count];
            for (var i = loops.Count - 1; i >= 0; i--)
            {
                var inner = 1L;
                for (var j = i + 1; j < loops.Count; j++)
                    if (loops[j].Loop.Dim == loops[i].Loop.Dim)
                        inner = checked(inner * loops[j].Loop.Bound);
                _loops[i] = (loops[i].Loop.Dim, loops[i].Loop.Bound, loops[i].Level, loops[i].Loop.Spatial, inner);
            }
            Cycles = _loops.Where(l => !l.Spatial).Aggregate(1L, (a, l) => checked(a * l.Bound));
            // Instances per level, once per mapping rather than a pass over the loops per query; extents from the mapping's table.
            _instances = new long[LevelCount + 1];
            for (var level = 0; level <= LevelCount; level++)
                _instances[level] = 1;
            foreach (var l in _loops)
                if (l.Spatial)
                    for (var level = l.Level + 1; level <= LevelCount; level++)
                        _instances[level] = checked(_instances[level] * l.Bound);
            _extents = mapping.Extents();
        }

        private readonly long[] _instances;
        private readonly long[,] _extents;

        public int LevelCount { get; }

        public long Cycles { get; }

        public NestProblem Problem => _problem;

        /// <summary>Instances of level <paramref name="level"/> the mapping uses: the product of the spatial bounds above it.</summary>
        public long Instances(int level) => _instances[level];

        /// <summary>Extent of a dimension inside a level's tiles.</summary>
        public long Extent(NestDim dim, int level) => _extents[level, (int)dim];

        /// <summary>Cycles in which no temporal loop irrelevant to <paramref name="t"/> is past its first index.</summary>
        public long RelevantCycles(NestTensor t) =>
            _loops.Where(l => !l.Spatial && NestProblem.Indexes(t, l.Dim)).Aggregate(1L, (a, l) => checked(a * l.Bound));

        /// <summary>The spatial loops of levels from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive).</summary>
        public int[] SpatialLoops(int from, int to) =>
            [.. Enumerable.Range(0, _loops.Length).Where(i => _loops[i].Spatial && _loops[i].Level >= from && _loops[i].Level < to)];

        /// <summary>The coordinate offsets of <paramref name="t"/> of every combination of the given loops' indices.</summary>
        public IEnumerable<long[]> Offsets(NestTensor t, int[] loops)
        {
            var index = new int[loops.Length];
            while (true)
            {
                var v = new long[NestProblem.DimCount];
                for (var i = 0; i < loops.Length; i++)
                    v[(int)_loops[loops[i]].Dim] += index[i] * _loops[loops[i]].Stride;
                yield return Coordinates(t, v);
                var k = loops.Length - 1;
                while (k >= 0 && ++index[k] == _loops[loops[k]].Bound)
                    index[k--] = 0;
                if (k < 0)
                    yield break;
            }
        }

        /// <summary>
        /// The transitions between consecutive epochs of <paramref name="level"/> (iterations of the temporal loops of
        /// the levels outside it), one per loop that steps: its shift (that loop +1, every loop inside it from its last
        /// index back to 0) and how many times it happens.
        /// </summary>
        public IReadOnlyList<Step> Steps(int level)
        {
            var outer = Enumerable.Range(0, _loops.Length).Where(i => !_loops[i].Spatial && _loops[i].Level < level).ToArray();
            var steps = new List<Step>();
            for (var a = 0; a < outer.Length; a++)
            {
                var j = _loops[outer[a]];
                if (j.Bound == 1)
                    continue;
                var shift = new long[NestProblem.DimCount];
                shift[(int)j.Dim] += j.Stride;
                for (var b = a + 1; b < outer.Length; b++)
                {
                    var inner = _loops[outer[b]];
                    shift[(int)inner.Dim] -= (inner.Bound - 1) * inner.Stride;
                }
                long outside = 1, outsideRelevant = 1;
                for (var b = 0; b < a; b++)
                {
                    outside = checked(outside * _loops[outer[b]].Bound);
                    if (NestProblem.Indexes(NestTensor.Outputs, _loops[outer[b]].Dim))
                        outsideRelevant = checked(outsideRelevant * _loops[outer[b]].Bound);
                }
                var count = checked((j.Bound - 1) * outside);
                var seen = NestProblem.Indexes(NestTensor.Outputs, j.Dim) ? checked((j.Bound - 1) * (outside - outsideRelevant)) : count;
                steps.Add(new Step(shift, count, seen));
            }
            return steps;
        }

        /// <summary>
        /// A shift or offset in dimension indices as the operand's coordinates, <see cref="Axes"/> of them (inputs: h = p·Hstride +
        /// r·DilationH, w = q·Wstride + s·DilationW, and the bit b; linear, so a translate of a tile in indices is a translate of its
        /// elements). Weights and outputs, which B does not index, have a fifth coordinate that is always 0; the sixth is the group,
        /// so every operand's tile is a product of six per-axis sets.
        /// </summary>
        public long[] Coordinates(NestTensor t, long[] v) => t switch
        {
            NestTensor.Weights => [v[(int)NestDim.M], v[(int)NestDim.C], v[(int)NestDim.R], v[(int)NestDim.S], 0, v[(int)NestDim.G]],
            NestTensor.Inputs => [v[(int)NestDim.N], v[(int)NestDim.C], checked(v[(int)NestDim.P] * _problem.HStride + v[(int)NestDim.R] * _problem.DilationH),
                checked(v[(int)NestDim.Q] * _problem.WStride + v[(int)NestDim.S] * _problem.DilationW), v[(int)NestDim.B], v[(int)NestDim.G]],
            _ => [v[(int)NestDim.N], v[(int)NestDim.M], v[(int)NestDim.P], v[(int)NestDim.Q], 0, v[(int)NestDim.G]],
        };

        /// <summary>Coordinates of every operand: four of a convolution's tensor, the input bit (0 for weights and outputs) and the group.</summary>
        public const int Axes = 6;

        public static bool IsZero(long[] v) => v.All(x => x == 0);
    }

    /// <summary>
    /// A level's base tile of one operand: a product of six per-axis sets (plain ranges, or for input rows and
    /// columns the set {p·stride + r·dilation}, with gaps when dilated; the fifth axis is the input's bits, a single 0 for weights and
    /// outputs; the sixth the groups, a plain range for every operand), with overlaps against its own translates per axis:
    /// |A ∩ (A + shift)| is the product over the axes of the 1-D sets' intersections, each counted exactly.
    /// </summary>
    private sealed class Tile
    {
        private readonly bool[][] _axes;
        private readonly int[][] _members;

        public Tile(Flat nest, NestTensor t, int level)
        {
            long E(NestDim d) => nest.Extent(d, level);
            // Built for every tile of every sample the mapper counts: plain arrays, no LINQ.
            static bool[] Range(long n)
            {
                var set = new bool[checked((int)n)];
                Array.Fill(set, true);
                return set;
            }
            // Input rows of a tile: {p·stride + r·dilation}, an interval when dilation is 1 and the kernel covers the stride,
            // otherwise a set with gaps; its overlaps with its translates are counted element by element below, so gaps need no rule.
            bool[] Window(long outputs, long kernel, int stride, int dilation)
            {
                var set = new bool[checked((int)((outputs - 1) * stride + (kernel - 1) * dilation + 1))];
                for (var p = 0L; p < outputs; p++)
                    for (var r = 0L; r < kernel; r++)
                        set[p * stride + r * dilation] = true;
                return set;
            }
            _axes = t switch
            {
                NestTensor.Weights => [Range(E(NestDim.M)), Range(E(NestDim.C)), Range(E(NestDim.R)), Range(E(NestDim.S)), Range(1), Range(E(NestDim.G))],
                NestTensor.Inputs => [Range(E(NestDim.N)), Range(E(NestDim.C)), Window(E(NestDim.P), E(NestDim.R), nest.Problem.HStride, nest.Problem.DilationH),
                    Window(E(NestDim.Q), E(NestDim.S), nest.Problem.WStride, nest.Problem.DilationW), Range(E(NestDim.B)), Range(E(NestDim.G))],
                _ => [Range(E(NestDim.N)), Range(E(NestDim.M)), Range(E(NestDim.P)), Range(E(NestDim.Q)), Range(1), Range(E(NestDim.G))],
            };
            _members = new int[_axes.Length][];
            var size = 1L;
            for (var a = 0; a < _axes.Length; a++)
            {
                var members = new List<int>(_axes[a].Length);
                for (var x = 0; x < _axes[a].Length; x++)
                    if (_axes[a][x])
                        members.Add(x);
                _members[a] = [.. members];
                size = checked(size * _members[a].Length);
            }
            Size = size;
        }

        public long Size { get; }

        /// <summary>|A ∩ (A + shift)|, axis by axis.</summary>
        public long Overlap(long[] shift)
        {
            var product = 1L;
            for (var a = 0; a < Flat.Axes; a++)
            {
                var n = 0L;
                foreach (var x in _members[a])
                    if (Contains(a, x - shift[a]))
                        n++;
                product = checked(product * n);
                if (product == 0)
                    return 0;
            }
            return product;
        }

        /// <summary>
        /// |∪ over the siblings' offsets s of ((A + s) \ (A + s - shift))|: what the siblings need that they did not
        /// hold before, counted once however many need it. With no shift (the first epoch), |∪ (A + s)|.
        /// </summary>
        public long Union(List<long[]> siblings, long[]? shift)
        {
            if (siblings.Count == 1)
                return shift is null ? Size : Size - Overlap(shift);
            if (checked(Size * siblings.Count) > MaxEnumerated)
                throw new InvalidOperationException($"the nest engine would enumerate {Size} elements for each of {siblings.Count} sibling tiles; beyond {MaxEnumerated}");
            var span = new long[Flat.Axes];
            for (var a = 0; a < Flat.Axes; a++)
                span[a] = _axes[a].Length + siblings.Max(s => s[a]) - siblings.Min(s => s[a]);
            var low = Enumerable.Range(0, Flat.Axes).Select(a => siblings.Min(s => s[a])).ToArray();
            var seen = new HashSet<long>();
            foreach (var s in siblings)
                foreach (var x0 in _members[0])
                    foreach (var x1 in _members[1])
                        foreach (var x2 in _members[2])
                            foreach (var x3 in _members[3])
                                foreach (var x4 in _members[4])
                                    foreach (var x5 in _members[5])
                                    {
                                        if (shift is not null && Contains(0, x0 + shift[0]) && Contains(1, x1 + shift[1]) && Contains(2, x2 + shift[2]) &&
                                            Contains(3, x3 + shift[3]) && Contains(4, x4 + shift[4]) && Contains(5, x5 + shift[5]))
                                            continue; // held before: x + s was in A + s - shift
                                        var key = x0 + s[0] - low[0];
                                        key = key * span[1] + x1 + s[1] - low[1];
                                        key = key * span[2] + x2 + s[2] - low[2];
                                        key = key * span[3] + x3 + s[3] - low[3];
                                        key = key * span[4] + x4 + s[4] - low[4];
                                        key = key * span[5] + x5 + s[5] - low[5];
                                        seen.Add(key);
                                    }
            return seen.Count;
        }

        private bool Contains(int axis, long x) => x >= 0 && x < _axes[axis].Length && _axes[axis][x];
    }
}
