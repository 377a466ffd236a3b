using BenchmarkDotNet.Attributes;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;

namespace HwSim.Benchmarks.Mapper;

/// <summary>
/// The mapper's speed targets (issue 12): mapper + simulation + pricing of all of ResNet-50 on
/// lowbit-default under 1 s on one core with a cold cache; the fixed mapping stays ~10 ms.
/// Each cold run builds a new <see cref="MappingSearch"/> (empty cache) with the cost model's
/// 45 nm prices. Mappings estimated per run are printed at cleanup (mappings per second =
/// that / the mean time).
/// </summary>
[MemoryDiagnoser]
public class MapperBenchmarks
{
    private Workload _resnet50 = null!;
    private ArchitectureSpec _lowbit = null!;
    private ActionPrice _prices = null!;
    private EnergyContext _context = null!;

    /// <summary>Candidates the mapper estimated in one cold ResNet-50 run.</summary>
    public long Estimated { get; private set; }

    /// <summary>The objective of the last run (the cleanup line names it).</summary>
    public MappingObjective Objective { get; private set; }

    /// <summary>Layers simulated exactly (fixed + best estimates) in one cold run: the layers the cache did not answer.</summary>
    public long Searched { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _resnet50 = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet50"));
        _lowbit = Presets.Get(Presets.Default);
        _context = EnergyContext.At45nm(_lowbit.Buffers);
        _prices = Mappers.Prices(EnergyTable.Default, _context);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Estimated > 0)
            Console.WriteLine($"// mapper ({Objective}): {Estimated} mappings estimated per cold ResNet-50 run, {Searched} of {_resnet50.Layers.Length} layers searched (the rest from the cache)");
    }

    [Benchmark(Description = "mapper (energy, cold cache) + fast engine + pricing: resnet50 W4A2 (fp32 first/last) on lowbit-default")]
    public double MappedResNet50() => Mapped(MappingObjective.Energy);

    /// <summary>The latency objective estimates smaller M blocks too (Simulator/README.md section 6), so its mapspace is larger.</summary>
    [Benchmark(Description = "mapper (latency, cold cache) + fast engine + pricing: resnet50 W4A2 (fp32 first/last) on lowbit-default")]
    public double MappedResNet50Latency() => Mapped(MappingObjective.Latency);

    private double Mapped(MappingObjective objective)
    {
        var search = new MappingSearch(_prices);
        var result = search.Evaluate(_resnet50, _lowbit, MappingPolicy.SearchFor(objective));
        (Estimated, Objective) = (search.Estimated, objective);
        Searched = _resnet50.Layers.Length - search.CacheHits;
        return Evaluator.PriceEnergy(_resnet50, _lowbit, result, EnergyTable.Default, _context).Total.Value;
    }

    /// <summary>
    /// The closed forms alone (no exact runs): every distinct layer of ResNet-50 estimated over
    /// its whole pruned mapspace, each with a new estimator. Mappings estimated per second =
    /// <see cref="Estimated"/> over this benchmark's mean.
    /// </summary>
    [Benchmark(Description = "mapper estimates only (no exact runs): resnet50 W4A2 distinct layers on lowbit-default")]
    public long EstimatesResNet50() => Estimates(MappingObjective.Energy);

    /// <summary>As <see cref="EstimatesResNet50"/> under the latency objective (smaller M blocks estimated too).</summary>
    [Benchmark(Description = "mapper estimates only (no exact runs), latency objective: resnet50 W4A2 distinct layers on lowbit-default")]
    public long EstimatesResNet50Latency() => Estimates(MappingObjective.Latency);

    private long Estimates(MappingObjective objective)
    {
        var search = new MappingSearch(_prices);
        var models = _lowbit.Units.Select(HwSim.Simulator.Units.UnitModels.For).ToList();
        long count = 0;
        foreach (var layer in _resnet50.Layers.DistinctBy(l => (l.Shape, l.Precision)))
        {
            var model = Simulation.Choose(layer, models).Model!;
            count += search.Candidates(new MappingEstimator(layer, _lowbit, model), model, _lowbit, objective, MappingConstraint.None).Count;
        }
        (Estimated, Objective) = (count, objective);
        Searched = _resnet50.Layers.DistinctBy(l => (l.Shape, l.Precision)).Count();
        return count;
    }

    [Benchmark(Description = "fixed mapping + fast engine + pricing: resnet50 W4A2 (fp32 first/last) on lowbit-default")]
    public double FixedResNet50() =>
        Evaluator.PriceEnergy(_resnet50, _lowbit, Simulation.Evaluate(_resnet50, _lowbit), EnergyTable.Default, _context).Total.Value;
}
