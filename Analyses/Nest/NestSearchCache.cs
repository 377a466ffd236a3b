using System.Collections.Concurrent;
using HwSim.Simulator.Nest;
using HwSim.Workloads.Formats;

namespace HwSim.Analyses.Nest;

/// <summary>
/// The mapper's searches of one design under one set of options, kept across nest studies: a layer of the same problem and formats
/// that no mapping file entry maps is searched once (the same design, options and seed give the same search), whichever study or
/// workload asks first. first-last runs the network once per first/last format and width once per width: their inner layers repeat,
/// and are searched once here instead of once per study. Safe to share between threads: a search two studies ask for at the same
/// time runs once, the other waits for it.
/// </summary>
public sealed class NestSearchCache
{
    private readonly ConcurrentDictionary<(NestProblem, OperandPrecision), Lazy<NestLayerResult>> _searched = new();

    private readonly Action<NestLayerResult, OperandPrecision, TimeSpan>? _searchedOne;

    /// <param name="design">The design every study using the cache runs (with --dram applied, if any).</param>
    /// <param name="options">The options every study using the cache runs with.</param>
    /// <param name="searchedOne">
    /// Told of each new search when it ends, with the formats it was made for and its wall time (a progress line: a network's searches take about a second each); it
    /// may be called from several threads at once.
    /// </param>
    public NestSearchCache(NestDesign design, NestStudyOptions options, Action<NestLayerResult, OperandPrecision, TimeSpan>? searchedOne = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(options);
        (Design, Options, _searchedOne) = (design, options, searchedOne);
    }

    /// <summary>The design the searches were made on.</summary>
    public NestDesign Design { get; }

    /// <summary>The options the searches were made with.</summary>
    public NestStudyOptions Options { get; }

    /// <summary>Distinct (problem, formats) searched so far.</summary>
    public int Count => _searched.Count;

    /// <summary>Whether the searches here are the ones a study of <paramref name="design"/> with <paramref name="options"/> would make.</summary>
    internal bool Serves(NestDesign design, NestStudyOptions options) => Equals(Design, design) && Equals(Options, options);

    /// <summary>The search of <paramref name="problem"/> at <paramref name="precision"/>: the kept one, or <paramref name="search"/>'s, then kept.</summary>
    internal NestLayerResult GetOrSearch(NestProblem problem, OperandPrecision precision, Func<NestLayerResult> search) =>
        _searched.GetOrAdd((problem, precision), _ => new Lazy<NestLayerResult>(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = search();
            _searchedOne?.Invoke(result, precision, clock.Elapsed);
            return result;
        })).Value;
}
