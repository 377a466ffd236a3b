using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using HwSim.Analyses.Sweep;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using HwSim.Workloads.Precision;

namespace HwSim.Cli.Sweep;

/// <summary>
/// The options that define a sweep (what is computed) and their reading into a
/// <see cref="SweepDefinition"/>. How it runs (-o, --shard, --jobs, --plot) is the command's.
/// </summary>
internal sealed class SweepOptions
{
    public Option<string> Network { get; } = new("--network", "-n")
    {
        Description = "The workload: a built-in network (see 'hwsim networks'), a workload or SCALE-Sim CSV, or an ONNX model with fixed input size.",
        HelpName = "NAME|FILE",
        Required = true,
    };

    public Option<string?> Bits { get; } = new("--bits")
    {
        Description = "Inner-layer bit-widths with weights = activations, e.g. 1..8 or 1,2,4,8 (1 = binary +/-1). Or give --wbits and --abits for their product. Default: the workload's own formats.",
        HelpName = "LIST",
    };

    public Option<string?> WeightBits { get; } = new("--wbits")
    {
        Description = "Inner-layer weight bit-widths (with --abits; the sweep takes every pair), e.g. 1,2,4.",
        HelpName = "LIST",
    };

    public Option<string?> InputBits { get; } = new("--abits")
    {
        Description = "Inner-layer activation bit-widths (with --wbits), e.g. 1..8.",
        HelpName = "LIST",
    };

    public Option<string?> FirstLast { get; } = new("--first-last")
    {
        Description = "Format of the first and last layers: fp32, fp16, bf16, int8, int16 or same. Default with bit-widths: fp32 (PACT, DoReFa, XNOR-Net).",
        HelpName = "FORMAT",
    };

    public Option<bool> RealDownsample { get; } = new("--real-downsample")
    {
        Description = "Keep 1x1 shortcut convolutions at the first/last format (Bi-Real Net accounting).",
    };

    public Option<string?> Grid { get; } = new("--arch-grid", "-g")
    {
        Description = "Grid YAML: a base architecture and the parameters to vary (array rows/cols, lanes, buffers, DRAM bandwidth, ...), as above. Default: no grid, the base architecture alone.",
        HelpName = "FILE",
    };

    public Option<string?> Arch { get; } = new("--arch")
    {
        Description = $"Base architecture: a preset ({string.Join(", ", Simulator.Architecture.Presets.Names)}) or a .yaml file. Overrides the grid's 'base'. Default: the grid's base, else {Simulator.Architecture.Presets.Default}. " +
            "A nest design (eyeriss-rs, or a file with top-level 'levels:') runs the nest study per point (--mapping search|FILE, --objective); its grid may vary only 'objective'.",
        HelpName = "NAME|FILE",
    };

    /// <summary>Nodes, device row, voltage, energy and area tables: what every pricing verb offers, with several nodes.</summary>
    public CostOptions Cost { get; } = new(nodes: true);

    public void AddTo(Command command)
    {
        command.Add(Network);
        command.Add(Bits);
        command.Add(WeightBits);
        command.Add(InputBits);
        command.Add(FirstLast);
        command.Add(RealDownsample);
        command.Add(Grid);
        command.Add(Arch);
        Cost.AddTo(command);
    }

    /// <summary>Reads and checks every option; bad input is an <see cref="InputException"/> before any point runs.</summary>
    public SweepDefinition Definition(ParseResult parse)
    {
        var workload = WorkloadSource.Load(parse.GetValue(Network)!);
        var precisions = Precisions(parse, workload);
        var grid = parse.GetValue(Grid) is { } gridPath ? GridFile.Load(gridPath) : GridFile.None;
        // A nest design (--arch, or the grid's base) runs the nest study per point; a grid over it varies only the objective.
        if (LibraryFields.Named(() => grid.ResolveNestBase(parse.GetValue(Arch)), "--arch", "architecture") is { } design)
        {
            RefuseFlagAndKey(parse, grid, Cost.Mapping.Objective, GridField.Objective);
            var nestDimensions = grid.BindNest(design);
            var mappings = NestRoute.Mappings(parse, Cost.Mapping, design);
            // Checked before any point runs, as an array sweep checks its mapping file against every precision.
            foreach (var p in precisions)
                mappings?.CheckNames([.. p.Workload.Layers.Select(l => l.Name)]);
            return new SweepDefinition(workload, precisions, design, mappings, nestDimensions, Techs(parse), Tables(parse), parse.GetValue(Cost.Mapping.Objective));
        }
        var baseArch = grid.ResolveBase(parse.GetValue(Arch));
        RefuseFlagAndKey(parse, grid, Cost.Mapping.Mapping, GridField.Mapping);
        RefuseFlagAndKey(parse, grid, Cost.Mapping.Objective, GridField.Objective);
        var techs = Techs(parse);
        var tables = Tables(parse);
        // A mapping file is checked against the base architecture with every precision (a point whose
        // varied buffers break a constraint reports that layer as not run, with the reason); so are the grid's.
        var mapping = Cost.Mapping.Resolve(parse);
        foreach (var p in precisions)
            mapping = Cost.Mapping.Resolve(parse, p.Workload, baseArch);
        var dimensions = grid.Bind(baseArch, mapping, precisions.Select(p => p.Workload));
        return new SweepDefinition(workload, precisions, baseArch, dimensions, techs, tables, mapping);
    }

