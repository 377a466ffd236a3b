using System.Globalization;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Units;

/// <summary>
/// Everything HwSim knows about one kind of compute array, in one place: its name and keys in
/// architecture files (read, validated, written), the keys a sweep grid may vary, both engines'
/// models, its one-line summary, and the parts of one PE for the cost model to price. A kind is
/// registered once, in <see cref="UnitKinds.All"/>; nothing else switches on unit types.
/// </summary>
public abstract class UnitKind
{
    /// <summary>The kind's name in architecture files ("systolic").</summary>
    public abstract string Name { get; }

    /// <summary>The spec record of this kind's units.</summary>
    public abstract Type SpecType { get; }

    /// <summary>The kind's own keys (after name, kind, rows and cols), in file order.</summary>
    public abstract IReadOnlyList<UnitParameter> Parameters { get; }

    /// <summary>A unit of this kind with every key of <see cref="Parameters"/> at its default; files and grids set keys on it with <see cref="UnitParameter.With"/>.</summary>
    public abstract UnitSpec Default(string name, int rows, int cols);

    /// <summary>The fast engine's model of <paramref name="unit"/>.</summary>
    public abstract IUnitModel Model(UnitSpec unit);

    /// <summary>Why the cycle-stepped engine cannot run <paramref name="unit"/>, or null when it can.</summary>
    public virtual string? ReferenceUnsupported(UnitSpec unit) => null;

    /// <summary>The cycle-stepped engine's model of <paramref name="unit"/> (check <see cref="ReferenceUnsupported"/> first).</summary>
    public abstract IReferenceUnit Reference(UnitSpec unit);

    /// <summary>One line for people: "lowbit: bitserial 16x16, 16 lanes, serial activations, up to 8 bits".</summary>
    public abstract string Summary(UnitSpec unit);

    /// <summary>What one PE is made of, part by part, for the cost model to price.</summary>
    public abstract PeInventory Inventory(UnitSpec unit);

    /// <summary>
    /// Why a file may not give this kind <paramref name="key"/>, a key other kinds have (the rule
    /// the hardware breaks), or null when the key is simply unknown here.
    /// </summary>
    public virtual string? Refusal(string key) => null;

    /// <summary>Drain mode names in files, summaries and grids.</summary>
    public static IReadOnlyDictionary<string, DrainMode> DrainModes { get; } = new Dictionary<string, DrainMode>
    {
        ["serial"] = DrainMode.Serial,
        ["overlapped"] = DrainMode.Overlapped,
    };

    /// <summary>
    /// The <c>drain</c> key (<see cref="UnitSpec.Drain"/>), one registration shared by every kind
    /// whose results leave in a drain phase of their own and can overlap the next fold's compute.
    /// </summary>
    public static UnitParameter DrainKey { get; } = new("drain", "serial, overlapped",
        text => UnitValues.Choice(text, DrainModes, "drain mode") is var (v, t, e) && e is null ? (v, t, null) : (null, "", e),
        u => DrainName(u.Drain), (u, v) => u with { Drain = (DrainMode)v });

    /// <summary>The file name of a drain mode.</summary>
    public static string DrainName(DrainMode drain) => DrainModes.First(d => d.Value == drain).Key;

    /// <summary>", drain overlapped" for a summary line, or "" for the default.</summary>
    public static string DrainSummary(UnitSpec unit) => unit.Drain == DrainMode.Serial ? "" : $", drain {DrainName(unit.Drain)}";
}

/// <summary>A <see cref="UnitKind"/> whose members take its own spec record.</summary>
public abstract class UnitKind<TSpec> : UnitKind where TSpec : UnitSpec
{
    /// <inheritdoc/>
    public sealed override Type SpecType => typeof(TSpec);

    /// <inheritdoc/>
    public sealed override UnitSpec Default(string name, int rows, int cols) => Create(name, rows, cols);

    /// <inheritdoc/>
    public sealed override IUnitModel Model(UnitSpec unit) => Model(Cast(unit));

    /// <inheritdoc/>
    public sealed override string? ReferenceUnsupported(UnitSpec unit) => ReferenceUnsupported(Cast(unit));

    /// <inheritdoc/>
    public sealed override IReferenceUnit Reference(UnitSpec unit) => Reference(Cast(unit));

    /// <inheritdoc/>
    public sealed override string Summary(UnitSpec unit) => Summary(Cast(unit)) + DrainSummary(unit);

    /// <inheritdoc/>
    public sealed override PeInventory Inventory(UnitSpec unit) => Inventory(Cast(unit));

    /// <summary>A unit with every key at its default (<see cref="UnitKind.Default"/>).</summary>
    protected abstract TSpec Create(string name, int rows, int cols);

