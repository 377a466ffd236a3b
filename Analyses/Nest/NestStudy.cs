using System.Collections.Immutable;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;

namespace HwSim.Analyses.Nest;

/// <summary>How a nest study runs.</summary>
/// <param name="Scaling">The technology node the tables are scaled to.</param>
/// <param name="Samples">Mappings the mapper samples per layer (NestMapper.Search), for layers the mapping file leaves open.</param>
/// <param name="Seed">The mapper's seed: a study is deterministic for a seed.</param>
/// <param name="SearchGiven">Search layers the mapping file maps too, with its mapping as a candidate (the pick is never worse).</param>
public sealed record NestStudyOptions(TechnologyScaling Scaling, MappingObjective Objective = MappingObjective.Energy, int Samples = NestStudyOptions.DefaultSamples, int Seed = 1, bool SearchGiven = false)
{
    /// <summary>Mappings sampled per layer unless a caller says otherwise (hwsim nest --samples; energy, simulate and compare use it).</summary>
    public const int DefaultSamples = 2000;

    public EnergyTable Table { get; init; } = EnergyTable.Default;

    /// <summary>
    /// Layers searched at once (threads). Each search is seeded and independent, so the figures do not depend on it; 1 in the library
    /// (a sweep already runs points in parallel), the cores in the CLI's one-network verbs.
    /// </summary>
    public int Parallelism { get; init; } = 1;
}

/// <summary>
/// One layer of a nest study: its problem, the mapping (given or searched; its G loops place the groups), counts and energy (of all
/// groups); or, for a layer the mapper found no legal mapping for or whose tiles are too large to count, the reason.
/// </summary>
/// <param name="Searched">Whether the mapper chose the mapping (no entry of the mapping file applied).</param>
/// <param name="Sampled">Mappings the mapper tried (0 when given).</param>
/// <param name="Valid">Of those, the ones that fit.</param>
public sealed record NestLayerResult(string Layer, NestProblem? Problem, NestMapping? Mapping, NestCounts? Counts, NestEnergyReport? Energy,
    bool Searched = false, long Sampled = 0, long Valid = 0, string? NotRunReason = null)
{
    public bool Ran => NotRunReason is null;

    /// <summary>The layer's cycles: its compute cycles, or more where a level's bandwidth cannot keep up (NestBandwidth); 0 when it did not run.</summary>
    public long Cycles { get; init; }

    /// <summary>Cycles beyond the compute cycles that some level's bandwidth costs.</summary>
    public long StallCycles => Counts is null ? 0 : Cycles - Counts.Cycles;
}

/// <summary>A workload on a nest design: every layer, and totals over the layers that ran.</summary>
public sealed record NestStudyResult(string Workload, NestDesign Design, NestStudyOptions Options, ImmutableArray<NestLayerResult> Layers)
{
    private IEnumerable<NestLayerResult> RanLayers => Layers.Where(l => l.Ran);

    public long Cycles => RanLayers.Sum(l => l.Cycles);

    public long Macs => RanLayers.Sum(l => l.Counts!.Macs);

    public EnergyPj MacEnergy => RanLayers.Aggregate(EnergyPj.Zero, (a, l) => a + l.Energy!.Macs);

    public EnergyPj Energy => RanLayers.Aggregate(EnergyPj.Zero, (a, l) => a + l.Energy!.Total);

    /// <summary>Inferences the workload computes at once (its batch): every total is for the batch.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Energy per inference: the total over the batch, as hwsim energy and compare report it.</summary>
    public EnergyPj EnergyPerInference => Energy * (1.0 / Batch);

    /// <summary>Level <paramref name="level"/>'s accesses summed over operands and layers.</summary>
    public NestAccesses Accesses(int level) => RanLayers.Select(l => NestStudy.Accesses(l.Counts!, level))
        .Aggregate(default(NestAccesses), (a, b) => a + b);

    /// <summary>Level <paramref name="level"/>'s energy summed over layers.</summary>
    public EnergyPj LevelEnergy(int level) => RanLayers.Aggregate(EnergyPj.Zero, (a, l) => a + l.Energy!.Levels[level].Total);
}

/// <summary>
/// The nest study: each layer of a workload on a nest design, with the mapping the mapping file gives it or else the one
/// NestMapper.Search picks under the design's constraints, counted by NestAnalysis and priced by NestEnergy with the layer's own
/// formats (weights, inputs, the accumulator as partial sums, outputs). On a design with bit-serial PEs (<see cref="NestDesign.BitSerialInputs"/>)
/// a layer's problem has B = its input bits, so its MACs are bit-steps and its input accesses bits.
/// </summary>
public static class NestStudy
{
    /// <param name="cache">
    /// Searches to share with other studies of the same design and options (first-last's formats, width's widths); null: this
    /// study's own. Either way a (problem, formats) that no mapping file entry maps is searched once.
    /// </param>
    public static NestStudyResult Run(Workload workload, NestDesign design, NestMappingFile? mappings, NestStudyOptions options, NestSearchCache? cache = null) =>
        Run(workload, design, mappings, options, cache, namesChecked: false);

