using System.Collections.Immutable;
using HwSim.CostModel.Nest;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;

namespace HwSim.Analyses.Nest;

/// <summary>
/// A nest design read and validated: the levels the nest engine counts (Simulator/Nest), how each is priced (CostModel/Nest) and
/// what each lets a mapper put in it.
/// </summary>
/// <param name="Name">The design's name.</param>
/// <param name="File">The file it was read from.</param>
public sealed record NestDesign(string Name, string File, NestArchitecture Architecture, ImmutableArray<NestLevelCost> Costs, ImmutableArray<NestLevelConstraint> Constraints)
{
    /// <summary>
    /// Whether the PEs take the input operand one bit at a time (<c>bit_serial: inputs</c>, Stripes' PEs): a layer's problem then has
    /// B = its input bits, and each bit-step is priced as AND gates and a shift-accumulate (CostModel/Nest/NestEnergy.cs). False: B = 1.
    /// </summary>
    public bool BitSerialInputs { get; init; }
}

/// <summary>
/// Reads a nest design file: levels from DRAM inward, in Timeloop's terms so that its arch files port line by line.
/// <code>
/// version: 1
/// name: simple_ws
/// bit_serial: inputs      # optional: the PEs take input values one bit at a time (a B dimension, Simulator/Nest/README.md)
/// levels:
///   - { name: DRAM, class: dram, type: lpddr4 }
///   - name: shared_glb
///     class: sram
///     depth: 16384        # rows
///     width: 64           # bits per row
///     datawidth: 16       # bits per word: depth x width / datawidth words
///     n_banks: 32
///     keeps: [weights, inputs, outputs]   # default: all three
///     fanout: { x: 16, y: 16 }            # instances of the next level (or MACs) per instance; default 1 x 1
///     spatial: { x: [C, M], y: [C, M] }   # dimensions the mapper may spread; default any
///   - { name: weight_reg, class: register, depth: 1, width: 16, datawidth: 16, keeps: [weights], temporal: [N, P, Q] }
/// </code>
/// Parse (YAML with line numbers), validate (keys, values, the level rules), construct: errors name the file, line and field.
/// A level holds depth x width / datawidth words (what a mapping's tiles must fit) and is priced as an SRAM of
/// depth x width / 8 bytes with width-bit rows, as a register file (regfile: Aladdin's registers and per-row address comparators,
/// CostModel/Nest/NestEnergy.cs), as a register (Aladdin's per-bit cost) or as DRAM of its type.
/// </summary>
public static class NestDesignFile
{
    private static readonly string[] TopKeys = ["version", "name", "bit_serial", "levels"];

    // The operands a design may make bit-serial: inputs only (Stripes' serial activations); weights would need a second bit dimension.
    private static readonly string[] SerialOperands = ["inputs"];
    private static readonly string[] LevelKeys = ["name", "class", "type", "depth", "width", "datawidth", "n_banks", "keeps", "fanout", "temporal", "spatial"];
    private static readonly string[] Classes = ["dram", "sram", "regfile", "register"];
    private const string LevelExample = "name: shared_glb, class: sram, depth: 16384, width: 64, datawidth: 16";

    /// <summary>Reads the design file at <paramref name="path"/>.</summary>
    public static NestDesign Load(string path) => Read(InputFiles.ReadAllText(path), path);

    /// <summary>Parses and validates a design file's text.</summary>
    public static NestDesign Read(string text, string file)
    {
        var root = YamlDocuments.LoadSingle(text, file, "a nest design file")
            ?? throw new InputException("the file is empty; expected 'version: 1', 'name:' and 'levels:' (a list from DRAM inward)", null, file);
        var top = NestYaml.Of(root, "", file, "version: 1, name: ..., levels: [...]");
        top.AllowOnly(TopKeys, "at the top level");
        top.CheckVersion();
        var name = top.Text("name") ?? throw top.Missing("name", "give the design a name");
        var bitSerial = top.Text("bit_serial") is { } serial
            ? SerialOperands.Contains(serial.Trim().ToLowerInvariant()) ? true
                : throw top.Error($"unknown bit-serial operand '{serial}' (allowed: {string.Join(", ", SerialOperands)}; leave the key out for bit-parallel PEs)", "bit_serial")
            : false;
        if (top.Value("levels") is not YamlSequenceNode levelsNode || levelsNode.Children.Count == 0)
            throw top.Value("levels") is null
                ? top.Missing("levels", "give a list of levels from DRAM inward")
                : top.Error("must be a non-empty list of levels from DRAM inward", "levels");
        var levels = new List<NestLevel>();
        var costs = ImmutableArray.CreateBuilder<NestLevelCost>();
        var constraints = ImmutableArray.CreateBuilder<NestLevelConstraint>();
        for (var i = 0; i < levelsNode.Children.Count; i++)
        {
            var map = NestYaml.Of(levelsNode.Children[i], $"levels[{i}]", file, LevelExample);
            var (level, cost, constraint) = Level(map, i);
            if (levels.Any(l => l.Name == level.Name))
                throw map.Error($"the name '{level.Name}' is used by two levels", "name");
            levels.Add(level);
            costs.Add(cost);
            constraints.Add(constraint);
        }
        return new NestDesign(name, file, new NestArchitecture(levels), costs.ToImmutable(), constraints.ToImmutable()) { BitSerialInputs = bitSerial };
    }

