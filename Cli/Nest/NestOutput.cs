using System.CommandLine;
using System.Globalization;
using HwSim.Analyses.Nest;
using HwSim.Cli.Common;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using Spectre.Console;

namespace HwSim.Cli.Nest;

/// <summary>
/// How a nest study is shown, whichever verb ran it (<c>hwsim nest</c>, or <c>hwsim energy</c> and <c>hwsim simulate</c> given a nest
/// design): per-layer and per-level tables, CSV or JSON, the loop nests on request, and the mappings saved as a mapping file.
/// </summary>
internal static class NestOutput
{
    /// <summary>Writes <paramref name="result"/> in the format <paramref name="output"/> asks for; warnings go to standard error.</summary>
    public static int Render(ParseResult parse, CliContext context, OutputOptions output, NestStudyResult result, bool showMapping, string? saveMapping)
    {
        var mapped = result.Layers.Where(l => l.Mapping is not null).Select(l => (l.Layer, l.Mapping!)).ToList();
        if (saveMapping is { } save)
            AtomicFile.Write(save, w => w.Write(NestMappingFile.Write(mapped, result.Design.Architecture)));
        output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(NestJson.From(result)));
                    break;
                case OutputFormat.Csv:
                    WriteCsv(writer, result);
                    break;
                default:
                    WriteTables(context.ConsoleOn(writer), result);
                    if (showMapping)
                    {
                        foreach (var l in result.Layers.Where(l => l.Mapping is not null))
                            writer.WriteLine($"\n{l.Layer} ({l.Problem}, {(l.Searched ? "searched" : "given")}):\n{l.Mapping!.Describe(result.Design.Architecture)}");
                        writer.WriteLine("\n# as a mapping file (--mapping):");
                        writer.Write(NestMappingFile.Write(mapped, result.Design.Architecture));
                    }
                    break;
            }
        });
        foreach (var w in result.Layers.Where(l => l.Energy is not null).SelectMany(l => l.Energy!.Warnings).Distinct())
            context.Warn(w);
        return HwSimApp.ExitOk;
    }

    /// <summary>
    /// Writes a run on an array architecture's nest translation (<see cref="ArrayNestStudy"/>). One study with every layer placed is
    /// shown as any nest study; several (one per unit, each with its own levels) are shown one after another as tables, or together as
    /// JSON, with the layers not run. CSV takes one design's level columns, so it needs one study and every layer placed; --save-mapping and --show-mapping need one study.
    /// </summary>
    public static int RenderArray(ParseResult parse, CliContext context, OutputOptions output, ArrayNestStudyResult result, bool showMapping, string? saveMapping)
    {
        if (result.Studies.Length == 1 && result.NotRun.IsEmpty)
            return Render(parse, context, output, result.Studies[0], showMapping, saveMapping);
        var why = $"this run used {result.Studies.Length} nest designs ({string.Join(", ", result.Studies.Select(s => s.Design.Name))}) and left {result.NotRun.Length} layer(s) unrun; give --unit NAME for one design";
        var format = parse.GetValue(output.Format);
        if (format == OutputFormat.Csv)
            throw new InputException($"CSV has one design's level columns: {why}, or -f table|json", "--format");
        if ((saveMapping is not null || showMapping) && result.Studies.Length != 1)
            throw new InputException($"a mapping file names one design's levels: {why}", saveMapping is not null ? "--save-mapping" : "--show-mapping");
        var one = result.Studies.Length == 1 ? result.Studies[0] : null;
        if (saveMapping is { } save && one is not null)
            AtomicFile.Write(save, w => w.Write(NestMappingFile.Write([.. one.Layers.Where(l => l.Mapping is not null).Select(l => (l.Layer, l.Mapping!))], one.Design.Architecture)));
        output.Emit(parse, context, writer =>
        {
            if (format == OutputFormat.Json)
            {
                writer.WriteLine(OutputOptions.Serialize(ArrayNestJson.From(result)));
                return;
            }
            var console = context.ConsoleOn(writer);
            foreach (var study in result.Studies)
                WriteTables(console, study);
            // Each study's "total" is its unit's; the network's is their sum.
            var network = new Table().Border(TableBorder.Rounded).Title("network total");
            network.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
            network.AddRow("unit designs", Markup.Escape(string.Join(", ", result.Studies.Select(s => s.Design.Name))));
            network.AddRow(result.Batch == 1 ? "energy (one inference)" : $"energy (batch of {result.Batch})", $"{Uj(result.Energy.Value)} uJ");
            if (result.Batch > 1)
                network.AddRow("energy per inference", $"{Uj(result.EnergyPerInference.Value)} uJ");
            network.AddRow("cycles", Numbers.Grouped(result.Cycles));
            network.AddRow("layers run", Numbers.Grouped(result.LayersRun));
            if (!result.NotRun.IsEmpty)
                network.AddRow("[red]layers not run (not priced)[/]", $"[red]{result.NotRun.Length}[/]");
            console.Write(network);
            if (showMapping && one is not null)
                foreach (var l in one.Layers.Where(l => l.Mapping is not null))
                    writer.WriteLine($"\n{l.Layer} ({l.Problem}, {(l.Searched ? "searched" : "given")}):\n{l.Mapping!.Describe(one.Design.Architecture)}");
            if (result.NotRun.IsEmpty)
                return;
            var t = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(result.Workload)} on {Markup.Escape(result.Architecture)}: layers not run");
            t.AddColumn("layer").AddColumn("unit").AddColumn("reason");
            foreach (var n in result.NotRun)
                t.AddRow(Markup.Escape(n.Layer), Markup.Escape(n.Unit ?? ""), $"[red]{Markup.Escape(n.Reason)}[/]");
            console.Write(t);
        });
        foreach (var w in result.Studies.SelectMany(s => s.Layers).Where(l => l.Energy is not null).SelectMany(l => l.Energy!.Warnings).Distinct())
            context.Warn(w);
        return HwSimApp.ExitOk;
    }

    private static void WriteTables(IAnsiConsole console, NestStudyResult r)
    {
        var arch = r.Design.Architecture;
        // On bit-serial PEs the engine's unit of work is a bit-step (a weight times one input bit), not a MAC.
        var work = r.Design.BitSerialInputs ? "bit-steps" : "MACs";
        var layers = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(r.Workload)} on nest design {Markup.Escape(r.Design.Name)} at {Markup.Escape(r.Options.Scaling.ToString())}: per layer");
        layers.AddColumn("layer").AddColumn("problem").AddColumn("mapping");
        // A bit-serial PE's compute is its bit-steps and its accumulations (one per SIP per cycle, CostModel/Nest/NestEnergy.cs).
        foreach (var h in new[] { work, "cycles", "energy uJ", r.Design.BitSerialInputs ? "compute uJ" : "MAC uJ" })
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
                Numbers.Grouped(l.Counts!.Macs), Numbers.Grouped(l.Cycles), Uj(l.Energy!.Total.Value), Uj(l.Energy.Macs.Value));
        }
        console.Write(layers);

        foreach (var l in r.Layers.Where(l => l.Ran && r.Layers.Length > 1))
            console.Write(LevelTable($"{Markup.Escape(l.Layer)}: per level", arch, i => NestStudy.Accesses(l.Counts!, i), i => l.Energy!.Levels[i].Total.Value, l.Energy!.Macs.Value, work));
        console.Write(LevelTable(r.Layers.Length > 1 ? "all layers: per level" : $"{Markup.Escape(r.Layers[0].Layer)}: per level", arch, r.Accesses, i => r.LevelEnergy(i).Value, r.MacEnergy.Value, work));

        var summary = new Table().Border(TableBorder.Rounded).Title("total");
        summary.AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow(r.Batch == 1 ? "energy (one inference)" : $"energy (batch of {r.Batch})", $"{Uj(r.Energy.Value)} uJ");
        if (r.Batch > 1)
            summary.AddRow("energy per inference", $"{Uj(r.EnergyPerInference.Value)} uJ");
        summary.AddRow("cycles", Numbers.Grouped(r.Cycles));
        summary.AddRow(work, Numbers.Grouped(r.Macs));
        summary.AddRow("technology", Markup.Escape(r.Options.Scaling.ToString()));
        if (r.Layers.Any(l => !l.Ran))
            summary.AddRow("[red]layers not run (not priced)[/]", $"[red]{r.Layers.Count(l => !l.Ran)}[/]");
        console.Write(summary);
    }

    private static Table LevelTable(string title, Simulator.Nest.NestArchitecture arch, Func<int, Simulator.Nest.NestAccesses> accesses, Func<int, double> pj, double macPj, string work)
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
        t.AddRow(work == "MACs" ? "MACs" : "compute", "", "", "", "", Uj(macPj));
        return t;
    }

    /// <summary>The per-layer CSV (one row per layer, four columns per level), as <c>hwsim nest -f csv</c> writes it.</summary>
    public static void WriteCsv(TextWriter writer, NestStudyResult r)
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
            writer.WriteLine($"{CsvText.Field(l.Layer)},true,{Numbers.Plain(l.Counts!.Macs)},{Numbers.Plain(l.Cycles)},{D(l.Energy!.Total.Value)},{D(l.Energy.Macs.Value)},{string.Join(",", cells)},");
        }
    }

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Uj(double pj) => (pj * 1e-6).ToString("0.000", CultureInfo.InvariantCulture);
}
