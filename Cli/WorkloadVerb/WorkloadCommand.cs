using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Precision;
using Spectre.Console;

namespace HwSim.Cli.WorkloadVerb;

/// <summary>
/// <c>hwsim workload</c>: a workload's layers and totals. With <c>--format csv</c> it writes
/// HwSim's workload CSV, which reads back to the same workload (so a quantised or imported
/// network can be saved once and reused).
/// </summary>
public static class WorkloadCommand
{
    private static readonly WorkloadOptions Workload = new();
    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("workload",
            "Show a workload's layers (shape, MACs, parameters, formats) and totals, optionally with a precision policy applied.");
        Workload.AddTo(command);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var (workload, policy) = Workload.Load(parse);
        Output.Emit(parse, context, writer =>
        {
            switch (parse.GetValue(Output.Format))
            {
                case OutputFormat.Json:
                    writer.WriteLine(OutputOptions.Serialize(WorkloadJson.From(workload, policy?.ToString())));
                    break;
                case OutputFormat.Csv:
                    WorkloadCsv.Write(workload, writer);
                    break;
                default:
                    WriteTables(context.ConsoleOn(writer), workload, policy);
                    break;
            }
        });
        return HwSimApp.ExitOk;
    }

    private static void WriteTables(IAnsiConsole console, Workload workload, PrecisionPolicy? policy)
    {
        var layers = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(workload.Name)}: {workload.Layers.Length} layers");
        layers.AddColumn(new TableColumn("#").RightAligned()).AddColumn("name").AddColumn("kind").AddColumn("role");
        foreach (var h in new[] { "N", "C", "H", "W", "K", "R", "S", "stride", "pad", "groups", "P", "Q", "MACs", "params" })
            layers.AddColumn(new TableColumn(h).RightAligned());
        layers.AddColumn("W fmt").AddColumn("A fmt");
        var index = 0;
        foreach (var l in workload.Layers)
        {
            var s = l.Shape;
            var name = Markup.Escape(l.Name) + (l.IsDownsample ? " [grey](shortcut)[/]" : "");
            var stride = s.StrideH == s.StrideW ? I(s.StrideH) : $"{s.StrideH},{s.StrideW}";
            var dilation = s.DilationH > 1 || s.DilationW > 1 ? $" d{s.DilationH}" : "";
            layers.AddRow(I(++index), name, WorkloadCsv.KindName(s.Kind), WorkloadCsv.RoleName(l.Role), I(s.Batch), I(s.Channels), I(s.Height), I(s.Width),
                I(s.Filters), I(s.KernelHeight), I(s.KernelWidth), stride + dilation, s.Padding.ToString(), I(s.Groups), I(s.OutputHeight), I(s.OutputWidth),
                Numbers.Grouped(l.Macs), Numbers.Grouped(l.Parameters), l.Precision.Weight.Name, l.Precision.Input.Name);
        }
        console.Write(layers);

        var totals = new Table().Border(TableBorder.Rounded).Title("totals");
        totals.AddColumn("weights x activations").AddColumn(new TableColumn("layers").RightAligned()).AddColumn(new TableColumn("MACs").RightAligned())
            .AddColumn(new TableColumn("share of MACs").RightAligned()).AddColumn(new TableColumn("bit-ops (b_w x b_a x MACs)").RightAligned());
        foreach (var f in workload.ByFormat)
            totals.AddRow($"{f.Weight} x {f.Input}", I(f.Layers), Numbers.Grouped(f.Macs), Numbers.Percent((double)f.Macs / workload.Macs), Numbers.Grouped(f.BitOperations));
        totals.AddRow("[bold]all[/]", $"[bold]{I(workload.Layers.Length)}[/]", $"[bold]{Numbers.Grouped(workload.Macs)}[/]", "[bold]100.00 %[/]",
            $"[bold]{Numbers.Grouped(workload.BitOperations)}[/]");
        console.Write(totals);
        console.MarkupLine($"parameters: [bold]{Numbers.Grouped(workload.Parameters)}[/]" +
            (policy is null ? "" : $"    precision policy: {Markup.Escape(policy.ToString())}"));
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
