using System.CommandLine;
using HwSim.Cli.Common;
using HwSim.Workloads.Zoo;
using Spectre.Console;

namespace HwSim.Cli.Networks;

/// <summary><c>hwsim networks</c>: the built-in zoo with its pinned MAC and parameter counts.</summary>
public static class NetworksCommand
{
    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("networks", "List the built-in networks (224x224, batch 1) with MACs and parameters.");
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var rows = NetworkZoo.Names.Select(name =>
        {
            var w = NetworkZoo.Get(name);
            return new NetworkRow(name, w.Layers.Length, w.Macs, w.Parameters, w.Layers[0].Macs, w.Layers[^1].Macs, NetworkZoo.Describe(name));
        }).ToList();

        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(new NetworksJson(rows)));
                    break;
                case OutputFormat.Csv:
                    writer.WriteLine("name,layers,macs,params,first_layer_macs,last_layer_macs,description");
                    foreach (var r in rows)
                        writer.WriteLine($"{r.Name},{r.Layers},{Numbers.Plain(r.Macs)},{Numbers.Plain(r.Params)},{Numbers.Plain(r.FirstLayerMacs)},{Numbers.Plain(r.LastLayerMacs)},\"{r.Description.Replace("\"", "\"\"")}\"");
                    break;
                default:
                    var table = new Table().Border(TableBorder.Rounded).Title("Built-in networks (224x224, batch 1, conv and FC layers)");
                    table.AddColumn("name").AddColumn(new TableColumn("layers").RightAligned()).AddColumn(new TableColumn("MACs").RightAligned())
                        .AddColumn(new TableColumn("params").RightAligned()).AddColumn(new TableColumn("first layer MACs").RightAligned())
                        .AddColumn(new TableColumn("last layer MACs").RightAligned()).AddColumn("what");
                    foreach (var r in rows)
                        table.AddRow(r.Name, r.Layers.ToString(System.Globalization.CultureInfo.InvariantCulture), Numbers.Grouped(r.Macs), Numbers.Grouped(r.Params),
                            Numbers.Grouped(r.FirstLayerMacs), Numbers.Grouped(r.LastLayerMacs), Markup.Escape(r.Description));
                    context.ConsoleOn(writer).Write(table);
                    break;
            }
        });
        return HwSimApp.ExitOk;
    }

    internal sealed record NetworkRow(string Name, int Layers, long Macs, long Params, long FirstLayerMacs, long LastLayerMacs, string Description);

    /// <summary>The JSON shape of <c>hwsim networks --format json</c>.</summary>
    internal sealed record NetworksJson(IReadOnlyList<NetworkRow> Networks);
}
