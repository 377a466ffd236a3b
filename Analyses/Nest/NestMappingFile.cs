using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;

namespace HwSim.Analyses.Nest;

/// <summary>
/// A nest mapping file: per layer name or glob (<c>*</c>, <c>?</c>; the first matching entry applies, as in
/// Simulator/Mapper/MappingFile.cs), each level's loops by the level's name; a level not named has no loops.
/// <code>
/// version: 1
/// layers:
///   conv:
///     DRAM: { temporal: [Q14] }
///     shared_glb: { temporal: [S3, P2, M8], spatial_y: [M4, C3] }
///     pe_spad: { temporal: [R3, Q2, P2] }
/// </code>
/// Loops are outermost first (G4 is a loop over 4 groups; an entry without one runs a grouped layer's groups one after another,
/// outermost at the top level); a level's spatial loops are its <c>spatial_x</c> loops, then its <c>spatial_y</c> loops. Read in
/// two steps: <see cref="Read"/> checks the keys and the level names against the design; <see cref="For"/> checks an entry against
/// a layer (NestMapping.Unfit's rule). Both name the file and the entry's line. <see cref="Write"/> gives the same form back.
/// </summary>
public sealed class NestMappingFile
{
    /// <summary>One entry: the pattern, its line and the mapping it gives.</summary>
    public sealed record Entry(string Pattern, int Line, NestMapping Mapping)
    {
        private readonly LayerGlob _glob = new(Pattern);

        public bool Matches(string layer) => _glob.Matches(layer);
    }

    private static readonly string[] TopKeys = ["version", "layers"];
    private static readonly string[] LoopKeys = ["temporal", "spatial_x", "spatial_y"];

    private NestMappingFile(string file, ImmutableArray<Entry> entries) => (File, Entries) = (file, entries);

    public string File { get; }

    public ImmutableArray<Entry> Entries { get; }

    /// <summary>Reads the mapping file at <paramref name="path"/> for <paramref name="design"/>.</summary>
    public static NestMappingFile Load(string path, NestDesign design) => Read(InputFiles.ReadAllText(path), path, design);

    /// <summary>Parses a mapping file's text and checks its level names and loops against <paramref name="design"/>.</summary>
    public static NestMappingFile Read(string text, string file, NestDesign design)
    {
        var root = YamlDocuments.LoadSingle(text, file, "a nest mapping file")
            ?? throw new InputException("the file is empty; expected 'layers:' with one entry per layer name or glob", null, file);
        var top = NestYaml.Of(root, "", file, "layers: { conv1: { DRAM: { temporal: [Q14] } } }");
        top.AllowOnly(TopKeys, "at the top level");
        top.CheckVersion();
        if (top.Value("layers") is not YamlMappingNode layersNode || layersNode.Children.Count == 0)
            throw top.Value("layers") is null ? top.Missing("layers", "give one entry per layer name or glob")
                : top.Error("must be a mapping with at least one layer name or glob", "layers");
        var layers = new NestYaml(layersNode, "layers", file);
        var entries = ImmutableArray.CreateBuilder<Entry>();
        foreach (var (pattern, keyNode, value) in layers.Entries())
        {
            if (pattern.Length == 0)
                throw new InputException("a layer name or glob may not be empty", "layers", file, YamlDocuments.Line(keyNode));
            var entry = NestYaml.Of(value, $"layers.{pattern}", file, "DRAM: { temporal: [Q14] }, shared_glb: { spatial_y: [M4] }");
            entries.Add(new Entry(pattern, (int)keyNode.Start.Line, Mapping(entry, design)));
        }
        return new NestMappingFile(file, entries.ToImmutable());
    }

    private static NestMapping Mapping(NestYaml entry, NestDesign design)
    {
        var levels = design.Architecture.Levels;
        var loops = levels.Select(_ => NestLevelLoops.Of([])).ToArray();
        foreach (var (name, keyNode, value) in entry.Entries())
        {
            var index = levels.IndexOf(levels.FirstOrDefault(l => l.Name == name)!);
            if (index < 0)
                throw new InputException($"'{name}' is not a level of design '{design.Name}' (its levels: {string.Join(", ", levels.Select(l => l.Name))})",
                    entry.PathOf(name), entry.File, YamlDocuments.Line(keyNode));
            var level = NestYaml.Of(value, entry.PathOf(name), entry.File, "temporal: [Q14], spatial_y: [M4]");
            level.AllowOnly(LoopKeys, "in a level's loops");
            var temporal = Loops(level, "temporal", null);
            var spatial = Loops(level, "spatial_x", NestAxis.X).Concat(Loops(level, "spatial_y", NestAxis.Y));
            loops[index] = NestLevelLoops.Of(temporal, spatial);
        }
        return new NestMapping([.. loops]);
    }

