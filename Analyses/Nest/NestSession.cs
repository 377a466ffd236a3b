using HwSim.CostModel.Area;
using HwSim.CostModel.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Analyses.Nest;

/// <summary>
/// A nest design as the studies that run several workloads on it use it (first-last: one per first/last format; width: one per
/// width): the design (its DRAM type already replaced if the user asked), the mapping file, the study's options and the area table,
/// with one <see cref="NestSearchCache"/> so that a layer problem the workloads share is searched once. What <c>hwsim energy</c> runs
/// for one workload is <see cref="Run"/>.
/// </summary>
public sealed class NestSession
{
    /// <param name="design">The design, with any DRAM override applied.</param>
    /// <param name="mappings">The nest mapping file (--mapping FILE), or null to search every layer.</param>
    /// <param name="options">Objective, samples, seed, node and energy table of every study.</param>
    /// <param name="area">The area table the design's area is priced with.</param>
    /// <param name="searchedOne">Told of each new search when it ends (<see cref="NestSearchCache"/>), e.g. for a progress line.</param>
    public NestSession(NestDesign design, NestMappingFile? mappings, NestStudyOptions options, AreaTable area, Action<NestLayerResult, OperandPrecision, TimeSpan>? searchedOne = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(area);
        (Design, Mappings, Options, AreaTable) = (design, mappings, options, area);
        Searches = new NestSearchCache(design, options, searchedOne);
    }

    public NestDesign Design { get; }

    public NestMappingFile? Mappings { get; }

    public NestStudyOptions Options { get; }

    public AreaTable AreaTable { get; }

    /// <summary>The searches every study of this session shares.</summary>
    public NestSearchCache Searches { get; }

    /// <summary>The nest study of <paramref name="workload"/> on the design, with the searches shared.</summary>
    public NestStudyResult Run(Workload workload) => NestStudy.Run(workload, Design, Mappings, Options, Searches);

    /// <summary>
    /// The whole design's area with its MACs and registers sized for <paramref name="workload"/>'s formats (NestArea: one MAC runs
    /// every layer, so it is built for the widest of them), at the options' node.
    /// </summary>
    public NestAreaReport Area(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return NestArea.Of(Design.Name, Design.Architecture, Design.Costs, [.. workload.Layers.Select(l => l.Precision).Distinct()], AreaTable, Options.Scaling);
    }
}
