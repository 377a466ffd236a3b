using System.Collections.Immutable;
using System.Globalization;
using HwSim.Analyses.Nest;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;

namespace HwSim.Analyses.Sweep;

/// <summary>One varied parameter of a grid and its values, in the file's order.</summary>
/// <param name="Line">Line of the parameter's key in the grid file, for errors.</param>
public sealed record GridDimension(GridParameter Parameter, ImmutableArray<GridValue> Values, int Line)
{
    public string Path => Parameter.Path;
}

/// <summary>A dimension checked against the architecture it varies: the unit it names is known.</summary>
public sealed record BoundDimension(GridDimension Dimension, int UnitIndex)
{
    public ArchitectureSpec Apply(ArchitectureSpec arch, int valueIndex) =>
        Dimension.Parameter.Apply(arch, UnitIndex, Dimension.Values[valueIndex]);
}

/// <summary>
/// An architecture grid file (schema version 1): a base architecture and the parameters varied
/// over it. The sweep is the Cartesian product of the dimensions, in file order.
/// </summary>
/// <remarks>
/// <code>
/// version: 1                   # required
/// base: lowbit-default         # optional: a preset or an architecture .yaml (relative to this file); --arch overrides it
/// vary:                        # optional: parameter path -> non-empty list of values
///   units[0].rows: [8, 16, 32]
///   units[lowbit].lanes: [8, 16]              # a unit by index or by name
///   buffers.ifmap_kb: [64, 256]               # KiB
///   dram.bandwidth_bytes_per_cycle: [8, 16, unlimited]
///   mapping: [fixed, search, maps.yaml]       # the mapper per point (a file relative to this file)
///   objective: [energy, latency]              # what a search minimises per point
/// </code>
/// Paths: <see cref="GridParameter.Known"/>. Every value is checked against the base
/// architecture when the sweep starts, so a bad value fails before any point runs.
/// </remarks>
/// <param name="File">The grid file's path as given (for errors), or null for no grid.</param>
/// <param name="Base">The base architecture as the file gives it (a preset name, or a path already resolved against the grid's folder); null when not given.</param>
public sealed record GridFile(string? File, string? Base, int BaseLine, ImmutableArray<GridDimension> Dimensions)
{
    /// <summary>No grid: one architecture (--arch), nothing varied.</summary>
    public static GridFile None { get; } = new(null, null, 0, []);

    /// <summary>A small grid in block style, for help texts (a test loads it, so the help cannot show a grid that does not parse).</summary>
    public const string Example = """
        version: 1
        base: lowbit-default
        vary:
          units[0].rows: [8, 16, 32]
          units[0].lanes: [8, 16]
          buffers.ifmap_kb: [64, 256]
          dram.bandwidth_bytes_per_cycle: [8, unlimited]
          dram.type: [lpddr4, hbm2]
          mapping: [fixed, search]    # also a mapping FILE; objective: [energy, latency, edp]
        """;

    /// <summary>Reads and validates the grid at <paramref name="path"/>.</summary>
    public static GridFile Load(string path)
    {
        string text;
        try
        {
            text = InputFiles.ReadAllText(path);
        }
        catch (InputException e)
        {
            throw e.At(path, field: "grid");
        }
        return GridFileReader.Read(text, path);
    }

    /// <summary>
    /// The base architecture: <paramref name="archOption"/> (--arch) when given, else the grid's
    /// <c>base</c>, else HwSim's default preset.
    /// </summary>
    public ArchitectureSpec ResolveBase(string? archOption)
    {
        if (!string.IsNullOrWhiteSpace(archOption))
            return ArchitectureSource.Load(archOption);
        if (Base is null)
            return Presets.Get(Presets.Default);
        try
        {
            return ArchitectureSource.Load(Base);
        }
        catch (InputException e)
        {
            // An error inside the base's own file names that file; a bad preset name is the grid's line.
            throw e.At(File, Line(BaseLine), "base");
        }
    }

    /// <summary>
    /// The nest design the sweep runs, when <paramref name="archOption"/> (--arch) or else the grid's <c>base</c> names one (a built-in
    /// design, or a file with top-level <c>levels:</c>); null when it names an array architecture (<see cref="ResolveBase"/>).
    /// </summary>
    public NestDesign? ResolveNestBase(string? archOption)
    {
        if (!string.IsNullOrWhiteSpace(archOption))
            return NestDesigns.Find(archOption);
        if (Base is null)
            return null;
        try
        {
            return NestDesigns.Find(Base);
        }
        catch (InputException e)
        {
            throw e.At(File, Line(BaseLine), "base");
        }
    }

