using System.Globalization;
using BenchmarkDotNet.Attributes;
using HwSim.Analyses.Sweep;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Technology;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;

namespace HwSim.Benchmarks.Sweep;

/// <summary>
/// The sweep's speed targets: a 1,000-point sweep over ResNet-18 in under 30 s on 2 cores (issue 6,
/// fixed mapping), and within 60 s with the mapper (issue 12; the default mapping policy, used here).
/// 1,000 = 8 bit-widths (W = A, 1..8) x 5 array heights x 5 widths x 5 lane counts of
/// lowbit-default's bit-serial unit, at one node, so every point is its own simulation (with
/// several nodes, points share one). The run uses 2 threads, as <c>hwsim sweep --jobs 2</c>.
/// Each operation is a whole sweep (seconds): run with <c>--job short</c> or <c>--job dry</c>, e.g.
/// <c>dotnet run -c Release --project Benchmarks -- --filter '*Sweep*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private SweepDefinition _sweep = null!;

    [GlobalSetup]
    public void Setup()
    {
        var workload = NetworkZoo.Get("resnet18");
        var precisions = Enumerable.Range(1, 8).Select(b =>
        {
            var policy = PrecisionPolicy.FromBits(b, b, FirstLastFormat.Keep(NumberFormat.Fp32));
            return new PrecisionChoice(b, b, policy, policy.Apply(workload));
        });
        var grid = new GridFile(null, null, 0,
        [
            Dimension("units[0].rows", 8, 16, 24, 32, 64),
            Dimension("units[0].cols", 8, 16, 24, 32, 64),
            Dimension("units[0].lanes", 4, 8, 16, 32, 64),
        ]);
        var arch = grid.ResolveBase(null);
        _sweep = new SweepDefinition(workload, precisions, arch, grid.Bind(arch), [new TechChoice("45nm", TechnologyScaling.Identity45nm)], CostTables.Default);
        if (_sweep.PointCount != 1000)
            throw new InvalidOperationException($"the benchmark sweep has {_sweep.PointCount} points, not 1,000");
    }

    private static GridDimension Dimension(string path, params int[] values)
    {
        var parameter = GridParameter.TryParse(path)!;
        return new GridDimension(parameter, [.. values.Select(v => parameter.ParseValue(v.ToString(CultureInfo.InvariantCulture), 0).Value!)], 0);
    }

    /// <summary>
    /// Each measured sweep starts with no mapper picks, as a new <c>hwsim sweep</c> process does:
    /// the cost model's mappers are shared per price table, so without this every run after the
    /// first would be answered from the first one's cache (about 0.2 s instead of a cold sweep).
    /// </summary>
    [IterationSetup]
    public void Cold() => Mappers.Forget();

    [Benchmark(Description = "sweep: resnet18, 1,000 points (8 bit-widths x 5 rows x 5 cols x 5 lanes), 2 threads")]
    public int ResNet18Thousand() => SweepRun.Compute(_sweep, Enumerable.Range(0, 1000).Select(i => (long)i), ModelEvaluator.Instance, jobs: 2).Count;
}
