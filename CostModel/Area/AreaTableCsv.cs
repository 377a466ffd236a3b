using HwSim.Workloads.Import;
using System.Globalization;
using HwSim.CostModel.Quantities;
using HwSim.Workloads;

namespace HwSim.CostModel.Area;

/// <summary>
/// Reads the Area Reference Table's CSV schema, <c>component,bits_a,bits_b,area_um2,source</c>,
/// header first, '#' lines are comments. Every error names the file, the line and the field.
/// </summary>
internal static class AreaTableCsv
{
    /// <summary>
    /// The largest area one table row may give: 10^9 um^2 = 1000 mm^2, more than a whole
    /// reticle-limited die (about 858 mm^2); the built-in table's largest row, a 1 MB SRAM, is 0.43 mm^2.
    /// Larger values are unit mistakes and would overflow totals.
    /// </summary>
    public const double MaxAreaUm2 = 1e9;

    public static readonly string[] Columns = ["component", "bits_a", "bits_b", "area_um2", "source"];

    public static IReadOnlyList<(long Line, AreaRow Row)> Read(TextReader text, string file)
    {
        var rows = new List<(long, AreaRow)>();
        var seen = new Dictionary<(string, long, long), long>();
        var header = false;
        foreach (var (line, fields) in CsvFiles.Records(text, file, comments: true))
        {
            var location = $"line {line}";
            if (!header)
            {
                if (!fields.Select(f => f.ToLowerInvariant()).SequenceEqual(Columns))
                    throw new InputException($"the header must be {string.Join(",", Columns)}, got {string.Join(",", fields)}", file: file, location: location);
                header = true;
                continue;
            }
            if (fields.Length != Columns.Length)
                throw new InputException($"the row has {fields.Length} fields, expected {Columns.Length} ({string.Join(",", Columns)})", file: file, location: location);
            try
            {
                var row = Row(fields);
                if (seen.TryGetValue(row.Key, out var first))
                    throw new InputException($"{row.Component} {row.BitsA}/{row.BitsB} appears twice (first on line {first})", "component");
                seen.Add(row.Key, line);
                rows.Add((line, row));
            }
            catch (InputException e)
            {
                throw e.At(file, location);
            }
        }
        if (!header)
            throw new InputException($"no header line; expected {string.Join(",", Columns)}", file: file, location: "line 1");
        return rows;
    }

    private static AreaRow Row(string[] f)
    {
        var component = f[0].ToLowerInvariant();
        var bitsA = Long(f[1], "bits_a");
        var bitsB = Long(f[2], "bits_b");
        if (AreaComponents.Check(component, bitsA, bitsB) is var (rule, field))
            throw new InputException(rule, field);
        if (!double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var area) || !double.IsFinite(area))
            throw new InputException($"'{f[3]}' is not a number", "area_um2");
        if (area <= 0)
            throw new InputException($"must be positive, got {f[3]}", "area_um2");
        if (area > MaxAreaUm2)
            throw new InputException($"must be at most {MaxAreaUm2:0e0} um^2 (1000 mm^2, beyond the largest reticle-sized die) per part, got {f[3]}", "area_um2");
        if (f[4].Length == 0)
            throw new InputException("every number needs its source", "source");
        return new AreaRow(component, bitsA, bitsB, new AreaUm2(area), f[4]);
    }

    private static long Long(string text, string field) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InputException($"'{text}' is not a whole number of bits", field);

}
