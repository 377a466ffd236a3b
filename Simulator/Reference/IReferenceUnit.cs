using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Reference;

/// <summary>
/// The cycle-stepped, functional model of one array kind: PEs hold real operand bits in
/// registers and data moves as the dataflow dictates, one clock at a time. It must reproduce
/// the fast model's cycles and counts exactly and compute the layer's true output.
/// </summary>
public interface IReferenceUnit
{
    UnitSpec Spec { get; }

    /// <summary>How the problem is laid on the array (shared with the fast model: it is part of the dataflow's definition).</summary>
    FoldGrid Grid(GemmProblem problem);

    /// <summary>Puts a fold on the array; its operands are on chip from this cycle on.</summary>
    IReferenceFold Start(GemmOperands operands, Fold fold);
}

/// <summary>One fold in flight on a reference array.</summary>
public interface IReferenceFold
{
    /// <summary>Simulates one clock cycle; true when the fold's last result has left the array at the end of it.</summary>
    bool Step();

    /// <summary>
    /// True once the fold's compute is over and its remaining cycles only move results out of the
    /// array (its drain phase), so its inputs are no longer used. Kinds without a drain phase of
    /// their own stay false until they end.
    /// </summary>
    bool Draining => false;

    /// <summary>What the fold did, measured while stepping (call after <see cref="Step"/> returned true).</summary>
    FoldCost Measured(long cycles);
}