    /// <summary>
    /// The dimensions of a grid over a nest design: only <c>objective</c> varies a nest study (the precisions and nodes vary with
    /// --bits and --tech). Every other key is a field of an array architecture (units, buffers, DRAM bandwidth, clock) or the array
    /// mapper's <c>mapping</c>, which a nest design does not have: refused, naming the grid file, the line and the key.
    /// </summary>
    public ImmutableArray<BoundDimension> BindNest(NestDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        foreach (var d in Dimensions.Where(d => d.Parameter.Field != GridField.Objective))
        {
            var what = d.Parameter.Field == GridField.Mapping
                ? "varies the mapping per point, which on a nest design is one for the whole sweep: give --mapping search or a nest mapping file"
                : "is a field of an array architecture";
            throw new InputException($"'{d.Path}' {what}; the base {design.Name} is a nest design (storage levels, not units), over which a grid varies only 'objective'",
                $"vary.{d.Path}", File, Line(d.Line));
        }
        return [.. Dimensions.Select(d => new BoundDimension(d, -1))];
    }

    /// <summary>
    /// The dimensions checked against <paramref name="arch"/>: each unit exists and has the field,
    /// no parameter is varied twice, and every value is one the architecture accepts (alone).
    /// The <c>mapping</c> key's files are checked against each of <paramref name="workloads"/> on
    /// <paramref name="arch"/>, and an <c>objective</c> key is refused when no point would search
    /// (every point fixed, by the grid or by <paramref name="mapping"/>, the sweep-wide policy):
    /// it would change nothing. Errors name the grid file, the line and the YAML path.
    /// </summary>
    /// <param name="mapping">The sweep-wide policy the grid's keys override per point; null: <see cref="MappingPolicy.Default"/>.</param>
    /// <param name="workloads">The workloads the sweep maps (one per precision); null: mapping files are not checked against a workload.</param>
    public ImmutableArray<BoundDimension> Bind(ArchitectureSpec arch, MappingPolicy? mapping = null, IEnumerable<Workload>? workloads = null)
    {
        var bound = ImmutableArray.CreateBuilder<BoundDimension>(Dimensions.Length);
        var seen = new Dictionary<(GridField, string?, int), GridDimension>();
        foreach (var d in Dimensions)
        {
            var (unit, error) = d.Parameter.ResolveUnit(arch);
            if (error is not null)
                throw new InputException(error, $"vary.{d.Path}", File, Line(d.Line));
            if (seen.TryGetValue((d.Parameter.Field, d.Parameter.UnitKey, unit), out var first))
                throw new InputException($"varies the same parameter as '{first.Path}' ({Line(first.Line)}); give all its values in one list", $"vary.{d.Path}", File, Line(d.Line));
            seen.Add((d.Parameter.Field, d.Parameter.UnitKey, unit), d);
            var b = new BoundDimension(d, unit);
            for (var i = 0; i < d.Values.Length; i++)
            {
                try
                {
                    _ = b.Apply(arch, i);
                }
                catch (InputException e)
                {
                    throw new InputException(e.Rule, $"vary.{d.Path}[{i}]", File, Line(d.Values[i].Line), e);
                }
            }
            if (d.Parameter.Field == GridField.Mapping)
                CheckMappingFiles(d, arch, workloads ?? []);
            bound.Add(b);
        }
        CheckObjective(mapping ?? MappingPolicy.Default);
        return bound.MoveToImmutable();
    }

    /// <summary>Each mapping file of the grid checked as <c>--mapping FILE</c> is: against every workload on the base architecture.</summary>
    private void CheckMappingFiles(GridDimension d, ArchitectureSpec arch, IEnumerable<Workload> workloads)
    {
        foreach (var workload in workloads)
        {
            for (var i = 0; i < d.Values.Length; i++)
            {
                if (d.Values[i].Value is not GridMapping { File: { } file })
                    continue;
                try
                {
                    file.Check(workload, arch);
                }
                catch (InputException e)
                {
                    throw new InputException($"the mapping file does not fit: {e.Message}", $"vary.{d.Path}[{i}]", File, Line(d.Values[i].Line), e);
                }
            }
        }
    }

    /// <summary>An objective varied while no point searches would give rows that differ only in a cell: refused.</summary>
    private void CheckObjective(MappingPolicy mapping)
    {
        if (Dimensions.FirstOrDefault(d => d.Parameter.Field == GridField.Objective) is not { } objective)
            return;
        var mappings = Dimensions.FirstOrDefault(d => d.Parameter.Field == GridField.Mapping);
        var searches = mappings is null ? mapping.Search : mappings.Values.Any(v => ((GridMapping)v.Value!).Search);
        if (!searches)
            throw new InputException(mappings is null
                    ? "every point maps with the fixed schedule (the sweep's mapping policy is fixed), which has no objective; remove the key, or vary 'mapping: [fixed, search]'"
                    : $"every point maps with the fixed schedule ('mapping' on {Line(mappings.Line)} is only fixed), which has no objective; remove the key, or add search to 'mapping'",
                $"vary.{objective.Path}", File, Line(objective.Line));
    }

    internal static string Line(int line) => "line " + line.ToString(CultureInfo.InvariantCulture);
}
