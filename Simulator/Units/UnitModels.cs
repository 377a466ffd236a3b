using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Units;

/// <summary>The one place that maps a unit spec to its fast model: a new array kind adds one line here.</summary>
public static class UnitModels
{
    public static IUnitModel For(UnitSpec spec) => spec switch
    {
        SystolicUnitSpec s => new Systolic.SystolicModel(s),
        BitSerialUnitSpec s => new BitSerial.BitSerialModel(s),
        XnorUnitSpec s => new Xnor.XnorModel(s),
        _ => throw new InvalidOperationException($"no model for unit kind '{spec.Kind}' ({spec.GetType().Name})"),
    };
}