    /// <summary>
    /// A grid key that varies per point what a flag sets for the whole sweep, with the flag given
    /// too, is refused: either one silently winning would hide a typo'd command from its author.
    /// </summary>
    private static void RefuseFlagAndKey(ParseResult parse, GridFile grid, Option option, GridField field)
    {
        if (grid.Dimensions.FirstOrDefault(d => d.Parameter.Field == field) is not { } key || parse.GetResult(option) is not { Implicit: false } given)
            return;
        var value = string.Join(" ", given.Tokens.Select(t => t.Value));
        throw new InputException($"the grid varies '{key.Path}' per point and {option.Name} {value} sets it for the whole sweep; give one (remove {option.Name}, or the key)",
            $"vary.{key.Path}", grid.File, string.Create(CultureInfo.InvariantCulture, $"line {key.Line}"));
    }

    private List<PrecisionChoice> Precisions(ParseResult parse, Workload workload)
    {
        var (bits, wbits, abits) = (parse.GetValue(Bits), parse.GetValue(WeightBits), parse.GetValue(InputBits));
        if (bits is not null && (wbits is not null || abits is not null))
            throw new InputException("give either --bits (weights = activations) or --wbits with --abits (every pair), not both", "--bits");
        if ((wbits is null) != (abits is null))
            throw new InputException("give both --wbits and --abits (the sweep takes every pair), or --bits for weights = activations", wbits is null ? "--wbits" : "--abits");
        var pairs = bits is not null
            ? BitList.Parse(bits, "--bits").Select(b => ((int?)b, (int?)b)).ToList()
            : wbits is not null
                ? [.. from w in BitList.Parse(wbits, "--wbits") from a in BitList.Parse(abits!, "--abits") select ((int?)w, (int?)a)]
                : new List<(int?, int?)>();
        var firstLastText = parse.GetValue(FirstLast);
        var realDownsample = parse.GetValue(RealDownsample);
        if (pairs.Count == 0)
        {
            // No bit-widths: the workload's own formats, with only the first/last format changed if asked.
            if (firstLastText is null)
                return realDownsample ? throw new InputException("--real-downsample needs bit-widths or --first-last", "--real-downsample")
                    : [new PrecisionChoice(null, null, null, workload)];
            var only = new PrecisionPolicy(null, null, FirstLastFormat.Parse(firstLastText), realDownsample);
            return [new PrecisionChoice(null, null, only, only.Apply(workload))];
        }
        var firstLast = firstLastText is null ? FirstLastFormat.Keep(NumberFormat.Fp32) : FirstLastFormat.Parse(firstLastText);
        return [.. pairs.Select(p =>
        {
            var policy = PrecisionPolicy.FromBits(p.Item1!.Value, p.Item2!.Value, firstLast, realDownsample: realDownsample);
            return new PrecisionChoice(p.Item1, p.Item2, policy, policy.Apply(workload));
        })];
    }

    private List<TechChoice> Techs(ParseResult parse) => [.. Cost.Technology.ResolveAll(parse).Select(t => new TechChoice(t.Name, t.Scaling))];

    private CostTables Tables(ParseResult parse)
    {
        var energyFiles = parse.GetValue(Cost.Energy.Files) ?? [];
        var areaFiles = parse.GetValue(Cost.AreaTables) ?? [];
        var energy = Cost.Energy.Table(parse);
        var area = Cost.AreaTable(parse);
        // Override files are identified by their bytes: the same tables hash alike from any path.
        var fingerprint = energyFiles.Length + areaFiles.Length == 0 ? "built-in"
            : "energy " + string.Join(",", energyFiles.Select(FileHash)) + "; area " + string.Join(",", areaFiles.Select(FileHash));
        return new CostTables(energy, area, Cost.Energy.DramKind(parse), fingerprint);
    }

    private static string FileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
