using System.Collections.Immutable;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Layers;

namespace HwSim.Analyses.Nest;

/// <summary>A layer of a workload that an array architecture's nest translation does not run, and why.</summary>
/// <param name="Unit">The unit it would run on, or null when no unit takes its formats.</param>
public sealed record ArrayNestNotRun(string Layer, string? Unit, string Reason);

/// <summary>
/// A workload on an array architecture stated as nest designs: one nest study per unit that ran layers (in the order of the
/// architecture's units, each with its layers in workload order), and the layers not run.
/// </summary>
public sealed record ArrayNestStudyResult(string Workload, string Architecture, ImmutableArray<NestStudyResult> Studies, ImmutableArray<ArrayNestNotRun> NotRun)
{
    /// <summary>Cycles of the layers that ran, over every unit's study (layers run one after another).</summary>
    public long Cycles => Studies.Sum(s => s.Cycles);

    /// <summary>Energy of the layers that ran, over every unit's study.</summary>
    public CostModel.Quantities.EnergyPj Energy => Studies.Aggregate(CostModel.Quantities.EnergyPj.Zero, (a, s) => a + s.Energy);

    /// <summary>The workload's batch (every study's: they are parts of one workload).</summary>
    public int Batch => Studies.IsEmpty ? 1 : Studies[0].Batch;

    /// <summary>Energy over the batch: one inference's share.</summary>
    public CostModel.Quantities.EnergyPj EnergyPerInference => Energy * (1.0 / Batch);

    /// <summary>Layers that ran on some unit's design.</summary>
    public int LayersRun => Studies.Sum(s => s.Layers.Count(l => l.Ran));

    /// <summary>The nest result of layer <paramref name="name"/>, or null when it did not reach a study.</summary>
    public NestLayerResult? Layer(string name) => Studies.SelectMany(s => s.Layers).FirstOrDefault(l => l.Layer == name);
}

/// <summary>
/// Runs a workload on an array architecture through its nest translation (<see cref="ArrayNest"/>): each layer on the unit the array
/// engines would pick for it (<see cref="Simulation.Choose"/>: the unit it names, else the first that takes its formats), or on the
/// one unit the caller names, with that unit's nest design and the nest study (its mapper, counts and prices).
/// </summary>
public static class ArrayNestStudy
{
    /// <param name="unit">Run every layer on this unit (null: the array engines' choice per layer).</param>
    /// <param name="mappings">A nest mapping file for a unit's design, or null for the mapper on every layer.</param>
    public static ArrayNestStudyResult Run(Workload workload, ArchitectureSpec arch, string? unit, NestStudyOptions options, Func<NestDesign, NestMappingFile?>? mappings = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(options);
        // A pipeline runs every layer on its own unit at once; the nest engine runs one layer at a time, so it can state one unit only.
        if (arch.Execution == Execution.LayerPipelined && unit is null)
            throw new InputException($"{arch.Name} is layer-pipelined (every layer on its own unit, all at once; Simulator/README.md §7); the nest engine runs one layer at a time: " +
                "give --unit to run the workload on one of its units, or run the array engines", "--arch");
        UnitSpec? forced = null;
        if (unit is not null)
            forced = ArrayNest.UnitNamed(arch, unit)
                ?? throw new InputException($"{arch.Name} has no unit '{unit}' (units: {string.Join(", ", arch.Units.Select(u => u.Name))})", "--unit");
        var models = arch.Units.Select(UnitModels.For).ToList();
        var byUnit = arch.Units.ToDictionary(u => u.Name, _ => new List<LayerWorkload>());
        var notRun = ImmutableArray.CreateBuilder<ArrayNestNotRun>();
        foreach (var layer in workload.Layers)
        {
            var (chosen, reason) = forced is null ? Choose(layer, models) : (forced, forced.Unsupported(layer.Precision));
            if (reason is not null || chosen is null)
                notRun.Add(new ArrayNestNotRun(layer.Name, forced?.Name, reason!));
            else
                byUnit[chosen.Name].Add(layer);
        }
        var studies = ImmutableArray.CreateBuilder<NestStudyResult>();
        var refusals = new List<string>();
        foreach (var u in arch.Units)
        {
            var layers = byUnit[u.Name];
            if (layers.Count == 0)
                continue;
            var translation = ArrayNest.Translate(arch, u);
            if (translation.Design is not { } design)
            {
                var refusal = $"unit {u.Name} has no nest statement: {translation.Refusal}";
                refusals.Add(refusal);
                notRun.AddRange(layers.Select(l => new ArrayNestNotRun(l.Name, u.Name, refusal)));
                continue;
            }
            // Each unit's layers run as a part of the workload: the file's names are checked once against the whole workload, so an
            // entry for a layer that runs on another unit is not "no layer of the workload".
            var file = mappings?.Invoke(design);
            file?.CheckNames([.. workload.Layers.Select(l => l.Name)]);
            studies.Add(NestStudy.Run(new Workload(workload.Name, layers), design, file, options, cache: null, namesChecked: true));
        }
        // Nothing ran and some unit the workload needs cannot be stated: the architecture's refusal, once, not a row per layer.
        if (studies.Count == 0 && refusals.Count > 0)
            throw new InputException($"{arch.Name} cannot run on the nest engine: {string.Join("; ", refusals)}", "--arch");
        var order = workload.Layers.Select((l, i) => (l.Name, i)).ToDictionary(p => p.Name, p => p.i);
        return new ArrayNestStudyResult(workload.Name, arch.Name, studies.ToImmutable(), [.. notRun.OrderBy(n => order[n.Layer])]);
    }

    /// <summary>
    /// The bits a layer moves to and from DRAM (level 0) on a nest design, as NestEnergy prices them: weights at their width, inputs at
    /// theirs (one bit per access on bit-serial PEs, whose input elements are bits), partial sums read back and written at the
    /// accumulator's width, and each output's last write-back at the output's width. The array engines' DRAM bytes count the same
    /// operands packed (Simulator/README.md §4), so bits / 8 compares with them.
    /// </summary>
    public static long DramBits(NestLayerResult layer, Workloads.Formats.OperandPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(precision);
        if (layer.Counts is not { } counts || layer.Problem is not { } problem)
            throw new ArgumentException($"layer {layer.Layer} did not run", nameof(layer));
        long bits = 0;
        foreach (var (tensor, a) in counts.Levels[0])
        {
            checked
            {
                switch (tensor)
                {
                    case Simulator.Nest.NestTensor.Weights:
                        bits += (a.Reads + a.Fills) * precision.Weight.Bits;
                        break;
                    case Simulator.Nest.NestTensor.Inputs:
                        bits += (a.Reads + a.Fills) * (problem.Bits == 1 ? precision.Input.Bits : 1);
                        break;
                    default:
                        var finished = Math.Min(a.Updates, problem.Elements(Simulator.Nest.NestTensor.Outputs));
                        bits += (a.Reads + a.Fills + a.Updates - finished) * precision.Accumulator.Bits + finished * precision.Output.Bits;
                        break;
                }
            }
        }
        return bits;
    }

    private static (UnitSpec? Unit, string? Reason) Choose(LayerWorkload layer, IReadOnlyList<IUnitModel> models)
    {
        var (model, reason) = Simulation.Choose(layer, models);
        return (model?.Spec, reason);
    }
}
