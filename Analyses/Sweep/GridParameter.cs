using System.Globalization;
using System.Text.RegularExpressions;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Analyses.Sweep;

/// <summary>The architecture fields a grid can vary (the names are the architecture YAML's keys).</summary>
public enum GridField
{
    ClockMhz,
    DramBandwidth,
    IfmapKb,
    WeightKb,
    OfmapKb,
    WordBits,
    Rows,
    Cols,
    Lanes,
    MaxBits,
    Serial,
    Dataflow,
    Format,
}

/// <summary>
/// One value of a varied parameter, parsed: <see cref="Text"/> is its canonical spelling (the CSV
/// cell and the sweep hash), <see cref="Value"/> what is set (int, long bytes, double, int? for
/// DRAM bandwidth, enum or <see cref="NumberFormat"/>).
/// </summary>
public sealed record GridValue(string Text, object? Value, int Line);

/// <summary>
/// A parameter path of a grid file ("units[0].rows", "units[lowbit].lanes", "buffers.ifmap_kb",
/// "dram.bandwidth_bytes_per_cycle", "clock_mhz") and how one of its values changes an architecture.
/// </summary>
/// <param name="Path">The path as the grid writes it, spaces removed: it is also the CSV column name.</param>
/// <param name="Unit">For unit fields, the unit's index ("0") or name ("lowbit"); null otherwise.</param>
public sealed partial record GridParameter(string Path, GridField Field, string? Unit)
{
    /// <summary>The paths a grid may vary, for messages and the documentation.</summary>
    public const string Known = "clock_mhz, dram.bandwidth_bytes_per_cycle, buffers.ifmap_kb|weight_kb|ofmap_kb|word_bits, " +
        "units[I].rows|cols (any unit), units[I].lanes|max_bits (bitserial, xnor), units[I].serial (bitserial), units[I].dataflow|format (systolic); I is the unit's index or name";

    private static readonly Dictionary<string, GridField> TopFields = new(StringComparer.Ordinal)
    {
        ["clock_mhz"] = GridField.ClockMhz,
        ["dram.bandwidth_bytes_per_cycle"] = GridField.DramBandwidth,
        ["buffers.ifmap_kb"] = GridField.IfmapKb,
        ["buffers.weight_kb"] = GridField.WeightKb,
        ["buffers.ofmap_kb"] = GridField.OfmapKb,
        ["buffers.word_bits"] = GridField.WordBits,
    };

    private static readonly Dictionary<string, GridField> UnitFields = new(StringComparer.Ordinal)
    {
        ["rows"] = GridField.Rows,
        ["cols"] = GridField.Cols,
        ["lanes"] = GridField.Lanes,
        ["max_bits"] = GridField.MaxBits,
        ["serial"] = GridField.Serial,
        ["dataflow"] = GridField.Dataflow,
        ["format"] = GridField.Format,
    };

    private static readonly Dictionary<string, Dataflow> Dataflows = new(StringComparer.OrdinalIgnoreCase)
    {
        ["os"] = Dataflow.OutputStationary,
        ["ws"] = Dataflow.WeightStationary,
        ["is"] = Dataflow.InputStationary,
    };

