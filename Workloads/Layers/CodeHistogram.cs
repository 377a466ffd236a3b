using System.Globalization;
using System.Numerics;
using HwSim.Workloads.Formats;

namespace HwSim.Workloads.Layers;

/// <summary>
/// How many of a tensor's integer codes fall in each bin 0..planes, exactly counted. Two measures
/// of a code are binned (<see cref="CodeMeasure"/>): its set bits, which a bit-serial PE that skips
/// zero bits processes one per cycle (Pragmatic), and its precision, the planes a PE that trims each
/// group to its largest value processes (Dynamic Stripes, Loom). The fast engine turns these into the
/// expected cycles of a group of lanes; the quantizer measures them on the real tensors.
/// </summary>
public sealed class CodeHistogram : IEquatable<CodeHistogram>
{
    private readonly long[] _counts;

    /// <summary>A histogram of <paramref name="counts"/>[b] codes in bin b; <paramref name="field"/> names it in errors.</summary>
    public CodeHistogram(IEnumerable<long> counts, string field)
    {
        _counts = [.. counts];
        if (_counts.Length < 2)
            throw new InputException($"needs a count for every bin 0..bits (at least 2), got {_counts.Length}", field);
        if (_counts.Any(c => c < 0))
            throw new InputException("counts must be 0 or more", field);
        Total = _counts.Sum();
        if (Total == 0)
            throw new InputException("counts add up to 0; a histogram needs at least one code", field);
    }

    /// <summary>Codes in bin <paramref name="bin"/> (0 past the last bin).</summary>
    public long this[int bin] => bin < _counts.Length ? _counts[bin] : 0;

    /// <summary>Codes per bin, bin 0 first.</summary>
    public IReadOnlyList<long> Counts => _counts.AsReadOnly();

    /// <summary>Bins: the format's planes + 1.</summary>
    public int Bins => _counts.Length;

    /// <summary>Codes counted.</summary>
    public long Total { get; }

    /// <summary>Codes whose bin is at most <paramref name="bin"/>.</summary>
    public long AtMost(int bin) => _counts.Take(Math.Max(0, bin + 1)).Sum();

    /// <summary>The counts, as the workload CSV writes them: "12;0;7".</summary>
    public override string ToString() => string.Join(";", _counts.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A histogram from the workload CSV's "12;0;7", or null for an empty field.</summary>
    public static CodeHistogram? Parse(string text, string field)
    {
        var t = text.Trim();
        if (t.Length == 0)
            return null;
        var counts = new List<long>();
        foreach (var part in t.Split(';'))
            counts.Add(long.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c
                : throw new InputException($"'{part.Trim()}' is not a whole count 0 or more (bins are separated by ';')", field));
        return new CodeHistogram(counts, field);
    }

    /// <summary>A histogram of <paramref name="measure"/> over <paramref name="values"/> of <paramref name="format"/>.</summary>
    public static CodeHistogram Of(IEnumerable<long> values, NumberFormat format, CodeMeasure measure, string field)
    {
        var planes = Planes(format);
        var counts = new long[planes + 1];
        foreach (var v in values)
            counts[Measure(v, format, measure)]++;
        return new CodeHistogram(counts, field);
    }

    /// <summary>
    /// Bit-planes an integer value of <paramref name="format"/> occupies on a bit-serial datapath:
    /// its bits, with binary and ternary as 2-bit two's complement (-1 = 11, +1 = 01).
    /// </summary>
    public static int Planes(NumberFormat format) => format.Kind switch
    {
        NumberKind.Binary or NumberKind.Ternary => 2,
        _ => format.Bits,
    };

    /// <summary>
    /// The bin of <paramref name="value"/> (a value of an integer <paramref name="format"/>) under
    /// <paramref name="measure"/>. Codes are what the lane register holds: unsigned, or two's
    /// complement in <see cref="Planes"/> bits.
    /// <list type="bullet">
    /// <item>set bits: the 1 bits of the code (a negative two's-complement code has its sign plane and the ones below);</item>
    /// <item>precision: the fewest low planes that still give the value: unsigned, the highest set bit + 1
    /// (0 for zero); signed, the shortest two's-complement width, the planes above it being copies of
    /// its sign plane (1 for 0 and -1).</item>
    /// </list>
    /// </summary>
    public static int Measure(long value, NumberFormat format, CodeMeasure measure)
    {
        var planes = Planes(format);
        var signed = format.Kind != NumberKind.UnsignedInt;
        return measure switch
        {
            CodeMeasure.SetBits => BitOperations.PopCount((ulong)(value & ((1L << planes) - 1))),
            CodeMeasure.Precision when signed => 65 - BitOperations.LeadingZeroCount((ulong)(value >= 0 ? value : ~value)),
            CodeMeasure.Precision => 64 - BitOperations.LeadingZeroCount((ulong)value),
            _ => throw new ArgumentOutOfRangeException(nameof(measure)),
        };
    }

    public bool Equals(CodeHistogram? other) => other is not null && _counts.AsSpan().SequenceEqual(other._counts);

    public override bool Equals(object? obj) => Equals(obj as CodeHistogram);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var c in _counts) hash.Add(c);
        return hash.ToHashCode();
    }
}

/// <summary>What of a code a <see cref="CodeHistogram"/> bins.</summary>
public enum CodeMeasure
{
    /// <summary>Its 1 bits (Pragmatic's essential bits, one per cycle).</summary>
    SetBits,
    /// <summary>The planes it needs (Dynamic Stripes' run-time precision).</summary>
    Precision,
}
