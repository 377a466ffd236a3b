using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// Which of its two datapaths an XNOR PE uses for a layer's formats, and how operands become
/// bit-planes; shared by the fast and the reference model so both read the formats one way.
/// </summary>
internal readonly record struct XnorDatapath
{
    public XnorDatapath(OperandPrecision precision)
    {
        Binary = precision.Weight.Kind == NumberKind.Binary && precision.Input.Kind == NumberKind.Binary;
        WeightPlanes = IntegerUnits.SerialBits(precision.Weight);
        InputPlanes = IntegerUnits.SerialBits(precision.Input);
        WeightSigned = precision.Weight.Kind != NumberKind.UnsignedInt;
        InputSigned = precision.Input.Kind != NumberKind.UnsignedInt;
    }

    /// <summary>Binary x binary: one XNOR-popcount cycle per step; anything else runs bit-plane pairs.</summary>
    public bool Binary { get; }

    /// <summary>Bit-planes of a weight on the bit-plane path (binary and ternary are 2-bit two's complement).</summary>
    public int WeightPlanes { get; }

    /// <summary>Bit-planes of an input on the bit-plane path.</summary>
    public int InputPlanes { get; }

    /// <summary>The weight's top plane carries a negative weight (two's complement, binary, ternary).</summary>
    public bool WeightSigned { get; }

    public bool InputSigned { get; }

    /// <summary>Cycles per dot step: 1 for binary x binary, w_bits x a_bits for plane pairs.</summary>
    public int CyclesPerStep => Binary ? 1 : WeightPlanes * InputPlanes;

    /// <summary>Plane pair of cycle <paramref name="cycleInStep"/> of a step: weight plane outer, input plane inner.</summary>
    public (int WeightPlane, int InputPlane) PlanePair(int cycleInStep) => (cycleInStep / InputPlanes, cycleInStep % InputPlanes);

    /// <summary>The product of planes i and j counts negative when exactly one of them is a sign plane.</summary>
    public bool Negated(int weightPlane, int inputPlane) =>
        (WeightSigned && weightPlane == WeightPlanes - 1) ^ (InputSigned && inputPlane == InputPlanes - 1);
}
