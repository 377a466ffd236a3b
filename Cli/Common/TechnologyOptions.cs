using System.CommandLine;
using System.Globalization;
using HwSim.CostModel.Technology;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>The technology options every pricing verb shares: node (or, for a sweep, nodes), device row and supply voltage.</summary>
public sealed class TechnologyOptions
{
    /// <param name="nodes">Whether --tech takes a comma-separated list of nodes (sweep) rather than one.</param>
    public TechnologyOptions(bool nodes = false)
    {
        Tech = new("--tech")
        {
            Description = nodes
                ? "Technology nodes to price at, e.g. 45nm,7nm (65, 45, 32, 20, 16, 14, 10, 7 nm; a node re-prices one simulation)."
                : "Technology node to price at: 65nm, 45nm, 32nm, 20nm, 16nm, 14nm, 10nm or 7nm (tables are 45 nm; other nodes scale with Stillmaker & Baas 2017).",
            DefaultValueFactory = _ => "45nm",
            HelpName = nodes ? "NODES" : "NODE",
        };
    }

    public Option<string> Tech { get; }

    public Option<string> Flavor { get; } = new("--flavor")
    {
        Description = "Stillmaker & Baas device row: hp (high performance) or lp (low power); nodes above 45 nm have one row.",
        DefaultValueFactory = _ => "hp",
        HelpName = "hp|lp",
    };

    public Option<double> Vdd { get; } = new("--vdd")
    {
        Description = "Supply voltage at the target node, volts. The 45 nm tables were measured at 0.9 V (Horowitz); give your node's Vdd when pricing another node.",
        DefaultValueFactory = _ => TechnologyScaling.DefaultVdd,
        HelpName = "VOLTS",
    };

    public void AddTo(Command command, bool withVoltage = true)
    {
        command.Add(Tech);
        command.Add(Flavor);
        if (withVoltage)
            command.Add(Vdd);
    }

    /// <summary>The one node --tech names, with the device row and voltage.</summary>
    public TechnologyScaling Resolve(ParseResult parse) => Scaling(parse, parse.GetValue(Tech) ?? "45nm");

    /// <summary>Every node of a comma-separated --tech, each once, named as a sweep's CSV names them ("7nm").</summary>
    public IReadOnlyList<(string Name, TechnologyScaling Scaling)> ResolveAll(ParseResult parse)
    {
        var nodes = new List<(string Name, TechnologyScaling Scaling)>();
        foreach (var text in (parse.GetValue(Tech) ?? "45nm").Split(',', StringSplitOptions.TrimEntries))
        {
            var name = TechNodes.ParseNanometres(text).ToString(CultureInfo.InvariantCulture) + "nm";
            if (nodes.Any(t => t.Name == name))
                throw new InputException($"{name} appears twice", "--tech");
            nodes.Add((name, Scaling(parse, text)));
        }
        return nodes;
    }

    private TechnologyScaling Scaling(ParseResult parse, string node)
    {
        var flavor = (parse.GetValue(Flavor) ?? "hp").Trim().ToLowerInvariant() switch
        {
            "hp" => DeviceFlavor.HighPerformance,
            "lp" => DeviceFlavor.LowPower,
            var f => throw new InputException($"must be hp or lp, got '{f}'", "--flavor"),
        };
        var vdd = parse.GetResult(Vdd) is null ? TechnologyScaling.DefaultVdd : parse.GetValue(Vdd);
        var nm = TechNodes.ParseNanometres(node);
        var scaling = TechnologyScaling.From45nm(nm, flavor, vdd);
        if (double.IsNaN(scaling.AreaFactor))
            throw new InputException($"no area factor for {nm} nm; HwSim prices at {string.Join(", ", TechNodes.PricedNanometres.Select(n => n.ToString(CultureInfo.InvariantCulture) + "nm"))}", "--tech");
        _ = scaling.EnergyFactor;
        return scaling;
    }
}
