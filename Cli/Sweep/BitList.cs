using System.Collections.Immutable;
using System.Globalization;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Cli.Sweep;

/// <summary>Bit-width lists as the sweep options write them: "1..8", "1,2,4", "1..4,8".</summary>
public static class BitList
{
    /// <summary>The widths in the order given, ranges expanded; each 1..32 and each once.</summary>
    public static ImmutableArray<int> Parse(string text, string option)
    {
        var widths = new List<int>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = raw.Split("..", StringSplitOptions.TrimEntries);
            if (range.Length > 2 || raw.Length == 0)
                throw new InputException($"'{text}' is not a list of bit-widths such as 1..8, 1,2,4 or 1..4,8", option);
            var first = Width(range[0], text, option);
            var last = range.Length == 2 ? Width(range[1], text, option) : first;
            if (last < first)
                throw new InputException($"the range {raw} runs backwards; write {last}..{first}", option);
            for (var b = first; b <= last; b++)
            {
                if (widths.Contains(b))
                    throw new InputException($"{b} bits appears twice in '{text}'", option);
                widths.Add(b);
            }
        }
        return [.. widths];
    }

    private static int Width(string part, string text, string option)
    {
        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
            throw new InputException($"'{text}' is not a list of bit-widths such as 1..8, 1,2,4 or 1..4,8", option);
        return bits is >= 1 and <= NumberFormat.MaxIntegerBits ? bits
            : throw new InputException($"bit-widths are 1 to {NumberFormat.MaxIntegerBits}, got {bits}", option);
    }
}
