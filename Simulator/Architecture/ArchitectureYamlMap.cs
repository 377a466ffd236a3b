using System.Globalization;
using HwSim.Workloads;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// One YAML mapping of an architecture file with its YAML path ("units[1]") and typed access to
/// its values. Every error it raises names the file, the line of the offending node and the
/// YAML path of the value, so readers never assemble locations by hand.
/// </summary>
internal sealed class ArchitectureYamlMap
{
    private readonly YamlMappingNode _node;
    private readonly string _file;

    private ArchitectureYamlMap(YamlMappingNode node, string path, string file)
    {
        _node = node;
        Path = path;
        _file = file;
    }

    /// <summary>The YAML path of this mapping; empty for the document root.</summary>
    public string Path { get; }

    public YamlNode Node => _node;

    /// <summary>The mapping <paramref name="node"/> (at <paramref name="path"/>), or an error saying it is not one.</summary>
    public static ArchitectureYamlMap Of(YamlNode node, string path, string file, string example) =>
        node is YamlMappingNode map ? new ArchitectureYamlMap(map, path, file)
            : throw new InputException($"must be a mapping of keys to values, e.g. {example}", path.Length == 0 ? null : path, file, Line(node));

    public static string Line(YamlNode node) => "line " + node.Start.Line.ToString(CultureInfo.InvariantCulture);

    /// <summary>The YAML path of <paramref name="key"/> in this mapping.</summary>
    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Rejects keys outside <paramref name="allowed"/>: a typo must not silently fall back to a default.</summary>
    public void AllowOnly(IReadOnlyCollection<string> allowed, string? what = null)
    {
        foreach (var key in _node.Children.Keys)
        {
            var text = key is YamlScalarNode { Value: { } v } ? v : key.ToString();
            if (!allowed.Contains(text, StringComparer.Ordinal))
                throw new InputException($"unknown key '{text}'{(what is null ? "" : " " + what)} (allowed: {string.Join(", ", allowed)})", PathOf(text), _file, Line(key));
        }
    }

    /// <summary>The value node of <paramref name="key"/>, or null when the key is absent.</summary>
    public YamlNode? Value(string key) => _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public bool Has(string key) => Value(key) is not null;

    /// <summary>An error about the value of <paramref name="key"/> (or this mapping when the key is absent).</summary>
    public InputException Error(string rule, string key) => new(rule, PathOf(key), _file, Line(Value(key) ?? _node));

    /// <summary>The scalar text of <paramref name="key"/>; null when absent.</summary>
    public string? Text(string key)
    {
        if (Value(key) is not { } node)
            return null;
        if (node is not YamlScalarNode scalar)
            throw Error($"must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}", key);
        // A plain empty, '~' or 'null' is YAML's null: the user wrote the key and forgot the value.
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
            throw Error("has no value (give one, or leave the key out to use the default)", key);
        return (scalar.Value ?? "").Trim();
    }

    public string RequiredText(string key) => Text(key) ?? throw Missing(key);

    public int? Int(string key)
    {
        if (Text(key) is not { } text)
            return null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return value;
        var tooLarge = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        throw Error(tooLarge ? $"'{text}' is too large for a whole number here" : $"'{text}' is not a whole number", key);
    }

    public int RequiredInt(string key) => Int(key) ?? throw Missing(key);

    public double? Number(string key)
    {
        if (Text(key) is not { } text)
            return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return value;
        throw Error($"'{text}' is not a number", key);
    }

    /// <summary>The nested mapping at <paramref name="key"/>; null when absent.</summary>
    public ArchitectureYamlMap? Map(string key, string example) =>
        Value(key) is { } node ? Of(node, PathOf(key), _file, example) : null;

    /// <summary>The list at <paramref name="key"/>; null when absent.</summary>
    public YamlSequenceNode? Sequence(string key) => Value(key) switch
    {
        null => null,
        YamlSequenceNode list => list,
        _ => throw Error("must be a list (one '- ' entry per item)", key),
    };

    public InputException Missing(string key, string? hint = null) =>
        new($"missing required key '{key}'{(hint is null ? "" : $" ({hint})")}", PathOf(key), _file, Line(_node));

    /// <summary>
    /// A spec record's own validation error, re-thrown at the YAML node it came from: the record
    /// knows the rule and its field ("units[].rows"), this mapping knows the file and the line.
    /// </summary>
    public InputException Relocate(InputException e)
    {
        // Unit records name their fields "units[].rows"; this mapping knows which unit it is.
        var field = e.Field is null ? Path
            : Path.StartsWith("units[", StringComparison.Ordinal) ? e.Field.Replace("units[]", Path, StringComparison.Ordinal)
            : Path.StartsWith("storage[", StringComparison.Ordinal) ? e.Field.Replace("storage[]", Path, StringComparison.Ordinal) : e.Field;
        return new InputException(e.Rule, field.Length == 0 ? null : field, _file, Line(Find(field)), e);
    }

    /// <summary>The node at a YAML path below this mapping; the deepest one that exists if the path does not.</summary>
    private YamlNode Find(string field)
    {
        var relative = Path.Length == 0 ? field : field.StartsWith(Path + ".", StringComparison.Ordinal) ? field[(Path.Length + 1)..] : "";
        YamlNode node = _node;
        foreach (var key in relative.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child))
                break;
            node = child;
        }
        return node;
    }

    public static string OneOf(IEnumerable<string> names) => Units.UnitValues.OneOf(names);
}
