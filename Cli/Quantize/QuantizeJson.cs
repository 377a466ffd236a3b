using HwSim.Quantizer.Pipeline;

namespace HwSim.Cli.Quantize;

/// <summary>The JSON <c>hwsim quantize --format json</c> writes: the run and one object per layer. Infinite SQNR is null with "exact": true.</summary>
internal sealed record QuantizeJson(
    string Network,
    string Workload,
    string Method,
    int WeightBits,
    int InputBits,
    string FirstLast,
    string Calibration,
    bool SyntheticCalibration,
    string? Warning,
    int Inputs,
    double? OutputSqnrDb,
    double? Top1Agreement,
    double Seconds,
    IReadOnlyList<QuantizeJson.Layer> Layers)
{
    internal sealed record Layer(string Name, string Role, string Plan, string WeightFormat, string InputFormat, long Macs,
        double? WAlpha, double? AAlpha, double? WeightSparsity, double? InputSparsity, double? WeightNonzeroBits, double? InputNonzeroBits,
        double? SqnrDb, bool Exact);

    public static QuantizeJson From(QuantizationResult r) => new(
        r.Network, r.Workload.Name, r.Options.Method.ToString().ToLowerInvariant(), r.Options.WeightBits, r.Options.InputBits, r.Options.FirstLast.ToString(),
        r.Calibration, r.SyntheticCalibration,
        r.SyntheticCalibration ? "activation statistics come from synthetic inputs, not real data" : null,
        r.Inputs, Finite(r.OutputSqnrDb), r.Top1Agreement, Math.Round(r.Elapsed.TotalSeconds, 3),
        [.. r.Layers.Select(l =>
        {
            var s = l.Layer.Statistics;
            return new Layer(l.Layer.Name, l.Role.ToString().ToLowerInvariant(), l.Plan.ToString(), l.Layer.Precision.Weight.Name, l.Layer.Precision.Input.Name,
                l.Layer.Macs, s?.WeightAlpha, s?.InputAlpha, s?.WeightSparsity, s?.InputSparsity, s?.WeightNonZeroBits, s?.InputNonZeroBits,
                Finite(l.SqnrDb), l.SqnrDb is double.PositiveInfinity);
        })]);

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;
}
