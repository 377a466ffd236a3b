namespace HwSim.Simulator.Architecture;

/// <summary>
/// Which operand stays in the PEs of a systolic array. With M output pixels, K reduction terms
/// and N filters of the per-group GEMM (SCALE-Sim's mapping): os keeps outputs (rows M, columns N,
/// time K), ws keeps weights (rows K, columns N, time M), is keeps inputs (rows K, columns M, time N).
/// </summary>
public enum Dataflow
{
    OutputStationary,
    WeightStationary,
    InputStationary,
}
