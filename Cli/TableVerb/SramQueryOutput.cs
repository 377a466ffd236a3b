using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.CostModel.Memory;
using HwSim.CostModel.Technology;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using Spectre.Console;

namespace HwSim.Cli.TableVerb;

/// <summary>
/// <c>hwsim table --what sram</c>: one buffer's CACTI figures from the tabled grid. The table is
/// CACTI's own 45 nm model; another node is refused rather than scaled, because Stillmaker &amp;
/// Baas' logic factors would move CACTI's array figures (and its leakage, which they do not model)
/// by a law CACTI itself does not follow.
/// </summary>
internal static class SramQueryOutput
{
    public static readonly Option<double?> CapacityKb = new("--capacity-kb")
    {
        Description = "With --what sram: the buffer's capacity in KiB (1024 bytes; 0.0625 = 64 B).",
        HelpName = "KIB",
    };

    public static readonly Option<int?> WordBits = new("--word-bits")
    {
        Description = "With --what sram: bits per access (the word the buffer reads or writes at once).",
        HelpName = "BITS",
    };

    public static readonly Option<int?> Banks = new("--banks")
    {
        Description = "With --what sram: CACTI UCA banks, one of the tabled counts (1, 2, 4, 8, 16, 32); default 1.",
        HelpName = "N",
    };

    public static void AddTo(Command command)
    {
        command.Add(CapacityKb);
        command.Add(WordBits);
        command.Add(Banks);
    }

    /// <summary>Refuses the SRAM options with another --what, so a forgotten --what sram is not silently ignored.</summary>
    public static void RejectUnlessSram(ParseResult parse)
    {
        foreach (var option in new Option[] { CapacityKb, WordBits, Banks })
            if (parse.GetResult(option) is { Implicit: false })
                throw new InputException("applies only to --what sram", option.Name);
    }

    public static SramQuery Query(ParseResult parse, TechnologyOptions technology)
    {
        var nm = TechNodes.ParseNanometres(parse.GetValue(technology.Tech) ?? "45nm");
        if (nm != SramTable.Nanometres)
            throw new InputException($"the CACTI SRAM table is tabled at {SramTable.Nanometres} nm only, got {nm} nm (regenerate it at that node with CostModel/Memory/Data/cacti/generate.py; HwSim does not scale CACTI's figures with logic factors)", "--tech");
        if (parse.GetResult(technology.Flavor) is { Implicit: false } && !string.Equals(parse.GetValue(technology.Flavor)?.Trim(), "hp", StringComparison.OrdinalIgnoreCase))
            throw new InputException("the CACTI SRAM table is itrs-hp; only hp applies to --what sram", "--flavor");
        if (parse.GetResult(technology.Vdd) is { Implicit: false })
            throw new InputException("the CACTI SRAM table uses CACTI's own 45 nm itrs-hp supply; --vdd does not apply to --what sram", "--vdd");
        var kb = parse.GetValue(CapacityKb) ?? throw new InputException("is required with --what sram", "--capacity-kb");
        var bits = parse.GetValue(WordBits) ?? throw new InputException("is required with --what sram", "--word-bits");
        var banks = parse.GetValue(Banks) ?? 1;
        if (!double.IsFinite(kb) || kb <= 0)
            throw new InputException($"must be a positive number of KiB, got {kb.ToString(CultureInfo.InvariantCulture)}", "--capacity-kb");
        if (bits < 1)
            throw new InputException($"must be at least 1, got {bits}", "--word-bits");
        if (banks < 1)
            throw new InputException($"must be at least 1, got {banks}", "--banks");
        return SramTable.Default.Query(kb * 1024, bits, banks);
    }

    public static void Write(TextWriter writer, CliContext context, OutputFormat format, SramQuery q)
    {
        var table = SramTable.Default;
        var source = $"CACTI 7 (HewlettPackard/cacti {table.CactiCommit[..12]}), 45 nm itrs-hp, table {table.Source}";
        switch (format)
        {
            case OutputFormat.Json:
                // A dictionary, so the four figures are written as null when the query is outside
                // the table instead of disappearing.
                var payload = new Dictionary<string, object?>
                {
                    ["capacity_bytes"] = q.CapacityBytes,
                    ["word_bits"] = q.WordBits,
                    ["banks"] = q.Banks,
                    ["tech"] = $"{SramTable.Nanometres}nm",
                    ["outside_table"] = q.Outside,
                    ["reason"] = q.Reason,
                    ["read_pj"] = q.Figures?.ReadPj,
                    ["write_pj"] = q.Figures?.WritePj,
                    ["leakage_mw"] = q.Figures?.LeakageMw,
                    ["area_um2"] = q.Figures?.AreaUm2,
                    ["grid_points"] = q.GridPoints.Select(p => new SramGridPointJson(p.CapacityBytes, p.WordBits, p.Banks,
                        p.Figures.ReadPj, p.Figures.WritePj, p.Figures.LeakageMw, p.Figures.AreaUm2)).ToList(),
                    ["interpolation"] = "log-log in capacity, linear in word width, banks exact",
                    ["source"] = source,
                };
                writer.WriteLine(OutputOptions.Serialize(payload));
                return;
            case OutputFormat.Csv:
                writer.WriteLine("capacity_bytes,word_bits,banks,outside_table,read_pj,write_pj,leakage_mw,area_um2,reason");
                writer.WriteLine(string.Join(",", D(q.CapacityBytes), q.WordBits, q.Banks, q.Outside ? "true" : "false",
                    D(q.Figures?.ReadPj), D(q.Figures?.WritePj), D(q.Figures?.LeakageMw), D(q.Figures?.AreaUm2), CsvText.Field(q.Reason ?? "")));
                return;
            default:
                var console = context.ConsoleOn(writer);
                var title = $"SRAM {Markup.Escape(D(q.CapacityBytes))} B x {q.WordBits}-bit words x {q.Banks} bank(s) at 45 nm";
                if (q.Figures is not { } f)
                {
                    console.MarkupLine($"{title}: [bold]outside the table[/]: {Markup.Escape(q.Reason!)}");
                    return;
                }
                var t = new Table().Border(TableBorder.Simple).Title(title);
                t.AddColumn("figure").AddColumn(new TableColumn("value").RightAligned()).AddColumn("unit");
                t.AddRow("read", G(f.ReadPj), "pJ per access");
                t.AddRow("write", G(f.WritePj), "pJ per access");
                t.AddRow("leakage", G(f.LeakageMw), "mW");
                t.AddRow("area", G(f.AreaUm2), "um^2");
                console.Write(t);
                console.MarkupLine(Markup.Escape(q.GridPoints.Length == 1 ? "a grid point of the table"
                    : $"interpolated (log-log in capacity, linear in width) from {string.Join("; ", q.GridPoints.Select(p => $"{p.CapacityBytes} B x {p.WordBits} bits"))}"));
                console.MarkupLine(Markup.Escape(source));
                return;
        }
    }

    private static string D(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string G(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}

/// <summary>One grid point of the CACTI table that an SRAM query interpolated between (JSON, snake_case keys).</summary>
internal sealed record SramGridPointJson(long CapacityBytes, int WordBits, int Banks, double ReadPj, double WritePj, double LeakageMw, double AreaUm2);
