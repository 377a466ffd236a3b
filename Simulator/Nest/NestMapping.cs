using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>The two axes of a level's fan-out.</summary>
public enum NestAxis
{
    X,
    Y,
}

/// <summary>One loop: a dimension and its bound; spatial loops also say their axis.</summary>
public sealed record NestLoop(NestDim Dim, int Bound, NestAxis? Axis = null)
{
    public bool Spatial => Axis is not null;

    public override string ToString() => Spatial ? $"{Dim}{Bound} ({Axis})" : $"{Dim}{Bound}";
}

/// <summary>One level's loops: its temporal loops (outermost first), then its spatial loops (fanning out to the next level).</summary>
public sealed record NestLevelLoops(ImmutableArray<NestLoop> Temporal, ImmutableArray<NestLoop> Spatial)
{
    public static NestLevelLoops Of(IEnumerable<NestLoop> temporal, IEnumerable<NestLoop>? spatial = null) =>
        new([.. temporal], [.. spatial ?? []]);
}

/// <summary>
/// A mapping: each level's temporal and spatial loops (Simulator/Nest/README.md). The loops in global order,
/// outermost first, are level 0's temporal then spatial loops, level 1's temporal then spatial, and so on.
/// </summary>
public sealed record NestMapping(ImmutableArray<NestLevelLoops> Levels)
{
    /// <summary>Every loop in global order, with its level.</summary>
    public IEnumerable<(NestLoop Loop, int Level)> Loops()
    {
        for (var l = 0; l < Levels.Length; l++)
        {
            foreach (var loop in Levels[l].Temporal)
                yield return (loop, l);
            foreach (var loop in Levels[l].Spatial)
                yield return (loop, l);
        }
    }

    /// <summary>Why the mapping does not fit the problem and architecture (the first rule broken), or null when it does.</summary>
    /// <remarks>
    /// The mapper calls this on every sample (tens of thousands per search), so it walks the loops with plain loops and takes
    /// every level's tile extents, and the bounds' full products, from one <see cref="Extents"/> table.
    /// </remarks>
    public string? Unfit(NestProblem problem, NestArchitecture arch)
    {
        if (Levels.Length != arch.Levels.Length)
            return $"the mapping has {Levels.Length} levels, the architecture {arch.Levels.Length}";
        for (var l = 0; l < Levels.Length; l++)
        {
            var (temporal, spatial) = (Levels[l].Temporal, Levels[l].Spatial);
            foreach (var x in temporal)
                if (x.Spatial)
                    return $"level {arch.Levels[l].Name}: temporal loop {x} has an axis";
            foreach (var x in spatial)
                if (!x.Spatial)
                    return $"level {arch.Levels[l].Name}: spatial loop {x} has no axis";
            foreach (var x in temporal)
                if (x.Bound < 1)
                    return $"level {arch.Levels[l].Name}: loop {x} has a bound below 1";
            foreach (var x in spatial)
                if (x.Bound < 1)
                    return $"level {arch.Levels[l].Name}: loop {x} has a bound below 1";
            foreach (var axis in (ReadOnlySpan<NestAxis>)[NestAxis.X, NestAxis.Y])
            {
                var used = 1L;
                foreach (var x in spatial)
                    if (x.Axis == axis)
                        used *= x.Bound;
                var fanout = axis == NestAxis.X ? arch.Levels[l].FanoutX : arch.Levels[l].FanoutY;
                if (used > fanout)
                    return $"level {arch.Levels[l].Name}: spatial loops on {axis} need {used} instances, its fan-out has {fanout}";
            }
        }
        long[,] extents;
        try
        {
            extents = Extents();
        }
        catch (OverflowException)
        {
            return "the loop bounds multiply beyond 2^63";
        }
        foreach (var dim in Enum.GetValues<NestDim>())
            if (extents[0, (int)dim] != problem.Size(dim))
                return $"the bounds of {dim} multiply to {extents[0, (int)dim]}, the problem has {dim} = {problem.Size(dim)}";
        for (var l = 1; l < Levels.Length; l++)
            if (arch.Levels[l].CapacityWords is { } capacity)
            {
                var need = 0L;
                foreach (var t in arch.Levels[l].Keeps)
                    need = checked(need + TileWords(problem, t, extents, l));
                if (need > capacity)
                    return $"level {arch.Levels[l].Name}: its tiles need {need} words ({string.Join(" + ", arch.Levels[l].Keeps.OrderBy(t => t).Select(t => $"{t} {TileWords(problem, t, extents, l)}"))}), it holds {capacity}";
            }
        return null;
    }

