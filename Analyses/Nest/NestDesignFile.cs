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
/// <param name="ClockMhz">The clock (top-level <c>clock_mhz</c>), or null when the design gives none: then nothing that needs time
/// (latency, EDP) is derived from its cycles, since no default clock would be the design's.</param>
public sealed record NestDesign(string Name, string File, NestArchitecture Architecture, ImmutableArray<NestLevelCost> Costs, ImmutableArray<NestLevelConstraint> Constraints,
    double? ClockMhz = null)
{
    /// <summary>
    /// Whether the PEs take the input operand one bit at a time (<c>bit_serial: inputs</c>, Stripes' PEs): a layer's problem then has
    /// B = its input bits, each bit-step is priced as AND gates and adder-tree inputs, and each accumulation into a PE's accumulator as a
    /// shift-accumulate (CostModel/Nest/NestEnergy.cs). False: B = 1.
    /// </summary>
    public bool BitSerialInputs { get; init; }

    /// <summary>Each level's <c>datawidth</c> in bits (0 for DRAM, which is unbounded); empty when the design was built in code.</summary>
    public ImmutableArray<int> DataWidths { get; init; } = [];

    /// <summary>
    /// The architecture a layer with these formats sees. A level holds depth x width bits, counted in words of its datawidth
    /// (Timeloop's convention, which <see cref="Architecture"/> keeps). When the layer's values are wider than a level's datawidth (a
    /// 16-bit network on a design of 8-bit words), each takes more than one word: the level holds depth x width / b of them, b the
    /// widest of the weights, inputs and outputs it keeps. Partial sums count as words of the level, as in Timeloop (a design
    /// declares a wider datawidth where it stores them wider, as eyeriss_like's psum_spad does). Narrower values are not packed.
    /// </summary>
    /// <returns>The architecture, or null with the reason when some level cannot hold even one of the layer's values.</returns>
    public (NestArchitecture? Architecture, string? Unfit) ArchitectureFor(int weightBits, int inputBits, int outputBits)
    {
        if (DataWidths.IsDefaultOrEmpty)
            return (Architecture, null);
        var levels = new List<NestLevel>(Architecture.Levels.Length);
        var changed = false;
        for (var i = 0; i < Architecture.Levels.Length; i++)
        {
            var level = Architecture.Levels[i];
            if (level.CapacityWords is not { } words || DataWidths[i] <= 0)
            {
                levels.Add(level);
                continue;
            }
            var widest = level.Keeps.Max(t => t switch { NestTensor.Weights => weightBits, NestTensor.Inputs => inputBits, _ => outputBits });
            if (widest <= DataWidths[i])
            {
                levels.Add(level);
                continue;
            }
            var bits = checked(words * DataWidths[i]);
            if (bits < widest)
                return (null, $"level {level.Name} holds {bits} bits, less than one {widest}-bit value of this layer");
            changed = true;
            levels.Add(level with { CapacityWords = bits / widest });
        }
        return (changed ? new NestArchitecture(levels) : Architecture, null);
    }

    /// <summary>This design with its DRAM levels priced as <paramref name="kind"/> (<c>--dram</c>).</summary>
    public NestDesign WithDram(DramKind kind) =>
        this with { Costs = [.. Costs.Select(c => c.Class == NestStorageClass.Dram ? c with { Dram = kind } : c)] };
}

/// <summary>
/// Reads a nest design file: levels from DRAM inward, in Timeloop's terms so that its arch files port line by line.
/// <code>
/// version: 1
/// name: simple_ws
/// clock_mhz: 200        # optional: without it, compare gives no latency or EDP
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
///     read_bandwidth: 16                  # words per cycle per instance (also write_bandwidth); default unlimited
///     spatial: { x: [C, M], y: [C, M] }   # dimensions the mapper may spread; default any
///   - { name: pe_spad, class: regfile, depth: 192, width: 16, datawidth: 16, keeps: [weights], permutation: [P, Q, R, S] }
///   - { name: weight_reg, class: register, depth: 1, width: 16, datawidth: 16, keeps: [weights], temporal: [N, P, Q] }
/// </code>
/// <c>temporal</c> lists the dimensions a level's temporal loops may step; <c>spatial</c> those its spatial loops may spread on
/// each axis; <c>permutation</c> the order of its temporal loops, <b>innermost first</b> as in Timeloop's arch files (the listed
/// dimensions innermost in that order, any other outside them; NestLevelConstraint.Permutation). These constraints bind the
/// mapper only, as Timeloop's do its mapper: a mapping given in a mapping file is taken as written (NestMappingFile).
/// Parse (YAML with line numbers), validate (keys, values, the level rules), construct: errors name the file, line and field.
/// A level holds depth x width / datawidth words (what a mapping's tiles must fit) and is priced as an SRAM of
/// depth x width / 8 bytes with width-bit rows, as a register file (regfile: Aladdin's registers and per-row address comparators,
/// CostModel/Nest/NestEnergy.cs), as a register (Aladdin's per-bit cost) or as DRAM of its type.
/// </summary>
public static class NestDesignFile
{
    private static readonly string[] TopKeys = ["version", "name", "clock_mhz", "bit_serial", "levels"];

