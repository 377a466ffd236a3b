using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;

namespace HwSim.CostModel.Energy;

/// <summary>What an energy depends on besides the action: the machine's buffers, its DRAM and the node.</summary>
/// <param name="Buffers">SRAM capacities and word width; an SRAM access is priced as an access to one half of the double-buffered buffer.</param>
/// <param name="Dram">Off-chip DRAM type (energy per bit, the same at every node).</param>
/// <param name="Scaling">From the table's node (45 nm, 0.9 V) to the node priced at; every on-chip energy is multiplied by its <see cref="TechnologyScaling.EnergyFactor"/>, DRAM's is not.</param>
public sealed record EnergyContext(BufferSpec Buffers, DramKind Dram, TechnologyScaling Scaling)
{
    /// <summary>The given buffers at 45 nm, 0.9 V (the table's own node: no scaling) with LPDDR4.</summary>
    public static EnergyContext At45nm(BufferSpec buffers, DramKind dram = DramKinds.Default) => new(buffers, dram, TechnologyScaling.Identity45nm);

    /// <summary>An architecture's buffers and DRAM type (or <paramref name="dram"/> instead of its type) at <paramref name="scaling"/>'s node.</summary>
    public static EnergyContext Of(ArchitectureSpec arch, TechnologyScaling scaling, DramKind? dram = null)
    {
        ArgumentNullException.ThrowIfNull(arch);
        return new(arch.Buffers, dram ?? arch.Dram.Type, scaling);
    }
}
