using CsCheck;
using HwSim.Simulator.Architecture;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>Random storage levels for the property tests: shared or split, own word widths and banks, double- or single-buffered.</summary>
internal static class StorageLevelCases
{
    private static readonly long[] Bytes = [12, 48, 200, 600, 2000, 1 << 20];
    private static readonly int[] WordBits = [8, 16, 64, 256];

    /// <summary>The ways to put three operands in levels: all shared, one pair shared (three ways), all split.</summary>
    private static readonly BufferKind[][][] Partitions =
    [
        [[BufferKind.Ifmap, BufferKind.Weight, BufferKind.Ofmap]],
        [[BufferKind.Ifmap, BufferKind.Ofmap], [BufferKind.Weight]],
        [[BufferKind.Ifmap, BufferKind.Weight], [BufferKind.Ofmap]],
        [[BufferKind.Weight, BufferKind.Ofmap], [BufferKind.Ifmap]],
        [[BufferKind.Ifmap], [BufferKind.Weight], [BufferKind.Ofmap]],
    ];

    /// <summary>
    /// Levels, and whether some are single-buffered (about one case in five; such an architecture
    /// needs an unlimited DRAM channel, ArchitectureSpec's rule, which the caller must give it).
    /// </summary>
    public static readonly Gen<(BufferSpec Buffers, bool Single)> Levels =
        from partition in Gen.Int[0, Partitions.Length - 1]
        from sizes in Gen.Int[0, Bytes.Length - 1].Array[3]
        from words in Gen.Int[0, WordBits.Length - 1].Array[3]
        from banks in Gen.Int[0, 5].Array[3]
        from single in Gen.Int[0, 3].Array[3]
        from singles in Gen.Int[0, 4]
        let levels = Partitions[partition].Select((holds, i) =>
            new StorageLevel($"l{i}", Bytes[sizes[i]], WordBits[words[i]], holds, 1 << banks[i], doubleBuffered: !(singles == 0 && single[i] <= 1))).ToList()
        select (new BufferSpec(levels), levels.Any(l => !l.DoubleBuffered));
}