    private const int Dims = NestProblem.DimCount;

    /// <summary>Extent of <paramref name="dim"/> inside level <paramref name="level"/>'s tiles: the product of its bounds at that level and below.</summary>
    public long Extent(NestDim dim, int level) => Extents()[level, (int)dim];

    /// <summary>
    /// Every level's extents in one pass from the inside: [level, dimension] is the product of the dimension's bounds at that level
    /// and below (row 0 the whole product, which a fitting mapping makes the problem's size); row <c>Levels.Length</c> is all 1.
    /// </summary>
    internal long[,] Extents()
    {
        var extents = new long[Levels.Length + 1, Dims];
        for (var d = 0; d < Dims; d++)
            extents[Levels.Length, d] = 1;
        for (var l = Levels.Length - 1; l >= 0; l--)
        {
            for (var d = 0; d < Dims; d++)
                extents[l, d] = extents[l + 1, d];
            foreach (var x in Levels[l].Temporal)
                extents[l, (int)x.Dim] = checked(extents[l, (int)x.Dim] * x.Bound);
            foreach (var x in Levels[l].Spatial)
                extents[l, (int)x.Dim] = checked(extents[l, (int)x.Dim] * x.Bound);
        }
        return extents;
    }

    /// <summary>
    /// Elements of one instance's tile of <paramref name="tensor"/> at <paramref name="level"/> (every tile of a level
    /// has this size: input rows {p·HStride + r·DilationH} are as many wherever the ranges of p and r start). A bit-serial problem's
    /// input elements are bits: values times the tile's extent of B.
    /// </summary>
    public long TileElements(NestProblem problem, NestTensor tensor, int level) => TileElements(problem, tensor, Extents(), level);

    /// <summary>
    /// Words one instance's tile of <paramref name="tensor"/> at <paramref name="level"/> occupies, what a level's capacity must hold:
    /// its elements, except that a bit-serial problem's input tile (B above 1, elements are bits) packs its bits into words of B
    /// bits, ceil(bits / B) (a tile holding every bit of its values needs one word per value).
    /// </summary>
    public long TileWords(NestProblem problem, NestTensor tensor, int level) => TileWords(problem, tensor, Extents(), level);

    private static long TileWords(NestProblem problem, NestTensor tensor, long[,] extents, int level)
    {
        var elements = TileElements(problem, tensor, extents, level);
        // Packed as the pricing reads them (CostModel/Nest/NestEnergy.cs: a bit costs 1 / RowBits of a row): a row holds bits of several
        // values side by side, bit-plane style, so bits of a tile that keeps only some planes of its values take no more room than they are.
        return tensor == NestTensor.Inputs && problem.Bits > 1 ? (elements + problem.Bits - 1) / problem.Bits : elements;
    }

    /// <summary>As the public overload, from a table of <see cref="Extents"/>.</summary>
    private static long TileElements(NestProblem problem, NestTensor tensor, long[,] extents, int level)
    {
        long E(NestDim d) => extents[level, (int)d];
        return tensor switch
        {
            NestTensor.Weights => checked(E(NestDim.G) * E(NestDim.M) * E(NestDim.C) * E(NestDim.R) * E(NestDim.S)),
            NestTensor.Inputs => checked(E(NestDim.N) * E(NestDim.G) * E(NestDim.C) * Rows(E(NestDim.P), E(NestDim.R), problem.HStride, problem.DilationH) *
                Rows(E(NestDim.Q), E(NestDim.S), problem.WStride, problem.DilationW) * E(NestDim.B)),
            _ => checked(E(NestDim.N) * E(NestDim.G) * E(NestDim.M) * E(NestDim.P) * E(NestDim.Q)),
        };
    }

