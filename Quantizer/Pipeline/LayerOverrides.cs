using System.Text.RegularExpressions;
using HwSim.Quantizer.Methods;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;

namespace HwSim.Quantizer.Pipeline;

/// <summary>
/// Per-layer exceptions to the policy, from a small YAML file: each key is a layer name or a glob
/// (<c>*</c>, <c>?</c>) and each value either a format to keep (<c>fp32</c>, <c>fp16</c>, <c>bf16</c>,
/// or any signed integer <c>intB</c>: <c>int3</c>, <c>int8</c>, <c>int16</c>, ...) or a mapping of <c>method</c>, <c>wbits</c>, <c>abits</c>. Entries apply
/// in file order, later ones over earlier ones, so a general glob can be refined below it:
/// <code>
/// conv1: int8                 # first layer at 8 bits instead of fp32
/// "layer4.*": {wbits: 2}      # the last stage at W2, inner activation bits unchanged
/// fc: {method: uniform, wbits: 8, abits: 8}
/// </code>
/// </summary>
public sealed class LayerOverrides
{
    private readonly IReadOnlyList<Entry> _entries;

    private LayerOverrides(string? file, IReadOnlyList<Entry> entries)
    {
        File = file;
        _entries = entries;
    }

    public static LayerOverrides None { get; } = new(null, []);

    /// <summary>Every layer kept at <paramref name="format"/> (an fp32 network measured like a quantised one).</summary>
    public static LayerOverrides KeepAll(NumberFormat format) => new(null, [new Entry("*", new Regex("^.*$", RegexOptions.CultureInvariant), "", format, null, null, null)]);

    public string? File { get; }

    public int Count => _entries.Count;

    private sealed record Entry(string Pattern, Regex Match, string Line, NumberFormat? Format, QuantMethod? Method, int? WeightBits, int? InputBits);

    public static LayerOverrides Read(string path)
    {
        var document = YamlDocuments.LoadSingle(InputFiles.ReadAllText(path), path, "an overrides file");
        if (document is null)
            return new LayerOverrides(path, []);
        if (document is not YamlMappingNode root)
            throw new InputException("must be a mapping of layer name (or glob) to a format or {method, wbits, abits}", "overrides").At(path, YamlDocuments.Line(document));
        var entries = new List<Entry>();
        foreach (var (keyNode, value) in root.Children)
        {
            var line = YamlDocuments.Line(keyNode);
            var key = keyNode is YamlScalarNode { Value: { } k } ? k
                : throw new InputException("a key must be a layer name or glob (a plain string)", "layer").At(path, line);
            if (key.Trim().Length == 0)
                throw new InputException("a layer name or glob must not be empty", "layer").At(path, line);
            var regex = new Regex("^" + Regex.Escape(key.Trim()).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);
            switch (value)
            {
                case YamlScalarNode scalar:
                    var name = scalar.Value ?? "";
                    if (!NumberFormat.TryParse(name.Trim().ToLowerInvariant(), out var format, out _) || !(format.IsFloat || format.Kind == NumberKind.SignedInt))
                        throw new InputException($"'{name}' is not a format to keep (fp32, fp16, bf16, or a signed integer int2 to int{NumberFormat.MaxIntegerBits}: int3, int4, int8, int16, ...) nor a mapping of method/wbits/abits", key).At(path, YamlDocuments.Line(scalar));
                    entries.Add(new Entry(key, regex, line, format, null, null, null));
                    break;
                case YamlMappingNode map:
                    QuantMethod? method = null;
                    int? wbits = null, abits = null;
                    foreach (var (fieldNode, fieldValue) in map.Children)
                    {
                        var field = fieldNode is YamlScalarNode { Value: { } f } ? f
                            : throw new InputException("a field name must be method, wbits or abits", key).At(path, YamlDocuments.Line(fieldNode));
                        var at = YamlDocuments.Line(fieldValue);
                        var v = (fieldValue as YamlScalarNode)?.Value?.Trim() ?? throw new InputException("must be a single value", $"{key}.{field}").At(path, at);
                        switch (field)
                        {
                            case "method":
                                method = QuantMethodNames.TryParse(v, out var m) ? m
                                    : throw new InputException($"'{v}' is not a method ({string.Join(", ", QuantMethodNames.All)})", $"{key}.method").At(path, at);
                                break;
                            case "wbits":
                            case "abits":
                                var bits = int.TryParse(v, out var b) && b is >= 1 and <= QuantizerFactory.MaxBits ? b
                                    : throw new InputException($"must be a whole number of bits from 1 to {QuantizerFactory.MaxBits}, got '{v}'", $"{key}.{field}").At(path, at);
                                if (field == "wbits") wbits = bits; else abits = bits;
                                break;
                            default:
                                throw new InputException($"unknown field '{field}' (method, wbits, abits)", $"{key}.{field}").At(path, YamlDocuments.Line(fieldNode));
                        }
                    }
                    entries.Add(new Entry(key, regex, line, null, method, wbits, abits));
                    break;
                default:
                    throw new InputException("must be a format or a mapping of method/wbits/abits", key).At(path, line);
            }
        }
        return new LayerOverrides(path, entries);
    }

    /// <summary>The plan of <paramref name="layer"/> after every entry that matches it, in file order.</summary>
    public LayerPlan Apply(string layer, LayerPlan plan, QuantizeOptions options)
    {
        foreach (var e in _entries)
        {
            if (!e.Match.IsMatch(layer))
                continue;
            if (e.Format is { } format)
            {
                plan = QuantizeOptions.Kept(format);
                continue;
            }
            // A layer kept at a float format that an entry gives bits to is quantised from the inner policy.
            var basis = plan as LayerPlan.Quantized ?? new LayerPlan.Quantized(options.Method, options.WeightBits, options.InputBits);
            plan = new LayerPlan.Quantized(e.Method ?? basis.Method, e.WeightBits ?? basis.WeightBits, e.InputBits ?? basis.InputBits);
        }
        return plan;
    }

    /// <summary>Throws when an entry matched none of <paramref name="layers"/>: a misspelt name should not pass silently.</summary>
    public void CheckAllUsed(IReadOnlyList<string> layers)
    {
        foreach (var e in _entries)
            if (!layers.Any(e.Match.IsMatch))
                throw new InputException($"'{e.Pattern}' matches no layer of the network (its layers: {string.Join(", ", layers.Take(6))}{(layers.Count > 6 ? ", ..." : "")})", e.Pattern).At(File, e.Line);
    }
}