    /// <summary>The fast engine's model (<see cref="UnitKind.Model"/>).</summary>
    protected abstract IUnitModel Model(TSpec unit);

    /// <summary>Why the reference engine cannot run the unit, or null (<see cref="UnitKind.ReferenceUnsupported"/>).</summary>
    protected virtual string? ReferenceUnsupported(TSpec unit) => null;

    /// <summary>The reference engine's model (<see cref="UnitKind.Reference"/>).</summary>
    protected abstract IReferenceUnit Reference(TSpec unit);

    /// <summary>The summary line (<see cref="UnitKind.Summary"/>).</summary>
    protected abstract string Summary(TSpec unit);

    /// <summary>The parts of one PE (<see cref="UnitKind.Inventory"/>).</summary>
    protected abstract PeInventory Inventory(TSpec unit);

    /// <summary>A key of this kind: parsed from text (grid values), read from the spec (files), set on a copy (grid points).</summary>
    /// <param name="written">Whether files write the key for a unit (default: always); a key that is new
    /// and off by default is written only when on, so files of units without it stay as they were.</param>
    protected UnitParameter Key<T>(string key, string example, Func<string, (T? Value, string Text, string? Error)> parse,
        Func<TSpec, object> value, Func<TSpec, T, TSpec> with, Func<TSpec, bool>? written = null) =>
        new(key, example, text => parse(text) is var (v, t, e) && e is null ? (v, t, null) : (null, "", e), u => value(Cast(u)), (u, v) => with(Cast(u), (T)v!),
            written is null ? null : u => written(Cast(u)));

    private TSpec Cast(UnitSpec unit) => unit as TSpec
        ?? throw new ArgumentException($"unit '{unit.Name}' is a {unit.Kind} unit, not {Name}", nameof(unit));
}

/// <summary>
/// One key of a unit kind beyond the common ones.
/// </summary>
/// <param name="Key">The YAML key ("lanes").</param>
/// <param name="Example">Example values, as a grid file would list them ("8, 16, 32").</param>
/// <param name="Parse">A value from text: the value, its canonical text, or the rule it breaks. Ranges are left to the spec record.</param>
/// <param name="Value">The value of a spec, as the architecture file writes it.</param>
/// <param name="With">A copy of a spec with the value set; the record's own validation applies.</param>
/// <param name="Written">Whether files write the key for a unit; null: always.</param>
public sealed record UnitParameter(string Key, string Example, Func<string, (object? Value, string Text, string? Error)> Parse,
    Func<UnitSpec, object> Value, Func<UnitSpec, object, UnitSpec> With, Func<UnitSpec, bool>? Written = null);

/// <summary>Parsers for unit key values written as text (grid files), with the rules they state.</summary>
public static class UnitValues
{
    /// <summary>A whole number, e.g. rows or lanes; its range is the spec's to check.</summary>
    public static (int Value, string Text, string? Error) Whole(string text)
    {
        var t = text.Trim();
        if (int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            return (v, v.ToString(CultureInfo.InvariantCulture), null);
        var tooLarge = long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        return (0, "", tooLarge ? $"'{t}' is too large for a whole number here" : $"'{t}' is not a whole number");
    }

    /// <summary>One of the named <paramref name="choices"/> (case-insensitive), e.g. a dataflow.</summary>
    public static (T Value, string Text, string? Error) Choice<T>(string text, IReadOnlyDictionary<string, T> choices, string what) where T : struct
    {
        var t = text.Trim();
        foreach (var (name, value) in choices)
            if (name.Equals(t, StringComparison.OrdinalIgnoreCase))
                return (value, name, null);
        return (default, "", $"unknown {what} '{t}' (expected {OneOf(choices.Keys)})");
    }

    /// <summary>A number format such as int8 or fp16.</summary>
    public static (NumberFormat? Value, string Text, string? Error) Format(string text) =>
        NumberFormat.TryParse(text.Trim(), out var format, out var error) ? (format, format.Name, null) : (null, "", error);

    /// <summary>"a, b or c".</summary>
    public static string OneOf(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 1 ? list[0] : $"{string.Join(", ", list.Take(list.Count - 1))} or {list[^1]}";
    }

    /// <summary>true or false (case-insensitive).</summary>
    public static (bool Value, string Text, string? Error) Bool(string text) => text.Trim() switch
    {
        var t when t.Equals("true", StringComparison.OrdinalIgnoreCase) => (true, "true", null),
        var t when t.Equals("false", StringComparison.OrdinalIgnoreCase) => (false, "false", null),
        var t => (false, "", $"'{t}' is not true or false"),
    };
}
