using System.Globalization;
using System.Text.RegularExpressions;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Analyses.Sweep;

/// <summary>The architecture fields a grid can vary (the names are the architecture YAML's keys).</summary>
public enum GridField
{
    ClockMhz,
    DramBandwidth,
    /// <summary>The DRAM device type (priced per bit by the cost model; no effect on timing).</summary>
    DramType,
    IfmapKb,
    WeightKb,
    OfmapKb,
    WordBits,
    Rows,
    Cols,
    /// <summary>A key of some unit kinds (lanes, dataflow, ...): <see cref="GridParameter.UnitKey"/> says which.</summary>
    UnitKey,

    /// <summary>How layers are mapped (<see cref="GridMapping"/>): not an architecture field, the point's mapping policy.</summary>
    Mapping,

    /// <summary>What the mapper minimises (<see cref="Simulator.Mapper.MappingObjective"/>): the point's mapping policy too.</summary>
    Objective,
}

/// <summary>
/// One value of a varied parameter, parsed: <see cref="Text"/> is its canonical spelling (the CSV
/// cell and the sweep hash), <see cref="Value"/> what is set (int, long bytes, double, int? for
/// DRAM bandwidth, or what the unit kind's key parses to).
/// </summary>
public sealed record GridValue(string Text, object? Value, int Line);

/// <summary>
/// A parameter path of a grid file ("units[0].rows", "units[lowbit].lanes", "buffers.ifmap_kb",
/// "dram.bandwidth_bytes_per_cycle", "clock_mhz") and how one of its values changes an architecture;
/// or "mapping" and "objective", which change how the point's layers are mapped instead
/// (<see cref="IsPolicy"/>; <see cref="SweepDefinition.Policy"/> applies them).
/// </summary>
/// <param name="Path">The path as the grid writes it, spaces removed: it is also the CSV column name.</param>
/// <param name="Unit">For unit fields, the unit's index ("0") or name ("lowbit"); null otherwise.</param>
/// <param name="UnitKey">For <see cref="GridField.UnitKey"/>, the key as the unit kinds name it ("lanes").</param>
public sealed partial record GridParameter(string Path, GridField Field, string? Unit, string? UnitKey = null)
{
    /// <summary>The paths a grid may vary, for messages and the documentation; unit keys come from the registered kinds.</summary>
    public static string Known { get; } = "clock_mhz, dram.bandwidth_bytes_per_cycle, dram.type, buffers.ifmap_kb|weight_kb|ofmap_kb|word_bits, " +
        "units[I].rows|cols (any unit), " + string.Join(", ", KindKeys().GroupBy(k => string.Join(", ", k.Kinds), k => k.Key)
            .Select(g => $"units[I].{string.Join("|", g)} ({g.Key})")) + "; I is the unit's index or name; " +
        "mapping (fixed|search|FILE) and objective (energy|latency|edp) vary the mapper per point instead of --mapping and --objective";

    /// <summary>Each key some registered kind has, with the kinds that have it, in registration order.</summary>
    private static IEnumerable<(string Key, IReadOnlyList<string> Kinds)> KindKeys() =>
        UnitKinds.All.SelectMany(k => k.Parameters).Select(p => p.Key).Distinct()
            .Select(key => (key, (IReadOnlyList<string>)[.. UnitKinds.All.Where(k => k.Parameters.Any(p => p.Key == key)).Select(k => k.Name)]));

    private static readonly Dictionary<string, GridField> TopFields = new(StringComparer.Ordinal)
    {
        ["clock_mhz"] = GridField.ClockMhz,
        ["dram.bandwidth_bytes_per_cycle"] = GridField.DramBandwidth,
        ["dram.type"] = GridField.DramType,
        ["buffers.ifmap_kb"] = GridField.IfmapKb,
        ["buffers.weight_kb"] = GridField.WeightKb,
        ["buffers.ofmap_kb"] = GridField.OfmapKb,
        ["buffers.word_bits"] = GridField.WordBits,
        ["mapping"] = GridField.Mapping,
        ["objective"] = GridField.Objective,
    };

    /// <summary>Whether this parameter sets the point's mapping policy rather than an architecture field.</summary>
    public bool IsPolicy => Field is GridField.Mapping or GridField.Objective;

    private static readonly Dictionary<string, GridField> UnitFields = new(StringComparer.Ordinal)
    {
        ["rows"] = GridField.Rows,
        ["cols"] = GridField.Cols,
    };

    [GeneratedRegex(@"^units\[([^\[\]]+)\]\.([a-z_]+)$")]
    private static partial Regex UnitPath();

    /// <summary>The parameter a path names, or null when the path is not one a grid can vary.</summary>
    public static GridParameter? TryParse(string path)
    {
        var p = string.Concat(path.Where(c => !char.IsWhiteSpace(c)));
        if (TopFields.TryGetValue(p, out var top))
            return new GridParameter(p, top, null);
        var m = UnitPath().Match(p);
        if (!m.Success)
            return null;
        var key = m.Groups[2].Value;
        if (UnitFields.TryGetValue(key, out var field))
            return new GridParameter(p, field, m.Groups[1].Value);
        return KindParameter(key) is null ? null : new GridParameter(p, GridField.UnitKey, m.Groups[1].Value, key);
    }