    // The operands a design may make bit-serial: inputs only (Stripes' serial activations); weights would need a second bit dimension.
    private static readonly string[] SerialOperands = ["inputs"];
    private static readonly string[] LevelKeys = ["name", "class", "type", "depth", "width", "datawidth", "n_banks", "keeps", "fanout", "temporal", "spatial", "permutation", "read_bandwidth", "write_bandwidth"];
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
        var clock = Clock(top);
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
        var dataWidths = ImmutableArray.CreateBuilder<int>();
        for (var i = 0; i < levelsNode.Children.Count; i++)
        {
            var map = NestYaml.Of(levelsNode.Children[i], $"levels[{i}]", file, LevelExample);
            var (level, cost, constraint, dataWidth) = Level(map, i);
            if (levels.Any(l => l.Name == level.Name))
                throw map.Error($"the name '{level.Name}' is used by two levels", "name");
            levels.Add(level);
            costs.Add(cost);
            constraints.Add(constraint);
            dataWidths.Add(dataWidth);
        }
        // Instances multiply down the levels (NestArea, NestAnalysis count them in 64 bits): refuse a hierarchy whose fan-outs overflow.
        long instances = 1;
        for (var i = 0; i < levels.Count; i++)
        {
            try
            {
                instances = checked(instances * levels[i].FanoutX * levels[i].FanoutY);
            }
            catch (OverflowException)
            {
                throw NestYaml.Of(levelsNode.Children[i], $"levels[{i}]", file, LevelExample).Error("the fan-outs down to this level multiply to more than 2^63 instances", "fanout");
            }
        }
        return new NestDesign(name, file, new NestArchitecture(levels), costs.ToImmutable(), constraints.ToImmutable(), clock) { DataWidths = dataWidths.ToImmutable(), BitSerialInputs = bitSerial };
    }

    /// <summary>The optional top-level clock in MHz: a finite number above 0.</summary>
    /// <summary>An optional bandwidth in words per cycle per instance (Timeloop's read_bandwidth, write_bandwidth).</summary>
    private static double? Bandwidth(NestYaml map, string key)
    {
        if (map.Text(key) is not { } text)
            return null;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b) && double.IsFinite(b) && b > 0
            ? b
            : throw map.Error($"must be words per cycle above 0, e.g. 16, got '{text}'", key);
    }

    private static double? Clock(NestYaml top)
    {
        if (top.Text("clock_mhz") is not { } text)
            return null;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var mhz) && double.IsFinite(mhz) && mhz > 0
            ? mhz
            : throw top.Error($"must be a clock in MHz above 0, e.g. 200, got '{text}'", "clock_mhz");
    }

    private static (NestLevel, NestLevelCost, NestLevelConstraint, int DataWidth) Level(NestYaml map, int index)
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
        var dataWidth = 0;
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
            dataWidth = checked((int)datawidth);
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
        var (readBandwidth, writeBandwidth) = (Bandwidth(map, "read_bandwidth"), Bandwidth(map, "write_bandwidth"));
        var level = new NestLevel(name, keeps, capacity, fx, fy, readBandwidth, writeBandwidth);
        var temporal = Dims(map, map.List("temporal", "[N, P, Q]"), map.PathOf("temporal"));
        var (sx, sy) = Spatial(map);
        var permutation = Permutation(map);
        return (level, cost, new NestLevelConstraint(temporal, sx, sy, permutation), dataWidth);
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

    // Timeloop's temporal permutation, innermost first; a dimension listed twice has no single place in the order.
    private static ImmutableArray<NestDim>? Permutation(NestYaml map)
    {
        if (map.List("permutation", "[P, Q, R, S] (innermost first)") is not { } list)
            return null;
        var field = map.PathOf("permutation");
        var order = ImmutableArray.CreateBuilder<NestDim>();
        foreach (var (text, node) in list)
        {
            var d = map.Dim(text, node, field);
            if (order.Contains(d))
                throw new InputException($"'{text}' is listed twice (a permutation gives each dimension one place, innermost first)", field, map.File, YamlDocuments.Line(node));
            order.Add(d);
        }
        return order.ToImmutable();
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
