using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Layers;

namespace HwSim.Cli.WorkloadVerb;

/// <summary>The JSON shape of <c>hwsim workload --format json</c> (keys become snake_case).</summary>
internal sealed record WorkloadJson(string Name, string? Precision, IReadOnlyList<LayerJson> Layers, TotalsJson Totals)
{
    public static WorkloadJson From(Workload w, string? policy) => new(
        w.Name, policy, [.. w.Layers.Select(LayerJson.From)],
        new TotalsJson(w.Layers.Length, w.Macs, w.Parameters, w.BitOperations,
            [.. w.ByFormat.Select(f => new FormatJson(f.Weight.Name, f.Input.Name, f.Layers, f.Macs, f.BitOperations))]));
}

internal sealed record TotalsJson(int Layers, long Macs, long Params, long BitOperations, IReadOnlyList<FormatJson> ByFormat);

internal sealed record FormatJson(string WeightFormat, string InputFormat, int Layers, long Macs, long BitOperations);

internal sealed record LayerJson(
    string Name, string Kind, string Role, int N, int C, int H, int W, int K, int R, int S, int StrideH, int StrideW,
    int PadTop, int PadBottom, int PadLeft, int PadRight, int DilationH, int DilationW, int Groups, int P, int Q,
    long Macs, long Params, long BitOperations, string WeightFormat, string InputFormat, string AccumulatorFormat, string OutputFormat,
    bool Downsample, bool Bias, bool BatchNorm, string? Unit, ValueStatistics? Statistics, bool? OutputExact)
{
    public static LayerJson From(LayerWorkload l)
    {
        var s = l.Shape;
        return new LayerJson(l.Name, WorkloadCsv.KindName(s.Kind), WorkloadCsv.RoleName(l.Role), s.Batch, s.Channels, s.Height, s.Width,
            s.Filters, s.KernelHeight, s.KernelWidth, s.StrideH, s.StrideW, s.Padding.Top, s.Padding.Bottom, s.Padding.Left, s.Padding.Right,
            s.DilationH, s.DilationW, s.Groups, s.OutputHeight, s.OutputWidth, l.Macs, l.Parameters, l.BitOperations,
            l.Precision.Weight.Name, l.Precision.Input.Name, l.Precision.Accumulator.Name, l.Precision.Output.Name,
            l.IsDownsample, l.HasBias, l.HasBatchNorm, l.Unit,
            // JSON has no infinity: a bit-identical output (SQNR +inf, the CSV's 'inf') is written as output_sqnr_db null
            // and output_exact true, as 'hwsim quantize' writes its layers.
            l.Statistics is { OutputSqnrDb: double.PositiveInfinity } exact ? exact with { OutputSqnrDb = null } : l.Statistics,
            l.Statistics?.OutputSqnrDb is double.PositiveInfinity ? true : null);
    }
}
