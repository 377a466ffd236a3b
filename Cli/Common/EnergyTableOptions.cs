using System.CommandLine;
using HwSim.CostModel.Energy;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>The energy-table options of the pricing verbs: user override files and the DRAM type.</summary>
public sealed class EnergyTableOptions
{
    public Option<string[]> Files { get; } = new("--energy-table")
    {
        Description = "CSV file(s) whose rows replace the built-in energy table's (action,arithmetic,bits_a,bits_b,energy_pj,source,...), e.g. from your own synthesis.",
        HelpName = "FILE",
    };

    public Option<string> Dram { get; } = new("--dram")
    {
        Description = $"DRAM type for its energy per bit: {string.Join(", ", DramKinds.CsvNames)}.",
        DefaultValueFactory = _ => DramKinds.Default.CsvName(),
        HelpName = "TYPE",
    };

    public void AddTo(Command command)
    {
        command.Add(Files);
        command.Add(Dram);
    }

    public EnergyTable Table(ParseResult parse) =>
        parse.GetValue(Files) is { Length: > 0 } files ? EnergyTable.Load(files) : EnergyTable.Default;

    public DramKind DramKind(ParseResult parse)
    {
        var text = parse.GetValue(Dram) ?? DramKinds.Default.CsvName();
        return DramKinds.TryParse(text, out var kind)
            ? kind
            : throw new InputException($"unknown DRAM type '{text}' (known: {string.Join(", ", DramKinds.CsvNames)})", "--dram");
    }
}