    private static readonly Dictionary<string, SerialMode> SerialModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["activations"] = SerialMode.Activations,
        ["both"] = SerialMode.Both,
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
        return m.Success && UnitFields.TryGetValue(m.Groups[2].Value, out var field) ? new GridParameter(p, field, m.Groups[1].Value) : null;
    }

    /// <summary>
    /// Parses one scalar of this parameter into its value and canonical text; the rule on failure
    /// (ranges are left to the architecture records, which apply them in <see cref="Apply"/>).
    /// </summary>
    public (GridValue? Value, string? Error) ParseValue(string text, int line)
    {
        var t = text.Trim();
        switch (Field)
        {
            case GridField.DramBandwidth:
                if (t.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
                    return (new GridValue("unlimited", null, line), null);
                return Whole(t) is { } bw ? (new GridValue(Inv(bw), (int?)bw, line), null) : (null, $"'{t}' is not a whole number of bytes per cycle or 'unlimited'");
            case GridField.ClockMhz:
                return Real(t) is { } mhz ? (new GridValue(Inv(mhz), mhz, line), null) : (null, $"'{t}' is not a number of MHz");
            case GridField.IfmapKb or GridField.WeightKb or GridField.OfmapKb:
                if (Real(t) is not { } kb)
                    return (null, $"'{t}' is not a number of KiB");
                // The architecture file's rule: fractions are fine as long as they make whole bytes; 1 TiB at most.
                if (kb > 1024.0 * 1024 * 1024)
                    return (null, $"must be at most 1073741824 KiB (1 TiB), got {Inv(kb)}");
                var bytes = kb * 1024;
                return bytes == Math.Floor(bytes) ? (new GridValue(Inv(kb), (long)bytes, line), null)
                    : (null, $"{Inv(kb)} KiB is not a whole number of bytes ({Inv(bytes)})");
            case GridField.WordBits or GridField.Rows or GridField.Cols or GridField.Lanes or GridField.MaxBits:
                return Whole(t) is { } n ? (new GridValue(Inv(n), n, line), null) : (null, $"'{t}' is not a whole number");
            case GridField.Serial:
                return SerialModes.TryGetValue(t, out var serial) ? (new GridValue(t.ToLowerInvariant(), serial, line), null)
                    : (null, $"unknown serial mode '{t}' (expected activations or both)");
            case GridField.Dataflow:
                return Dataflows.TryGetValue(t, out var dataflow) ? (new GridValue(t.ToLowerInvariant(), dataflow, line), null)
                    : (null, $"unknown dataflow '{t}' (expected os, ws or is)");
            default:
                return NumberFormat.TryParse(t, out var format, out var error) ? (new GridValue(format.Name, format, line), null) : (null, error);
        }
    }

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
    /// </summary>
    public ArchitectureSpec Apply(ArchitectureSpec arch, int unitIndex, GridValue value) => Field switch
    {
        GridField.ClockMhz => arch with { ClockMhz = (double)value.Value! },
        GridField.DramBandwidth => arch with { Dram = new DramSpec((int?)value.Value) },
        GridField.IfmapKb => arch with { Buffers = arch.Buffers with { IfmapBytes = (long)value.Value! } },
        GridField.WeightKb => arch with { Buffers = arch.Buffers with { WeightBytes = (long)value.Value! } },
        GridField.OfmapKb => arch with { Buffers = arch.Buffers with { OfmapBytes = (long)value.Value! } },
        GridField.WordBits => arch with { Buffers = arch.Buffers with { WordBits = (int)value.Value! } },
        _ => arch with { Units = arch.Units.SetItem(unitIndex, ApplyToUnit(arch.Units[unitIndex], value.Value)) },
    };

    private UnitSpec ApplyToUnit(UnitSpec unit, object? value) => (Field, unit) switch
    {
        (GridField.Rows, _) => unit with { Rows = (int)value! },
        (GridField.Cols, _) => unit with { Cols = (int)value! },
        (GridField.Lanes, BitSerialUnitSpec b) => b with { Lanes = (int)value! },
        (GridField.Lanes, XnorUnitSpec x) => x with { Lanes = (int)value! },
        (GridField.MaxBits, BitSerialUnitSpec b) => b with { MaxBits = (int)value! },
        (GridField.MaxBits, XnorUnitSpec x) => x with { MaxBits = (int)value! },
        (GridField.Serial, BitSerialUnitSpec b) => b with { Serial = (SerialMode)value! },
        (GridField.Dataflow, SystolicUnitSpec s) => s with { Dataflow = (Dataflow)value! },
        (GridField.Format, SystolicUnitSpec s) => s with { Format = (NumberFormat)value! },
        _ => throw new InputException($"unit '{unit.Name}' is a {unit.Kind} unit, which has no {Path[(Path.LastIndexOf('.') + 1)..]} " +
            "(lanes and max_bits: bitserial and xnor units; serial: bitserial; dataflow and format: systolic)"),
    };

    private static int? Whole(string t) =>
        int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Real(string t) =>
        double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Inv(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
