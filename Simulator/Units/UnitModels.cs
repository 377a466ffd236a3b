using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Units;

/// <summary>The fast model of a unit, from its registered kind.</summary>
public static class UnitModels
{
    public static IUnitModel For(UnitSpec spec) => UnitKinds.Of(spec).Model(spec);
}
