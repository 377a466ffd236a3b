using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using HwSim.Workloads;
using HwSim.Workloads.Import;

namespace HwSim.CostModel.Memory;

/// <summary>CACTI's four figures for one SRAM: energy per access of one word, leakage and area of the whole array.</summary>
public sealed record SramFigures(double ReadPj, double WritePj, double LeakageMw, double AreaUm2);

/// <summary>One tabled CACTI run.</summary>
public sealed record SramGridPoint(long CapacityBytes, int WordBits, int Banks, SramFigures Figures);

/// <summary>A grid combination CACTI formed no array for, with CACTI's own message.</summary>
public sealed record SramSkippedPoint(long CapacityBytes, int WordBits, int Banks, string Reason);

/// <summary>
/// The answer to one query: the figures, or (when <see cref="Outside"/>) none and the reason; the
/// grid points the figures were interpolated from are listed either way (none when outside).
/// </summary>
public sealed record SramQuery(double CapacityBytes, int WordBits, int Banks, SramFigures? Figures, bool Outside, string? Reason,
    ImmutableArray<SramGridPoint> GridPoints);

/// <summary>
/// The CACTI 7 SRAM table at 45 nm (<c>Memory/Data/sram-cacti-45nm.csv</c>, embedded, written by
/// <c>Memory/Data/cacti/generate.py</c>): read and write energy per access, leakage and area over
/// capacity x word width x UCA banks, parsed and validated once. Between grid points a query
/// interpolates log-log in capacity (energy, leakage and area all follow power laws in capacity
/// far better than straight lines) and linearly in word width (per-access energy is an offset
/// for the decoder plus a cost per bit); the bank count must be a tabled one, since CACTI changes
/// the organisation with it and there is nothing sound to interpolate between 1 and 2 banks.
/// Anything outside the grid, or a cell with a corner CACTI could not form, is flagged, never
/// extrapolated.
/// </summary>
public sealed class SramTable
{
    private const string DefaultResource = "sram-cacti-45nm.csv";
    private const string Header = "capacity_bytes,word_bits,banks,status,read_pj,write_pj,leakage_mw,area_um2,access_ns,cycle_ns,reason";

    private static readonly Lazy<SramTable> BuiltIn = new(ReadDefault);

    private readonly Dictionary<(long, int, int), SramGridPoint> _points;
    private readonly Dictionary<(long, int, int), SramSkippedPoint> _skipped;

    private SramTable(string cactiCommit, string source, List<SramGridPoint> points, List<SramSkippedPoint> skipped)
    {
        CactiCommit = cactiCommit;
        Source = source;
        Points = [.. points];
        Skipped = [.. skipped];
        _points = points.ToDictionary(p => (p.CapacityBytes, p.WordBits, p.Banks));
        _skipped = skipped.ToDictionary(p => (p.CapacityBytes, p.WordBits, p.Banks));
        Capacities = [.. points.Select(p => p.CapacityBytes).Concat(skipped.Select(p => p.CapacityBytes)).Distinct().Order()];
        WordWidths = [.. points.Select(p => p.WordBits).Concat(skipped.Select(p => p.WordBits)).Distinct().Order()];
        BankCounts = [.. points.Select(p => p.Banks).Concat(skipped.Select(p => p.Banks)).Distinct().Order()];
        var grid = (long)Capacities.Length * WordWidths.Length * BankCounts.Length;
        if (grid != points.Count + skipped.Count)
            throw new InputException($"the table must give every capacity x width x banks combination once (ok or skipped): {points.Count + skipped.Count} rows for a {Capacities.Length} x {WordWidths.Length} x {BankCounts.Length} grid", file: source);
    }

    /// <summary>The built-in 45 nm table.</summary>
    public static SramTable Default => BuiltIn.Value;

    /// <summary>The CACTI commit the table was generated with (from its header).</summary>
    public string CactiCommit { get; }

    /// <summary>Where the table came from, for sources in output.</summary>
    public string Source { get; }

    /// <summary>The node the table was generated at; CACTI models the node itself, so this table serves no other.</summary>
    public static int Nanometres => 45;

    public ImmutableArray<SramGridPoint> Points { get; }

    public ImmutableArray<SramSkippedPoint> Skipped { get; }

    public ImmutableArray<long> Capacities { get; }

    public ImmutableArray<int> WordWidths { get; }

    public ImmutableArray<int> BankCounts { get; }

