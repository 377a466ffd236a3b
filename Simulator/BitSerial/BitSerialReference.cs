using System.Runtime.CompilerServices;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// The cycle-stepped, functional bit-serial array: PEs hold the operands' real two's-complement
/// (or unsigned) codes in lane registers, AND one bit-plane (pair) per cycle, add the lanes in a
/// combinational adder tree and shift-accumulate; then each column shifts its results out, one
/// per cycle. A fold over a later time chunk of K first shifts the earlier chunks' partial sums
/// in through the same chain. It counts what it does as it does it; <see cref="BitSerialModel"/>
/// must agree.
/// </summary>
public sealed class BitSerialReference(BitSerialUnitSpec spec) : IReferenceUnit
{
    // The output buffer's partial sums live as long as the layer's operands (one per reference run).
    private readonly ConditionalWeakTable<GemmOperands, PartialSums> _partialSums = [];

    public UnitSpec Spec => spec;

    public FoldGrid Grid(GemmProblem problem) => BitSerialModel.GridOf(spec);

    public IReferenceFold Start(GemmOperands operands, Fold fold) => BitSerialModel.Multiplexed(spec, fold)
        ? new BitSerialMultiplexFold(spec, operands, fold, _partialSums.GetValue(operands, _ => new PartialSums()))
        : new BitSerialReferenceFold(spec, operands, fold, _partialSums.GetValue(operands, _ => new PartialSums()));
}
