using System.Collections.Immutable;
using System.Globalization;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HwSim.Analyses.Sweep;

/// <summary>
/// Reads a grid file in the three steps of every HwSim input: parse (YAML to nodes with lines),
/// validate (keys, types, known paths, values), construct (<see cref="GridFile"/>). Errors name
/// the file, the line and the YAML path.
/// </summary>
internal static class GridFileReader
{
    public const int Version = 1;

    private static readonly string[] TopKeys = ["version", "base", "vary"];

    public static GridFile Read(string text, string file)
    {
        var root = Document(text, file) as YamlMappingNode
            ?? throw new InputException("must be a mapping such as 'version: 1', 'base: lowbit-default', 'vary: { units[0].rows: [8, 16] }'", null, file, "line 1");
        foreach (var key in root.Children.Keys)
        {
            var name = Scalar(key);
            if (!TopKeys.Contains(name, StringComparer.Ordinal))
                throw new InputException($"unknown key '{name}' at the top level (allowed: {string.Join(", ", TopKeys)})", name, file, Line(key));
        }
        CheckVersion(root, file);
        var (baseText, baseLine) = Base(root, file);
        var dimensions = Vary(root, file);
        return new GridFile(file, baseText, baseLine, dimensions);
    }

    private static YamlNode Document(string text, string file) =>
        YamlDocuments.LoadSingle(text, file, "a grid file")
        ?? throw new InputException("the file is empty; expected 'version: 1' and a 'vary:' mapping", null, file);

    private static void CheckVersion(YamlMappingNode root, string file)
    {
        if (Value(root, "version") is not { } node)
            throw new InputException($"missing required key 'version' (this HwSim reads version {Version})", "version", file, Line(root));
        var text = ScalarValue(node, "version", file);
        if (text != Version.ToString(CultureInfo.InvariantCulture))
            throw new InputException($"unsupported version '{text}' (this HwSim reads version {Version})", "version", file, Line(node));
    }

    private static (string? Text, int Line) Base(YamlMappingNode root, string file)
    {
        if (Value(root, "base") is not { } node)
            return (null, 0);
        var text = ScalarValue(node, "base", file);
        if (text.Length == 0)
            throw new InputException("has no value (give a preset or an architecture .yaml file, or leave the key out)", "base", file, Line(node));
        var isFile = text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        // A base file is found beside the grid, wherever the sweep is started from.
        if (isFile && !Path.IsPathRooted(text))
            text = Path.Combine(Path.GetDirectoryName(file) ?? "", text);
        return (text, (int)node.Start.Line);
    }

    private static ImmutableArray<GridDimension> Vary(YamlMappingNode root, string file)
    {
        if (Value(root, "vary") is not { } node)
            return [];
        if (node is not YamlMappingNode vary)
        {
            if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
                return [];
            throw new InputException("must be a mapping of parameter paths to lists of values, e.g. 'units[0].rows: [8, 16, 32]'", "vary", file, Line(node));
        }
        var dimensions = ImmutableArray.CreateBuilder<GridDimension>(vary.Children.Count);
        foreach (var (keyNode, valueNode) in vary.Children)
        {
            var path = Scalar(keyNode);
            var field = $"vary.{path}";
            var parameter = GridParameter.TryParse(path)
                ?? throw new InputException($"'{path}' is not a parameter a grid can vary (known: {GridParameter.Known})", field, file, Line(keyNode));
            if (valueNode is not YamlSequenceNode list)
                throw new InputException($"must be a list of values, e.g. [{Example(parameter)}]", field, file, Line(valueNode));
            if (list.Children.Count == 0)
                throw new InputException("the list is empty; give at least one value", field, file, Line(valueNode));
            var values = ImmutableArray.CreateBuilder<GridValue>(list.Children.Count);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < list.Children.Count; i++)
            {
                var item = list.Children[i];
                var itemField = $"{field}[{i}]";
                var line = (int)item.Start.Line;
                var (value, error) = parameter.ParseValue(ScalarValue(item, itemField, file), line, file);
                if (value is null)
                    throw new InputException(error!, itemField, file, Line(item));
                // The same value twice would give two points with the same parameters.
                if (seen.TryGetValue(value.Text, out var first))
                    throw new InputException($"{value.Text} is already in the list at [{first}]; each value once", itemField, file, Line(item));
                seen.Add(value.Text, i);
                values.Add(value);
            }
            dimensions.Add(new GridDimension(parameter, values.MoveToImmutable(), (int)keyNode.Start.Line));
        }
        return dimensions.MoveToImmutable();
    }

    private static string Example(GridParameter parameter) => parameter.Field switch
    {
        GridField.DramBandwidth => "8, 16, unlimited",
        GridField.IfmapKb or GridField.WeightKb or GridField.OfmapKb => "64, 256",
        GridField.ClockMhz => "250, 500",
        GridField.Mapping => "fixed, search",
        GridField.Objective => "energy, latency",
        GridField.UnitKey => GridParameter.KindParameter(parameter.UnitKey!)!.Example,
        _ => "8, 16, 32",
    };

    private static YamlNode? Value(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlNode node) => node is YamlScalarNode { Value: { } v } ? v.Trim() : node.ToString();

    private static string ScalarValue(YamlNode node, string field, string file) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" } =>
            throw new InputException("has no value", field, file, Line(node)),
        YamlScalarNode s => (s.Value ?? "").Trim(),
        YamlSequenceNode => throw new InputException("must be a single value, not a list", field, file, Line(node)),
        _ => throw new InputException("must be a single value, not a mapping", field, file, Line(node)),
    };

    private static string Line(YamlNode node) => YamlDocuments.Line(node);
}
