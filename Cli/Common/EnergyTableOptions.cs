using System.CommandLine;
using HwSim.CostModel.Energy;
using HwSim.Simulator.Architecture;
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
        Description = $"DRAM type for its energy per bit, instead of the architecture's dram.type (default {DramKinds.Default.CsvName()}): {string.Join(", ", DramKinds.CsvNames)}. Not scaled with --tech or --vdd.",
        HelpName = "TYPE",
    };

    public void AddTo(Command command)
    {
        command.Add(Files);
        command.Add(Dram);
    }

    public EnergyTable Table(ParseResult parse) =>
        parse.GetValue(Files) is { Length: > 0 } files ? EnergyTable.Load(files) : EnergyTable.Default;

    /// <summary>The --dram type, or null when not given (the architecture's type is used).</summary>
    public DramKind? DramKind(ParseResult parse)
    {
        if (parse.GetValue(Dram) is not { } text)
            return null;
        return DramKinds.TryParse(text, out var kind)
            ? kind
            : throw new InputException($"unknown DRAM type '{text}' (known: {string.Join(", ", DramKinds.CsvNames)})", "--dram");
    }
}
