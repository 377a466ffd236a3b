using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Tensors;

namespace HwSim.Simulator.Reference;

/// <summary>
/// A whole network on the cycle-stepped engine, layer after layer, each on the unit the fast
/// engine would choose, with seeded random operands (or a quantizer's real ones), every output
/// checked against a plain convolution. The counterpart of <see cref="Simulation.Evaluate(Workload, ArchitectureSpec, Action{LayerResult})"/> for small networks.
/// </summary>
public static class ReferenceSimulation
{
    /// <summary>The default largest layer, in MACs, that the reference engine is asked to step (it steps every PE every cycle).</summary>
    public const long DefaultMaxMacs = 20_000_000;

    /// <param name="seed">Seed of the random operands; layer i (1-based) draws with seed * 7919 + i.</param>
    /// <exception cref="InputException">A layer would run on a unit the reference engine does not model (<c>scalesim_compat</c>) (checked before any layer runs), or has more than <paramref name="maxMacs"/> MACs.</exception>
    /// <param name="maxMacs">Layers with more MACs are refused with an <see cref="InputException"/> on field "reference MAC limit".</param>
    /// <param name="tensors">A quantizer's tensor dump to take operands (and expected outputs) from; layers it lacks get random operands.</param>
    /// <param name="progress">Receives one line per layer, for people.</param>
    /// <param name="mappings">The mapping of each layer on the unit it runs on (null: the fixed mapping for every layer).</param>
    public static NetworkResult Run(Workload workload, ArchitectureSpec arch, int seed, long maxMacs = DefaultMaxMacs, TensorDump? tensors = null, Action<string>? progress = null,
        Func<LayerWorkload, IUnitModel, LayerMapping>? mappings = null)
    {
        var models = arch.Units.Select(UnitModels.For).ToList();
        // Checked before any layer steps, so a long run does not fail half-way.
        foreach (var layer in workload.Layers)
        {
            if (Simulation.Choose(layer, models).Model?.Spec is { } unit && ReferenceUnits.Unsupported(unit) is { } why)
                throw new InputException($"unit '{unit.Name}' (which layer '{layer.Name}' runs on) is not modelled by the reference engine: {why} (use the fast engine)", UnsupportedField);
        }
        var results = new List<LayerResult>();
        var index = 0;
        foreach (var layer in workload.Layers)
        {
            index++;
            var (model, reason) = Simulation.Choose(layer, models);
            if (model is null)
            {
                results.Add(LayerResult.NotRun(layer.Name, layer.Macs, reason!));
                continue;
            }
            if (layer.Macs > maxMacs)
                throw new InputException($"layer '{layer.Name}' has {layer.Macs:N0} MACs, more than the limit of {maxMacs:N0}; the reference engine is for small layers (raise the limit to insist)", MacLimitField);
            var entry = tensors?.Find(layer.Name);
            var (data, expected) = entry is null ? (ReferenceData.Random(layer, unchecked(seed * 7919 + index)), null)
                : RealOperands.Load(layer, entry, tensors!.Folder);
            progress?.Invoke($"reference {index}/{workload.Layers.Length}: {layer.Name} ({layer.Macs:N0} MACs, " +
                (entry is not null ? "real operands" : tensors is not null ? "random operands: no tensors for this layer" : "random operands") + ")");
            var run = ReferenceEngine.Simulate(layer, arch, ReferenceUnits.For(model.Spec), data, mappings?.Invoke(layer, model) ?? FixedMapping.Instance);
            if (run.Result.Ran && !data.IsFloat && !run.Output.AsSpan().SequenceEqual(ReferenceConvolution.Compute(data)))
                throw new InvalidOperationException($"reference engine output of layer '{layer.Name}' differs from the plain convolution: a simulator bug");
            if (run.Result.Ran && expected is not null)
            {
                var mismatches = RealOperands.Mismatches(run.Output, expected);
                if (mismatches > 0)
                    throw new InvalidOperationException($"reference engine output of layer '{layer.Name}' differs from the quantizer's (libtorch) output in {mismatches:N0} of {expected.Length:N0} values");
                progress?.Invoke($"  {layer.Name}: {expected.Length:N0} outputs equal the quantizer's");
            }
            results.Add(run.Result);
        }
        return new NetworkResult(workload.Name, arch.Name, [.. results]);
    }

    /// <summary>The field of the error for a unit the reference engine does not model (a unit in SCALE-Sim compatibility mode).</summary>
    public const string UnsupportedField = "unit";

    /// <summary>The field of the error for a layer above the MAC limit.</summary>
    public const string MacLimitField = "reference MAC limit";
}
