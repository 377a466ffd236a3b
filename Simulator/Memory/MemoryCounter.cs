using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Memory;

/// <summary>
/// Turns per-fold SRAM streams and DRAM traffic into counts: SRAM words of the width of the level holding each operand
/// (each fold's stream rounded up to whole words), payload bits, and DRAM bytes. DRAM fills are
/// SRAM writes; spilled partial sums read back are SRAM writes too, and reading them to DRAM SRAM reads.
/// </summary>
internal sealed class MemoryCounter(BufferSpec buffers)
{
    private readonly long[] _readBits = new long[3];
    private readonly long[] _writeBits = new long[3];
    private readonly long[] _readWords = new long[3];
    private readonly long[] _writeWords = new long[3];
    private long _dramRead;
    private long _dramWrite;

    public void Add(FoldCost cost, FoldTraffic traffic)
    {
        Read(BufferKind.Ifmap, cost.IfmapReadBits);
        Read(BufferKind.Weight, cost.WeightReadBits);
        Read(BufferKind.Ofmap, cost.OfmapReadBits);
        Write(BufferKind.Ofmap, cost.OfmapWriteBits);
        // DRAM -> SRAM fills.
        Write(BufferKind.Weight, 8 * traffic.WeightLoadBytes);
        Write(BufferKind.Ifmap, 8 * traffic.IfmapLoadBytes);
        Write(BufferKind.Ofmap, 8 * traffic.PsumReadBytes);
        // SRAM -> DRAM drains.
        Read(BufferKind.Ofmap, 8 * traffic.WriteBytes);
        _dramRead = _dramRead + traffic.PrefetchBytes + traffic.PsumReadBytes;
        _dramWrite = _dramWrite + traffic.WriteBytes;
    }

    /// <summary>Every counter, in a fixed order (for <see cref="AddScaled"/>).</summary>
    public long[] Snapshot() => [.. _readBits, .. _writeBits, .. _readWords, .. _writeWords, _dramRead, _dramWrite];

    /// <summary>Adds <paramref name="times"/> x the difference between two snapshots (a stretch of folds repeated).</summary>
    public void AddScaled(long[] before, long[] after, long times)
    {
        // The layout of Snapshot: four per-buffer arrays of equal length, then the two DRAM counters.
        var arrays = new[] { _readBits, _writeBits, _readWords, _writeWords };
        var n = _readBits.Length;
        for (var a = 0; a < arrays.Length; a++)
            for (var b = 0; b < n; b++)
                arrays[a][b] = arrays[a][b] + times * (after[n * a + b] - before[n * a + b]);
        var dram = arrays.Length * n;
        _dramRead = _dramRead + times * (after[dram] - before[dram]);
        _dramWrite = _dramWrite + times * (after[dram + 1] - before[dram + 1]);
    }

    public void AddTo(ActivityCountsBuilder counts)
    {
        foreach (var b in Enum.GetValues<BufferKind>())
        {
            counts.Add(ActionKey.Sram(PrimitiveAction.SramReadBit, b), _readBits[(int)b]);
            counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteBit, b), _writeBits[(int)b]);
            counts.Add(ActionKey.Sram(PrimitiveAction.SramReadWord, b, buffers.WordBitsOf(b)), _readWords[(int)b]);
            counts.Add(ActionKey.Sram(PrimitiveAction.SramWriteWord, b, buffers.WordBitsOf(b)), _writeWords[(int)b]);
        }
        counts.Add(ActionKey.Simple(PrimitiveAction.DramReadByte), _dramRead);
        counts.Add(ActionKey.Simple(PrimitiveAction.DramWriteByte), _dramWrite);
    }

    private void Read(BufferKind b, long bits)
    {
        _readBits[(int)b] = _readBits[(int)b] + bits;
        _readWords[(int)b] = _readWords[(int)b] + Words(b, bits);
    }

    private void Write(BufferKind b, long bits)
    {
        _writeBits[(int)b] = _writeBits[(int)b] + bits;
        _writeWords[(int)b] = _writeWords[(int)b] + Words(b, bits);
    }

    private long Words(BufferKind b, long bits) => (bits + buffers.WordBitsOf(b) - 1) / buffers.WordBitsOf(b);
}
