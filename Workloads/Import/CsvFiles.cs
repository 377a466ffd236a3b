using System.Globalization;
using CsvHelper;

namespace HwSim.Workloads.Import;

/// <summary>
/// Small pieces shared by every CSV reader of HwSim (workloads, energy and area tables): opening
/// files with user-facing errors, records with line numbers, checked numbers.
/// </summary>
public static class CsvFiles
{
    public static TextReader OpenText(string path) => InputFiles.OpenText(path);

    /// <summary>
    /// The records of a CSV text with their 1-based line numbers; blank lines skipped, fields
    /// trimmed, RFC 4180 quoting. With <paramref name="comments"/>, lines starting with '#' are skipped.
    /// </summary>
    public static IEnumerable<(long Line, string[] Fields)> Records(TextReader text, string file, bool comments = false)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            SkipEmptyLines = true,
            TrimWhitespace = true,
            CommentPrefix = comments ? '#' : null,
            TrackLineNumbers = true,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var reader = CsvReader.Create(text, options, leaveOpen: true);
        while (true)
        {
            string[] fields;
            try
            {
                if (!reader.Read())
                    yield break;
                fields = reader.Current.ToArray();
            }
            catch (CsvFormatException e)
            {
                throw new InputException($"malformed CSV: {e.Message}", file: file, location: $"line {e.LineNumber}");
            }
            yield return (reader.LineNumber, fields);
        }
    }

    public static int PositiveInt(string text, string field)
    {
        var value = Int(text, field);
        return value >= 1 ? value : throw new InputException($"must be at least 1, got {value}", field);
    }

    public static int NonNegativeInt(string text, string field)
    {
        var value = Int(text, field);
        return value >= 0 ? value : throw new InputException($"must be 0 or more, got {value}", field);
    }

    public static int Int(string text, string field)
    {
        var t = text.Trim();
        if (t.Length == 0)
            throw new InputException("is empty; expected a whole number", field);
        if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new InputException($"'{t}' is not a whole number", field);
        return value;
    }

    public static long Long(string text, string field)
    {
        var t = text.Trim();
        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new InputException($"'{t}' is not a whole number", field);
        return value;
    }

    public static double? OptionalDouble(string text, string field)
    {
        var t = text.Trim();
        if (t.Length == 0)
            return null;
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new InputException($"'{t}' is not a number", field);
        return value;
    }

    /// <summary>true or false (empty is false); yes/no, 1/0 and the like are refused so that a file reads one way only.</summary>
    public static bool Bool(string text, string field) => text.Trim().ToLowerInvariant() switch
    {
        "" or "false" => false,
        "true" => true,
        var t => throw new InputException($"'{t}' is not true or false", field),
    };
}
