using System.Runtime.CompilerServices;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// The cycle-stepped, functional model of an XNOR-popcount array: PEs with lane registers that
/// hold the operands' real bits, XNOR or AND gates, a popcount and an accumulator register; a
/// fold that continues a reduction first shifts its partial sums in down each column, and the
/// results drain down each column one per cycle (<see cref="XnorReferenceFold"/>). It counts
/// what it does as it does it; <see cref="XnorModel"/> must agree exactly.
/// </summary>
public sealed class XnorReference(XnorUnitSpec spec) : IReferenceUnit
{
    // The output buffer's partial sums live as long as the layer's operands (one per reference run).
    private readonly ConditionalWeakTable<GemmOperands, PartialSums> _partialSums = [];

    public XnorUnitSpec Spec { get; } = spec;

    UnitSpec IReferenceUnit.Spec => Spec;

    // The mapping is part of the array's definition, so it is the fast model's, not a copy of it.
    public FoldGrid Grid(GemmProblem problem) => new XnorModel(Spec).Grid(problem);

    public IReferenceFold Start(GemmOperands operands, Fold fold) =>
        new XnorReferenceFold(Spec, operands, fold, _partialSums.GetValue(operands, _ => new PartialSums()));
}
