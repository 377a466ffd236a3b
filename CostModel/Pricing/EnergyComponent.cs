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

/// <summary>What each component holds, and how reports name it.</summary>
public static class EnergyComponents
{
    /// <summary>How a component is named in tables for people.</summary>
    public static string Label(this EnergyComponent c) => c switch
    {
        EnergyComponent.Compute => "compute (MAC, gates, popcount, accumulate)",
        EnergyComponent.Register => "PE registers",
        EnergyComponent.SramIfmap => "SRAM ifmap",
        EnergyComponent.SramWeight => "SRAM weights",
        EnergyComponent.SramOfmap => "SRAM ofmap",
        EnergyComponent.Dram => "DRAM",
        _ => "leakage",
    };

    /// <summary>The component an action's energy belongs to.</summary>
    internal static EnergyComponent Of(ActionKey key) => key.Action switch
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
