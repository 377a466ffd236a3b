using System.Collections.Immutable;
using System.Globalization;
using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// The on-chip storage levels between DRAM and the array (<see cref="StorageLevel"/>), as the
/// engines see them: every operand (ifmap, weight, ofmap) is held by exactly one level, which may
/// hold it alone (split) or with others (shared). The classic form is three split
/// double-buffered SRAMs (the <c>buffers:</c> key): half holds the fold being computed, the other
/// half is filled for the next one.
/// </summary>
public sealed record BufferSpec
{
    /// <summary>Names of the three split levels of the classic <c>buffers:</c> form, in ifmap, weight, ofmap order.</summary>
    public static readonly ImmutableArray<string> SplitNames = ["ifmap_buffer", "weight_buffer", "ofmap_buffer"];

    /// <param name="ifmapBytes">Input-activation SRAM capacity in bytes.</param>
    /// <param name="weightBytes">Weight SRAM capacity in bytes.</param>
    /// <param name="ofmapBytes">Output / partial-sum SRAM capacity in bytes.</param>
    /// <param name="wordBits">Width of one SRAM access in bits (all three buffers).</param>
    public BufferSpec(long ifmapBytes, long weightBytes, long ofmapBytes, int wordBits = 64)
    {
        Check(ifmapBytes, "buffers.ifmap_kb");
        Check(weightBytes, "buffers.weight_kb");
        Check(ofmapBytes, "buffers.ofmap_kb");
        if (wordBits is not (>= 8 and <= 4096) || wordBits % 8 != 0)
            throw new InputException($"must be a multiple of 8 between 8 and 4096, got {wordBits}", "buffers.word_bits");
        Levels = [Split(BufferKind.Ifmap, ifmapBytes, wordBits), Split(BufferKind.Weight, weightBytes, wordBits), Split(BufferKind.Ofmap, ofmapBytes, wordBits)];
    }

    /// <param name="levels">The on-chip levels, DRAM side first; together they must hold each operand exactly once, and names must be unique.</param>
    public BufferSpec(IEnumerable<StorageLevel> levels)
    {
        Levels = [.. levels];
    }

    private static void Check(long bytes, string field)
    {
        if (bytes < 2)
            throw new InputException($"must be at least 2 bytes (it is double-buffered), got {bytes}", field);
    }

    private static StorageLevel Split(BufferKind kind, long bytes, int wordBits) => new(SplitNames[(int)kind], bytes, wordBits, [kind]);

