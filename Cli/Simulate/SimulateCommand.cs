using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Analyses.Compare;
using HwSim.Cli.Common;
using HwSim.Cli.Nest;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Mapping;
using HwSim.Workloads.Layers;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Technology;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Tensors;
using Spectre.Console;
using HwSim.Workloads.Import.Csv;

namespace HwSim.Cli.Simulate;

/// <summary>
/// <c>hwsim simulate</c>: cycles, stalls, utilisation and activity counts per layer and in total,
/// from the fast engine, or with <c>--reference</c> from the cycle-stepped engine on random
/// operands (checked against a plain convolution), for small layers.
/// </summary>
public static class SimulateCommand
{
    private static readonly WorkloadOptions Workload = new();
    private static readonly ArchitectureOption Architecture = new();
    private static readonly OutputOptions Output = new();
    private static readonly MappingOptions Mapping = new();

    private static readonly Option<bool> ShowMapping = new("--show-mapping")
    {
        Description = "Print each layer's loop nest, level by level from DRAM to the PE (Timeloop's mapping printout), after the tables.",
    };

    private static readonly Option<string?> SaveMapping = new("--save-mapping")
    {
        Description = "Write each layer's mapping (the mapper's pick, fixed, or the file's) to FILE as a mapping file that --mapping reads back: every verb then maps each layer exactly so. A nest design writes a nest mapping file.",
        HelpName = "FILE",
    };

    private static readonly Option<bool> Reference = new("--reference")
    {
        Description = "Use the cycle-stepped reference engine on random operands (seeded) and check every layer's output against a plain convolution. Slow: for small layers.",
    };

    private static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed of the random operands with --reference.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<long> ReferenceBudget = new("--max-reference-macs")
    {
        Description = "With --reference, refuse layers with more MACs than this (the reference engine steps every PE every cycle).",
        DefaultValueFactory = _ => ReferenceSimulation.DefaultMaxMacs,
        HelpName = "MACS",
    };

    private static readonly Option<string?> Tensors = new("--tensors")
    {
        Description = "With --reference, take each layer's operands from a folder written by 'hwsim quantize --dump-tensors' (real integer codes of a real network) instead of random ones, and check the outputs against the quantizer's. Layers without tensors (e.g. fp32 first/last) get random operands. On a bit-serial unit with 'skip: zero_bits' or 'skip: dynamic_precision' (value-dependent timing) the reference engine times every step by these real codes; without --reference the fast engine expects the cycles from the workload CSV's input_popcount_hist / input_precision_hist (written by 'hwsim quantize') and stops with an error naming the layer and the column when they are missing. On a systolic or dotproduct unit with 'skip: zero_operands' (Eyeriss-style gating) the reference engine gates the MACs on these real zero codes; the fast engine expects them from input_popcount_hist or input_sparsity.",
        HelpName = "DIR",
    };

