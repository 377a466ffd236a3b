using HwSim.Workloads;
using HwSim.Workloads.Layers;

namespace HwSim.Quantizer.Pipeline;

/// <summary>One layer after quantisation: its workload row (formats and measured statistics) and its plan.</summary>
/// <param name="Layer">The workload layer; <see cref="LayerWorkload.Statistics"/> holds the measured values.</param>
/// <param name="Plan">What the policy and overrides made of it.</param>
/// <param name="Role">First, inner or last, by position in the traced network.</param>
public sealed record LayerReport(LayerWorkload Layer, LayerPlan Plan, LayerRole Role)
{
    public double? SqnrDb => Layer.Statistics?.OutputSqnrDb;
}

/// <summary>What <see cref="NetworkQuantizer.Run"/> found: the low-bit workload and how far the quantised network is from fp32.</summary>
/// <param name="Workload">The network's layers with formats and statistics, ready for the simulator (and the workload CSV).</param>
/// <param name="Layers">Per-layer reports in execution order.</param>
/// <param name="Network">The network's name.</param>
/// <param name="Options">The policy that was applied.</param>
/// <param name="Calibration">Where the calibration inputs came from, for reports.</param>
/// <param name="SyntheticCalibration">True when the inputs were synthetic: activation statistics then are not those of real data.</param>
/// <param name="Inputs">Number of calibration inputs.</param>
/// <param name="OutputSqnrDb">SQNR of the network's final output against fp32, in dB.</param>
/// <param name="Top1Agreement">Fraction of inputs whose arg-max class is the same as fp32's, when the output is [N, classes].</param>
/// <param name="Elapsed">Wall time of the run (calibration, quantisation and statistics).</param>
/// <param name="NotDumped">Quantised layers a tensor dump has no codes for (a product of two computed tensors, an FC layer over several rows), or empty.</param>
public sealed record QuantizationResult(
    Workload Workload,
    IReadOnlyList<LayerReport> Layers,
    string Network,
    QuantizeOptions Options,
    string Calibration,
    bool SyntheticCalibration,
    int Inputs,
    double OutputSqnrDb,
    double? Top1Agreement,
    TimeSpan Elapsed,
    IReadOnlyList<string>? NotDumped = null);

/// <summary>Where a run is: pass (calibrate or quantise), step (layer visits so far) of steps in that pass.</summary>
public sealed record QuantizeProgress(string Stage, int Step, int Steps, string Layer);
