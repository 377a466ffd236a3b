using HwSim.Simulator.Architecture;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Reference;

/// <summary>The cycle-stepped model of a unit, from its registered kind.</summary>
public static class ReferenceUnits
{
    /// <summary>Why the reference engine cannot run <paramref name="spec"/> (e.g. SCALE-Sim compatibility), or null.</summary>
    public static string? Unsupported(UnitSpec spec) => UnitKinds.Of(spec).ReferenceUnsupported(spec);

    public static IReferenceUnit For(UnitSpec spec) => UnitKinds.Of(spec).Reference(spec);
}
