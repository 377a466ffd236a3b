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
        Description = "The nest design file (YAML): levels from DRAM inward in Timeloop's terms (class dram|sram|register, depth, width, datawidth, n_banks, keeps, fanout, temporal/spatial constraints). Examples: docs/examples/timeloop/*.nest.yaml.",
        HelpName = "DESIGN.yaml",
        Required = true,
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
        DefaultValueFactory = _ => 2000,
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
            "Example: hwsim nest docs/examples/timeloop/simple_ws.csv --arch docs/examples/timeloop/simple_ws.nest.yaml --mapping docs/examples/timeloop/simple_ws.nest-mapping.yaml --tech 45nm");
        Workload.AddTo(command);
        command.Add(Design);
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
        var objective = parse.GetValue(Objective)!.Trim().ToLowerInvariant() switch
        {
            "energy" => MappingObjective.Energy,
            "latency" => MappingObjective.Latency,
            "edp" => MappingObjective.Edp,
            var o => throw new InputException($"must be energy, latency or edp, got '{o}'", "--objective"),
        };
        var samples = parse.GetValue(Samples);
        if (samples < 1)
            throw new InputException($"must be at least 1, got {samples}", "--samples");
        var (workload, _) = Workload.Load(parse);
        var design = NestDesignFile.Load(parse.GetValue(Design)!);
        var mappings = parse.GetValue(MappingFile) is { } path ? NestMappingFile.Load(path, design) : null;
        var options = new NestStudyOptions(Technology.Resolve(parse), objective, samples, parse.GetValue(Seed), parse.GetValue(Search));
        var result = NestStudy.Run(workload, design, mappings, options);
        var mapped = result.Layers.Where(l => l.Mapping is not null).Select(l => (l.Layer, l.Mapping!)).ToList();
        if (parse.GetValue(SaveMapping) is { } save)
            AtomicFile.Write(save, w => w.Write(NestMappingFile.Write(mapped, design.Architecture)));
        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(NestJson.From(result)));
                    break;
                case OutputFormat.Csv:
                    WriteCsv(writer, result);
                    break;
                default:
                    WriteTables(context.ConsoleOn(writer), result);
                    if (parse.GetValue(ShowMapping))
                    {
                        foreach (var l in result.Layers.Where(l => l.Mapping is not null))
                            writer.WriteLine($"\n{l.Layer} ({l.Problem}, {(l.Searched ? "searched" : "given")}):\n{l.Mapping!.Describe(design.Architecture, l.Problem!.Groups)}");
                        writer.WriteLine("\n# as a mapping file (--mapping):");
                        writer.Write(NestMappingFile.Write(mapped, design.Architecture));
                    }
                    break;
            }
        });
        foreach (var w in result.Layers.Where(l => l.Energy is not null).SelectMany(l => l.Energy!.Warnings).Distinct())
            context.Warn(w);
        return HwSimApp.ExitOk;
    }

    private static void WriteTables(IAnsiConsole console, NestStudyResult r)
    {
        var arch = r.Design.Architecture;
        var layers = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(r.Workload)} on nest design {Markup.Escape(r.Design.Name)} at {Markup.Escape(r.Options.Scaling.ToString())}: per layer");
        layers.AddColumn("layer").AddColumn("problem").AddColumn("mapping");
        foreach (var h in new[] { "MACs", "cycles", "energy uJ", "MAC uJ" })
            layers.AddColumn(new TableColumn(h).RightAligned());
        foreach (var l in r.Layers)
        {
            if (!l.Ran)
            {
                layers.AddRow(Markup.Escape(l.Layer), Markup.Escape(l.Problem?.ToString() ?? ""), "[red]not run[/]", "", "", "", $"[red]{Markup.Escape(l.NotRunReason!)}[/]");
                continue;
            }
            layers.AddRow(Markup.Escape(l.Layer), Markup.Escape(l.Problem!.ToString()),
                l.Searched ? $"searched ({Numbers.Grouped(l.Valid)} of {Numbers.Grouped(l.Sampled)} fit)" : "given",
                Numbers.Grouped(l.Counts!.Macs), Numbers.Grouped(l.Counts.Cycles), Uj(l.Energy!.Total.Value), Uj(l.Energy.Macs.Value));
        }
        console.Write(layers);

        foreach (var l in r.Layers.Where(l => l.Ran && r.Layers.Length > 1))
            console.Write(LevelTable($"{Markup.Escape(l.Layer)}: per level", arch, i => NestStudy.Accesses(l.Counts!, i), i => l.Energy!.Levels[i].Total.Value, l.Energy!.Macs.Value));
        console.Write(LevelTable(r.Layers.Length > 1 ? "all layers: per level" : $"{Markup.Escape(r.Layers[0].Layer)}: per level", arch, r.Accesses, i => r.LevelEnergy(i).Value, r.MacEnergy.Value));

        var summary = new Table().Border(TableBorder.Rounded).Title("total");
        summary.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow("energy", $"{Uj(r.Energy.Value)} uJ");
        summary.AddRow("cycles", Numbers.Grouped(r.Cycles));
        summary.AddRow("MACs", Numbers.Grouped(r.Macs));
        summary.AddRow("technology", Markup.Escape(r.Options.Scaling.ToString()));
        if (r.Layers.Any(l => !l.Ran))
            summary.AddRow("[red]layers not run (not priced)[/]", $"[red]{r.Layers.Count(l => !l.Ran)}[/]");
        console.Write(summary);
    }

    private static Table LevelTable(string title, Simulator.Nest.NestArchitecture arch, Func<int, Simulator.Nest.NestAccesses> accesses, Func<int, double> pj, double macPj)
    {
        var t = new Table().Border(TableBorder.Rounded).Title(title);
        t.AddColumn("level").AddColumn("keeps");
        foreach (var h in new[] { "reads", "fills", "updates", "uJ" })
            t.AddColumn(new TableColumn(h).RightAligned());
        for (var i = 0; i < arch.Levels.Length; i++)
        {
            var a = accesses(i);
            t.AddRow(Markup.Escape(arch.Levels[i].Name), string.Join(", ", arch.Levels[i].Keeps.OrderBy(k => k)).ToLowerInvariant(),
                Numbers.Grouped(a.Reads), Numbers.Grouped(a.Fills), Numbers.Grouped(a.Updates), Uj(pj(i)));
        }
        t.AddRow("MACs", "", "", "", "", Uj(macPj));
        return t;
    }

    private static void WriteCsv(TextWriter writer, NestStudyResult r)
    {
        var levels = r.Design.Architecture.Levels;
        writer.WriteLine("layer,ran,macs,cycles,energy_pj,mac_pj," + string.Join(",", levels.SelectMany(l => new[] { $"{l.Name}_reads", $"{l.Name}_fills", $"{l.Name}_updates", $"{l.Name}_pj" }).Select(CsvText.Field)) + ",not_run_reason");
        foreach (var l in r.Layers)
        {
            if (!l.Ran)
            {
                writer.WriteLine($"{CsvText.Field(l.Layer)},false,,,,,{string.Concat(Enumerable.Repeat(",,,,", levels.Length))}{CsvText.Field(l.NotRunReason!)}");
                continue;
            }
            var cells = Enumerable.Range(0, levels.Length).SelectMany(i =>
            {
                var a = NestStudy.Accesses(l.Counts!, i);
                return new[] { Numbers.Plain(a.Reads), Numbers.Plain(a.Fills), Numbers.Plain(a.Updates), D(l.Energy!.Levels[i].Total.Value) };
            });
            writer.WriteLine($"{CsvText.Field(l.Layer)},true,{Numbers.Plain(l.Counts!.Macs)},{Numbers.Plain(l.Counts.Cycles)},{D(l.Energy!.Total.Value)},{D(l.Energy.Macs.Value)},{string.Join(",", cells)},");
        }
    }

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Uj(double pj) => (pj * 1e-6).ToString("0.000", CultureInfo.InvariantCulture);
}
