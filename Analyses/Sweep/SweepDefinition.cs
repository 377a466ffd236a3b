using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Precision;

namespace HwSim.Analyses.Sweep;

/// <summary>One precision of a sweep: the inner layers' bits (null: the workload's own formats) and the workload with them applied.</summary>
public sealed record PrecisionChoice(int? WeightBits, int? InputBits, PrecisionPolicy? Policy, Workload Workload);

/// <summary>One technology node of a sweep, as the CSV names it ("7nm"), and its scaling.</summary>
public sealed record TechChoice(string Name, TechnologyScaling Scaling);

/// <summary>
/// The tables a sweep prices with. <see cref="Fingerprint"/> identifies them for the sweep hash
/// (the built-in tables, or the SHA-256 of each override file's bytes).
/// </summary>
public sealed record CostTables(EnergyTable Energy, AreaTable Area, DramKind? Dram, string Fingerprint)
{
    public static CostTables Default { get; } = new(EnergyTable.Default, AreaTable.Default, null, "built-in");
}

/// <summary>One point of a sweep: its id and the index of its value in every dimension.</summary>
/// <param name="Id">Position in the full Cartesian order (0-based), the CSV's point_id.</param>
/// <param name="Values">Index into each grid dimension's values, in the grid's order.</param>
public sealed record SweepPoint(long Id, int Precision, ImmutableArray<int> Values, int Tech);

/// <summary>
/// A whole sweep: the Cartesian product of precisions (outermost), the grid's dimensions in file
/// order, and technology nodes (innermost, so the points of one simulated configuration are
/// neighbours and are priced from one simulation). Point ids are positions in that order, so a
/// point's id never depends on how the sweep is sharded or resumed. <see cref="Hash"/> identifies
/// everything that determines the results: two runs with the same hash compute the same rows.
/// </summary>
public sealed class SweepDefinition
{
    /// <summary>Largest sweep HwSim runs (ids are exact and rows fit in memory); bigger grids can be split.</summary>
    public const long MaxPoints = 10_000_000;

    private readonly ImmutableArray<long> _strides;

    /// <summary>Index of the grid's <c>mapping</c> and <c>objective</c> dimensions, or -1.</summary>
    private readonly int _mappingDimension, _objectiveDimension;

    public SweepDefinition(Workload workload, IEnumerable<PrecisionChoice> precisions, ArchitectureSpec baseArchitecture,
        IEnumerable<BoundDimension> dimensions, IEnumerable<TechChoice> techs, CostTables tables, MappingPolicy? mapping = null)
        : this(workload, precisions, baseArchitecture, null, null, dimensions, techs, tables, mapping ?? MappingPolicy.Default)
    {
        ArgumentNullException.ThrowIfNull(baseArchitecture);
    }

    /// <summary>
    /// A sweep of a nest design: every point is the nest study of its precision on <paramref name="design"/> at its node, under its
    /// objective (the grid's <c>objective</c>, else <paramref name="objective"/>), in place of the array simulation. Only
    /// <c>objective</c> may vary (<see cref="GridFile.BindNest"/>); the design's DRAM type is replaced by <paramref name="tables"/>' if given.
    /// </summary>
    /// <param name="mappings">The nest mapping file (--mapping FILE), or null to search every layer.</param>
    public SweepDefinition(Workload workload, IEnumerable<PrecisionChoice> precisions, NestDesign design, NestMappingFile? mappings,
        IEnumerable<BoundDimension> dimensions, IEnumerable<TechChoice> techs, CostTables tables, MappingObjective objective)
        : this(workload, precisions, null, design ?? throw new ArgumentNullException(nameof(design)), mappings, dimensions, techs, tables, MappingPolicy.SearchFor(objective))
    {
    }

    private SweepDefinition(Workload workload, IEnumerable<PrecisionChoice> precisions, ArchitectureSpec? baseArchitecture, NestDesign? nest, NestMappingFile? nestMappings,
        IEnumerable<BoundDimension> dimensions, IEnumerable<TechChoice> techs, CostTables tables, MappingPolicy mapping)
    {
        Mapping = mapping;
        Workload = workload;
        Precisions = [.. precisions];
        _base = baseArchitecture;
        Nest = nest;
        NestMappings = nestMappings;
        Dimensions = [.. dimensions];
        Techs = [.. techs];
        Tables = tables;
        if (Precisions.IsEmpty || Techs.IsEmpty)
            throw new ArgumentException("a sweep needs at least one precision and one technology node");
        // Mixed-radix strides, last dimension fastest: precision, grid dimensions..., tech.
        var radices = new List<long> { Precisions.Length };
        radices.AddRange(Dimensions.Select(d => (long)d.Dimension.Values.Length));
        radices.Add(Techs.Length);
        var strides = new long[radices.Count];
        long stride = 1;
        for (var i = radices.Count - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride = radices[i] > MaxPoints / stride + 1 ? MaxPoints + 1 : stride * radices[i];
        }
        if (stride > MaxPoints)
            throw new InputException($"the sweep has more than {MaxPoints:N0} points ({string.Join(" x ", radices)}); split it into several grids", "grid");
        PointCount = stride;
        _strides = [.. strides];
        _mappingDimension = IndexOf(GridField.Mapping);
        _objectiveDimension = IndexOf(GridField.Objective);
        Header = [.. LeadingColumns, .. Dimensions.Select(d => d.Dimension.Path), "tech", .. SweepCsv.ResultColumns];
        Hash = ComputeHash();
    }

