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
        if (root.Has("levels") && !root.Has("units"))
            throw root.Error("this is a nest design (top-level 'levels:', storage levels in Timeloop's terms), not an array architecture (units:): the verbs energy, simulate, nest, compare, first-last, width and sweep run it", "levels");
        root.AllowOnly(Schema.TopKeys, "at the top level");
        var name = root.RequiredText("name");
        var clock = root.Number("clock_mhz") ?? Schema.ClockMhz;
        var execution = root.Text("execution") is { } e ? Construct(root, () => ExecutionNames.Parse(e)) : Execution.LayerSequential;
        var (dram, buffers) = root.Has("storage") ? Storage(root) : (Dram(root), Buffers(root));
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
        return DramOf(dram);
    }

    /// <summary>A DRAM's type and bandwidth from the keys of <paramref name="dram"/> (the <c>dram:</c> mapping or storage's DRAM entry).</summary>
    private static DramSpec DramOf(ArchitectureYamlMap dram)
    {
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

    /// <summary>
    /// The <c>storage:</c> list, DRAM first, then the on-chip levels towards the PEs: the DRAM
    /// entry becomes the <see cref="DramSpec"/>, the others the <see cref="BufferSpec"/>'s levels.
    /// </summary>
    private (DramSpec Dram, BufferSpec Buffers) Storage(ArchitectureYamlMap root)
    {
        foreach (var old in new[] { "dram", "buffers" })
            if (root.Has(old))
                throw root.Error($"give either 'storage' or the older '{old}' key, not both ('hwsim archs --upgrade FILE' rewrites a file with dram/buffers as storage)", old);
        var list = root.Sequence("storage")!;
        if (list.Children.Count < 2)
            throw root.Error("must list DRAM first, then at least one on-chip level, e.g. [{ name: DRAM, class: dram, type: lpddr4, bandwidth_bytes_per_cycle: 16 }, { name: glb, capacity_kb: 128, holds: [ifmap, weight, ofmap] }]", "storage");
        DramSpec? dram = null;
        var levels = new List<StorageLevel>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var map = ArchitectureYamlMap.Of(list.Children[i], $"storage[{i}]", file, "{ name: glb, capacity_kb: 128, word_bits: 64, holds: [ifmap, ofmap] }");
            var name = map.RequiredText("name");
            if (names.TryGetValue(name, out var first))
                throw map.Error($"level name '{name}' is already used by storage[{first}]; level names must be unique", "name");
            names.Add(name, i);
            var kind = map.Text("class") ?? Schema.StorageSram;
            if (!Schema.StorageClasses.Contains(kind, StringComparer.Ordinal))
                throw map.Error($"unknown storage class '{kind}' (expected {ArchitectureYamlMap.OneOf(Schema.StorageClasses)})", "class");
            if ((kind == Schema.StorageDram) != (i == 0))
                throw map.Error(i == 0 ? "the first level must be DRAM (class: dram): the list runs from DRAM to the PEs" : "only the first level may be DRAM", "class");
            if (i == 0)
            {
                map.AllowOnly(Schema.StorageDramKeys, "for the DRAM level");
                dram = DramOf(map);
                continue;
            }
            levels.Add(Level(map, name));
        }
        var buffers = Construct(root, () => new BufferSpec(levels));
        return (dram!, buffers);
    }

    private static StorageLevel Level(ArchitectureYamlMap map, string name)
    {
        map.AllowOnly(Schema.StorageLevelKeys, "for an on-chip level");
        var instances = map.Text("instances") ?? Schema.StorageGlobal;
        if (instances != Schema.StorageGlobal)
            throw map.Error(Schema.StorageInstances.Contains(instances, StringComparer.Ordinal)
                ? $"'{instances}' storage is not simulated: the engines keep each PE's operands in its registers and move every operand between DRAM and one global level (Simulator/README.md section 4, 'Storage levels'); only 'global' levels can be given"
                : $"unknown instances '{instances}' (expected {ArchitectureYamlMap.OneOf(Schema.StorageInstances)})", "instances");
        var wordBits = map.Int("word_bits") ?? Schema.WordBits;
        long bytes;
        if (map.Has("capacity_kb") == map.Has("entries"))
            throw map.Error("give the capacity as exactly one of capacity_kb (KiB) or entries (words of word_bits)", map.Has("entries") ? "entries" : "capacity_kb");
        if (map.Has("capacity_kb"))
        {
            var (b, error) = BufferSpec.BytesOfKib(map.Number("capacity_kb")!.Value);
            bytes = error is null ? b : throw map.Error(error, "capacity_kb");
        }
        else
        {
            var entries = map.Int("entries")!.Value;
            if (entries < 1)
                throw map.Error($"must be at least 1, got {entries}", "entries");
            if (wordBits % 8 != 0)
                throw map.Error($"must be a multiple of 8 between 8 and 4096, got {wordBits}", "word_bits");
            bytes = (long)entries * (wordBits / 8);
        }
        var banks = map.Int("banks") ?? 1;
        var doubleBuffered = true;
        if (map.Text("double_buffered") is { } db)
            doubleBuffered = db.ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw map.Error($"'{db}' is not true or false", "double_buffered"),
            };
        var holds = Holds(map);
        return Construct(map, () => new StorageLevel(name, bytes, wordBits, holds, banks, doubleBuffered));
    }

    private static List<BufferKind> Holds(ArchitectureYamlMap map)
    {
        var holds = new List<BufferKind>();
        var node = map.Value("holds") ?? throw map.Missing("holds", "the operands the level holds, e.g. [ifmap, ofmap]");
        var items = node is YamlSequenceNode list ? list.Children.ToList() : [node];
        foreach (var item in items)
        {
            var text = item is YamlScalarNode { Value: { } v } ? v.Trim() : throw map.Error("must be a list of operand names (ifmap, weight, ofmap)", "holds");
            var kind = Array.IndexOf(Schema.StorageOperands, text);
            if (kind < 0)
                throw map.Error($"unknown operand '{text}' (expected {ArchitectureYamlMap.OneOf(Schema.StorageOperands)})", "holds");
            if (holds.Contains((BufferKind)kind))
                throw map.Error($"names '{text}' twice", "holds");
            holds.Add((BufferKind)kind);
        }
        return holds;
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
