using System.CommandLine;
using System.Globalization;
using HwSim.Analyses.Nest;
using HwSim.Cli.Common;
using HwSim.Simulator.Mapper;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using Spectre.Console;

namespace HwSim.Cli.Nest;

/// <summary>
/// <c>hwsim nest</c>: a workload on a nest design (Timeloop-style levels, Analyses/Nest/NestDesignFile.cs), each layer with the
/// mapping a mapping file gives it or the nest mapper's pick; cycles, energy and each level's accesses. Parses, calls
/// <see cref="NestStudy"/>, renders.
/// </summary>
public static class NestCommand
{
    private static readonly WorkloadOptions Workload = new();
    private static readonly TechnologyOptions Technology = new();
    private static readonly OutputOptions Output = new();

    private static readonly Option<string> Design = new("--arch")
    {
        Description = "The nest design: a built-in one (eyeriss-rs; see hwsim archs) or a file (YAML): levels from DRAM inward in Timeloop's terms (class dram|sram|regfile|register, depth, width, datawidth, n_banks, keeps, fanout, temporal/spatial constraints; bit_serial: inputs for PEs that take input values one bit at a time). Examples: docs/examples/timeloop/*.yaml, docs/examples/nest/stripes_like.yaml. " +
            "Or an array architecture (a preset such as lowbit-default, or a file with units:): each unit stated as a nest design (hwsim archs NAME --as-nest prints it), each layer on the unit the array engines pick for its formats.",
        HelpName = "DESIGN|ARRAY",
        Required = true,
    };

    private static readonly Option<string?> Unit = new("--unit")
    {
        Description = "With an array architecture as --arch: run every layer on this unit's nest design (default: each layer on the unit the array engines pick for its formats).",
        HelpName = "NAME",
    };

    private static readonly Option<string?> MappingFile = new("--mapping")
    {
        Description = "A nest mapping file (YAML): per layer name or glob, each level's loops, e.g. 'shared_glb: { temporal: [S3, P2, M8], spatial_y: [M4, C3] }'. Layers it does not name are mapped by the nest mapper.",
        HelpName = "FILE",
    };

    private static readonly Option<string> Objective = new("--objective")
    {
        Description = "What the mapper minimises: energy, latency (cycles) or edp (energy x cycles).",
        DefaultValueFactory = _ => "energy",
        HelpName = "energy|latency|edp",
    };

    private static readonly Option<int> Samples = new("--samples")
    {
        Description = "Mappings the mapper samples per layer (random-pruned search, as Timeloop's).",
        DefaultValueFactory = _ => NestStudyOptions.DefaultSamples,
        HelpName = "N",
    };

    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "The mapper's seed (a run is deterministic for a seed).",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<bool> Search = new("--search")
    {
        Description = "Search every layer, also those --mapping maps, with the file's mapping as a candidate: the pick is never worse than it.",
    };

    private static readonly Option<bool> ShowMapping = new("--show-mapping")
    {
        Description = "Print each layer's loop nest (Timeloop's printout) after the tables, and the mappings as a mapping file that --mapping reads back.",
    };

    private static readonly Option<string?> SaveMapping = new("--save-mapping")
    {
        Description = "Write every layer's mapping (given or searched) to FILE as a nest mapping file, to re-run with --mapping.",
        HelpName = "FILE",
    };

    public static Command Create()
    {
        var command = new Command("nest", "A workload on a nest design (Timeloop-style storage levels and loop-nest mappings): cycles, energy and each level's reads, fills and updates per layer.\n" +
            "Example: hwsim nest docs/examples/timeloop/simple_ws.csv --arch docs/examples/timeloop/simple_ws.yaml --mapping docs/examples/timeloop/simple_ws.mapping.yaml --tech 45nm");
        Workload.AddTo(command);
        command.Add(Design);
        command.Add(Unit);
        command.Add(MappingFile);
        command.Add(Objective);
        command.Add(Samples);
        command.Add(Seed);
        command.Add(Search);
        Technology.AddTo(command);
        command.Add(ShowMapping);
        command.Add(SaveMapping);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var objective = MappingOptions.ParseObjective(parse.GetValue(Objective)!.Trim())
            ?? throw new InputException($"must be energy, latency or edp, got '{parse.GetValue(Objective)}'", "--objective");
        var samples = parse.GetValue(Samples);
        if (samples < 1)
            throw new InputException($"must be at least 1, got {samples}", "--samples");
        var (workload, _) = Workload.Load(parse);
        // A built-in design by name, else a design file (read as one whatever its keys, so its errors are the nest reader's).
        var named = parse.GetValue(Design)!;
        var options = new NestStudyOptions(Technology.Resolve(parse), objective, samples, parse.GetValue(Seed), parse.GetValue(Search)) { Parallelism = Environment.ProcessorCount };
        var mappingPath = parse.GetValue(MappingFile);
        var unit = parse.GetValue(Unit);
        // An array architecture (a preset, or a file whose top level has units:) runs through its units' nest translations.
        if (NestDesigns.Builtin(named) is null && NestDesigns.ArrayArchitecture(named) is { } arch)
        {
            var run = ArrayNestStudy.Run(workload, arch, unit, options, mappingPath is null ? null : d => NestMappingFile.Load(mappingPath, d));
            return NestOutput.RenderArray(parse, context, Output, run, parse.GetValue(ShowMapping), parse.GetValue(SaveMapping));
        }
        if (unit is not null)
            throw new InputException($"applies to an array architecture as --arch (a preset such as {Simulator.Architecture.Presets.Default}, or a file with units:); {named} is a nest design", "--unit");
        var design = NestDesigns.Builtin(named) ?? NestDesignFile.Load(named);
        var mappings = mappingPath is { } path ? NestMappingFile.Load(path, design) : null;
        var result = NestStudy.Run(workload, design, mappings, options);
        return NestOutput.Render(parse, context, Output, result, parse.GetValue(ShowMapping), parse.GetValue(SaveMapping));
    }
}