    public Workload Workload { get; }
    public ImmutableArray<PrecisionChoice> Precisions { get; }

    private readonly ArchitectureSpec? _base;

    /// <summary>The array architecture the grid varies; a nest sweep (<see cref="Nest"/>) has none.</summary>
    public ArchitectureSpec BaseArchitecture => _base ?? throw new InvalidOperationException($"the sweep runs the nest design {Nest!.Name}, not an array architecture");

    /// <summary>The nest design every point runs, or null for a sweep of array architectures.</summary>
    public NestDesign? Nest { get; }

    /// <summary>A nest sweep's mapping file (--mapping FILE), or null: the nest mapper searches every layer.</summary>
    public NestMappingFile? NestMappings { get; }

    /// <summary>Mappings the nest mapper samples per layer, as hwsim energy on a nest design.</summary>
    public int NestSamples => NestStudyOptions.DefaultSamples;

    /// <summary>The nest study options of a point of a nest sweep: its node, its objective, the sweep's energy table.</summary>
    public NestStudyOptions NestOptions(SweepPoint point) =>
        new(Techs[point.Tech].Scaling, Policy(point).Objective, NestSamples) { Table = Tables.Energy };

    /// <summary>The name in the CSV's arch column: the base architecture's or the nest design's.</summary>
    public string ArchitectureName => _base?.Name ?? Nest!.Name;
    public ImmutableArray<BoundDimension> Dimensions { get; }
    public ImmutableArray<TechChoice> Techs { get; }
    public CostTables Tables { get; }

    /// <summary>
    /// How the points' layers are mapped (by default a search minimising energy at the point's
    /// prices), unless the grid varies <c>mapping</c> or <c>objective</c>: <see cref="Policy"/>.
    /// </summary>
    public MappingPolicy Mapping { get; }

    public long PointCount { get; }

    /// <summary>First 16 hex digits of the SHA-256 of the sweep's canonical description.</summary>
    public string Hash { get; }

    /// <summary>The CSV columns, in order.</summary>
    public ImmutableArray<string> Header { get; }

    /// <summary>The <c>objective</c> cell of a point that maps with the fixed schedule, which has no objective.</summary>
    public const string NoObjective = "none";

    /// <summary>Columns before the grid's parameters.</summary>
    public static readonly ImmutableArray<string> LeadingColumns = ["point_id", "network", "wbits", "abits", "first_last", "arch"];

