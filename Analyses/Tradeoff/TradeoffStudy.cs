using System.Globalization;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Layers;

namespace HwSim.Analyses.Tradeoff;

/// <summary>One trained point priced: accuracy from training, energy and latency from the simulator and cost model on its own workload.</summary>
public sealed record TradeoffRow(
    int Id, string Network, string Method, int WeightBits, int InputBits, string FirstLast, double Width, long Seed, int Epochs,
    int TrainImages, int TestImages, double TestAccuracy, double EnergyUj, double LatencyMs, double FirstLastEnergyShare, int LayersNotRun, double TrainSeconds)
{
    /// <summary>The configuration without the seed.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"{Method} W{WeightBits}A{InputBits} {FirstLast} k={Width:0.###}");
}

/// <summary>The seeds of one configuration summarised: accuracy mean and spread, cost (the same for every seed up to statistics).</summary>
public sealed record TradeoffSummary(
    string Method, int WeightBits, int InputBits, string FirstLast, double Width, int Seeds,
    double AccuracyMean, double AccuracyStd, double AccuracyMin, double AccuracyMax, double EnergyUj, double LatencyMs, double FirstLastEnergyShare)
{
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"{Method} W{WeightBits}A{InputBits} {FirstLast} k={Width:0.###}");
}

/// <summary>The smallest width whose 1-bit network is within the margin of a baseline, or null when none in the grid is.</summary>
public sealed record WidthAnswer(string Baseline, double BaselineAccuracy, string FirstLast, double Margin, TradeoffSummary? Smallest, IReadOnlyList<TradeoffSummary> Candidates);

/// <summary>
/// One finished training point as the trainer left it: its configuration, the measured accuracy and the workload
/// CSV of the trained network (with its measured statistics). The trainer lives in the quantizer (libtorch); this
/// library only reads what it wrote.
/// </summary>
public sealed record TrainedPoint(
    int Id, string Network, string Method, int WeightBits, int InputBits, string FirstLast, double Width, long Seed, int Epochs,
    int TrainImages, int TestImages, double TestAccuracy, double TrainSeconds, string WorkloadPath);

/// <summary>The whole join: rows, per-configuration summaries, and the two answers.</summary>
public sealed record TradeoffResult(string Architecture, IReadOnlyList<TradeoffRow> Rows, IReadOnlyList<TradeoffSummary> Summaries,
    IReadOnlyList<WidthAnswer> Widths, IReadOnlyList<TradeoffSummary> FirstLast, double Margin);

/// <summary>
/// Joins the finished points of a tradeoff grid with the simulator and cost model: every point's workload (the
/// trained network with its measured statistics) is simulated on the architecture and priced, and the seeds of a
/// configuration are summarised (mean, sample standard deviation, range).
/// </summary>
public static class TradeoffStudy
{
    /// <summary>Prices every trained point on <paramref name="arch"/> and summarises the seeds of each configuration.</summary>
    public static TradeoffResult Join(IReadOnlyList<TrainedPoint> points, ArchitectureSpec arch, string archName, CostSetting cost, double margin)
    {
        var rows = new List<TradeoffRow>(points.Count);
        foreach (var p in points)
        {
            var workload = WorkloadCsv.Read(p.WorkloadPath);
            var energy = Evaluator.Evaluate(workload, arch, cost).Energy;
            var total = energy.Total.Value;
            var firstLast = energy.Layers.Where((l, i) => workload.Layers[i].Role is LayerRole.First or LayerRole.Last).Sum(l => l.Total.Value);
            rows.Add(new TradeoffRow(p.Id, p.Network, p.Method, p.WeightBits, p.InputBits, p.FirstLast, p.Width, p.Seed, p.Epochs,
                p.TrainImages, p.TestImages, p.TestAccuracy, energy.EnergyPerInferenceMicrojoules,
                energy.LatencySeconds * 1e3, total > 0 ? firstLast / total : 0, energy.Layers.Count(l => !l.Ran), p.TrainSeconds));
        }
        var summaries = Summarise(rows);
        return new TradeoffResult(archName, rows, summaries, Widths(summaries, margin), FirstLastRows(summaries), margin);
    }

    public static IReadOnlyList<TradeoffSummary> Summarise(IEnumerable<TradeoffRow> rows) =>
        [.. rows.GroupBy(r => (r.Method, r.WeightBits, r.InputBits, r.FirstLast, r.Width)).Select(g =>
        {
            var acc = g.Select(r => r.TestAccuracy).ToArray();
            var mean = acc.Average();
            var std = acc.Length > 1 ? Math.Sqrt(acc.Sum(a => (a - mean) * (a - mean)) / (acc.Length - 1)) : 0;
            return new TradeoffSummary(g.Key.Method, g.Key.WeightBits, g.Key.InputBits, g.Key.FirstLast, g.Key.Width, acc.Length, mean, std, acc.Min(), acc.Max(),
                g.Average(r => r.EnergyUj), g.Average(r => r.LatencyMs), g.Average(r => r.FirstLastEnergyShare));
        }).OrderBy(s => Rank(s.Method)).ThenBy(s => s.Width).ThenBy(s => s.FirstLast, StringComparer.Ordinal)];

    /// <summary>
    /// For each first/last format of the W1A1 (XNOR) configurations: the smallest width whose mean accuracy is at least
    /// the baseline's mean minus the margin, against the fp32 network at k = 1 and against the uniform int8 network at k = 1.
    /// </summary>
    public static IReadOnlyList<WidthAnswer> Widths(IReadOnlyList<TradeoffSummary> summaries, double margin)
    {
        var answers = new List<WidthAnswer>();
        var baselines = new[]
        {
            ("fp32 k=1", summaries.FirstOrDefault(s => s.Method == "fp32" && s.Width == 1)),
            ("uniform int8 k=1", summaries.Where(s => s.Method == "uniform" && s.WeightBits == 8 && s.InputBits == 8 && s.Width == 1).OrderBy(s => s.FirstLast == "same" ? 0 : 1).FirstOrDefault()),
        };
        var binary = summaries.Where(s => s.Method == "xnor" && s.WeightBits == 1 && s.InputBits == 1).ToList();
        foreach (var (name, baseline) in baselines)
        {
            if (baseline is null)
                continue;
            foreach (var group in binary.GroupBy(s => s.FirstLast))
            {
                var candidates = group.OrderBy(s => s.Width).ToList();
                var smallest = candidates.FirstOrDefault(s => s.AccuracyMean >= baseline.AccuracyMean - margin);
                answers.Add(new WidthAnswer(name, baseline.AccuracyMean, group.Key, margin, smallest, candidates));
            }
        }
        return answers;
    }

    /// <summary>W4A2 (any method) and W1A1 at k = 1, each first/last format, for the "what the first/last layers buy" table.</summary>
    public static IReadOnlyList<TradeoffSummary> FirstLastRows(IReadOnlyList<TradeoffSummary> summaries) =>
        [.. summaries.Where(s => s.Width == 1 && ((s.WeightBits == 4 && s.InputBits == 2) || (s.WeightBits == 1 && s.InputBits == 1)))
            .OrderBy(s => s.WeightBits).ThenBy(s => s.Method, StringComparer.Ordinal).ThenBy(s => FirstLastRank(s.FirstLast))];

    private static int Rank(string method) => method switch { "fp32" => 0, "uniform" => 1, "pact" => 2, "xnor" => 9, _ => 5 };

    private static int FirstLastRank(string f) => f switch { "fp32" => 0, "int8" => 1, "same" => 2, _ => 3 };
}
