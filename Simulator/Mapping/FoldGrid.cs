namespace HwSim.Simulator.Mapping;

/// <summary>The GEMM dimensions an array maps onto its rows, its columns, and time.</summary>
public enum GemmDim
{
    M,
    K,
    N,
}

/// <summary>
/// How a unit lays a group GEMM on its array: one GEMM dimension on the rows, one on the
/// columns, the third in time. Folds are ceil(Sr/rows) x ceil(Sc/cols) per group, column fold
/// outermost (SCALE-Sim's order), groups one after another. When a fold's operands do not fit
/// on chip, the time dimension is cut into chunks of <see cref="TimeChunk"/> (innermost, so the
/// chunks of one output tile run back to back); chunks of K are partial reductions.
/// </summary>
public sealed record FoldGrid(GemmDim OnRows, GemmDim OnCols, int ArrayRows, int ArrayCols)
{
    /// <summary>Longest stretch of the time dimension one fold covers (no limit by default).</summary>
    public long TimeChunk { get; init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TimeChunk), value, "at least 1"); } = long.MaxValue;

    /// <summary>
    /// Extent of the row dimension one PE row holds: 1 for every kind but Bit Fusion, whose fusion
    /// units each take several reduction terms per cycle. <see cref="ArrayRows"/> is an extent (PE
    /// rows x this); a fold's <see cref="Fold.Rows"/> are the PE rows it occupies, ceil(extent / this).
    /// </summary>
    public int TermsPerRow { get; init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TermsPerRow), value, "at least 1"); } = 1;

    public GemmDim InTime => (GemmDim)(3 - (int)OnRows - (int)OnCols);

    public static long Extent(GemmProblem p, GemmDim d) => d switch
    {
        GemmDim.M => p.M,
        GemmDim.K => p.K,
        _ => p.N,
    };

    public long RowFolds(GemmProblem p) => Ceil(Extent(p, OnRows), ArrayRows);

    public long ColFolds(GemmProblem p) => Ceil(Extent(p, OnCols), ArrayCols);

    public long TimeFolds(GemmProblem p) => Ceil(Extent(p, InTime), Math.Min(TimeChunk, Math.Max(1, Extent(p, InTime))));

    /// <summary>Folds over all groups.</summary>
    public long FoldCount(GemmProblem p) => RowFolds(p) * ColFolds(p) * TimeFolds(p) * p.Groups;

    /// <summary>Folds of one group (every group has the same).</summary>
    public long FoldsPerGroup(GemmProblem p) => RowFolds(p) * ColFolds(p) * TimeFolds(p);

    /// <summary>Every fold in execution order.</summary>
    public IEnumerable<Fold> Folds(GemmProblem p) => Folds(p, 0, p.Groups);

    /// <summary>The folds of groups <paramref name="fromGroup"/> to <paramref name="toGroup"/> - 1, in execution order.</summary>
    public IEnumerable<Fold> Folds(GemmProblem p, int fromGroup, int toGroup)
    {
        var sr = Extent(p, OnRows);
        var sc = Extent(p, OnCols);
        var st = Extent(p, InTime);
        var rowFolds = RowFolds(p);
        var colFolds = ColFolds(p);
        var chunk = Math.Min(TimeChunk, st);
        for (var g = fromGroup; g < Math.Min(toGroup, p.Groups); g++)
            for (var j = 0L; j < colFolds; j++)
                for (var i = 0L; i < rowFolds; i++)
                    for (var t = 0L; t < st; t += chunk)
                    {
                        var rows = new Span(i * ArrayRows, Math.Min(sr, (i + 1) * ArrayRows));
                        var cols = new Span(j * ArrayCols, Math.Min(sc, (j + 1) * ArrayCols));
                        var time = new Span(t, Math.Min(st, t + chunk));
                        yield return new Fold(g, (int)i, (int)j,
                            Pick(GemmDim.M, rows, cols, time), Pick(GemmDim.K, rows, cols, time), Pick(GemmDim.N, rows, cols, time),
                            (int)((rows.Length + TermsPerRow - 1) / TermsPerRow), (int)cols.Length);
                    }
    }

    /// <summary>Temporal length of a fold (the dimension not laid on the array).</summary>
    public long Time(Fold f) => InTime switch
    {
        GemmDim.M => f.M.Length,
        GemmDim.K => f.K.Length,
        _ => f.N.Length,
    };

    private Span Pick(GemmDim d, Span rows, Span cols, Span time) => d == OnRows ? rows : d == OnCols ? cols : time;

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
