using System.Diagnostics;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Pipeline;

/// <summary>
/// Turns a real network into a low-bit workload. Post-training, in three forward passes per
/// calibration batch:
/// <list type="number">
/// <item>fp32, sampling each quantised layer's input to calibrate its activation quantizer (PACT's
/// alpha, the uniform range; weights need no calibration);</item>
/// <item>fp32 again, keeping every layer's output as the reference;</item>
/// <item>quantised: every layer gets fake-quantised weights and inputs, so errors propagate as they
/// would in the deployed network, and its codes are measured (sparsity, non-zero bits) and its output
/// compared with the reference (SQNR).</item>
/// </list>
/// Passes 2 and 3 run per batch so only one batch of reference outputs is held at a time.
/// </summary>
public static class NetworkQuantizer
{
    /// <summary>Values kept per layer and batch for calibration: enough for a stable MSE-optimal clip, small enough for VGG-size layers.</summary>
    private const long SamplesPerBatch = 1 << 16;

    /// <summary>
    /// Quantises <paramref name="network"/> by <paramref name="options"/> on <paramref name="batches"/>
    /// (each [N, C, H, W]); with <paramref name="dumpFolder"/>, writes the integer codes of the first input
    /// (see <see cref="TensorDumper"/>).
    /// </summary>
    public static QuantizationResult Run(IQuantizableNetwork network, QuantizeOptions options, IReadOnlyList<Tensor> batches,
        string calibration, bool synthetic, string? dumpFolder = null, Action<QuantizeProgress>? progress = null)
    {
        TorchRuntime.EnsureLoaded();
        if (batches.Count == 0)
            throw new InputException("at least one calibration input is needed", "calibration inputs");
        var clock = Stopwatch.StartNew();
        var layers = network.Layers;
        var names = layers.Select(l => l.Name).ToList();
        options.Overrides.CheckAllUsed(names);
        var plans = layers.Select((l, i) => options.PlanFor(l.Name, i, layers.Count)).ToArray();
        ValidatePlans(plans, options);

        using var _ = no_grad();
        var states = new LayerState[layers.Count];
        try
        {
            for (var i = 0; i < layers.Count; i++)
                states[i] = new LayerState(plans[i]);
            Calibrate(network, batches, states, progress);

            var total = new SqnrSum();
            long agree = 0, inputs = 0;
            var classifier = true;
            var dumper = dumpFolder is null ? null : new TensorDumper(network.Name, options.ToString());
            for (var b = 0; b < batches.Count; b++)
            {
                using var scope = NewDisposeScope();
                var reference = new ReferenceHook(layers.Count);
                var fp32 = network.Forward(batches[b], reference);
                var hook = new QuantizedHook(states, reference.Outputs, b == 0 ? dumper : null, progress, b, batches.Count, layers.Count);
                Tensor quantized;
                try
                {
                    quantized = network.Forward(batches[b], hook);
                }
                finally
                {
                    reference.Dispose();
                }
                total.Add(fp32, quantized);
                inputs += fp32.shape[0];
                if (fp32.dim() == 2 && fp32.shape[1] > 1)
                    agree += fp32.argmax(1).eq(quantized.argmax(1)).sum().item<long>();
                else
                    classifier = false;
            }

            var reports = new List<LayerReport>(layers.Count);
            for (var i = 0; i < layers.Count; i++)
            {
                var role = i == 0 ? LayerRole.First : i == layers.Count - 1 ? LayerRole.Last : LayerRole.Inner;
                reports.Add(new LayerReport(states[i].ToWorkload(layers[i], role), plans[i], role));
            }
            var workload = new Workload($"{network.Name}-{Suffix(options)}", reports.Select(r => r.Layer));
            dumper?.Write(dumpFolder!, states.Select((s, i) => (layers[i], s)).ToList());
            var notDumped = dumper is null ? [] : layers.Where((l, i) => plans[i] is LayerPlan.Quantized && !dumper.Has(i)).Select(l => l.Name).ToList();
            return new QuantizationResult(workload, reports, network.Name, options, calibration, synthetic, (int)inputs,
                total.Db, classifier ? (double)agree / inputs : null, clock.Elapsed, notDumped);
        }
        finally
        {
            foreach (var s in states)
                s?.Dispose();
        }
    }

    /// <summary>
    /// Checks that the method takes the inner widths (and the first/last format, when kept as integers)
    /// before a model is loaded: a wrong --wbits should not wait for a network to be built. Per-layer
    /// overrides are checked again in <see cref="Run"/>, once the layers are known.
    /// </summary>
    public static void Validate(QuantizeOptions options)
    {
        TorchRuntime.EnsureLoaded();
        LayerPlan[] plans = [new LayerPlan.Quantized(options.Method, options.WeightBits, options.InputBits),
            .. options.FirstLast.Format is { } kept ? new[] { QuantizeOptions.Kept(kept) } : []];
        ValidatePlans(plans, options);
    }

    private static string Suffix(QuantizeOptions o) => $"{o.Method.ToString().ToLowerInvariant()}-w{o.WeightBits}a{o.InputBits}-{o.FirstLast}";

