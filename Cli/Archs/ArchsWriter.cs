using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Simulator.Architecture;

namespace HwSim.Cli.Archs;

/// <summary>Serialises what <see cref="ArchsCommand"/> prints; JSON keys are the YAML schema's.</summary>
internal static class ArchsWriter
{
    public static void One(TextWriter writer, CliContext context, ArchitectureSpec arch, string description, ArchsFormat format)
    {
        switch (format)
        {
            case ArchsFormat.Yaml:
                writer.WriteLine($"# {description.ReplaceLineEndings(" ")}");
                writer.Write(ArchitectureYaml.ToYaml(arch));
                break;
            case ArchsFormat.Json:
                writer.WriteLine(OutputOptions.Serialize(ArchitectureYaml.ToTree(arch)));
                break;
            case ArchsFormat.Csv:
                ArchsText.UnitsCsv(writer, arch);
                break;
            default:
                context.ConsoleOn(writer).Write(ArchsText.UnitsTable(arch, description));
                break;
        }
    }

    public static void List(TextWriter writer, CliContext context, IReadOnlyList<(ArchitectureSpec Arch, string Description)> rows, ArchsFormat format)
    {
        switch (format)
        {
            case ArchsFormat.Json:
                var list = rows.Select(r => WithDescription(ArchitectureYaml.ToTree(r.Arch), r.Description)).ToList();
                writer.WriteLine(OutputOptions.Serialize(new ArchsJson(list)));
                break;
            case ArchsFormat.Csv:
                ArchsText.ListCsv(writer, rows);
                break;
            default:
                context.ConsoleOn(writer).Write(ArchsText.ListTable(rows));
                writer.WriteLine("Built-in nest designs (storage levels down to per-PE scratchpads, loop-nest mappings; hwsim energy, simulate, nest, compare, first-last, width and sweep run them; print one as YAML: hwsim archs NAME):");
                foreach (var (name, summary) in Analyses.Nest.NestDesigns.Summaries)
                    writer.WriteLine($"  {name}: {summary}");
                break;
        }
    }

    /// <summary>The tree with "description" right after "name" (and no "version": it is a listing, not a file).</summary>
    private static OrderedDictionary<string, object> WithDescription(IReadOnlyDictionary<string, object> tree, string description)
    {
        var result = new OrderedDictionary<string, object>();
        foreach (var (key, value) in tree)
        {
            if (key == "version")
                continue;
            result[key] = value;
            if (key == "name")
                result["description"] = description;
        }
        return result;
    }
}

/// <summary>The JSON shape of <c>hwsim archs --format json</c>: each architecture's tree (the YAML schema's keys) with its description.</summary>
internal sealed record ArchsJson(IReadOnlyList<OrderedDictionary<string, object>> Architectures);
