using System.Runtime.CompilerServices;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.DotProduct;

/// <summary>
/// The cycle-stepped, functional dot-product array: every PE holds its lanes' real operand values
/// in registers, multiplies them, sums the products in a combinational adder tree and adds the sum
/// into its accumulator, one step per cycle; then each column shifts its results out, one per
/// cycle, through the accumulators (the chain a later time chunk also uses to shift its partial
/// sums in). It counts what it does as it does it; <see cref="DotProductModel"/> must agree.
/// </summary>
public sealed class DotProductReference(DotProductUnitSpec spec) : IReferenceUnit
{
    // The output buffer's partial sums live as long as the layer's operands (one per reference run).
    private readonly ConditionalWeakTable<GemmOperands, PartialSums> _partialSums = [];

    public UnitSpec Spec => spec;

    public FoldGrid Grid(GemmProblem problem) => DotProductModel.GridOf(spec);

    public IReferenceFold Start(GemmOperands operands, Fold fold) =>
        new DotProductReferenceFold(spec, operands, fold, _partialSums.GetValue(operands, _ => new PartialSums()));
}
