using System.CommandLine;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// How every simulating verb maps layers: <c>--mapping fixed|search|FILE</c> (default search)
/// and <c>--objective energy|latency|edp</c> (default energy).
/// </summary>
public sealed class MappingOptions
{
    public Option<string> Mapping { get; } = new("--mapping")
    {
        Description = "How layers are mapped onto the array: 'search' (the mapper picks each layer's loop nest, never worse than fixed under --objective), 'fixed' (the one schedule of earlier HwSim versions, SCALE-Sim's order), or a YAML file fixing or constraining layers by name or glob (e.g. 'layers: { conv1: fixed, \"layer*\": { order: [N, M, K], block_k: 2 } }'); the mapper searches what a file leaves open. On a nest design (--arch eyeriss-rs or a file with top-level 'levels:'): 'search' (the nest mapper) or a nest mapping file (per layer, each level's loops, as 'hwsim nest --save-mapping' writes); 'fixed' is refused there.",
        DefaultValueFactory = _ => "search",
        HelpName = "fixed|search|FILE",
    };

    public Option<MappingObjective> Objective { get; } = new("--objective")
    {
        Description = "What the mapper minimises per layer: energy (at the verb's prices; the simulate verb uses the built-in 45 nm table), latency (cycles) or edp (energy x cycles).",
        DefaultValueFactory = _ => MappingObjective.Energy,
        HelpName = "energy|latency|edp",
        // The enum's own parser would take numbers ('3' as edp) and comma lists ('energy,latency' as latency).
        CustomParser = result => ParseObjective(result.Tokens.Count > 0 ? result.Tokens[0].Value : "") is { } objective
            ? objective
            : Refuse(result, $"--objective must be energy, latency or edp, got '{(result.Tokens.Count > 0 ? result.Tokens[0].Value : "")}'"),
    };

    /// <summary>energy, latency or edp (any case), or null for anything else.</summary>
    public static MappingObjective? ParseObjective(string text) => text.ToLowerInvariant() switch
    {
        "energy" => MappingObjective.Energy,
        "latency" => MappingObjective.Latency,
        "edp" => MappingObjective.Edp,
        _ => null,
    };

    private static MappingObjective Refuse(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }

    /// <summary>The options as given, for a result's JSON: how layers were mapped ('search', 'fixed' or the file's path) and the objective.</summary>
    public MappingSettingJson Setting(ParseResult parse) =>
        new(parse.GetValue(Mapping)?.Trim() ?? "search", parse.GetValue(Objective).ToString().ToLowerInvariant());

    public void AddTo(Command command)
    {
        command.Add(Mapping);
        command.Add(Objective);
    }

    /// <summary>The policy the options ask for; a mapping file is read and its syntax checked.</summary>
    public MappingPolicy Resolve(ParseResult parse) => Read(parse) switch
    {
        (var policy, null) => policy,
        (_, var file) => file.Policy(parse.GetValue(Objective)),
    };

    /// <summary>The policy, with a mapping file checked against the workload and each architecture it will map.</summary>
    public MappingPolicy Resolve(ParseResult parse, Workload workload, params IEnumerable<ArchitectureSpec> architectures)
    {
        var (policy, file) = Read(parse);
        if (file is null)
            return policy;
        foreach (var arch in architectures)
            file.Check(workload, arch);
        return file.Policy(parse.GetValue(Objective));
    }

    /// <summary>
    /// The policy, with a mapping file checked against every variant of the workload a study runs (first-last's formats, width's
    /// widths): a constraint that fits one variant's formats may break a buffer at another's. An error says which variant.
    /// </summary>
    public MappingPolicy Resolve(ParseResult parse, IEnumerable<(string Variant, Workload Workload)> variants, params IEnumerable<ArchitectureSpec> architectures)
    {
        var (policy, file) = Read(parse);
        if (file is null)
            return policy;
        foreach (var (variant, workload) in variants)
            foreach (var arch in architectures)
            {
                try
                {
                    file.Check(workload, arch);
                }
                catch (InputException e)
                {
                    throw e.In(variant);
                }
            }
        return file.Policy(parse.GetValue(Objective));
    }

    private (MappingPolicy Policy, MappingFile? File) Read(ParseResult parse)
    {
        var objective = parse.GetValue(Objective);
        var text = parse.GetValue(Mapping) ?? "search";
        return text.Trim().ToLowerInvariant() switch
        {
            "search" => (MappingPolicy.SearchFor(objective), null),
            "fixed" => (MappingPolicy.Fixed, null),
            _ when File.Exists(text) => (MappingPolicy.Default, MappingFile.Load(text)),
            _ => throw new InputException($"must be 'search', 'fixed' or a mapping YAML file; '{text}' is neither (no such file)", "--mapping"),
        };
    }
}

/// <summary>How a result's layers were mapped: <c>--mapping</c> ('search', 'fixed' or a file's path) and <c>--objective</c>.</summary>
public sealed record MappingSettingJson(string Mapping, string Objective);
