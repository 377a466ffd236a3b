using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;

namespace HwSim.Simulator.Mapper;

/// <summary>
/// A mapping file: per layer name or glob (<c>*</c>, <c>?</c>), either <c>fixed</c> or
/// constraints on the loop nest (any subset of <c>order</c>, <c>time_chunk</c>, <c>block_m</c>,
/// <c>block_k</c>, <c>block_n</c>; <c>rows</c> and <c>cols</c> name the dimensions the unit's
/// array must hold spatially, which the unit fixes). The first entry matching a layer applies;
/// the mapper searches what an entry leaves open.
/// <code>
/// layers:
///   conv1: fixed
///   "layer*.conv2": { order: [N, M, K], block_k: 4 }
/// </code>
/// Read in the three steps of every HwSim input: parse, validate keys and values (errors name
/// file, line and rule), then <see cref="Check"/> against the workload and architecture: an entry
/// that names no layer, a constraint that breaks a buffer's capacity for a layer it matches, or
/// a spatial mapping the layer's unit cannot do is an error at the entry's line.
/// </summary>
public sealed class MappingFile
{
    /// <summary>One entry: the pattern, its line, and what it asks.</summary>
    public sealed record Entry(string Pattern, int Line, MappingConstraint Constraint, GemmDim? Rows, GemmDim? Cols)
    {
        private readonly LayerGlob _glob = new(Pattern);

        /// <summary>Whether the entry applies to <paramref name="layer"/>.</summary>
        public bool Matches(string layer) => _glob.Matches(layer);
    }

    private static readonly string[] TopKeys = ["version", "layers"];
    private static readonly string[] EntryKeys = ["order", "time_chunk", "block_m", "block_k", "block_n", "rows", "cols"];

    private MappingFile(string file, string text, ImmutableArray<Entry> entries)
    {
        File = file;
        Text = text;
        Entries = entries;
    }

    /// <summary>The file's path as given.</summary>
    public string File { get; }

    /// <summary>The file's text (it identifies the constraints in a sweep's hash).</summary>
    public string Text { get; }