    /// <summary>The levels, DRAM side first.</summary>
    public ImmutableArray<StorageLevel> Levels
    {
        get;
        private init
        {
            if (value.IsDefaultOrEmpty)
                throw new InputException("needs at least one on-chip level", "storage");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var l in value)
                if (!names.Add(l.Name))
                    throw new InputException($"level name '{l.Name}' appears twice", "storage");
            foreach (var kind in Enum.GetValues<BufferKind>())
            {
                var holders = value.Where(l => l.Holds.Contains(kind)).ToList();
                if (holders.Count == 0)
                    throw new InputException($"no on-chip level holds the {Operand(kind)}s (every operand needs one level between DRAM and the array)", "storage");
                if (holders.Count > 1)
                    throw new InputException($"the {Operand(kind)}s are held by both '{holders[0].Name}' and '{holders[1].Name}': the engines move each operand between DRAM and one on-chip level", "storage");
            }
            field = value;
            _of = [.. Enum.GetValues<BufferKind>().Select(k => value.First(l => l.Holds.Contains(k)))];
        }
    }

    private readonly ImmutableArray<StorageLevel> _of;

    /// <summary>The level holding <paramref name="kind"/>.</summary>
    public StorageLevel LevelOf(BufferKind kind) => _of[(int)kind];

    /// <summary>Capacity in bytes of the level holding the input activations.</summary>
    public long IfmapBytes => LevelOf(BufferKind.Ifmap).CapacityBytes;

    /// <summary>Capacity in bytes of the level holding the weights.</summary>
    public long WeightBytes => LevelOf(BufferKind.Weight).CapacityBytes;

    /// <summary>Capacity in bytes of the level holding the outputs and partial sums.</summary>
    public long OfmapBytes => LevelOf(BufferKind.Ofmap).CapacityBytes;

    /// <summary>The word width of every level; only for specs whose levels all have the same one (<see cref="UniformWordBits"/>).</summary>
    public int WordBits => UniformWordBits ? Levels[0].WordBits
        : throw new InvalidOperationException("the storage levels have different word widths: ask WordBitsOf(operand)");

    /// <summary>True when every level has the same word width.</summary>
    public bool UniformWordBits => Levels.All(l => l.WordBits == Levels[0].WordBits);

    /// <summary>Word width in bits of the level holding <paramref name="kind"/>.</summary>
    public int WordBitsOf(BufferKind kind) => LevelOf(kind).WordBits;

    /// <summary>
    /// True for the classic form: three split, double-buffered, one-bank levels of one word width
    /// named as <see cref="SplitNames"/>; written back as the <c>buffers:</c> key.
    /// </summary>
    public bool IsClassic =>
        Levels.Length == 3 && UniformWordBits && Levels.Select((l, i) => !l.Shared && l.DoubleBuffered && l.Banks == 1 && l.Holds[0] == (BufferKind)i && l.Name == SplitNames[i]).All(x => x);

    /// <summary>
    /// Bytes the fixed mapping lets one fold use for <paramref name="buffer"/>'s operand: half of
    /// its level (all of it when not double-buffered), divided equally among the operands the level
    /// holds. The fixed schedule decides residency operand by operand, so a shared level is split
    /// statically; loop-nest mappings share it (<see cref="Overfull"/>).
    /// </summary>
    public long Half(BufferKind buffer) => LevelOf(buffer).RoomBytes / LevelOf(buffer).Holds.Length;

    /// <summary>Bytes a block may use of the level holding <paramref name="buffer"/> (all its operands together).</summary>
    public long Room(BufferKind buffer) => LevelOf(buffer).RoomBytes;

    /// <summary>
    /// The loop-nest capacity rule: given the largest block's weight, input-strip and partial-sum
    /// bytes (0 when nothing is held), the first operand (weight, ifmap, ofmap order) whose level
    /// they overfill together, with what that level would hold; null when all fit.
    /// </summary>
    public (BufferKind Operand, long Need)? Overfull(long weights, long strip, long psums)
    {
        long Of(BufferKind k) => k switch { BufferKind.Weight => weights, BufferKind.Ifmap => strip, _ => psums };
        foreach (var kind in new[] { BufferKind.Weight, BufferKind.Ifmap, BufferKind.Ofmap })
        {
            var level = LevelOf(kind);
            var need = level.Holds.Sum(Of);
            if (need > level.RoomBytes)
                return (kind, need);
        }
        return null;
    }

    /// <summary>The message for a shared level overfilled by a block (split levels keep their callers' own wording).</summary>
    public string SharedOverflow(BufferKind kind, long need, string unit = "a block")
    {
        var level = LevelOf(kind);
        var what = string.Join(" + ", level.Holds.Select(Operand));
        return $"{unit}'s {what} tiles need {need.ToString("N0", CultureInfo.InvariantCulture)} B together in the shared level '{level.Name}', but {unit} may use {(level.DoubleBuffered ? "half of it" : "all of it")}, {level.RoomBytes.ToString("N0", CultureInfo.InvariantCulture)} B";
    }

    /// <summary>"input", "weight", "output": the operand as prose.</summary>
    public static string Operand(BufferKind kind) => kind switch { BufferKind.Ifmap => "input", BufferKind.Weight => "weight", _ => "output" };

    /// <summary>The same levels with the capacity of the level holding <paramref name="kind"/> set to <paramref name="bytes"/> (a sweep's buffer parameter).</summary>
    public BufferSpec WithCapacity(BufferKind kind, long bytes)
    {
        if (IsClassic)
            return kind switch
            {
                BufferKind.Ifmap => new(bytes, WeightBytes, OfmapBytes, WordBits),
                BufferKind.Weight => new(IfmapBytes, bytes, OfmapBytes, WordBits),
                _ => new(IfmapBytes, WeightBytes, bytes, WordBits),
            };
        var level = LevelOf(kind);
        return new BufferSpec(Levels.Select(l => l == level ? l with { CapacityBytes = bytes } : l));
    }

    /// <summary>The same levels, every one with words of <paramref name="bits"/> (a sweep's word-width parameter).</summary>
    public BufferSpec WithWordBits(int bits) =>
        IsClassic ? new(IfmapBytes, WeightBytes, OfmapBytes, bits) : new BufferSpec(Levels.Select(l => l with { WordBits = bits }));

    public bool Equals(BufferSpec? other) => other is not null && Levels.SequenceEqual(other.Levels);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var l in Levels)
            hash.Add(l);
        return hash.ToHashCode();
    }

    /// <summary>Largest buffer HwSim accepts, so that bytes fit a long with room to spare: 1 TiB.</summary>
    public const double MaxKib = 1024.0 * 1024 * 1024;

    /// <summary>
    /// A buffer size in KiB as bytes, the rule of architecture files and grids alike: fractions are
    /// fine as long as they make whole bytes (0.5 KiB, not 0.3), at most <see cref="MaxKib"/>.
    /// Negative sizes pass here and are refused by the record, whose rule names the minimum.
    /// </summary>
    public static (long Bytes, string? Error) BytesOfKib(double kib)
    {
        if (kib > MaxKib)
            return (0, $"must be at most {MaxKib.ToString(CultureInfo.InvariantCulture)} KiB (1 TiB), got {kib.ToString(CultureInfo.InvariantCulture)}");
        var bytes = kib * 1024;
        // Negative sizes are left to the constructor, whose rule names the minimum (clamped so that -1e308 does not overflow the cast).
        return bytes == Math.Floor(bytes) ? ((long)Math.Max(bytes, -1024), null)
            : (0, $"{kib.ToString(CultureInfo.InvariantCulture)} KiB is not a whole number of bytes ({bytes.ToString(CultureInfo.InvariantCulture)})");
    }

    public static BufferSpec FromKilobytes(double ifmapKb, double weightKb, double ofmapKb, int wordBits = 64) =>
        new((long)Math.Round(ifmapKb * 1024), (long)Math.Round(weightKb * 1024), (long)Math.Round(ofmapKb * 1024), wordBits);
}

/// <summary>The three operands an on-chip level may hold (and, in the classic form, the three buffers).</summary>
public enum BufferKind
{
    Ifmap,
    Weight,
    Ofmap,
}