    /// <summary>The point with id <paramref name="id"/> (0 &lt;= id &lt; <see cref="PointCount"/>).</summary>
    public SweepPoint Point(long id)
    {
        if (id < 0 || id >= PointCount)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"the sweep has {PointCount} points");
        var precision = (int)(id / _strides[0]);
        var values = new int[Dimensions.Length];
        for (var d = 0; d < values.Length; d++)
            values[d] = (int)(id / _strides[d + 1] % Dimensions[d].Dimension.Values.Length);
        return new SweepPoint(id, precision, [.. values], (int)(id % Techs.Length));
    }

    /// <summary>Points that share a simulation (same precision and architecture; differ only in node) share this key.</summary>
    public long SimulationKey(long id) => id / Techs.Length;

    /// <summary>The base architecture with the point's grid values applied.</summary>
    public ArchitectureSpec Architecture(SweepPoint point)
    {
        var arch = BaseArchitecture;
        for (var d = 0; d < Dimensions.Length; d++)
            arch = Dimensions[d].Apply(arch, point.Values[d]);
        return arch;
    }

    /// <summary>
    /// How the point's layers are mapped: the grid's <c>mapping</c> value if the grid varies it,
    /// else <see cref="Mapping"/>'s; under the grid's <c>objective</c> value if it varies it, else
    /// <see cref="Mapping"/>'s objective. A fixed schedule has no objective (it ignores the key).
    /// </summary>
    public MappingPolicy Policy(SweepPoint point)
    {
        if (_mappingDimension < 0 && _objectiveDimension < 0)
            return Mapping;
        var objective = _objectiveDimension < 0 ? Mapping.Objective : (MappingObjective)Value(point, _objectiveDimension).Value!;
        return _mappingDimension < 0 ? (Mapping.Search ? Mapping.WithObjective(objective) : Mapping)
            : ((GridMapping)Value(point, _mappingDimension).Value!).Policy(objective);
    }

    private int IndexOf(GridField field)
    {
        for (var d = 0; d < Dimensions.Length; d++)
            if (Dimensions[d].Dimension.Parameter.Field == field)
                return d;
        return -1;
    }

    private GridValue Value(SweepPoint point, int dimension) => Dimensions[dimension].Dimension.Values[point.Values[dimension]];

    public CostSetting Cost(SweepPoint point) => new(Tables.Energy, Tables.Area, Techs[point.Tech].Scaling, Tables.Dram) { Mapping = Policy(point) };

    /// <summary>The parameter cells of a point's row, in <see cref="Header"/> order (before the results).</summary>
    public IEnumerable<string> ParameterCells(SweepPoint point)
    {
        var p = Precisions[point.Precision];
        yield return point.Id.ToString(CultureInfo.InvariantCulture);
        yield return Workload.Name;
        yield return p.WeightBits?.ToString(CultureInfo.InvariantCulture) ?? "";
        yield return p.InputBits?.ToString(CultureInfo.InvariantCulture) ?? "";
        yield return p.Policy?.FirstLast.ToString() ?? "";
        yield return ArchitectureName;
        // A fixed point ignores the objective: its cell says so rather than naming an objective nothing minimised.
        var ignoresObjective = _objectiveDimension >= 0 && !Policy(point).Search;
        for (var d = 0; d < Dimensions.Length; d++)
            yield return d == _objectiveDimension && ignoresObjective ? NoObjective : Value(point, d).Text;
        yield return Techs[point.Tech].Name;
    }

    /// <summary>
    /// Everything that decides the rows, written out canonically: the workload's layers (as its
    /// CSV, so a file and the zoo network it copies hash alike), the precisions, the base
    /// architecture (as YAML, so a preset and its copy in a file hash alike), the grid, the nodes
    /// and the tables. Paths, shards and job counts are not part of it.
    /// </summary>
    private string ComputeHash()
    {
        var text = new StringBuilder();
        text.Append("hwsim-sweep v1\n");
        using (var workloadCsv = new StringWriter(CultureInfo.InvariantCulture))
        {
            WorkloadCsv.Write(Workload, workloadCsv);
            text.Append("workload ").Append(Workload.Name).Append(" sha256 ").Append(Sha256(workloadCsv.ToString())).Append('\n');
        }
        foreach (var p in Precisions)
            text.Append("precision ").Append(p.WeightBits).Append('/').Append(p.InputBits).Append(' ').Append(p.Policy?.ToString() ?? "as given").Append('\n');
        if (Nest is { } design)
        {
            // A nest design is identified by its text (a built-in one by its embedded file), its mapping file by its bytes, the mapper by its samples.
            text.Append("nest design ").Append(design.Name).Append(" sha256 ").Append(Sha256(NestDesigns.Text(design.Name) is { } builtin && design.File.StartsWith("built-in", StringComparison.Ordinal)
                ? builtin : InputFiles.ReadAllText(design.File))).Append('\n');
            text.Append("nest mappings ").Append(NestMappings is null ? "searched" : Sha256(InputFiles.ReadAllText(NestMappings.File))).Append(" samples ").Append(NestSamples).Append('\n');
        }
        else
            text.Append("architecture\n").Append(ArchitectureYaml.ToYaml(BaseArchitecture)).Append('\n');
        foreach (var d in Dimensions)
        {
            text.Append("vary ").Append(d.Dimension.Path).Append(" unit ").Append(d.UnitIndex).Append(": ")
                .Append(string.Join(",", d.Dimension.Values.Select(v => v.Text))).Append('\n');
            // A mapping file is also identified by its bytes: an edited file is another sweep.
            if (d.Dimension.Parameter.Field == GridField.Mapping)
                text.Append("mappings ").Append(string.Join(",", d.Dimension.Values.Select(v => ((GridMapping)v.Value!).Fingerprint))).Append('\n');
        }
        foreach (var t in Techs)
            text.Append("tech ").Append(t.Name).Append(' ').Append(t.Scaling.ToString()).Append('\n');
        text.Append("dram ").Append(Tables.Dram?.CsvName() ?? "architecture's").Append('\n');
        text.Append("tables ").Append(Tables.Fingerprint).Append('\n');
        text.Append("mapping ").Append(Mapping.Fingerprint).Append('\n');
        return Sha256(text.ToString())[..16];
    }

    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