    public ImmutableArray<Entry> Entries { get; }

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static MappingFile Load(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the mapping file: {e.Message}", null, path, null, e);
        }
        return Read(text, path);
    }

    /// <summary>Parses and validates a mapping file's text.</summary>
    public static MappingFile Read(string text, string file)
    {
        var root = YamlDocuments.LoadSingle(text, file, "a mapping file")
            ?? throw new InputException("the file is empty; expected a 'layers:' mapping of layer names or globs to 'fixed' or constraints", null, file);
        if (root is not YamlMappingNode top)
            throw new InputException("must be a mapping with a 'layers:' key, e.g. 'layers: { conv1: fixed }'", null, file, YamlDocuments.Line(root));
        foreach (var key in top.Children.Keys)
            if (!TopKeys.Contains(Scalar(key, null, file), StringComparer.Ordinal))
                throw new InputException($"unknown key '{Scalar(key, null, file)}' at the top level (allowed: {string.Join(", ", TopKeys)})", Scalar(key, null, file), file, YamlDocuments.Line(key));
        if (Child(top, "version") is { } version && Scalar(version, "version", file) != "1")
            throw new InputException($"unsupported version '{Scalar(version, "version", file)}' (this HwSim reads version 1)", "version", file, YamlDocuments.Line(version));
        if (Child(top, "layers") is not YamlMappingNode layers)
            throw new InputException("missing or not a mapping: give 'layers:' with one entry per layer name or glob", "layers", file, YamlDocuments.Line(Child(top, "layers") ?? top));
        if (layers.Children.Count == 0)
            throw new InputException("has no entries; give at least one layer name or glob", "layers", file, YamlDocuments.Line(layers));
        var entries = ImmutableArray.CreateBuilder<Entry>();
        foreach (var (keyNode, value) in layers.Children)
        {
            var pattern = Scalar(keyNode, "layers", file);
            if (pattern.Length == 0)
                throw new InputException("a layer name or glob may not be empty", "layers", file, YamlDocuments.Line(keyNode));
            var field = $"layers.{pattern}";
            var line = (int)keyNode.Start.Line;
            entries.Add(value switch
            {
                YamlScalarNode s when s.Value == "fixed" => new Entry(pattern, line, new MappingConstraint { Fixed = true }, null, null),
                YamlScalarNode s => throw new InputException($"must be 'fixed' or a mapping of constraints ({string.Join(", ", EntryKeys)}), got '{s.Value}'", field, file, YamlDocuments.Line(value)),
                YamlMappingNode m => ReadEntry(pattern, line, m, field, file),
                _ => throw new InputException($"must be 'fixed' or a mapping of constraints ({string.Join(", ", EntryKeys)}), not a list", field, file, YamlDocuments.Line(value)),
            });
        }
        return new MappingFile(file, text, entries.ToImmutable());
    }

    private static Entry ReadEntry(string pattern, int line, YamlMappingNode m, string field, string file)
    {
        foreach (var key in m.Children.Keys)
        {
            var name = Scalar(key, field, file);
            if (!EntryKeys.Contains(name, StringComparer.Ordinal))
                throw new InputException($"unknown constraint '{name}' (allowed: {string.Join(", ", EntryKeys)}; or 'fixed' instead of a mapping)", $"{field}.{name}", file, YamlDocuments.Line(key));
        }
        ImmutableArray<GemmDim>? order = Child(m, "order") is { } o ? Order(o, $"{field}.order", file) : null;
        return new Entry(pattern, line, new MappingConstraint
        {
            Order = order,
            TimeChunk = Positive(m, "time_chunk", field, file),
            BlockM = Positive(m, "block_m", field, file),
            BlockK = Positive(m, "block_k", field, file),
            BlockN = Positive(m, "block_n", field, file),
        }, Child(m, "rows") is { } r ? Dim(r, $"{field}.rows", file) : null, Child(m, "cols") is { } c ? Dim(c, $"{field}.cols", file) : null);
    }

    private static ImmutableArray<GemmDim> Order(YamlNode node, string field, string file)
    {
        IEnumerable<string> names = node switch
        {
            YamlSequenceNode seq => seq.Children.Select(c => Scalar(c, field, file)),
            YamlScalarNode s => (s.Value ?? "").Select(ch => ch.ToString()),
            _ => throw new InputException("must be a list such as [N, M, K] or a string such as NMK (outermost first)", field, file, YamlDocuments.Line(node)),
        };
        var dims = names.Select(n => Letter(n.Trim())).ToList();
        if (dims.Count != 3 || dims.Any(d => d is null) || dims.Distinct().Count() != 3)
            throw new InputException($"must name M, K and N once each, outermost first (e.g. [N, M, K]), got {Shown(node)}", field, file, YamlDocuments.Line(node));
        return [.. dims.Select(d => d!.Value)];
    }

    private static GemmDim Dim(YamlNode node, string field, string file)
    {
        var text = Scalar(node, field, file);
        return Letter(text) ?? throw new InputException($"must be M, K or N, got '{text}'", field, file, YamlDocuments.Line(node));
    }

    // The letters alone: Enum.TryParse would also take the enum's numbers ('0' as M).
    private static GemmDim? Letter(string text) => text.ToUpperInvariant() switch
    {
        "M" => GemmDim.M,
        "K" => GemmDim.K,
        "N" => GemmDim.N,
        _ => null,
    };

    private static long? Positive(YamlMappingNode m, string key, string field, string file)
    {
        if (Child(m, key) is not { } node)
            return null;
        var text = Scalar(node, $"{field}.{key}", file);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 ? v
            : throw new InputException($"must be a whole number of at least 1, got '{text}'", $"{field}.{key}", file, YamlDocuments.Line(node));
    }

    private static YamlNode? Child(YamlMappingNode m, string key) =>
        m.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

    private static string Scalar(YamlNode node, string? field, string file) => node is YamlScalarNode s
        ? s.Value ?? ""
        : throw new InputException("must be a single value", field, file, YamlDocuments.Line(node));

    private static string Shown(YamlNode node) => node is YamlScalarNode s ? $"'{s.Value}'" : $"[{string.Join(", ", ((YamlSequenceNode)node).Children.Select(c => c is YamlScalarNode x ? x.Value : "..."))}]";

    /// <summary>
    /// A mapping file that fixes each layer's mapping (<c>fixed</c>, or a loop nest with all five keys), in the form
    /// <see cref="Read"/> takes, so that a later run maps every layer as these mappings do. Layers appear in the order given, one
    /// entry per name. Throws an <see cref="InputException"/> for a name that would read back as a glob (it holds <c>*</c> or
    /// <c>?</c>) or a name given twice with different mappings: either would map some layer otherwise than given.
    /// </summary>
    /// <param name="header">Comment lines put first (each prefixed with "# "), e.g. the command that produced the mappings.</param>
    public static string Write(IEnumerable<(string Layer, LayerMapping Mapping)> layers, IEnumerable<string>? header = null)
    {
        var text = new System.Text.StringBuilder();
        foreach (var line in header ?? [])
            text.Append("# ").Append(line).Append('\n');
        text.Append("version: 1\nlayers:\n");
        var written = new Dictionary<string, LayerMapping>(StringComparer.Ordinal);
        foreach (var (layer, mapping) in layers)
        {
            if (layer.Contains('*', StringComparison.Ordinal) || layer.Contains('?', StringComparison.Ordinal))
                throw new InputException($"layer '{layer}' cannot be written to a mapping file: '*' and '?' in a name read back as a glob", "--save-mapping");
            if (written.TryGetValue(layer, out var earlier))
            {
                if (!earlier.Equals(mapping))
                    throw new InputException($"two layers are named '{layer}' and map differently ({earlier}; {mapping}); a mapping file maps layers by name", "--save-mapping");
                continue;
            }
            written[layer] = mapping;
            var value = mapping switch
            {
                LoopNestMapping n => string.Create(CultureInfo.InvariantCulture,
                    $"{{ order: [{string.Join(", ", n.Order)}], time_chunk: {n.TimeChunk}, block_m: {n.BlockM}, block_k: {n.BlockK}, block_n: {n.BlockN} }}"),
                _ => "fixed",
            };
            text.Append("  ").Append(Quoted(layer)).Append(": ").Append(value).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A layer or level name as a YAML mapping key: plain when plainly safe, else a double-quoted scalar (both mapping files write names so).</summary>
    public static string Quoted(string name) =>
        Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) ? name
            : "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>The first entry matching <paramref name="layer"/>, or null.</summary>
    public Entry? EntryFor(string layer) => Entries.FirstOrDefault(e => e.Matches(layer));

    /// <summary>
    /// Checks the file against the workload it will map: every entry matches some layer; for every
    /// layer an entry applies to (on the unit the layer runs on), the unit holds the dimensions the
    /// entry names on its rows and columns, and the entry's blocks, with the smallest choices for
    /// what it leaves open, fit the buffers. Throws an <see cref="InputException"/> naming the file,
    /// the entry's line and the rule.
    /// </summary>
    public void Check(Workload workload, ArchitectureSpec arch)
    {
        var models = arch.Units.Select(UnitModels.For).ToList();
        foreach (var entry in Entries)
        {
            var where = $"line {entry.Line.ToString(CultureInfo.InvariantCulture)}";
            var field = $"layers.{entry.Pattern}";
            var layers = workload.Layers.Where(l => EntryFor(l.Name) == entry).ToList();
            if (!workload.Layers.Any(l => entry.Matches(l.Name)))
                throw new InputException($"names no layer of workload '{workload.Name}' (its layers: {Sample(workload)})", field, File, where);
            if (layers.Count == 0)
            {
                // The first matching entry applies, so an entry every one of whose layers an earlier entry takes never applies.
                var earlier = Entries.First(e => workload.Layers.Any(l => entry.Matches(l.Name) && EntryFor(l.Name) == e));
                throw new InputException($"applies to no layer: the first entry that matches a layer applies, and every layer this one matches is taken by '{earlier.Pattern}' at line {earlier.Line.ToString(CultureInfo.InvariantCulture)}; put the narrower entry first",
                    field, File, where);
            }
            var placed = layers.Select(l => (Layer: l, Model: Simulation.Choose(l, models).Model)).Where(p => p.Model is not null).ToList();
            if (!entry.Constraint.Fixed && placed.Count > 0 && placed.All(p => !p.Model!.MappingFitsBuffers))
                throw new InputException($"constrains a loop nest, but every layer it applies to runs on a scalesim_compat unit ('{placed[0].Model!.Spec.Name}' runs '{placed[0].Layer.Name}'), which always runs the fixed mapping so that it agrees with SCALE-Sim; give 'fixed' or leave these layers out",
                    field, File, where);
            foreach (var layer in layers)
            {
                if (Simulation.Choose(layer, models) is not ({ } model, _))
                    continue;
                var problem = new GemmProblem(layer);
                var grid = model.Grid(problem);
                if (entry.Rows is { } rows && rows != grid.OnRows || entry.Cols is { } cols && cols != grid.OnCols)
                    throw new InputException($"layer '{layer.Name}' runs on unit '{model.Spec.Name}', whose array holds {grid.OnRows} on its rows and {grid.OnCols} on its columns; it cannot map {entry.Rows?.ToString() ?? grid.OnRows.ToString()} on rows and {entry.Cols?.ToString() ?? grid.OnCols.ToString()} on columns",
                        field, File, where);
                var c = entry.Constraint;
                if (c.Fixed || !model.MappingFitsBuffers)
                    continue;
                var estimator = new MappingEstimator(problem, arch.Buffers, arch.Dram, model);
                var smallest = new LoopNestMapping(c.TimeChunk ?? SmallestChunk(estimator, model), c.Order ?? [GemmDim.M, GemmDim.K, GemmDim.N], c.BlockM ?? 1, c.BlockK ?? 1, c.BlockN ?? 1);
                string? unfit;
                try
                {
                    unfit = estimator.Unfit(smallest);
                }
                catch (OverflowException)
                {
                    unfit = "its blocks' sizes do not fit in 64 bits";
                }
                if (unfit is not null)
                    throw new InputException($"breaks a capacity for layer '{layer.Name}' on unit '{model.Spec.Name}' ({c}): {unfit}", field, File, where);
            }
        }
    }

    private static long SmallestChunk(MappingEstimator e, IUnitModel model) => MappingSearch.TimeChunks(e, model, MappingConstraint.None).Min();

    private static string Sample(Workload w) =>
        string.Join(", ", w.Layers.Take(6).Select(l => l.Name)) + (w.Layers.Length > 6 ? $", ... ({w.Layers.Length} in all)" : "");

    /// <summary>A search under <paramref name="objective"/> with this file's constraints.</summary>
    public MappingPolicy Policy(MappingObjective objective) =>
        MappingPolicy.Constrained(objective, layer => EntryFor(layer)?.Constraint, File, Text);
}
