using System.Collections.Immutable;

namespace HwSim.Simulator.Counting;

/// <summary>
/// How many times each primitive action happened. Immutable; counts add up
/// (<c>a + b</c>), so layer counts sum to network counts. Zero counts are not stored.
/// </summary>
public sealed class ActivityCounts : IEquatable<ActivityCounts>
{
    public static ActivityCounts Empty { get; } = new(ImmutableSortedDictionary<ActionKey, long>.Empty.WithComparers(KeyComparer.Instance));

    private ActivityCounts(ImmutableSortedDictionary<ActionKey, long> counts) => Counts = counts;

    /// <summary>The counts, ordered by action, then widths, arithmetic and buffer.</summary>
    public ImmutableSortedDictionary<ActionKey, long> Counts { get; }

    public long this[ActionKey key] => Counts.TryGetValue(key, out var v) ? v : 0;

    /// <summary>Sum over every key with this action (all widths and buffers).</summary>
    public long Total(PrimitiveAction action) => Counts.Where(kv => kv.Key.Action == action).Sum(kv => kv.Value);

    public static ActivityCounts From(IEnumerable<KeyValuePair<ActionKey, long>> counts)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<ActionKey, long>(KeyComparer.Instance);
        foreach (var (key, value) in counts)
        {
            if (value < 0)
                throw new ArgumentOutOfRangeException(nameof(counts), $"negative count {value} for {key}");
            if (value == 0) continue;
            builder[key] = builder.GetValueOrDefault(key) + value;
        }
        return new ActivityCounts(builder.ToImmutable());
    }

    public static ActivityCounts operator +(ActivityCounts a, ActivityCounts b) => From(a.Counts.Concat(b.Counts));

    public bool Equals(ActivityCounts? other) => other is not null && Counts.Count == other.Counts.Count && Counts.All(kv => other[kv.Key] == kv.Value);

    public override bool Equals(object? obj) => Equals(obj as ActivityCounts);

    public override int GetHashCode() => Counts.Aggregate(0, (h, kv) => h ^ HashCode.Combine(kv.Key, kv.Value));

    public override string ToString() => string.Join(", ", Counts.Select(kv => $"{kv.Key}={kv.Value}"));

    private sealed class KeyComparer : IComparer<ActionKey>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(ActionKey x, ActionKey y)
        {
            var c = x.Action.CompareTo(y.Action);
            if (c == 0) c = x.BitsA.CompareTo(y.BitsA);
            if (c == 0) c = x.BitsB.CompareTo(y.BitsB);
            if (c == 0) c = x.Arithmetic.CompareTo(y.Arithmetic);
            if (c == 0) c = Nullable.Compare(x.Buffer, y.Buffer);
            return c;
        }
    }
}

/// <summary>A mutable tally used while counting one layer; <see cref="ToCounts"/> freezes it.</summary>
public sealed class ActivityCountsBuilder
{
    private readonly Dictionary<ActionKey, long> _counts = [];

    public void Add(ActionKey key, long count)
    {
        if (count < 0)
            throw new ArgumentOutOfRangeException(nameof(count), $"negative count {count} for {key}");
        if (count == 0) return;
        _counts[key] = _counts.GetValueOrDefault(key) + count;
    }

    /// <summary>Adds every count of <paramref name="other"/>, <paramref name="times"/> times.</summary>
    public void Add(ActivityCountsBuilder other, long times = 1)
    {
        foreach (var (key, value) in other._counts)
            Add(key, value * times);
    }

    public void Add(ActivityCounts other)
    {
        foreach (var (key, value) in other.Counts)
            Add(key, value);
    }

    public long this[ActionKey key] => _counts.GetValueOrDefault(key);

    public ActivityCounts ToCounts() => ActivityCounts.From(_counts);
}
