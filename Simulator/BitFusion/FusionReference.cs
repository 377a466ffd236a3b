using System.Runtime.CompilerServices;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;

namespace HwSim.Simulator.BitFusion;

/// <summary>
/// The cycle-stepped, functional Bit Fusion array: each fusion unit holds its terms' real weight
/// codes, cuts them and the streamed input codes into 2-bit pieces, multiplies every piece pair
/// in a BitBrick (3-bit signed x 3-bit signed: a piece is signed only at the top of a signed
/// operand), shifts and adds the brick products in its tree, accumulates temporal passes, and
/// adds the partial sum from the unit above. It counts what it does as it does it;
/// <see cref="FusionModel"/> must agree.
/// </summary>
public sealed class FusionReference(FusionUnitSpec spec) : IReferenceUnit
{
    // The output buffer's partial sums live as long as the layer's operands (one per reference run).
    private readonly ConditionalWeakTable<GemmOperands, PartialSums> _partialSums = [];

    public UnitSpec Spec => spec;

    public FoldGrid Grid(GemmProblem problem) => FusionModel.GridOf(spec, problem);

    public IReferenceFold Start(GemmOperands operands, Fold fold) =>
        new FusionReferenceFold(spec, operands, fold, _partialSums.GetValue(operands, _ => new PartialSums()));
}