    /// <param name="namesChecked">
    /// The mapping file's names were checked against a larger workload of which <paramref name="workload"/> is a part (an array
    /// architecture's layers on one unit, <see cref="ArrayNestStudy"/>): an entry for another part's layer is not an error here.
    /// </param>
    internal static NestStudyResult Run(Workload workload, NestDesign design, NestMappingFile? mappings, NestStudyOptions options, NestSearchCache? cache, bool namesChecked)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Samples < 1)
            throw new InputException($"must be at least 1, got {options.Samples}", "samples");
        // Another design's or options' searches would be the wrong picks: a caller's bug, not the user's input.
        if (cache is not null && !cache.Serves(design, options))
            throw new ArgumentException("the cache holds the searches of another design or other options", nameof(cache));
        if (!namesChecked)
            mappings?.CheckNames([.. workload.Layers.Select(l => l.Name)]);
        // Layers of the same problem and formats that no mapping file entry maps get the same search (same design, options and seed):
        // searched once, as the mapper's cache by (layer shape, formats, hierarchy) asks. ResNet-50's 54 layers are 24 such problems.
        var searched = cache ?? new NestSearchCache(design, options);
        if (options.Parallelism < 1)
            throw new InputException($"must be at least 1, got {options.Parallelism}", "parallelism");
        // Layers in workload order whatever the threads: a search two layers share runs once (the cache's), the other waits for it.
        var layers = options.Parallelism == 1
            ? [.. workload.Layers.Select(l => Layer(l, design, mappings, options, searched))]
            : workload.Layers.AsParallel().AsOrdered().WithDegreeOfParallelism(options.Parallelism)
                .Select(l => Layer(l, design, mappings, options, searched)).ToImmutableArray();
        return new NestStudyResult(workload.Name, design, options, layers) { Batch = workload.Batch };
    }

    private static NestLayerResult Layer(Workloads.Layers.LayerWorkload layer, NestDesign design, NestMappingFile? mappings, NestStudyOptions options,
        NestSearchCache searched)
    {
        // Every layer has a nest problem (grouped and dilated ones too); it is not run only when no mapping fits or its tiles are too large
        // to count (below), when bit-serial PEs are given inputs that have no bits to step (floats), or when a level cannot hold one of
        // its values.
        var p = layer.Precision;
        if (design.BitSerialInputs && (p.Input.IsFloat || p.Weight.IsFloat))
            return new NestLayerResult(layer.Name, NestProblem.From(layer.Shape), null, null, null,
                NotRunReason: $"the design's PEs are bit-serial (bit_serial: inputs) and take integer weights and inputs; this layer has {p.Weight} weights and {p.Input} inputs");
        // Bit-serial PEs step the input's code one bit-plane at a time: its bits, binary and ternary as 2-bit codes (the lane register's
        // codes of HwSim's bit-serial array kind, Simulator/BitSerial/BitPlanes.cs).
        var problem = NestProblem.From(layer.Shape, design.BitSerialInputs ? CodeHistogram.Planes(p.Input) : 1);
        // Values wider than a level's words take more than one (NestDesign.ArchitectureFor).
        var (fitted, unfit) = design.ArchitectureFor(p.Weight.Bits, p.Input.Bits, p.Output.Bits);
        if (fitted is not { } arch)
            return new NestLayerResult(layer.Name, problem, null, null, null, NotRunReason: unfit);
        // Looked up once per layer: the mapper prices every sample it keeps.
        var sheet = NestEnergy.Sheet(problem, arch, design.Costs, p.Weight, p.Input, p.Accumulator, p.Output, options.Table, options.Scaling);
        NestEnergyReport Price(NestCounts counts) => sheet.Price(counts);
        var given = mappings?.For(layer.Name, problem, arch);
        if (given is not null && !options.SearchGiven)
        {
            try
            {
                var counts = NestAnalysis.Count(problem, arch, given);
                return new NestLayerResult(layer.Name, problem, given, counts, Price(counts)) { Cycles = NestBandwidth.Cycles(arch, counts) };
            }
            catch (InvalidOperationException e)
            {
                // Tiles too large for the closed form to enumerate (NestAnalysis.MaxEnumerated): a result with the reason.
                return new NestLayerResult(layer.Name, problem, given, null, null, NotRunReason: e.Message);
            }
        }
        if (given is not null)
            return Search(layer.Name, problem, arch, design, given, options, Price);
        // The layer's name is no part of the search: a layer that finds another's search takes it under its own name.
        return searched.GetOrSearch(problem, p, () => Search(layer.Name, problem, arch, design, null, options, Price)) with { Layer = layer.Name };
    }

    private static NestLayerResult Search(string layer, NestProblem problem, NestArchitecture arch, NestDesign design, NestMapping? given, NestStudyOptions options,
        Func<NestCounts, NestEnergyReport> Price)
    {
        Func<NestCounts, double> cost = options.Objective switch
        {
            MappingObjective.Latency => c => NestBandwidth.Cycles(arch, c),
            MappingObjective.Edp => c => Price(c).Total.Value * NestBandwidth.Cycles(arch, c),
            _ => c => Price(c).Total.Value,
        };
        try
        {
            var pick = NestMapper.Search(problem, arch, design.Constraints, cost, options.Samples, options.Seed, given is null ? null : [given]);
            return new NestLayerResult(layer, problem, pick.Mapping, pick.Counts, Price(pick.Counts), true, pick.Sampled, pick.Valid) { Cycles = NestBandwidth.Cycles(arch, pick.Counts) };
        }
        catch (InvalidOperationException e)
        {
            // No sample fitted (fan-outs, capacities), or a sample's tiles were too large to count: a result, not a crash.
            return new NestLayerResult(layer, problem, null, null, null, true, options.Samples, 0, e.Message);
        }
    }

    /// <summary>A level's accesses summed over the operands it keeps.</summary>
    public static NestAccesses Accesses(NestCounts counts, int level) => counts.Levels[level].Values
        .Aggregate(default(NestAccesses), (a, b) => a + b);
}
