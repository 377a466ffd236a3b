using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// What a reference fold has done so far, counted one event at a time as the PEs act: MACs,
/// register loads and uses in bits, and operand values crossing the array's edge to and from
/// each buffer.
/// </summary>
internal sealed class FoldTally(GemmProblem problem)
{
    private long _macs;
    private long _registerReadBits;
    private long _registerWriteBits;
    private long _ifmapReadBits;
    private long _weightReadBits;
    private long _ofmapReadBits;
    private long _ofmapWriteBits;

    private long _gatedMacs;

    /// <summary>One MAC; a gated one (zero input, skip: zero_operands) is counted as such instead of a Multiply and an Add.</summary>
    public void Mac(bool gated)
    {
        _macs++;
        if (gated) _gatedMacs++;
    }

    public void RegisterRead(int bits) => _registerReadBits += bits;

    public void RegisterWrite(int bits) => _registerWriteBits += bits;

    public void IfmapRead(int bits) => _ifmapReadBits += bits;

    public void WeightRead(int bits) => _weightReadBits += bits;

    public void OfmapRead(int bits) => _ofmapReadBits += bits;

    public void OfmapWrite(int bits) => _ofmapWriteBits += bits;

    /// <summary>The fold's cost; a PE is busy exactly in the cycles it does a MAC, gated or not (the cycle is spent).</summary>
    public FoldCost Cost(long cycles)
    {
        var compute = ActivityCounts.From([
            new(ActionKey.Multiply(problem.WeightFormat, problem.InputFormat), _macs - _gatedMacs),
            new(ActionKey.Add(problem.AccumulatorFormat), _macs - _gatedMacs),
            new(ActionKey.GatedMac(problem.WeightFormat, problem.InputFormat), _gatedMacs),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), _registerReadBits),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), _registerWriteBits),
        ]);
        return new FoldCost(cycles, _macs, compute, _ifmapReadBits, _weightReadBits, _ofmapReadBits, _ofmapWriteBits);
    }
}
