using System.Collections.Immutable;
using System.Globalization;
using HwSim.Workloads;

namespace HwSim.Analyses.Datapaths;

/// <summary>
/// The inner layers' weight and activation bits of one column of the datapath study, written
/// W<i>w</i>A<i>a</i> as in the low-precision literature; 1 bit is binary ±1 for both operands,
/// wider weights signed and wider activations unsigned (<see cref="Workloads.Precision.PrecisionPolicy.FromBits"/>).
/// </summary>
public sealed record DatapathPrecision(int WeightBits, int InputBits)
{
    /// <summary>The widths issue 14 compares: W{1,2,4,8} x A{1,2,4,8}.</summary>
    public static ImmutableArray<DatapathPrecision> Default { get; } =
        [.. from w in new[] { 1, 2, 4, 8 } from a in new[] { 1, 2, 4, 8 } select new DatapathPrecision(w, a)];

    public string Label => $"W{WeightBits}A{InputBits}";

    public override string ToString() => Label;

    /// <summary>Parses "W2A4" (case-insensitive); bits 1 to 16, the widest any preset's unit takes.</summary>
    public static DatapathPrecision Parse(string text, string field = "precision")
    {
        var t = text.Trim().ToUpperInvariant();
        var a = t.IndexOf('A');
        if (t.Length < 4 || t[0] != 'W' || a < 2
            || !int.TryParse(t.AsSpan(1, a - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            || !int.TryParse(t.AsSpan(a + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            throw new InputException($"must be W<bits>A<bits> such as W2A4, got '{text}'", field);
        if (w is < 1 or > 16 || i is < 1 or > 16)
            throw new InputException($"bits must be 1 to 16, got '{text}'", field);
        return new DatapathPrecision(w, i);
    }

    /// <summary>Parses a comma-separated list, refusing repeats (each would be a duplicate column).</summary>
    public static ImmutableArray<DatapathPrecision> ParseList(string text, string field = "precisions")
    {
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => Parse(p, field)).ToImmutableArray();
        if (list.IsEmpty)
            throw new InputException($"give at least one precision such as W1A1,W2A2, got '{text}'", field);
        var repeat = list.GroupBy(p => p).FirstOrDefault(g => g.Count() > 1);
        if (repeat is not null)
            throw new InputException($"{repeat.Key} is given twice", field);
        return list;
    }
}
