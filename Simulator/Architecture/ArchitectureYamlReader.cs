using System.Globalization;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Simulator.Units;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;
using Schema = HwSim.Simulator.Architecture.ArchitectureYamlSchema;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// Reads one architecture file: parse (YAML text to nodes with line numbers), validate (keys,
/// types, names) and construct (the spec records, whose range errors are re-thrown at their node).
/// </summary>
internal sealed class ArchitectureYamlReader(string file)
{
    private const string TopExample = "version: 1, name: ..., units: [...]";

    public ArchitectureSpec Read(string text)
    {
        var root = ArchitectureYamlMap.Of(ParseDocument(text), "", file, TopExample);
        CheckVersion(root);
        root.AllowOnly(Schema.TopKeys, "at the top level");
        var name = root.RequiredText("name");
        var clock = root.Number("clock_mhz") ?? Schema.ClockMhz;
        var execution = root.Text("execution") is { } e ? Construct(root, () => ExecutionNames.Parse(e)) : Execution.LayerSequential;
        var dram = Dram(root);
        var buffers = Buffers(root);
        var units = Units(root);
        return Construct(root, () => new ArchitectureSpec(name, clock, dram, buffers, units) { Execution = execution });
    }

    /// <summary>Step 1: the YAML text as one document's root node; YamlDotNet's errors become "not valid YAML" with their line.</summary>
    private YamlNode ParseDocument(string text) =>
        YamlDocuments.LoadSingle(text, file, "an architecture file")
        ?? throw new InputException($"the file is empty; expected a mapping such as {{ {TopExample} }}", null, file);

    private static void CheckVersion(ArchitectureYamlMap root)
    {
        // Checked before the keys: a newer file should say "version 2", not "unknown key".
        if (!root.Has("version"))
            throw root.Missing("version", $"this HwSim reads version {Schema.Version}");
        var version = root.RequiredInt("version");
        if (version != Schema.Version)
            throw root.Error($"unsupported version {version} (this HwSim reads version {Schema.Version})", "version");
    }

    private static DramSpec Dram(ArchitectureYamlMap root)
    {
        if (root.Map("dram", "{ type: lpddr4, bandwidth_bytes_per_cycle: 16 }") is not { } dram)
            return new DramSpec(Schema.DramBytesPerCycle);
        dram.AllowOnly(Schema.DramKeys, "in dram");
        var type = DramKinds.Default;
        if (dram.Text("type") is { } typeText && !DramKinds.TryParse(typeText, out type))
            throw dram.Error($"unknown DRAM type '{typeText}' (allowed: {string.Join(", ", DramKinds.CsvNames)})", "type");
        const string key = "bandwidth_bytes_per_cycle";
        var text = dram.Text(key);
        if (text is not null && text.Equals(Schema.Unlimited, StringComparison.OrdinalIgnoreCase))
            return DramSpec.Unlimited with { Type = type };
        if (text is not null && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw dram.Error($"'{text}' is not a whole number of bytes per cycle or '{Schema.Unlimited}'", key);
        var bandwidth = dram.Int(key) ?? Schema.DramBytesPerCycle;
        return Construct(dram, () => new DramSpec(bandwidth, type));
    }

    private static BufferSpec Buffers(ArchitectureYamlMap root)
    {
        if (root.Map("buffers", "{ ifmap_kb: 256, weight_kb: 256, ofmap_kb: 128 }") is not { } buffers)
            return BufferSpec.FromKilobytes(Schema.IfmapKb, Schema.WeightKb, Schema.OfmapKb, Schema.WordBits);
        buffers.AllowOnly(Schema.BufferKeys, "in buffers");
        var ifmap = Bytes(buffers, "ifmap_kb", Schema.IfmapKb);
        var weight = Bytes(buffers, "weight_kb", Schema.WeightKb);
        var ofmap = Bytes(buffers, "ofmap_kb", Schema.OfmapKb);
        var wordBits = buffers.Int("word_bits") ?? Schema.WordBits;
        return Construct(buffers, () => new BufferSpec(ifmap, weight, ofmap, wordBits));
    }

    /// <summary>KiB to bytes by <see cref="BufferSpec.BytesOfKib"/>, the error at the key.</summary>
    private static long Bytes(ArchitectureYamlMap buffers, string key, double defaultKb)
    {
        var (bytes, error) = BufferSpec.BytesOfKib(buffers.Number(key) ?? defaultKb);
        return error is null ? bytes : throw buffers.Error(error, key);
    }

    private List<UnitSpec> Units(ArchitectureYamlMap root)
    {
        var list = root.Sequence("units") ?? throw root.Missing("units");
        var units = new List<UnitSpec>(list.Children.Count);
        var names = new Dictionary<string, (int Index, YamlNode Node)>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var map = ArchitectureYamlMap.Of(list.Children[i], $"units[{i}]", file, "{ name: lowbit, kind: bitserial, rows: 16, cols: 16 }");
            var unit = Unit(map);
            if (names.TryGetValue(unit.Name, out var first))
                throw map.Error($"unit name '{unit.Name}' is already used by units[{first.Index}] ({ArchitectureYamlMap.Line(first.Node)}); unit names must be unique", "name");
            names.Add(unit.Name, (i, map.Value("name")!));
            units.Add(unit);
        }
        return units;
    }

    private static UnitSpec Unit(ArchitectureYamlMap map)
    {
        var kindText = map.RequiredText("kind");
        var kind = UnitKinds.Named(kindText)
            ?? throw map.Error($"unknown unit kind '{kindText}' (expected {ArchitectureYamlMap.OneOf(Schema.Kinds)})", "kind");
        foreach (var key in UnitKinds.All.SelectMany(k => k.Parameters).Select(p => p.Key).Distinct())
            if (map.Has(key) && kind.Refusal(key) is { } rule)
                throw map.Error(rule, key);
        map.AllowOnly(Schema.UnitKeys(kind), $"for a {kind.Name} unit");
        var name = map.RequiredText("name");
        var rows = map.RequiredInt("rows");
        var cols = map.RequiredInt("cols");
        // Every given key parses before the unit is built: a bad word names its key, then the record checks ranges.
        var given = new List<(UnitParameter Parameter, object? Value)>();
        foreach (var p in kind.Parameters)
        {
            if (map.Text(p.Key) is not { } text)
                continue;
            var (value, _, error) = p.Parse(text);
            given.Add(error is null ? (p, value) : throw map.Error(error, p.Key));
        }
        return Construct(map, () => given.Aggregate(kind.Default(name, rows, cols), (unit, g) => g.Parameter.With(unit, g.Value!)));
    }

    /// <summary>Step 3: builds a spec record; its own validation errors come back at the YAML node they concern.</summary>
    private static T Construct<T>(ArchitectureYamlMap scope, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (InputException e)
        {
            throw scope.Relocate(e);
        }
    }
}
