using HwSim.Cli.Common;
using HwSim.CostModel.Quantities;
using HwSim.Analyses.Nest;
using HwSim.Simulator.Nest;

namespace HwSim.Cli.Nest;

/// <summary><c>hwsim nest --format json</c>: the study's layers and totals (energies in pJ, counts summed over operands, per operand too).</summary>
public sealed record NestJson(string Workload, string Design, string Technology, string Objective, IReadOnlyList<NestLayerJson> Layers, NestTotalsJson Totals)
{
    public static NestJson From(NestStudyResult r) => new(r.Workload, r.Design.Name, r.Options.Scaling.ToString(), r.Options.Objective.ToString().ToLowerInvariant(),
        [.. r.Layers.Select(l => Layer(l, r.Design.Architecture))],
        new NestTotalsJson(r.Macs, r.Cycles, r.Batch, r.Energy.Value, r.EnergyPerInference.Microjoules, r.MacEnergy.Value,
            [.. r.Design.Architecture.Levels.Select((lv, i) => Level(lv.Name, r.Accesses(i), r.LevelEnergy(i).Value, null))]));

    private static NestLayerJson Layer(NestLayerResult l, NestArchitecture arch)
    {
        if (!l.Ran)
            return new NestLayerJson(l.Layer, false, l.NotRunReason, l.Problem?.ToString(), l.Problem?.Groups, l.Problem?.DilationH, l.Problem?.DilationW, l.Problem?.Bits, null, 0, 0, 0, 0, 0, [], null, null, null);
        var levels = arch.Levels.Select((lv, i) => Level(lv.Name, NestStudy.Accesses(l.Counts!, i), l.Energy!.Levels[i].Total.Value,
            l.Counts!.Levels[i].OrderBy(kv => kv.Key).Select(kv => new NestOperandJson(kv.Key.ToString().ToLowerInvariant(), kv.Value.Reads, kv.Value.Fills, kv.Value.Updates)).ToList())).ToList();
        return new NestLayerJson(l.Layer, true, null, l.Problem!.ToString(), l.Problem.Groups, l.Problem.DilationH, l.Problem.DilationW, l.Problem.Bits,
            new NestMappingJson("nest", l.Searched ? "searched" : "given", LoopJson.Of(l.Mapping!, arch)), l.Counts!.Macs, l.Cycles, l.StallCycles,
            l.Energy!.Total.Value, l.Energy.Macs.Value, levels, l.Searched ? l.Sampled : null, l.Searched ? l.Valid : null,
            l.Energy.Warnings.Length == 0 ? null : [.. l.Energy.Warnings]);
    }

    private static NestLevelJson Level(string name, NestAccesses a, double pj, IReadOnlyList<NestOperandJson>? operands) =>
        new(name, a.Reads, a.Fills, a.Updates, pj, operands);
}

/// <param name="Problem">One group's sizes, after the groups when there are several ("G32 N1 M1 C1 ..."), as NestProblem prints it.</param>
/// <param name="Groups">The layer's groups (1: dense; the mapping's G loops place them); null when the layer has no nest problem.</param>
/// <param name="DilationH">The kernel's row spacing on the input (1: dense); null when the layer has no nest problem.</param>
/// <param name="DilationW">The kernel's column spacing on the input (1: dense); null when the layer has no nest problem.</param>
/// <param name="Bits">B, the input bits bit-serial PEs step one at a time (1: bit-parallel PEs); null when the layer has no nest problem.</param>
/// <param name="Macs">MACs of all groups (bit-steps when <paramref name="Bits"/> is above 1); cycles, energies and counts too.</param>
public sealed record NestLayerJson(string Name, bool Ran, string? NotRunReason, string? Problem, int? Groups, int? DilationH, int? DilationW, int? Bits, NestMappingJson? Mapping, long Macs, long Cycles, long StallCycles, double EnergyPj,
    double MacEnergyPj, IReadOnlyList<NestLevelJson> Levels, long? Sampled, long? Valid, IReadOnlyList<string>? Warnings);

/// <summary>A nest layer's mapping: where it came from (the mapper's search, or a mapping file) and its loops, outermost first.</summary>
/// <param name="Kind">"nest", as an array layer's mapping says "loop_nest" or "fixed".</param>
/// <param name="Source">"searched" or "given" (a mapping file's entry).</param>
public sealed record NestMappingJson(string Kind, string Source, IReadOnlyList<LoopJson> Loops);

public sealed record NestLevelJson(string Name, long Reads, long Fills, long Updates, double EnergyPj, IReadOnlyList<NestOperandJson>? Operands);

public sealed record NestOperandJson(string Operand, long Reads, long Fills, long Updates);

/// <param name="Batch">Inferences the totals cover (the workload's batch).</param>
/// <param name="EnergyPerInferenceUj">The total energy over the batch, microjoules.</param>
public sealed record NestTotalsJson(long Macs, long Cycles, int Batch, double EnergyPj, double EnergyPerInferenceUj, double MacEnergyPj, IReadOnlyList<NestLevelJson> Levels)
{
    public double EnergyUj => new EnergyPj(EnergyPj).Microjoules;
}

/// <summary>
/// <c>hwsim nest --arch ARRAY -f json</c> when the run used more than one unit's nest design or left layers unrun: each unit's study as
/// <see cref="NestJson"/> (its own levels), and the layers not run. A run on one design with every layer placed prints <see cref="NestJson"/> itself.
/// </summary>
/// <param name="Totals">The network's figures: the units' layers that ran, summed (each unit's own figures are in <paramref name="Units"/>).</param>
public sealed record ArrayNestJson(string Workload, string Architecture, ArrayNestTotalsJson Totals, IReadOnlyList<NestJson> Units, IReadOnlyList<ArrayNestNotRunJson> NotRun)
{
    public static ArrayNestJson From(ArrayNestStudyResult r) =>
        new(r.Workload, r.Architecture, new ArrayNestTotalsJson(r.Cycles, r.Batch, r.Energy.Value, r.EnergyPerInference.Microjoules, r.LayersRun, r.NotRun.Length),
            [.. r.Studies.Select(NestJson.From)], [.. r.NotRun.Select(n => new ArrayNestNotRunJson(n.Layer, n.Unit, n.Reason))]);
}

/// <summary>
/// A network's totals over several units' nest designs. No MAC total: a bit-serial unit counts bit-steps, the others MACs, and the two
/// do not add; each unit's totals give its own.
/// </summary>
public sealed record ArrayNestTotalsJson(long Cycles, int Batch, double EnergyPj, double EnergyPerInferenceUj, int LayersRun, int LayersNotRun);

/// <param name="Unit">The unit the layer would run on, or null when no unit takes its formats.</param>
public sealed record ArrayNestNotRunJson(string Layer, string? Unit, string Reason);
