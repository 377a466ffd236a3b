using BenchmarkDotNet.Attributes;
using HwSim.Simulator.Nest;
using HwSim.Tests.Simulator.Nest;

namespace HwSim.Benchmarks.Nest;

/// <summary>
/// The nest engine's speed (Simulator/Nest): NestAnalysis.Count on Timeloop's three exercises with their own mappings,
/// NestReference.Run on simple_ws (10,838,016 MACs stepped) for the ratio between the two engines, and NestMapper.Search on
/// simple_ws under the exercise's constraints at 20,000 samples (the size NestEnergyTests searches). The designs come from
/// the test project's TimeloopNests.cs, compiled into this project as a linked file (as HwSim.Quantizer.Tests links
/// Tests/HwSim.Tests/Support): one transcription of Timeloop's files, and no dependency on the test project and NUnit.
/// Benchmarks/Nest/README.md has the figures.
/// </summary>
// Min next to the mean: on a shared, loaded machine the fastest iteration is the better estimate of the program alone.
[MemoryDiagnoser]
[MinColumn]
public class NestBenchmarks
{
    /// <summary>
    /// The cheap cost the mapper benchmark ranks by, so that it times the mapper, not pricing: every access weighted by its
    /// level's relative energy per access in Eyeriss's hierarchy (Chen, Emer, Sze, ISCA 2016, Fig. 3: DRAM 200, global buffer
    /// 6, PE array 2, register file 1), here DRAM 200, shared_glb 6, pe_spad 2 and the three registers 1.
    /// </summary>
    private static readonly double[] SimpleWsLevelWeight = [200, 6, 2, 1, 1, 1];

    private NestArchitecture _simpleWs = null!;
    private NestMapping _simpleWsMapping = null!;
    private long[] _weights = null!;
    private long[] _inputs = null!;

    /// <summary>Mappings sampled (drawn, valid or not) and valid ones (counted and costed), neighbours refinement evaluated and the valid ones, in one search.</summary>
    public (long Sampled, long Valid, long Neighbours, long NeighboursValid) Searched { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var problem = TimeloopNests.Problem;
        (_simpleWs, _simpleWsMapping) = (TimeloopNests.Architecture("simple_ws"), TimeloopNests.Mapping("simple_ws"));
        // Any operands do: the reference's counts do not depend on the values. Seeded, as NestRandom.Operands.
        var rng = new Random(7);
        long[] Draw(long count) => [.. Enumerable.Range(0, checked((int)count)).Select(_ => (long)rng.Next(-128, 128))];
        (_weights, _inputs) = (Draw(problem.Elements(NestTensor.Weights)), Draw(problem.Elements(NestTensor.Inputs)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Searched.Sampled > 0)
            Console.WriteLine($"// nest mapper: {Searched.Sampled} mappings sampled, {Searched.Valid} valid (counted and costed); refinement: {Searched.Neighbours} neighbours, {Searched.NeighboursValid} valid, per search (the last search run); per second = these / the mean");
    }

    public static IEnumerable<string> Designs => TimeloopNests.Designs;

    [Benchmark(Description = "NestAnalysis.Count: a Timeloop exercise with its own mapping")]
    [ArgumentsSource(nameof(Designs))]
    public long Count(string design) =>
        NestAnalysis.Count(TimeloopNests.Problem, TimeloopNests.Architecture(design), TimeloopNests.Mapping(design)).Cycles;

    [Benchmark(Description = "NestReference.Run: simple_ws with its own mapping (10.8 M MACs stepped)")]
    public long Reference() => NestReference.Run(TimeloopNests.Problem, _simpleWs, _simpleWsMapping, _weights, _inputs).Counts.Cycles;

    [Benchmark(Description = "NestMapper.Search: simple_ws, the exercise's constraints, 20,000 samples and the default refinement, accesses weighted by level")]
    public double Search() => Searching(NestRefinement.Default);

    [Benchmark(Description = "NestMapper.Search: as Search, sampling alone (NestRefinement.None)")]
    public double SearchSamplingOnly() => Searching(NestRefinement.None);

    private double Searching(NestRefinement refinement)
    {
        var pick = NestMapper.Search(TimeloopNests.Problem, _simpleWs, TimeloopConstraints.For("simple_ws"), WeightedAccesses, samples: 20_000, seed: 1, refinement: refinement);
        Searched = (pick.Sampled, pick.Valid, pick.Neighbours, pick.NeighboursValid);
        return pick.Cost;
    }

    private static double WeightedAccesses(NestCounts counts)
    {
        var total = 0.0;
        for (var l = 0; l < counts.Levels.Length; l++)
            foreach (var a in counts.Levels[l].Values)
                total += SimpleWsLevelWeight[l] * (a.Reads + a.Fills + a.Updates);
        return total;
    }
}