    /// <summary>
    /// Parses one scalar of this parameter into its value and canonical text; the rule on failure
    /// (ranges are left to the architecture records, which apply them in <see cref="Apply"/>).
    /// </summary>
    /// <param name="gridFile">The grid file's path, against whose folder a mapping file is found; null: the working directory.</param>
    public (GridValue? Value, string? Error) ParseValue(string text, int line, string? gridFile = null)
    {
        var t = text.Trim();
        switch (Field)
        {
            case GridField.Mapping:
                return GridMapping.Parse(t, line, gridFile);
            case GridField.Objective:
                return GridMapping.ParseObjective(t, line);
            case GridField.DramBandwidth:
                if (t.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
                    return (new GridValue("unlimited", null, line), null);
                return Whole(t) is { } bw ? (new GridValue(Inv(bw), (int?)bw, line), null) : (null, $"'{t}' is not a whole number of bytes per cycle or 'unlimited'");
            case GridField.DramType:
                return DramKinds.TryParse(t, out var kind) ? (new GridValue(kind.CsvName(), kind, line), null)
                    : (null, $"'{t}' is not a DRAM type (known: {string.Join(", ", DramKinds.CsvNames)})");
            case GridField.ClockMhz:
                return Real(t) is { } mhz ? (new GridValue(Inv(mhz), mhz, line), null) : (null, $"'{t}' is not a number of MHz");
            case GridField.IfmapKb or GridField.WeightKb or GridField.OfmapKb:
                if (Real(t) is not { } kb)
                    return (null, $"'{t}' is not a number of KiB");
                var (bytes, error) = BufferSpec.BytesOfKib(kb);
                return error is null ? (new GridValue(Inv(kb), bytes, line), null) : (null, error);
            case GridField.WordBits or GridField.Rows or GridField.Cols:
                return Whole(t) is { } n ? (new GridValue(Inv(n), n, line), null) : (null, $"'{t}' is not a whole number");
            default:
                // Kinds sharing a key parse it alike (lanes is a whole number for each): the first kind's parser serves.
                var (value, canonical, rule) = KindParameter(UnitKey!)!.Parse(t);
                return rule is null ? (new GridValue(canonical, value, line), null) : (null, rule);
        }
    }

    /// <summary>The first registered kind's parameter named <paramref name="key"/>, or null.</summary>
    internal static UnitParameter? KindParameter(string key) => UnitKinds.All.SelectMany(k => k.Parameters).FirstOrDefault(p => p.Key == key);

    /// <summary>The index of the unit this parameter names in <paramref name="arch"/>, or why there is none.</summary>
    public (int Index, string? Error) ResolveUnit(ArchitectureSpec arch)
    {
        if (Unit is null)
            return (-1, null);
        if (int.TryParse(Unit, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index < arch.Units.Length ? (index, null)
                : (-1, $"architecture '{arch.Name}' has {arch.Units.Length} unit(s) (units[0] to units[{arch.Units.Length - 1}]), so there is no units[{Unit}]");
        for (var i = 0; i < arch.Units.Length; i++)
            if (arch.Units[i].Name == Unit)
                return (i, null);
        return (-1, $"architecture '{arch.Name}' has no unit named '{Unit}' (units: {string.Join(", ", arch.Units.Select(u => u.Name))})");
    }

    /// <summary>
    /// The architecture with this parameter set to <paramref name="value"/>; the records'
    /// validation errors (<see cref="InputException"/>) pass through for the caller to place.
    /// A <see cref="IsPolicy"/> parameter leaves the architecture as it is.
    /// </summary>
    public ArchitectureSpec Apply(ArchitectureSpec arch, int unitIndex, GridValue value) => Field switch
    {
        GridField.Mapping or GridField.Objective => arch,
        GridField.ClockMhz => arch with { ClockMhz = (double)value.Value! },
        GridField.DramBandwidth => arch with { Dram = new DramSpec((int?)value.Value, arch.Dram.Type) },
        GridField.DramType => arch with { Dram = arch.Dram with { Type = (DramKind)value.Value! } },
        GridField.IfmapKb => arch with { Buffers = arch.Buffers.WithCapacity(BufferKind.Ifmap, (long)value.Value!) },
        GridField.WeightKb => arch with { Buffers = arch.Buffers.WithCapacity(BufferKind.Weight, (long)value.Value!) },
        GridField.OfmapKb => arch with { Buffers = arch.Buffers.WithCapacity(BufferKind.Ofmap, (long)value.Value!) },
        GridField.WordBits => arch with { Buffers = arch.Buffers.WithWordBits((int)value.Value!) },
        _ => arch with { Units = arch.Units.SetItem(unitIndex, ApplyToUnit(arch.Units[unitIndex], value.Value)) },
    };

    private UnitSpec ApplyToUnit(UnitSpec unit, object? value)
    {
        if (Field == GridField.Rows)
            return unit with { Rows = (int)value! };
        if (Field == GridField.Cols)
            return unit with { Cols = (int)value! };
        var parameter = UnitKinds.Of(unit).Parameters.FirstOrDefault(p => p.Key == UnitKey);
        return parameter is not null ? parameter.With(unit, value!)
            : throw new InputException($"unit '{unit.Name}' is a {unit.Kind} unit, which has no {UnitKey} (" +
                string.Join("; ", KindKeys().GroupBy(k => string.Join(" and ", k.Kinds), k => k.Key).Select(g => $"{string.Join(" and ", g)}: {g.Key}")) + ")");
    }

    private static int? Whole(string t) =>
        int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Real(string t) =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
