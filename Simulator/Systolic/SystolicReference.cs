using System.Runtime.CompilerServices;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// The cycle-stepped, functional model of a bit-parallel systolic array: PEs hold real operand,
/// partial-sum and output-chain registers and data moves one PE per cycle
/// (<see cref="OutputStationaryFold"/>, <see cref="StationaryFold"/>). Timing is HwSim's own;
/// SCALE-Sim compatibility is a fast-engine mode only.
/// </summary>
public sealed class SystolicReference : IReferenceUnit
{
    // The output buffer's partial sums live as long as the layer's operands (one per reference run).
    private readonly ConditionalWeakTable<GemmOperands, PartialSums> _partialSums = [];

    public SystolicReference(SystolicUnitSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ScaleSimCompat)
            throw new ArgumentException($"unit '{spec.Name}': scalesim_compat reproduces SCALE-Sim's reported numbers in the fast engine; the reference engine steps HwSim's own timing", nameof(spec));
        Spec = spec;
    }

    public SystolicUnitSpec Spec { get; }

    UnitSpec IReferenceUnit.Spec => Spec;

    public FoldGrid Grid(GemmProblem problem) => SystolicLayout.Grid(Spec);

    public IReferenceFold Start(GemmOperands operands, Fold fold)
    {
        var edge = new FoldEdge(operands, fold, _partialSums.GetValue(operands, _ => new PartialSums()));
        return Spec.Dataflow == Dataflow.OutputStationary ? new OutputStationaryFold(Spec, edge) : new StationaryFold(Spec, edge);
    }
}
