using System.Globalization;
using HwSim.Simulator.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;

namespace HwSim.Analyses.Nest;

/// <summary>
/// One YAML mapping of a nest design or mapping file, with its path ("levels[1]") and file, so that every error names the file,
/// the line, the field and the rule (Workloads/InputException.cs), as the architecture reader's errors do.
/// </summary>
internal sealed class NestYaml(YamlMappingNode node, string path, string file)
{
    public YamlMappingNode Node { get; } = node;

    public string File { get; } = file;

    public string PathOf(string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary><paramref name="node"/> as a mapping, or an error saying what was expected (<paramref name="example"/>).</summary>
    public static NestYaml Of(YamlNode node, string path, string file, string example) => node is YamlMappingNode m
        ? new NestYaml(m, path, file)
        : throw new InputException($"must be a mapping such as {{ {example} }}", path.Length == 0 ? null : path, file, YamlDocuments.Line(node));

    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries() =>
        Node.Children.Select(kv => (Scalar(kv.Key, path), kv.Key, kv.Value));

    /// <summary>Refuses any key not in <paramref name="allowed"/>, at the key's line.</summary>
    public void AllowOnly(IReadOnlyCollection<string> allowed, string where)
    {
        foreach (var (key, keyNode, _) in Entries())
            if (!allowed.Contains(key))
                throw new InputException($"unknown key '{key}' {where} (allowed: {string.Join(", ", allowed)})", PathOf(key), File, YamlDocuments.Line(keyNode));
    }

    public YamlNode? Value(string key) => Node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public InputException Error(string rule, string key) => new(rule, PathOf(key), File, YamlDocuments.Line(Value(key) ?? Node));

    public InputException Missing(string key, string hint) => new($"missing; {hint}", PathOf(key), File, YamlDocuments.Line(Node));

    public string? Text(string key) => Value(key) is { } v ? Scalar(v, PathOf(key)) : null;

    /// <summary>A whole number of at least <paramref name="min"/>, or null when the key is absent.</summary>
    public long? Whole(string key, long min = 1)
    {
        if (Text(key) is not { } text)
            return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= int.MaxValue
            ? v
            : throw Error($"must be a whole number from {min} to {int.MaxValue}, got '{text}'", key);
    }

    /// <summary>A list of single values (a YAML sequence), or null when the key is absent.</summary>
    public IReadOnlyList<(string Text, YamlNode Node)>? List(string key, string example) => Value(key) switch
    {
        null => null,
        YamlSequenceNode seq => [.. seq.Children.Select(c => (Scalar(c, PathOf(key)), c))],
        var other => throw new InputException($"must be a list such as {example}", PathOf(key), File, YamlDocuments.Line(other)),
    };

    public string Scalar(YamlNode n, string field) => n is YamlScalarNode s
        ? s.Value ?? ""
        : throw new InputException("must be a single value", field, File, YamlDocuments.Line(n));

    /// <summary>A dimension by Timeloop's letter (N, M, C, P, Q, R, S), B for the input bits of bit-serial PEs, or G for the groups.</summary>
    public NestDim Dim(string text, YamlNode n, string field) =>
        text.Trim().Length == 1 && Enum.TryParse<NestDim>(text.Trim(), ignoreCase: true, out var d)
            ? d
            : throw new InputException($"'{text}' is not a dimension (allowed: N, M, C, P, Q, R, S, B, G)", field, File, YamlDocuments.Line(n));

    /// <summary>Checks an optional <c>version:</c> against the one this HwSim reads.</summary>
    public void CheckVersion()
    {
        if (Text("version") is { } v && v != "1")
            throw Error($"unsupported version '{v}' (this HwSim reads version 1)", "version");
    }
}