    private static (NestLevel, NestLevelCost, NestLevelConstraint) Level(NestYaml map, int index)
    {
        map.AllowOnly(LevelKeys, "in a level");
        var name = map.Text("name") ?? throw map.Missing("name", "every level has a name");
        if (name.Trim().Length == 0)
            throw map.Error("may not be empty", "name");
        var cls = map.Text("class") ?? throw map.Missing("class", "give dram, sram, regfile or register");
        if (!Classes.Contains(cls.ToLowerInvariant()))
            throw map.Error($"unknown class '{cls}' (allowed: {string.Join(", ", Classes)})", "class");
        cls = cls.ToLowerInvariant();
        long? capacity = null;
        NestLevelCost cost;
        if (cls == "dram")
        {
            foreach (var key in new[] { "depth", "width", "datawidth", "n_banks" })
                if (map.Value(key) is not null)
                    throw map.Error($"applies to sram and register levels; DRAM is unbounded and priced per bit by its type", key);
            var kind = DramKinds.Default;
            if (map.Text("type") is { } type && !DramKinds.TryParse(type, out kind))
                throw map.Error($"unknown DRAM type '{type}' (allowed: {string.Join(", ", DramKinds.CsvNames)})", "type");
            cost = NestLevelCost.OfDram(kind);
        }
        else
        {
            if (map.Value("type") is not null)
                throw map.Error("applies to dram levels only", "type");
            if (cls is "register" or "regfile" && map.Value("n_banks") is not null)
                throw map.Error("applies to sram levels only", "n_banks");
            var depth = map.Whole("depth") ?? throw map.Missing("depth", $"a {cls} level needs its depth (rows), width (bits per row) and datawidth (bits per word)");
            var width = map.Whole("width") ?? throw map.Missing("width", $"a {cls} level needs its width in bits per row");
            var datawidth = map.Whole("datawidth") ?? width;
            if (width % datawidth != 0)
                throw map.Error($"a row of {width} bits must hold a whole number of {datawidth}-bit words (Timeloop's block size)", "datawidth");
            capacity = checked(depth * width / datawidth);
            var banks = (int)(map.Whole("n_banks") ?? 1);
            cost = cls switch
            {
                "register" => NestLevelCost.Register,
                "regfile" => NestLevelCost.OfRegisterFile(depth, (int)width),
                _ => NestLevelCost.OfSram(checked(depth * width / 8), (int)width, banks),
            };
        }
        var keeps = Keeps(map);
        if (index == 0 && keeps.Count != 3)
            throw map.Error($"level 0 ({name}) must keep every operand (weights, inputs, outputs); it keeps {string.Join(", ", keeps.OrderBy(t => t)).ToLowerInvariant()}", "keeps");
        var (fx, fy) = Fanout(map);
        var level = new NestLevel(name, keeps, capacity, fx, fy);
        var temporal = Dims(map, map.List("temporal", "[N, P, Q]"), map.PathOf("temporal"));
        var (sx, sy) = Spatial(map);
        return (level, cost, new NestLevelConstraint(temporal, sx, sy));
    }

    private static ImmutableHashSet<NestTensor> Keeps(NestYaml map)
    {
        if (map.List("keeps", "[weights, inputs, outputs]") is not { } list)
            return [NestTensor.Weights, NestTensor.Inputs, NestTensor.Outputs];
        var keeps = ImmutableHashSet.CreateBuilder<NestTensor>();
        foreach (var (text, node) in list)
        {
            if (!Enum.TryParse<NestTensor>(text.Trim(), ignoreCase: true, out var t) || !Enum.IsDefined(t) || char.IsDigit(text.Trim().FirstOrDefault()))
                throw new InputException($"unknown operand '{text}' (allowed: weights, inputs, outputs)", map.PathOf("keeps"), map.File, YamlDocuments.Line(node));
            if (!keeps.Add(t))
                throw new InputException($"'{text}' is listed twice", map.PathOf("keeps"), map.File, YamlDocuments.Line(node));
        }
        return keeps.ToImmutable();
    }

    private static (int X, int Y) Fanout(NestYaml map)
    {
        if (map.Value("fanout") is not { } node)
            return (1, 1);
        var f = NestYaml.Of(node, map.PathOf("fanout"), map.File, "x: 16, y: 16");
        f.AllowOnly(["x", "y"], "in fanout");
        return ((int)(f.Whole("x") ?? 1), (int)(f.Whole("y") ?? 1));
    }

    private static (ImmutableHashSet<NestDim>? X, ImmutableHashSet<NestDim>? Y) Spatial(NestYaml map)
    {
        if (map.Value("spatial") is not { } node)
            return (null, null);
        var s = NestYaml.Of(node, map.PathOf("spatial"), map.File, "x: [C, M], y: [C, M]");
        s.AllowOnly(["x", "y"], "in spatial");
        return (Dims(s, s.List("x", "[C, M]"), s.PathOf("x")), Dims(s, s.List("y", "[C, M]"), s.PathOf("y")));
    }

    private static ImmutableHashSet<NestDim>? Dims(NestYaml map, IReadOnlyList<(string Text, YamlNode Node)>? list, string field)
    {
        if (list is null)
            return null;
        var dims = ImmutableHashSet.CreateBuilder<NestDim>();
        foreach (var (text, node) in list)
            if (!dims.Add(map.Dim(text, node, field)))
                throw new InputException($"'{text}' is listed twice", field, map.File, YamlDocuments.Line(node));
        return dims.ToImmutable();
    }
}
