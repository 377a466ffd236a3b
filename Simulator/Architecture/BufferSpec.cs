using System.Globalization;
using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// On-chip SRAM for inputs, weights and outputs (partial sums), each double-buffered: half holds
/// the fold being computed, the other half is filled for the next one.
/// </summary>
public sealed record BufferSpec
{
    /// <param name="ifmapBytes">Input-activation SRAM capacity in bytes.</param>
    /// <param name="weightBytes">Weight SRAM capacity in bytes.</param>
    /// <param name="ofmapBytes">Output / partial-sum SRAM capacity in bytes.</param>
    /// <param name="wordBits">Width of one SRAM access in bits (all three buffers).</param>
    public BufferSpec(long ifmapBytes, long weightBytes, long ofmapBytes, int wordBits = 64)
    {
        IfmapBytes = ifmapBytes;
        WeightBytes = weightBytes;
        OfmapBytes = ofmapBytes;
        WordBits = wordBits;
    }

    public long IfmapBytes { get; init => field = value >= 2 ? value : throw new InputException($"must be at least 2 bytes (it is double-buffered), got {value}", "buffers.ifmap_kb"); }
    public long WeightBytes { get; init => field = value >= 2 ? value : throw new InputException($"must be at least 2 bytes (it is double-buffered), got {value}", "buffers.weight_kb"); }
    public long OfmapBytes { get; init => field = value >= 2 ? value : throw new InputException($"must be at least 2 bytes (it is double-buffered), got {value}", "buffers.ofmap_kb"); }

    public int WordBits { get; init => field = value is >= 8 and <= 4096 && value % 8 == 0 ? value : throw new InputException($"must be a multiple of 8 between 8 and 4096, got {value}", "buffers.word_bits"); }

    /// <summary>Bytes one fold may use: half of each buffer.</summary>
    public long Half(BufferKind buffer) => buffer switch
    {
        BufferKind.Ifmap => IfmapBytes / 2,
        BufferKind.Weight => WeightBytes / 2,
        BufferKind.Ofmap => OfmapBytes / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(buffer)),
    };

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

/// <summary>The three on-chip buffers.</summary>
public enum BufferKind
{
    Ifmap,
    Weight,
    Ofmap,
}
