using HwSim.Workloads;
using HwSim.Workloads.Import;
using YamlDotNet.RepresentationModel;

namespace HwSim.Analyses.Nest;

/// <summary>
/// Where a nest design comes from when a user names one with <c>--arch</c>: a built-in design by name, or a YAML file whose top
/// level has <c>levels:</c> (an array architecture file has <c>units:</c> instead). The verbs that run the nest engine (energy,
/// simulate, nest, compare, first-last, width, sweep, report) ask here first and fall back to the array architectures.
/// </summary>
public static class NestDesigns
{
    /// <summary>
    /// The built-in nest designs and the files they are read from (embedded, so an installed tool has them): one source, also the
    /// documented example, never a copy.
    /// </summary>
    private static readonly (string Name, string Resource, string Summary)[] Builtins =
    [
        ("eyeriss-rs", "HwSim.Analyses.Nest.eyeriss_like.yaml",
            "Eyeriss' row stationary as Timeloop+Accelergy's eyeriss_like exercise: 14 x 12 PEs with ifmap, weight and psum scratchpads, a 128 KiB shared global buffer, LPDDR4 (docs/examples/timeloop/eyeriss_like.yaml)"),
    ];

    /// <summary>The built-in designs' names.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Builtins.Select(b => b.Name)];

    /// <summary>Each built-in design's name and a line about it, for <c>hwsim archs</c>.</summary>
    public static IReadOnlyList<(string Name, string Summary)> Summaries { get; } = [.. Builtins.Select(b => (b.Name, b.Summary))];

    /// <summary>
    /// The nest design <paramref name="nameOrPath"/> names: a built-in one, or a file with top-level <c>levels:</c> (read and
    /// validated; its errors are <see cref="InputException"/>s). Null for anything else, which the caller reads as an array
    /// architecture (a preset, or a file the architecture reader will judge).
    /// </summary>
    public static NestDesign? Find(string nameOrPath)
    {
        var text = nameOrPath.Trim();
        return Builtin(text) ?? (File.Exists(text) && IsNestDesign(text) ? NestDesignFile.Load(text) : null);
    }

    /// <summary>The built-in design <paramref name="name"/> (any case), or null when there is none of that name.</summary>
    public static NestDesign? Builtin(string name) => Entry(name) is var (n, resource, _) ? Preset(n, resource) : null;

    /// <summary>Whether <paramref name="name"/> names a built-in design.</summary>
    public static bool IsBuiltin(string name) => Entry(name) is not null;

    private static (string Name, string Resource, string Summary)? Entry(string name)
    {
        foreach (var entry in Builtins)
            if (string.Equals(name.Trim(), entry.Name, StringComparison.OrdinalIgnoreCase))
                return entry;
        return null;
    }

    /// <summary>Whether the YAML file at <paramref name="path"/> is a nest design: a mapping with <c>levels</c> and no <c>units</c>.</summary>
    public static bool IsNestDesign(string path) =>
        TopLevel(path) is { } map && map.Children.ContainsKey(new YamlScalarNode("levels")) && !map.Children.ContainsKey(new YamlScalarNode("units"));

    /// <summary>
    /// The array architecture <paramref name="named"/> names, for verbs that run one through its units' nest translations: a preset,
    /// or a YAML file whose top level has <c>units:</c> (read by the architecture reader, whose errors name their lines). Null for
    /// anything else (a nest design, or a file that is not YAML, which the nest reader then reports).
    /// </summary>
    public static Simulator.Architecture.ArchitectureSpec? ArrayArchitecture(string named)
    {
        var text = named.Trim();
        if (Simulator.Architecture.Presets.Contains(text))
            return Simulator.Architecture.Presets.Get(text);
        return File.Exists(text) && TopLevel(text) is { } map && map.Children.ContainsKey(new YamlScalarNode("units"))
            ? Simulator.Architecture.ArchitectureYaml.Load(text)
            : null;
    }

    private static YamlMappingNode? TopLevel(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        YamlNode? root;
        try
        {
            root = YamlDocuments.LoadSingle(text, path, "an architecture or nest design file");
        }
        catch (InputException)
        {
            // Not YAML the nest reader could take either: the reader the caller falls back to reports it, with its line.
            return null;
        }
        return root as YamlMappingNode;
    }

    /// <summary>The YAML text of the built-in design <paramref name="name"/>, or null when there is none of that name.</summary>
    public static string? Text(string name) => Entry(name) is var (n, resource, _) ? Resource(n, resource) : null;

    private static NestDesign Preset(string name, string resource) => NestDesignFile.Read(Resource(name, resource), $"built-in {name}") with { Name = name };

    private static string Resource(string name, string resource)
    {
        using var stream = typeof(NestDesigns).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the built-in nest design {name} is missing from the assembly ({resource})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