    private static List<NestLoop> Loops(NestYaml level, string key, NestAxis? axis)
    {
        var result = new List<NestLoop>();
        foreach (var (text, node) in level.List(key, "[S3, P2, M8]") ?? [])
        {
            var t = text.Trim();
            if (t.Length < 2 || !int.TryParse(t.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var bound) || bound < 1)
                throw new InputException($"'{text}' is not a loop: a dimension letter and a bound of at least 1, e.g. Q14", level.PathOf(key), level.File, YamlDocuments.Line(node));
            result.Add(new NestLoop(level.Dim(t[..1], node, level.PathOf(key)), bound, axis));
        }
        return result;
    }

    /// <summary>The first entry matching <paramref name="layer"/>, or null.</summary>
    public Entry? EntryFor(string layer) => Entries.FirstOrDefault(e => e.Matches(layer));

    /// <summary>
    /// The mapping for <paramref name="layer"/> (null: no entry applies), checked against its problem: a mapping that does not
    /// fit is an error at the entry's line with NestMapping.Unfit's rule. An entry without G loops runs a grouped layer's groups one
    /// after another, outermost at the top level (NestMapping.WithGroupsOutermost), so one entry serves layers of any groups.
    /// </summary>
    public NestMapping? For(string layer, NestProblem problem, NestArchitecture arch)
    {
        if (EntryFor(layer) is not { } entry)
            return null;
        var mapping = entry.Mapping.WithGroupsOutermost(problem.Groups);
        return mapping.Unfit(problem, arch) is { } why
            ? throw new InputException($"does not fit layer '{layer}' ({problem}): {why}", $"layers.{entry.Pattern}", File, $"line {entry.Line.ToString(CultureInfo.InvariantCulture)}")
            : mapping;
    }

    /// <summary>Every entry names some layer of <paramref name="layers"/> (a typo would otherwise leave a layer to the mapper silently).</summary>
    public void CheckNames(IReadOnlyList<string> layers)
    {
        foreach (var entry in Entries)
            if (!layers.Any(entry.Matches))
                throw new InputException($"names no layer of the workload (its layers: {string.Join(", ", layers.Take(8))}{(layers.Count > 8 ? ", ..." : "")})",
                    $"layers.{entry.Pattern}", File, $"line {entry.Line.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A mapping file giving each layer its mapping, in the form <see cref="Read"/> takes (levels without loops left out).</summary>
    public static string Write(IEnumerable<(string Layer, NestMapping Mapping)> layers, NestArchitecture arch)
    {
        var text = new StringBuilder("version: 1\nlayers:\n");
        static string List(IEnumerable<NestLoop> loops) => "[" + string.Join(", ", loops.Select(l => $"{l.Dim}{l.Bound.ToString(CultureInfo.InvariantCulture)}")) + "]";
        foreach (var (layer, mapping) in layers)
        {
            text.Append("  ").Append(MappingFile.Quoted(layer)).Append(":\n");
            for (var l = 0; l < mapping.Levels.Length; l++)
            {
                var m = mapping.Levels[l];
                var parts = new List<string>();
                if (m.Temporal.Length > 0)
                    parts.Add($"temporal: {List(m.Temporal)}");
                foreach (var (axis, key) in new[] { (NestAxis.X, "spatial_x"), (NestAxis.Y, "spatial_y") })
                    if (m.Spatial.Any(x => x.Axis == axis))
                        parts.Add($"{key}: {List(m.Spatial.Where(x => x.Axis == axis))}");
                if (parts.Count > 0)
                    text.Append("    ").Append(MappingFile.Quoted(arch.Levels[l].Name)).Append(": { ").Append(string.Join(", ", parts)).Append(" }\n");
            }
        }
        return text.ToString();
    }
}