    /// <summary>Fails before any forward pass when a plan's method cannot take its widths (e.g. SAWB at 6 bits).</summary>
    private static void ValidatePlans(LayerPlan[] plans, QuantizeOptions options)
    {
        using var scope = NewDisposeScope();
        using var probe = tensor(new float[] { -1f, 0f, 0.5f, 1f });
        foreach (var plan in plans.OfType<LayerPlan.Quantized>().Distinct())
        {
            try
            {
                _ = QuantizerFactory.Weights(plan.Method, plan.WeightBits);
                _ = QuantizerFactory.CalibrateActivations(plan.Method, plan.InputBits, probe);
            }
            catch (InputException e) when (options.Overrides.File is not null && plan != new LayerPlan.Quantized(options.Method, options.WeightBits, options.InputBits))
            {
                throw new InputException($"{plan}: {e.Rule}", e.Field).At(options.Overrides.File);
            }
        }
    }

    private static void Calibrate(IQuantizableNetwork network, IReadOnlyList<Tensor> batches, LayerState[] states, Action<QuantizeProgress>? progress)
    {
        var generator = new Generator(seed: 0x5EED);
        var samples = states.Select(_ => new List<Tensor>()).ToArray();
        try
        {
            for (var b = 0; b < batches.Count; b++)
            {
                using var scope = NewDisposeScope();
                var hook = new SamplingHook(states, samples, generator, progress, b, batches.Count);
                network.Forward(batches[b], hook);
            }
            for (var i = 0; i < states.Length; i++)
            {
                if (states[i].Plan is not LayerPlan.Quantized q)
                    continue;
                using var scope = NewDisposeScope();
                var all = cat(samples[i], 0);
                states[i].Activations = QuantizerFactory.CalibrateActivations(q.Method, q.InputBits, all);
                states[i].WeightQuantizer = QuantizerFactory.Weights(q.Method, q.WeightBits);
            }
        }
        finally
        {
            foreach (var list in samples)
                foreach (var t in list)
                    t.Dispose();
            generator.Dispose();
        }
    }

    /// <summary>Pass 1: a random sample of each quantised layer's fp32 input.</summary>
    private sealed class SamplingHook(LayerState[] states, List<Tensor>[] samples, Generator generator, Action<QuantizeProgress>? progress, int batch, int batches) : ILayerHook
    {
        // The sample is random, but the extremes must be exact: the uniform quantizer's range and every
        // method's signed/unsigned choice come from min and max, which a subsample usually misses.
        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            progress?.Invoke(new QuantizeProgress("calibrate", batch * states.Length + index + 1, batches * states.Length, layer.Name));
            if (states[index].Plan is LayerPlan.Quantized)
            {
                var flat = input.detach().reshape(-1);
                var kept = flat.numel() <= SamplesPerBatch ? flat.clone()
                    : cat([flat.index_select(0, randint(0, flat.numel(), [SamplesPerBatch], dtype: ScalarType.Int64, generator: generator)),
                        flat.min().reshape(1), flat.max().reshape(1)], 0);
                samples[index].Add(kept.DetachFromDisposeScope());
            }
            return (input, weight);
        }

        public void After(int index, ComputeLayer layer, Tensor output) { }
    }

    /// <summary>Pass 2: every layer's fp32 output, kept for the comparison in pass 3.</summary>
    private sealed class ReferenceHook(int count) : ILayerHook, IDisposable
    {
        public Tensor?[] Outputs { get; } = new Tensor?[count];

        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight) => (input, weight);

        public void After(int index, ComputeLayer layer, Tensor output)
        {
            Outputs[index]?.Dispose();
            Outputs[index] = output.detach().clone().DetachFromDisposeScope();
        }

        public void Dispose()
        {
            foreach (var t in Outputs)
                t?.Dispose();
        }
    }

    /// <summary>Pass 3: fake-quantised operands in, statistics and SQNR out.</summary>
    private sealed class QuantizedHook(LayerState[] states, Tensor?[] reference, TensorDumper? dumper, Action<QuantizeProgress>? progress,
        int batch, int batches, int layers) : ILayerHook
    {
        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            progress?.Invoke(new QuantizeProgress("quantize", batch * layers + index + 1, batches * layers, layer.Name));
            var state = states[index];
            var w = state.Weights(weight, layer.WeightIsConstant);
            switch (state.Plan)
            {
                case LayerPlan.Quantized:
                    var a = state.Activations!.Quantize(input);
                    state.Input.Add(a.Values, a.Codes, a.Format);
                    if (dumper is not null && state.QuantizedWeights is { } constantWeights)
                        dumper.Capture(index, layer, a, constantWeights);
                    // The codes, scale and zero point are only needed for the statistics and the dump; Values goes on
                    // into the network, whose dispose scope owns it.
                    a.Codes.Dispose();
                    a.Scale.Dispose();
                    a.ZeroPoint.Dispose();
                    return (a.Values, w);
                case LayerPlan.Float { Format: var f } when f == NumberFormat.Fp32:
                    state.Input.Add(input, null, f);
                    return (input, w);
                case LayerPlan.Float { Format: var f }:
                    var rounded = FloatRounding.Round(input, f);
                    state.Input.Add(rounded, null, f);
                    return (rounded, w);
                default:
                    throw new UnreachableException();
            }
        }

        public void After(int index, ComputeLayer layer, Tensor output)
        {
            states[index].Output.Add(reference[index] ?? throw new InvalidOperationException($"no fp32 output for layer '{layer.Name}': the network ran its layers differently twice"), output);
        }
    }
}
