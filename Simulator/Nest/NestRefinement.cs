namespace HwSim.Simulator.Nest;

/// <summary>
/// How <see cref="NestMapper"/> refines what it sampled: steepest-descent hill climbing from the <paramref name="Starts"/> best
/// mappings it evaluated (distinct costs, best first; samples, and given candidates that obey the constraints with one loop per
/// dimension and slot), one climb after another, evaluating at most <paramref name="Budget"/> distinct neighbours in all.
/// </summary>
/// <remarks>
/// A neighbour differs from the current mapping by one move:
/// - one prime factor of a dimension's bound in one slot (a level's temporal loops, or its spatial loops on X or Y), or the whole
///   bound, moves to another slot the constraints allow that dimension. A dimension new to a level's temporal loops goes in at
///   every position the level's permutation allows (each position is a neighbour);
/// - or two adjacent temporal loops of a level swap, when the level's permutation allows the swapped order.
/// Each step takes the best neighbour that fits (fan-outs and capacities, NestMapping.Unfit) and costs strictly less than the
/// current mapping (the first in enumeration order on ties). A climb ends at a local minimum, when it steps onto a mapping an
/// earlier climb stood on (it would follow that climb), or when the budget is spent. Every neighbour obeys the constraints, so
/// refinement never leaves the constrained mapspace; it draws no random numbers, so the mapper stays deterministic per seed; and
/// it only ever accepts a strictly cheaper mapping, so the pick is never worse than the best sample.
/// </remarks>
/// <param name="Starts">Climbs at most (0: no refinement).</param>
/// <param name="Budget">Distinct neighbours evaluated (checked; counted and costed when they fit) over all climbs; null: as many as
/// the search's samples, so that refinement evaluates at most as many mappings as sampling drew.</param>
public sealed record NestRefinement(int Starts = 16, long? Budget = null)
{
    /// <summary>The mapper's default: 16 climbs, as many neighbours as samples at most.</summary>
    public static NestRefinement Default { get; } = new();

    /// <summary>Sampling alone.</summary>
    public static NestRefinement None { get; } = new(0, 0);

    public int Starts { get; } = Starts >= 0 ? Starts : throw new ArgumentOutOfRangeException(nameof(Starts), Starts, "must be at least 0");

    public long? Budget { get; } = Budget is not < 0 ? Budget : throw new ArgumentOutOfRangeException(nameof(Budget), Budget, "must be at least 0");
}