    /// <summary>Reads a table in the generator's format; errors name the file, line and field.</summary>
    public static SramTable Read(TextReader text, string file)
    {
        var all = text.ReadToEnd();
        string? commit = null;
        foreach (var line in all.Split('\n'))
        {
            const string Marker = "commit ";
            if (line.StartsWith("# CACTI:", StringComparison.Ordinal) && line.IndexOf(Marker, StringComparison.Ordinal) is var at and >= 0)
                commit = line[(at + Marker.Length)..].Split(' ', 2)[0].Trim();
        }
        if (commit is null || commit.Length != 40 || !commit.All(char.IsAsciiHexDigitLower))
            throw new InputException("the header must name the CACTI commit ('# CACTI: ... commit <40 hex digits>')", file: file, location: "header");

        using var records = CsvFiles.Records(new StringReader(all), file, comments: true).GetEnumerator();
        if (!records.MoveNext())
            throw new InputException($"no header line; expected {Header}", file: file, location: "line 1");
        if (string.Join(",", records.Current.Fields) != Header)
            throw new InputException($"the first line after the comments must be the header {Header}", file: file, location: $"line {records.Current.Line}");
        var points = new List<SramGridPoint>();
        var skipped = new List<SramSkippedPoint>();
        var seen = new HashSet<(long, int, int)>();
        while (records.MoveNext())
        {
            var (line, f) = records.Current;
            var location = $"line {line}";
            try
            {
                if (f.Length != 11)
                    throw new InputException($"the row has {f.Length} fields but the header has 11");
                var capacity = CsvFiles.Long(f[0], "capacity_bytes");
                var bits = CsvFiles.PositiveInt(f[1], "word_bits");
                var banks = CsvFiles.PositiveInt(f[2], "banks");
                if (capacity < 1)
                    throw new InputException($"must be at least 1, got {capacity}", "capacity_bytes");
                if (!seen.Add((capacity, bits, banks)))
                    throw new InputException($"{capacity} B x {bits} bits x {banks} banks appears twice", "capacity_bytes");
                switch (f[3])
                {
                    case "ok":
                        points.Add(new SramGridPoint(capacity, bits, banks,
                            new SramFigures(Positive(f[4], "read_pj"), Positive(f[5], "write_pj"), Positive(f[6], "leakage_mw"), Positive(f[7], "area_um2"))));
                        break;
                    case "skipped":
                        if (f[10].Length == 0)
                            throw new InputException("a skipped row must give CACTI's reason", "reason");
                        skipped.Add(new SramSkippedPoint(capacity, bits, banks, f[10]));
                        break;
                    default:
                        throw new InputException($"must be ok or skipped, got '{f[3]}'", "status");
                }
            }
            catch (InputException e)
            {
                throw e.At(file, location);
            }
        }
        if (points.Count == 0)
            throw new InputException("the table has no CACTI result", file: file);
        return new SramTable(commit, file, points, skipped);
    }

    /// <summary>
    /// The figures of an SRAM of <paramref name="capacityBytes"/> bytes read and written in words
    /// of <paramref name="wordBits"/> bits, in <paramref name="banks"/> banks: a grid point's row
    /// exactly, else interpolated in its cell, else flagged as outside the table.
    /// </summary>
    public SramQuery Query(double capacityBytes, int wordBits, int banks)
    {
        if (!double.IsFinite(capacityBytes) || capacityBytes <= 0)
            throw new InputException($"must be a positive number of bytes, got {capacityBytes.ToString(CultureInfo.InvariantCulture)}", "capacity");
        if (wordBits < 1)
            throw new InputException($"must be at least 1, got {wordBits}", "word bits");
        if (banks < 1)
            throw new InputException($"must be at least 1, got {banks}", "banks");

        SramQuery Outside(string reason) => new(capacityBytes, wordBits, banks, null, true, reason, []);

        if (!BankCounts.Contains(banks))
            return Outside($"{banks} banks is not tabled (tabled: {string.Join(", ", BankCounts)}); banks are not interpolated");
        if (capacityBytes < Capacities[0] || capacityBytes > Capacities[^1])
            return Outside($"capacity {Bytes(capacityBytes)} is outside the table's {Bytes(Capacities[0])} .. {Bytes(Capacities[^1])}");
        if (wordBits < WordWidths[0] || wordBits > WordWidths[^1])
            return Outside($"word width {wordBits} bits is outside the table's {WordWidths[0]} .. {WordWidths[^1]} bits");

        var (c0, c1) = Bracket(Capacities, capacityBytes);
        var (w0, w1) = Bracket(WordWidths, wordBits);
        var corners = new List<SramGridPoint>(4);
        foreach (var w in w0 == w1 ? [w0] : new[] { w0, w1 })
        {
            foreach (var c in c0 == c1 ? [c0] : new[] { c0, c1 })
            {
                if (_points.TryGetValue((c, w, banks), out var p))
                    corners.Add(p);
                else
                    return Outside($"CACTI formed no array at the grid point {Bytes(c)} x {w} bits x {banks} banks ({_skipped[(c, w, banks)].Reason})");
            }
        }

        var t = c0 == c1 ? 0.0 : (Math.Log(capacityBytes) - Math.Log(c0)) / (Math.Log(c1) - Math.Log(c0));
        var u = w0 == w1 ? 0.0 : (wordBits - (double)w0) / (w1 - w0);
        double Value(Func<SramFigures, double> of)
        {
            double AtWidth(int w)
            {
                var lo = of(_points[(c0, w, banks)].Figures);
                var hi = of(_points[(c1, w, banks)].Figures);
                return c0 == c1 ? lo : Math.Exp(Math.Log(lo) + t * (Math.Log(hi) - Math.Log(lo)));
            }
            var a = AtWidth(w0);
            return w0 == w1 ? a : a + u * (AtWidth(w1) - a);
        }
        var figures = new SramFigures(Value(f => f.ReadPj), Value(f => f.WritePj), Value(f => f.LeakageMw), Value(f => f.AreaUm2));
        return new SramQuery(capacityBytes, wordBits, banks, figures, false, null, [.. corners]);
    }

    private static (T Lo, T Hi) Bracket<T>(ImmutableArray<T> grid, double x) where T : struct, INumber<T>
    {
        for (var i = 0; i < grid.Length; i++)
        {
            var g = double.CreateChecked(grid[i]);
            if (g == x)
                return (grid[i], grid[i]);
            if (g > x)
                return (grid[i - 1], grid[i]);
        }
        throw new InvalidOperationException($"{x} is beyond the grid; the caller checks the range first");
    }

    private static string Bytes(double b) => b.ToString("#,0.###", CultureInfo.InvariantCulture) + " B";

    private static double Positive(string text, string field)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new InputException($"must be a number, got '{text}'", field);
        return v > 0 ? v : throw new InputException($"must be positive (the query interpolates in its logarithm), got {text}", field);
    }

    private static SramTable ReadDefault()
    {
        var assembly = typeof(SramTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(DefaultResource, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing");
        using var reader = new StreamReader(stream);
        return Read(reader, $"{DefaultResource} (built in)");
    }
}
