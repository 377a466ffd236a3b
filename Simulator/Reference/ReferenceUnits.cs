using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Reference;

/// <summary>The one place that maps a unit spec to its cycle-stepped reference model.</summary>
public static class ReferenceUnits
{
    public static IReferenceUnit For(UnitSpec spec) => spec switch
    {
        SystolicUnitSpec s => new Systolic.SystolicReference(s),
        BitSerialUnitSpec s => new BitSerial.BitSerialReference(s),
        XnorUnitSpec s => new Xnor.XnorReference(s),
        _ => throw new InvalidOperationException($"no reference model for unit kind '{spec.Kind}' ({spec.GetType().Name})"),
    };
}
