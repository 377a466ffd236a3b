using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;

namespace HwSim.CostModel.Pricing;

/// <summary>Where energy goes: the breakdown every report uses.</summary>
public enum EnergyComponent
{
    /// <summary>Multipliers, adders, AND/XNOR gates, popcount trees, shift-accumulators.</summary>
    Compute,
    /// <summary>PE registers (operands, partial sums, drain chains).</summary>
    Register,
    SramIfmap,
    SramWeight,
    SramOfmap,
    Dram,
    /// <summary>Static power over the layer's cycles (only when leakage is enabled).</summary>
    Leakage,
}

internal static class EnergyComponents
{
    /// <summary>The component an action's energy belongs to.</summary>
    public static EnergyComponent Of(ActionKey key) => key.Action switch
    {
        PrimitiveAction.RegisterReadBit or PrimitiveAction.RegisterWriteBit => EnergyComponent.Register,
        PrimitiveAction.SramReadWord or PrimitiveAction.SramWriteWord or PrimitiveAction.SramReadBit or PrimitiveAction.SramWriteBit => key.Buffer switch
        {
            BufferKind.Ifmap => EnergyComponent.SramIfmap,
            BufferKind.Weight => EnergyComponent.SramWeight,
            _ => EnergyComponent.SramOfmap,
        },
        PrimitiveAction.DramReadByte or PrimitiveAction.DramWriteByte => EnergyComponent.Dram,
        PrimitiveAction.IdlePeCycle => EnergyComponent.Leakage,
        _ => EnergyComponent.Compute,
    };
}
