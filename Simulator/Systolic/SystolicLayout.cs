using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// How a systolic dataflow lays the GEMM on the array (README §2): os rows M, columns N, time K;
/// ws rows K, columns N, time M; is rows K, columns M, time N. Both engines use it: it is part of
/// the dataflow's definition, not of an engine.
/// </summary>
internal static class SystolicLayout
{
    public static FoldGrid Grid(SystolicUnitSpec spec) => spec.Dataflow switch
    {
        Dataflow.OutputStationary => new FoldGrid(GemmDim.M, GemmDim.N, spec.Rows, spec.Cols),
        Dataflow.WeightStationary => new FoldGrid(GemmDim.K, GemmDim.N, spec.Rows, spec.Cols),
        Dataflow.InputStationary => new FoldGrid(GemmDim.K, GemmDim.M, spec.Rows, spec.Cols),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Dataflow, "unknown dataflow"),
    };
}
