using System.CommandLine;
using HwSim.CostModel.Area;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// Everything that prices a simulation, as every pricing verb offers it: node, device row and
/// voltage, energy table overrides and DRAM type, area table overrides.
/// </summary>
public sealed class CostOptions
{
    /// <param name="nodes">Whether --tech takes several nodes (sweep) rather than one.</param>
    public CostOptions(bool nodes = false) => Technology = new(nodes);

    public TechnologyOptions Technology { get; }

    public EnergyTableOptions Energy { get; } = new();

    public Option<string[]> AreaTables { get; } = new("--area-table")
    {
        Description = "CSV file(s) whose rows replace the built-in area table's (component,bits_a,bits_b,area_um2,source), e.g. from your own synthesis.",
        HelpName = "FILE",
    };

    /// <summary>How layers are mapped before pricing (a search prices its candidates with these same tables).</summary>
    public MappingOptions Mapping { get; } = new();

    public void AddTo(Command command)
    {
        Mapping.AddTo(command);
        Technology.AddTo(command);
        Energy.AddTo(command);
        command.Add(AreaTables);
    }

    public AreaTable AreaTable(ParseResult parse) =>
        parse.GetValue(AreaTables) is { Length: > 0 } files ? CostModel.Area.AreaTable.Load(files) : CostModel.Area.AreaTable.Default;

    public CostSetting Resolve(ParseResult parse) =>
        new(Energy.Table(parse), AreaTable(parse), Technology.Resolve(parse), Energy.DramKind(parse)) { Mapping = Mapping.Resolve(parse) };

    /// <summary>The setting, with a mapping file checked against the workload and every architecture it will map.</summary>
    public CostSetting Resolve(ParseResult parse, Workload workload, params IEnumerable<ArchitectureSpec> architectures) =>
        Resolve(parse) with { Mapping = Mapping.Resolve(parse, workload, architectures) };

    /// <summary>The setting, with a mapping file checked against every variant of the workload the study runs.</summary>
    public CostSetting Resolve(ParseResult parse, IEnumerable<(string Variant, Workload Workload)> variants, params IEnumerable<ArchitectureSpec> architectures) =>
        Resolve(parse) with { Mapping = Mapping.Resolve(parse, variants, architectures) };
}