/// <summary>The hill climb of <see cref="NestRefinement"/> over one search's problem, architecture, constraints and cost.</summary>
internal sealed class NestHillClimb(NestProblem problem, NestArchitecture arch, IReadOnlyList<NestLevelConstraint> constraints,
    IReadOnlyDictionary<NestDim, List<(int Level, NestAxis? Axis)>> slots, Func<NestCounts, double> cost, long budget)
{
    private const int Dims = NestProblem.DimCount;

    /// <summary>Neighbours evaluated so far (over all climbs; each distinct neighbour once).</summary>
    public long Tried { get; private set; }

    /// <summary>Of those, the ones that fit.</summary>
    public long Valid { get; private set; }

    /// <summary>Steps taken (improvements accepted) over all climbs.</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// One level's loops in the climb's form: temporal loops outermost first (bounds above 1, one per dimension) and the spatial
    /// bounds per dimension on X and Y (1: no loop).
    /// </summary>
    private sealed record Level(NestLoop[] Temporal, int[] X, int[] Y)
    {
        public Level Copy() => new([.. Temporal], [.. X], [.. Y]);
    }

    /// <summary>
    /// <paramref name="mapping"/> in the climb's form, or null when it has two loops of a dimension in one slot of a level (a given
    /// candidate may), which the moves cannot take apart. Loops with bound 1 are dropped: they step nothing.
    /// </summary>
    private static Level[]? Form(NestMapping mapping)
    {
        var levels = new Level[mapping.Levels.Length];
        for (var l = 0; l < levels.Length; l++)
        {
            var temporal = mapping.Levels[l].Temporal.Where(x => x.Bound > 1).ToArray();
            if (temporal.Select(x => x.Dim).Distinct().Count() != temporal.Length)
                return null;
            var (x, y) = (Ones(), Ones());
            foreach (var loop in mapping.Levels[l].Spatial.Where(s => s.Bound > 1))
            {
                var axis = loop.Axis == NestAxis.X ? x : y;
                if (axis[(int)loop.Dim] > 1)
                    return null;
                axis[(int)loop.Dim] = loop.Bound;
            }
            levels[l] = new Level(temporal, x, y);
        }
        return levels;
    }

    private static int[] Ones() => [.. Enumerable.Repeat(1, Dims)];

    private static NestMapping Mapping(Level[] levels) => new([.. levels.Select(l => NestLevelLoops.Of(l.Temporal,
        Enumerable.Range(0, Dims).Where(d => l.X[d] > 1).Select(d => new NestLoop((NestDim)d, l.X[d], NestAxis.X))
            .Concat(Enumerable.Range(0, Dims).Where(d => l.Y[d] > 1).Select(d => new NestLoop((NestDim)d, l.Y[d], NestAxis.Y)))))]);

    // Every neighbour evaluated, by Key: its cost, or +infinity when it does not fit. Climbs from different starts meet the same
    // mappings; each is evaluated once.
    private readonly Dictionary<string, double> _costs = [];

    // Every mapping a climb has stood on. A climb that steps onto one follows an earlier climb's path from there (the climb is
    // deterministic), which has already been compared: it stops.
    private readonly HashSet<string> _visited = [];

    /// <summary>
    /// Climbs from <paramref name="start"/> (whose cost is <paramref name="startCost"/>) until no neighbour improves, the climb
    /// joins an earlier one's path, or the budget is spent. Returns where it ended, counted and costed, or null when it did not
    /// move (the start is not in the climb's form, was climbed from before, or is a local minimum).
    /// </summary>
    public NestPick? Climb(NestMapping start, double startCost)
    {
        var form = Form(start);
        if (form is null || !_visited.Add(Key(form)))
            return null;
        _costs.TryAdd(Key(form), startCost);
        var (current, currentCost) = (form, startCost);
        while (Tried < budget)
        {
            Level[]? best = null;
            var bestCost = currentCost;
            foreach (var neighbour in Neighbours(current))
            {
                var key = Key(neighbour);
                if (!_costs.TryGetValue(key, out var c))
                {
                    if (Tried >= budget)
                        break;
                    Tried++;
                    var mapping = Mapping(neighbour);
                    if (mapping.Unfit(problem, arch) is null)
                    {
                        Valid++;
                        c = cost(NestAnalysis.CountFitting(problem, arch, mapping));
                    }
                    else
                        c = double.PositiveInfinity;
                    _costs.Add(key, c);
                }
                if (c < bestCost)
                    (best, bestCost) = (neighbour, c);
            }
            if (best is null)
                break;
            (current, currentCost) = (best, bestCost);
            Steps++;
            if (!_visited.Add(Key(best)))
                break;
        }
        if (current == form)
            return null;
        var end = Mapping(current);
        var counts = NestAnalysis.CountFitting(problem, arch, end); // evaluated as a neighbour: it fits
        return new NestPick(end, counts, cost(counts), 0, 0);
    }

    // A mapping in the climb's form as text: equal for equal forms.
    private static string Key(Level[] form)
    {
        var key = new System.Text.StringBuilder(128);
        foreach (var level in form)
        {
            foreach (var loop in level.Temporal)
                key.Append((int)loop.Dim).Append(':').Append(loop.Bound).Append(',');
            key.Append('|');
            foreach (var b in level.X)
                key.Append(b).Append(',');
            key.Append('|');
            foreach (var b in level.Y)
                key.Append(b).Append(',');
            key.Append('/');
        }
        return key.ToString();
    }

    // The neighbours in a fixed order: factor moves (source level, then temporal loops outermost first, then X and Y in dimension
    // order; primes ascending; targets in slot order; positions outermost first), then swaps (level, then position).
    private IEnumerable<Level[]> Neighbours(Level[] form)
    {
        for (var l = 0; l < form.Length; l++)
        {
            var level = form[l];
            for (var i = 0; i < level.Temporal.Length; i++)
                foreach (var n in Moves(form, l, null, level.Temporal[i].Dim, level.Temporal[i].Bound))
                    yield return n;
            foreach (var axis in (NestAxis[])[NestAxis.X, NestAxis.Y])
                for (var d = 0; d < Dims; d++)
                {
                    var bound = axis == NestAxis.X ? level.X[d] : level.Y[d];
                    if (bound > 1)
                        foreach (var n in Moves(form, l, axis, (NestDim)d, bound))
                            yield return n;
                }
        }
        for (var l = 0; l < form.Length; l++)
        {
            var t = form[l].Temporal;
            for (var i = 0; i + 1 < t.Length; i++)
            {
                // Outermost first, ranks may not increase: the two may swap only when their ranks are equal (both unlisted). Level 0's
                // G loop stays outermost (NestMapper.Sample says why).
                if (constraints[l].Rank(t[i].Dim) != constraints[l].Rank(t[i + 1].Dim) || (l == 0 && i == 0 && t[0].Dim == NestDim.G))
                    continue;
                var next = (Level[])form.Clone();
                next[l] = form[l].Copy();
                (next[l].Temporal[i], next[l].Temporal[i + 1]) = (t[i + 1], t[i]);
                yield return next;
            }
        }
    }

    // Every move of one prime factor of dim's bound in slot (level, axis) to another slot of dim.
    private IEnumerable<Level[]> Moves(Level[] form, int level, NestAxis? axis, NestDim dim, int bound)
    {
        foreach (var p in Factors(bound))
            foreach (var (toLevel, toAxis) in slots[dim])
            {
                if (toLevel == level && toAxis == axis)
                    continue;
                var next = (Level[])form.Clone();
                next[level] = Reduced(form[level], axis, dim, p);
                if (toLevel != level)
                    next[toLevel] = form[toLevel].Copy();
                if (toAxis is { } a)
                {
                    var bounds = a == NestAxis.X ? next[toLevel].X : next[toLevel].Y;
                    bounds[(int)dim] *= p;
                    long used = 1;
                    foreach (var b in bounds)
                        used *= b;
                    if (used <= (a == NestAxis.X ? arch.Levels[toLevel].FanoutX : arch.Levels[toLevel].FanoutY))
                        yield return next; // beyond the fan-out it could not fit: not worth a Unfit call or the budget
                    continue;
                }
                var t = next[toLevel].Temporal;
                var at = Array.FindIndex(t, x => x.Dim == dim);
                if (at >= 0)
                {
                    t[at] = t[at] with { Bound = t[at].Bound * p };
                    yield return next;
                    continue;
                }
                // A new loop: every position the permutation allows (outermost first, ranks may not increase); at level 0 a G loop
                // goes outermost and nothing goes outside one.
                var rank = constraints[toLevel].Rank(dim);
                var groupsFirst = toLevel == 0 && t.Length > 0 && t[0].Dim == NestDim.G;
                for (var pos = 0; pos <= t.Length; pos++)
                {
                    if (toLevel == 0 && ((dim == NestDim.G && pos > 0) || (groupsFirst && pos == 0)))
                        continue;
                    if (dim == NestDim.G && toLevel == 0)
                    {
                        var outermost = (Level[])next.Clone();
                        outermost[0] = next[0] with { Temporal = [new NestLoop(dim, p), .. t] };
                        yield return outermost;
                        continue;
                    }
                    if ((pos > 0 && constraints[toLevel].Rank(t[pos - 1].Dim) < rank) || (pos < t.Length && constraints[toLevel].Rank(t[pos].Dim) > rank))
                        continue;
                    var placed = (Level[])next.Clone();
                    placed[toLevel] = next[toLevel] with { Temporal = [.. t[..pos], new NestLoop(dim, p), .. t[pos..]] };
                    yield return placed;
                }
            }
    }

    // A copy of the level with dim's bound in the slot divided by p, dropping a temporal loop that reaches 1 (the others keep
    // their order, so the permutation still holds).
    private static Level Reduced(Level level, NestAxis? axis, NestDim dim, int p)
    {
        var copy = level.Copy();
        if (axis is { } a)
        {
            (a == NestAxis.X ? copy.X : copy.Y)[(int)dim] /= p;
            return copy;
        }
        var i = Array.FindIndex(copy.Temporal, x => x.Dim == dim);
        var rest = copy.Temporal[i].Bound / p;
        if (rest > 1)
        {
            copy.Temporal[i] = copy.Temporal[i] with { Bound = rest };
            return copy;
        }
        return copy with { Temporal = [.. copy.Temporal[..i], .. copy.Temporal[(i + 1)..]] };
    }

    // What a move may carry: each distinct prime of the bound, ascending, then the whole bound when it is not a prime (a loop
    // moved at once, which one-prime moves could reach only through worse mappings).
    private static IEnumerable<int> Factors(int bound)
    {
        var primes = NestMapper.Primes(bound).Distinct().ToList();
        return primes.Count == 1 && primes[0] == bound ? primes : primes.Append(bound);
    }
}
