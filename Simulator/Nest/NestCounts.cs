using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>What one level did with one operand, summed over its instances (Simulator/Nest/README.md).</summary>
/// <param name="Reads">Reads out of the level: serving its children's fills, or the MACs.</param>
/// <param name="Fills">Writes into the level from its parent keeper.</param>
/// <param name="Updates">Partial sums written into the level by its children (outputs only).</param>
public readonly record struct NestAccesses(long Reads, long Fills, long Updates)
{
    public static NestAccesses operator +(NestAccesses a, NestAccesses b) =>
        new(checked(a.Reads + b.Reads), checked(a.Fills + b.Fills), checked(a.Updates + b.Updates));
}

/// <summary>
/// Counts of one layer under one mapping: accesses per level and operand, MACs, cycles and the instances of each
/// level the mapping uses. Both engines return this; they must agree exactly.
/// </summary>
public sealed record NestCounts(ImmutableArray<ImmutableDictionary<NestTensor, NestAccesses>> Levels, long Macs, long Cycles, ImmutableArray<long> UsedInstances)
{
    /// <summary>The accesses of level <paramref name="level"/> to <paramref name="tensor"/> (zero where it does not keep it).</summary>
    public NestAccesses this[int level, NestTensor tensor] => Levels[level].TryGetValue(tensor, out var a) ? a : default;

    /// <summary>
    /// Accumulations into the PEs' accumulators: the output updates of the innermost level that keeps outputs. That count is, per
    /// instance and cycle, the distinct outputs its MACs update (Simulator/Nest/README.md, What is counted): MACs that meet on one
    /// output in one cycle are reduced in the network first (an adder tree), and the tree's sum is one update. So it is the MACs
    /// divided by the spatial bounds of the reduction dimensions (C, R, S, B) at that level and below, a figure of the mapping that
    /// both engines' counts give. A bit-serial PE shift-accumulates once per accumulation (CostModel/Nest/NestEnergy.cs).
    /// </summary>
    /// <param name="arch">The architecture these counts are of.</param>
    public long Accumulations(NestArchitecture arch)
    {
        ArgumentNullException.ThrowIfNull(arch);
        return this[arch.InnermostKeeper(NestTensor.Outputs), NestTensor.Outputs].Updates;
    }

    /// <summary>Every count on one line per level, for test messages and diffs.</summary>
    public override string ToString() =>
        $"MACs {Macs}, cycles {Cycles}\n" + string.Join('\n', Levels.Select((l, i) => $"level {i} (instances {UsedInstances[i]}): " +
            string.Join("; ", l.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} reads {kv.Value.Reads} fills {kv.Value.Fills} updates {kv.Value.Updates}"))));
}