    /// <summary>
    /// |{p·stride + r·dilation : 0 ≤ p &lt; outputs, 0 ≤ r &lt; kernel}|, the input rows (or columns) of a tile, in closed form
    /// (the mapper asks for it on every sample).
    /// </summary>
    /// <remarks>
    /// With g = gcd(stride, dilation), a = stride / g and b = dilation / g coprime, p·a + r·b = p'·a + r'·b exactly when
    /// p' = p + k·b and r' = r − k·a for an integer k. So the pairs giving one row form a chain (p, r), (p + b, r − a), ... over
    /// consecutive k, and the rows are the pairs minus those with a next link in the chain: p + b &lt; outputs and r ≥ a, that is
    /// (outputs − b)+ · (kernel − a)+ pairs. Dilation 1 gives (outputs − 1)·stride + kernel when kernel ≥ stride, else
    /// outputs·kernel, the dense window's rows.
    /// </remarks>
    internal static long Rows(long outputs, long kernel, int stride, int dilation)
    {
        var g = Gcd(stride, dilation);
        var (a, b) = (stride / g, dilation / g);
        return checked(outputs * kernel - Math.Max(0, outputs - b) * Math.Max(0, kernel - a));
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>
    /// This mapping with the groups run one after another: when it has no G loop above 1 and <paramref name="groups"/> is above 1, a
    /// temporal loop G<paramref name="groups"/> is put outermost at level 0 (README, Groups: what a layer gets when nothing places its
    /// groups, the way an accelerator without group support runs a grouped layer, each group a convolution of its own). A mapping
    /// that places G already, or a dense problem's, is returned as it is.
    /// </summary>
    public NestMapping WithGroupsOutermost(int groups)
    {
        if (groups <= 1 || Levels.Length == 0 || Loops().Any(x => x.Loop.Dim == NestDim.G && x.Loop.Bound > 1))
            return this;
        var top = Levels[0];
        return new NestMapping(Levels.SetItem(0, top with { Temporal = top.Temporal.Insert(0, new NestLoop(NestDim.G, groups)) }));
    }

    /// <summary>Timeloop-style printout: one line per loop, level by level (G loops among them, where the mapping puts them).</summary>
    public string Describe(NestArchitecture arch)
    {
        var lines = new List<string>();
        var depth = 0;
        for (var l = 0; l < Levels.Length; l++)
        {
            lines.Add($"{new string(' ', 2 * depth)}{arch.Levels[l].Name} [{string.Join(", ", arch.Levels[l].Keeps.OrderBy(t => t))}]");
            foreach (var loop in Levels[l].Temporal.Concat(Levels[l].Spatial))
            {
                depth++;
                lines.Add($"{new string(' ', 2 * depth)}for {loop.Dim} in [0:{loop.Bound}){Note(loop)}");
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// What a B or G loop is in hardware, or null for the others. B temporal: input bits one after another (bit-serial, as Stripes'
    /// PEs); B spatial: bit-planes side by side on PEs whose shifted products the network reduces (a bit-plane array). G temporal:
    /// groups one after another; G spatial: groups side by side, each PE (or child buffer) on its own group's weights, inputs and outputs.
    /// </summary>
    public static string? Kind(NestLoop loop) => (loop.Dim, loop.Spatial) switch
    {
        (NestDim.B, true) => "input bit-planes side by side",
        (NestDim.B, false) => "input bits, serial",
        (NestDim.G, true) => "groups side by side",
        (NestDim.G, false) => "groups, one after another",
        _ => null,
    };

    private static string Note(NestLoop loop) => (loop.Spatial, Kind(loop)) switch
    {
        (true, { } kind) => $" (spatial {loop.Axis}, {kind})",
        (true, null) => $" (spatial {loop.Axis})",
        (false, { } kind) => $" ({kind})",
        _ => "",
    };
}