    public static Command Create()
    {
        var command = new Command("simulate", "Simulate a workload on an architecture: cycles, DRAM stalls, utilisation and activity counts per layer.\n" +
            "A nest design (--arch eyeriss-rs, or a file with top-level 'levels:') runs on the nest engine: each level's reads, fills and updates per layer, as hwsim nest prints.");
        Workload.AddTo(command);
        Architecture.AddTo(command);
        command.Add(Reference);
        command.Add(Seed);
        command.Add(ReferenceBudget);
        command.Add(Tensors);
        Mapping.AddTo(command);
        command.Add(ShowMapping);
        command.Add(SaveMapping);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var (workload, policy) = Workload.Load(parse);
        if (NestRoute.Design(parse, Architecture) is { } design)
        {
            if (parse.GetValue(Reference))
                throw new InputException($"{design.Name} is a nest design: its cycle-stepped engine (Simulator/Nest/NestReference) is checked against the closed form in the test suite (NestAgreementTests, 1,000 random cases); --reference steps array architectures", "--reference");
            if (parse.GetValue(Tensors) is not null)
                throw new InputException($"{design.Name} is a nest design: real operands only matter to the cycle-stepped engine of array architectures (--reference)", "--tensors");
            // The simulator is price-free; a search by energy prices its candidates with the built-in 45 nm table, as for arrays.
            return NestRoute.Run(parse, context, workload, design, Mapping, TechnologyScaling.Identity45nm, Output, null, null, parse.GetValue(ShowMapping), parse.GetValue(SaveMapping));
        }
        var arch = Architecture.Resolve(parse);
        var reference = parse.GetValue(Reference);
        var tensors = parse.GetValue(Tensors) is { } folder ? TensorDump.Read(folder) : null;
        if (tensors is not null && !reference)
            throw new InputException("real operands only matter to the cycle-stepped engine: add --reference", "--tensors");
        PipelineOutput.Check(workload, arch, parse.GetValue(Workload.Source)!);
        var mapping = Mapping.Resolve(parse, workload, arch);
        // The simulator is price-free; a search by energy here prices candidates with the built-in 45 nm table (the energy verb takes
        // others) and the architecture's DRAM type, as the energy verb does by default, so both verbs pick the same loop nests.
        var result = SimulationProgress.Evaluate(context, workload, arch, mapping, EnergyTable.Default, EnergyContext.Of(arch, TechnologyScaling.Identity45nm));
        if (reference)
        {
            // The reference engine steps the mappings the fast engine's mapper picked (or fixed ones), so both engines run the same schedules.
            var picked = new Dictionary<LayerWorkload, LayerMapping>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < workload.Layers.Length; i++)
                picked[workload.Layers[i]] = result.Layers[i].Mapping ?? FixedMapping.Instance;
            result = ReferenceSimulation.Run(workload, arch, parse.GetValue(Seed), parse.GetValue(ReferenceBudget), tensors, context.Progress,
                (layer, _) => picked.GetValueOrDefault(layer, FixedMapping.Instance));
        }
        if (parse.GetValue(SaveMapping) is { } save)
        {
            var text = MappingFile.Write(result.Layers.Where(l => l.Mapping is not null).Select(l => (l.Layer, l.Mapping!)),
                [$"hwsim simulate {workload.Name}{(policy is null ? "" : $" ({policy})")} on {arch.Name}, --mapping {parse.GetValue(Mapping.Mapping) ?? "search"} --objective {parse.GetValue(Mapping.Objective).ToString().ToLowerInvariant()}: each layer's mapping,",
                 $"read back with --mapping (HwSim {Version})"]);
            AtomicFile.Write(save, w => w.Write(text));
        }
        if (parse.GetValue(ShowMapping) && parse.GetValue(Output.Format) != OutputFormat.Table)
            context.Progress("note: --show-mapping prints with --format table; --format json gives each layer's mapping as layers[].mapping, and --save-mapping FILE writes them as a mapping file");
        var engine = reference ? "reference" : "fast";
        var views = MappingText.Views(workload, arch, result);
        var pipeline = PipelineOutput.Compose(workload, arch, result);
        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(SimulateJson.From(result, arch.ClockMhz, engine, policy?.ToString(), views) with { Pipeline = PipelineOutput.Json(pipeline) }));
                    break;
                case OutputFormat.Csv:
                    WriteCsv(writer, result);
                    break;
                default:
                    WriteTables(context.ConsoleOn(writer), result, arch, engine);
                    if (parse.GetValue(ShowMapping))
                        MappingText.Write(writer, result, views, [.. arch.Buffers.Levels.Select(l => l.Name)]);
                    if (pipeline is not null)
                        PipelineOutput.Write(context.ConsoleOn(writer), pipeline);
                    break;
            }
        });
        return HwSimApp.ExitOk;
    }

    private static void WriteCsv(TextWriter writer, NetworkResult r)
    {
        writer.WriteLine("layer,unit,ran,reason,macs,cycles,compute_cycles,stall_cycles,folds,utilisation,mapping_efficiency,dram_read_bytes,dram_write_bytes");
        foreach (var l in r.Layers)
            writer.WriteLine(string.Join(",", Csv(l.Layer), Csv(l.Unit ?? ""), l.Ran ? "true" : "false", Csv(l.NotRunReason ?? ""),
                I(l.Macs), I(l.TotalCycles), I(l.ComputeCycles), I(l.StallCycles), I(l.Folds), D(l.Utilisation), D(l.MappingEfficiency),
                I(l.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)]), I(l.Counts[ActionKey.Simple(PrimitiveAction.DramWriteByte)])));
    }

    private static void WriteTables(IAnsiConsole console, NetworkResult r, ArchitectureSpec arch, string engine)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(r.Workload)} on {Markup.Escape(r.Architecture)} ({engine} engine)");
        table.AddColumn("layer").AddColumn("unit");
        foreach (var h in new[] { "MACs", "folds", "cycles", "stall", "util %", "map eff %", "DRAM rd B", "DRAM wr B" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var l in r.Layers)
        {
            if (!l.Ran)
            {
                table.AddRow(Markup.Escape(l.Layer), $"[red]not run[/]", Numbers.Grouped(l.Macs), "", "", "", "", "", "", $"[red]{Markup.Escape(l.NotRunReason!)}[/]");
                continue;
            }
            table.AddRow(Markup.Escape(l.Layer), Markup.Escape(l.Unit!), Numbers.Grouped(l.Macs), Numbers.Grouped(l.Folds), Numbers.Grouped(l.TotalCycles),
                Numbers.Grouped(l.StallCycles), Pct(l.Utilisation), Pct(l.MappingEfficiency),
                Numbers.Grouped(l.Counts[ActionKey.Simple(PrimitiveAction.DramReadByte)]), Numbers.Grouped(l.Counts[ActionKey.Simple(PrimitiveAction.DramWriteByte)]));
        }
        console.Write(table);

        var totals = new Table().Border(TableBorder.Rounded).Title("totals");
        totals.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        totals.AddRow("cycles", Numbers.Grouped(r.TotalCycles));
        totals.AddRow("  of which DRAM stalls", Numbers.Grouped(r.StallCycles));
        totals.AddRow($"latency at {arch.ClockMhz.ToString(CultureInfo.InvariantCulture)} MHz", (r.Seconds(arch.ClockMhz) * 1e3).ToString("0.000", CultureInfo.InvariantCulture) + " ms");
        totals.AddRow("MACs", Numbers.Grouped(r.Macs));
        if (!r.AllRan)
            totals.AddRow("[red]layers not run[/]", $"[red]{r.NotRunLayers.Count()}[/]");
        console.Write(totals);

        var counts = new Table().Border(TableBorder.Rounded).Title("activity counts (all layers that ran)");
        counts.AddColumn("action").AddColumn(new TableColumn("count").RightAligned());
        foreach (var (key, value) in r.Counts.Counts)
            counts.AddRow(Markup.Escape(key.ToString()), Numbers.Grouped(value));
        console.Write(counts);
    }

    private static string Version => System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(SimulateCommand).Assembly)?.InformationalVersion ?? "unknown";

    private static string Pct(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Csv(string s) => CsvText.Field(s);
}
