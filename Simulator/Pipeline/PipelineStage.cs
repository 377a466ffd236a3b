namespace HwSim.Simulator.Pipeline;

/// <summary>
/// One stage of a layer pipeline: a layer on its own unit, its cycles for one run of the
/// workload's batch (compute and DRAM stalls, from the fast engine), and the FIFO that carries its
/// output to the next stage (0 bits after the last stage).
/// </summary>
/// <param name="FifoDepth">Words the FIFO after this stage holds (<see cref="LayerPipeline.FifoDepth"/>).</param>
/// <param name="FifoWordBits">The producer's output stream width: one result per PE column per cycle at the layer's output width.</param>
public sealed record PipelineStage(string Layer, string Unit, long Cycles, long PeCount, int FifoDepth, long FifoWordBits)
{
    /// <summary>Storage the FIFO after this stage holds, in bits.</summary>
    public long FifoBits => checked(FifoDepth * FifoWordBits);
}
