using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Analyses.Sweep;

/// <summary>The figures a sweep records for one point.</summary>
/// <param name="Cycles">Cycles of the layers that ran, one pass of the workload.</param>
/// <param name="LatencyMs">One pass of the workload (its batch; zoo networks have batch 1), milliseconds; null (an empty cell) for a nest design without clock_mhz.</param>
/// <param name="EnergyUj">Energy per inference, microjoules.</param>
/// <param name="TopsPerW">Efficiency, tera-operations per joule (a MAC is 2 operations).</param>
/// <param name="AreaMm2">Area of the units and SRAM buffers, mm^2.</param>
/// <param name="EdpJs">Energy-delay product of one pass, joule-seconds; null without a clock, as the latency.</param>
/// <param name="LayersNotRun">Layers no unit could run; they are not in the other figures.</param>
public sealed record PointResult(long Cycles, double? LatencyMs, double EnergyUj, double TopsPerW, double AreaMm2, double? EdpJs, int LayersNotRun)
{
    /// <summary>The first layer not run and why ("layer: reason"), for a note on standard error; not a CSV column.</summary>
    public string? FirstNotRun { get; init; }
}

/// <summary>A data row of a sweep CSV: its point id, its text exactly as written, and where it came from.</summary>
public sealed record SweepRow(long Id, string Line, int LineNumber = 0);

/// <summary>A sweep CSV read back: the identity line, the header and the rows in file order.</summary>
public sealed record SweepCsvFile(string Path, string Hash, long Points, string Header, ImmutableArray<SweepRow> Rows)
{
    /// <summary>The identity line the file starts with.</summary>
    public string Identity => SweepCsv.IdentityLine(Hash, Points);
}

/// <summary>
/// The sweep CSV: line 1 <c># hwsim-sweep v1 sweep=HASH points=N</c> (the sweep's identity, the same
/// in every shard), line 2 the header, then one row per point in point-id order. Numbers are
/// invariant culture; doubles are written shortest-round-trip, so a row read back is the same
/// number and rows computed on different machines or shards are byte-identical. Lines end with
/// '\n' on every platform. Readers skip the first line as a comment (pandas: <c>comment='#'</c>).
/// </summary>
public static class SweepCsv
{
    public const string Magic = "# hwsim-sweep v1";

    /// <summary>Result columns, after the parameters; units are in the names.</summary>
    public static readonly ImmutableArray<string> ResultColumns = ["cycles", "latency_ms", "energy_uj", "tops_per_w", "area_mm2", "edp_js", "layers_not_run"];

    public static string IdentityLine(string hash, long points) =>
        string.Create(CultureInfo.InvariantCulture, $"{Magic} sweep={hash} points={points}");

    public static string HeaderLine(SweepDefinition sweep) => string.Join(",", sweep.Header.Select(Quote));

    public static string Row(SweepDefinition sweep, SweepPoint point, PointResult r) =>
        string.Join(",", sweep.ParameterCells(point).Select(Quote).Concat(
        [
            r.Cycles.ToString(CultureInfo.InvariantCulture), r.LatencyMs is { } ms ? D(ms) : "", D(r.EnergyUj), D(r.TopsPerW), D(r.AreaMm2), r.EdpJs is { } edp ? D(edp) : "",
            r.LayersNotRun.ToString(CultureInfo.InvariantCulture),
        ]));

    /// <summary>Writes identity, header and <paramref name="rows"/> sorted by id.</summary>
    public static void Write(TextWriter writer, string identity, string header, IEnumerable<SweepRow> rows)
    {
        writer.Write(identity);
        writer.Write('\n');
        writer.Write(header);
        writer.Write('\n');
        foreach (var row in rows.OrderBy(r => r.Id))
        {
            writer.Write(row.Line);
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Reads a sweep CSV; <see cref="InputException"/>s name the file and line: not a sweep CSV, a
    /// row with the wrong number of fields, an id that is not a point of the sweep or appears twice.
    /// </summary>
    public static SweepCsvFile Read(string path)
    {
        // Files are written as UTF-8; File.ReadAllText detects that (and a BOM) itself.
        var lines = InputFiles.ReadAllText(path).Split('\n');
        for (var i = 0; i < lines.Length; i++)
            lines[i] = lines[i].TrimEnd('\r');
        var (hash, points) = ParseIdentity(lines[0], path);
        if (lines.Length < 2 || lines[1].Length == 0)
            throw new InputException("has no header line after the sweep identity", file: path, location: "line 2");
        var header = lines[1];
        var columns = Split(header).Count;
        var rows = ImmutableArray.CreateBuilder<SweepRow>();
        var seen = new Dictionary<long, int>();
        for (var i = 2; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
                continue;
            var number = i + 1;
            var fields = Split(line);
            var location = "line " + number.ToString(CultureInfo.InvariantCulture);
            if (fields.Count != columns)
                throw new InputException($"has {fields.Count} fields, the header has {columns} (a damaged or hand-edited row; delete it and run the sweep again to recompute it)", file: path, location: location);
            if (!long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id >= points)
                throw new InputException($"'{fields[0]}' is not a point id of this sweep (0 to {points - 1})", "point_id", path, location);
            if (seen.TryGetValue(id, out var first))
                throw new InputException($"point {id} appears twice (first on line {first})", "point_id", path, location);
            seen.Add(id, number);
            rows.Add(new SweepRow(id, line, number));
        }
        return new SweepCsvFile(path, hash, points, header, rows.ToImmutable());
    }

    private static (string Hash, long Points) ParseIdentity(string line, string path)
    {
        if (!line.StartsWith("# hwsim-sweep ", StringComparison.Ordinal))
            throw new InputException($"is not a sweep CSV written by a HwSim sweep (its first line is not '{Magic} sweep=... points=...')", file: path, location: "line 1");
        if (!line.StartsWith(Magic + " ", StringComparison.Ordinal))
            throw new InputException($"was written by a sweep format this HwSim does not read ('{line}'; this HwSim reads v1)", file: path, location: "line 1");
        string? hash = null;
        long? points = null;
        foreach (var part in line[Magic.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("sweep=", StringComparison.Ordinal))
                hash = part["sweep=".Length..];
            else if (part.StartsWith("points=", StringComparison.Ordinal) && long.TryParse(part["points=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                points = n;
        }
        return hash is { Length: > 0 } && points is > 0 ? (hash, points.Value)
            : throw new InputException($"the sweep identity line is damaged: '{line}'", file: path, location: "line 1");
    }

    /// <summary>The fields of one CSV line (RFC 4180 quoting).</summary>
    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>A cell quoted when it holds a comma, quote or line break (a network named after a file may).</summary>
    public static string Quote(string s) => CsvText.Field(s);

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
