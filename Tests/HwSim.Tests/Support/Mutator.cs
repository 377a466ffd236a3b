using System.Text;

namespace HwSim.Tests.Support;

/// <summary>
/// Seeded mutations of valid input files, for fuzzing the readers: a corpus generated from files
/// that read correctly, each case one to three edits of the kinds that break readers (extreme
/// numbers, lost or repeated lines, stray bytes, truncation, swapped tokens, deep nesting).
/// The same seed gives the same corpus, so a failure is reproducible from its case number.
/// </summary>
internal sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    // Values at the edges of what readers parse: int and long limits and just beyond, float
    // limits and non-finite spellings, signs, empty, other radixes and separators.
    private static readonly string[] Extremes =
    [
        "0", "-1", "1", "2147483647", "2147483648", "-2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "99999999999999999999999", "1e308", "1e309", "-1e308", "1e-320", "NaN", "nan", "inf", "-inf",
        "Infinity", "-0", "0x10", "1,5", "1.5", "", " ", "\"", "\"\"", "yes", "~", "null", "true", "[]", "{}", "x", "1_000",
        "65536", "16777216", "1073741824", "3.4e38",
    ];

    private static readonly string[] Stray = ["\0", "\r", "\n", "\"", ",", ":", "[", "{", "]", "}", "!", "&a", "*a", "#", "- ", "\t", "\uFFFD", "é", "\u0085", "---\n", "? ", "|", ">"];

    public string Mutate(string text)
    {
        var edits = 1 + _random.Next(3);
        for (var i = 0; i < edits; i++)
            text = _random.Next(9) switch
            {
                0 or 1 => ReplaceNumber(text),
                2 => DeleteLine(text),
                3 => DuplicateLine(text),
                4 => Insert(text, Stray[_random.Next(Stray.Length)]),
                5 => text.Length == 0 ? text : text[.._random.Next(text.Length)],
                6 => SwapTokens(text),
                7 => Insert(text, Extremes[_random.Next(Extremes.Length)]),
                _ => Insert(text, _random.Next(2) == 0 ? new string('[', 50 + _random.Next(2000)) : new string('a', 1 + _random.Next(5000))),
            };
        return text;
    }

    public byte[] Mutate(byte[] bytes)
    {
        var result = bytes.ToList();
        var edits = 1 + _random.Next(4);
        for (var i = 0; i < edits && result.Count > 0; i++)
        {
            var at = _random.Next(result.Count);
            switch (_random.Next(5))
            {
                case 0: result[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1: result[at] = (byte)_random.Next(256); break;
                case 2: result.RemoveRange(at, Math.Min(result.Count - at, 1 + _random.Next(16))); break;
                case 3: result.InsertRange(at, Enumerable.Range(0, 1 + _random.Next(8)).Select(_ => (byte)_random.Next(256))); break;
                default: result.RemoveRange(at, result.Count - at); break;
            }
        }
        return [.. result];
    }

    public int Next(int max) => _random.Next(max);

    private string ReplaceNumber(string text)
    {
        var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?([eE][-+]?\d+)?");
        if (numbers.Count == 0)
            return Insert(text, Extremes[_random.Next(Extremes.Length)]);
        var m = numbers[_random.Next(numbers.Count)];
        return text[..m.Index] + Extremes[_random.Next(Extremes.Length)] + text[(m.Index + m.Length)..];
    }

    private string DeleteLine(string text)
    {
        var lines = text.Split('\n').ToList();
        lines.RemoveAt(_random.Next(lines.Count));
        return string.Join('\n', lines);
    }

    private string DuplicateLine(string text)
    {
        var lines = text.Split('\n').ToList();
        var at = _random.Next(lines.Count);
        lines.Insert(_random.Next(lines.Count + 1), lines[at]);
        return string.Join('\n', lines);
    }

    private string SwapTokens(string text)
    {
        var tokens = System.Text.RegularExpressions.Regex.Matches(text, @"[A-Za-z_0-9.\-]+");
        if (tokens.Count < 2)
            return text;
        var a = tokens[_random.Next(tokens.Count)];
        var b = tokens[_random.Next(tokens.Count)];
        return text[..a.Index] + b.Value + text[(a.Index + a.Length)..];
    }

    private string Insert(string text, string what)
    {
        var at = _random.Next(text.Length + 1);
        return new StringBuilder(text).Insert(at, what).ToString();
    }
}
