using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HwSim.Quantizer.Data;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Pipeline;
using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace HwSim.Quantizer.Training;

/// <summary>One epoch's figures. Phase is "fp32" or "qat"; Epoch counts from 1 over both phases.</summary>
public sealed record EpochMetrics(string Phase, int Epoch, double Loss, double TrainAccuracy, double TestAccuracy, double Seconds);

/// <summary>Where training is, for progress displays.</summary>
public sealed record TrainProgress(string Phase, int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy, TimeSpan Eta);

/// <summary>What a finished training run produced.</summary>
/// <param name="Spec">The configuration.</param>
/// <param name="Metrics">Per epoch, both phases.</param>
/// <param name="Quantization">The trained network's workload with statistics measured on its tensors (<see cref="NetworkQuantizer"/>).</param>
/// <param name="TrainSeconds">Training time summed over epochs (including epochs of earlier, resumed processes and a shared fp32 phase).</param>
public sealed record TrainingResult(TrainingSpec Spec, IReadOnlyList<EpochMetrics> Metrics, QuantizationResult Quantization, double TrainSeconds, int TrainImages, int TestImages)
{
    public double TestAccuracy => Metrics[^1].TestAccuracy;
}

/// <summary>Knobs of one run that do not change its result.</summary>
/// <param name="StopAfterEpochs">Stop (as if killed) once this many epochs are done in total, for tests of resuming.</param>
/// <param name="SharedFp32">A checkpoint file for the fp32 phase shared between configurations (same <see cref="TrainingSpec.Fp32Key"/>): read when present, written when this run trains it.</param>
/// <param name="MeasureImages">Test images run through <see cref="NetworkQuantizer"/> for the workload statistics.</param>
/// <param name="DumpFolder">Also write the trained network's integer tensors for the first test image there (as <c>hwsim quantize --dump-tensors</c>).</param>
public sealed record TrainRunOptions(int? StopAfterEpochs = null, string? SharedFp32 = null, int MeasureImages = 512, Action<TrainProgress>? Progress = null, string? DumpFolder = null);

/// <summary>
/// Trains one <see cref="TrainingSpec"/>: fp32 from the seed, then quantisation-aware fine-tuning from those weights
/// (PACT's alphas and the uniform ranges calibrated on the fp32 activations first, then learned / tracked). A
/// checkpoint after every epoch makes a killed run resumable; the result is deterministic for a seed and thread
/// count (the batch order is a seeded permutation per epoch, and no other randomness is drawn after initialisation).
/// </summary>
public static class Trainer
{
    public const string CheckpointFile = "checkpoint.bin";
    public const string MetricsFile = "metrics.json";

    /// <summary>L2 decay of PACT's alpha (Choi et al. 2018 regularise alpha like the weights; 5e-4 as their ResNet setting).</summary>
    public const double AlphaDecay = 5e-4;

    private const int EvaluationBatch = 500;
    private static readonly object SeedLock = new();
    private const int CalibrationImages = 256;

    /// <summary>Runs (or resumes) <paramref name="spec"/> in <paramref name="folder"/> (created). Returns null when stopped early by <see cref="TrainRunOptions.StopAfterEpochs"/>.</summary>
    public static TrainingResult? Run(TrainingSpec spec, ImageDataset data, string folder, TrainRunOptions? options = null)
    {
        options ??= new TrainRunOptions();
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(spec.Threads);
        Directory.CreateDirectory(folder);
        var train = data.Train.Take(spec.TrainCount);
        var test = data.Test.Take(spec.TestCount);
        using var scope = NewDisposeScope();
        var (trainX, trainY) = train.Tensors([.. Enumerable.Range(0, train.Count)]);
        var (testX, testY) = test.Tensors([.. Enumerable.Range(0, test.Count)]);

        var checkpointPath = Path.Combine(folder, CheckpointFile);
        var metricsPath = Path.Combine(folder, MetricsFile);
        Checkpoint? resume = null;
        var metrics = new List<EpochMetrics>();
        if (File.Exists(checkpointPath))
        {
            resume = Checkpoint.Read(checkpointPath);
            if (resume.Key != spec.Key)
                throw new InputException($"holds a run of another configuration ({resume.Key}); this one is {spec.Key}: use another folder", "checkpoint", checkpointPath);
            metrics.AddRange(ReadMetrics(metricsPath, resume.EpochsDone));
        }

        TrainableNetwork created;
        lock (SeedLock) // the generator is global: runs in parallel threads must not interleave seeding and drawing
        {
            torch.manual_seed(spec.Seed);
            try
            {
                created = TrainableNetworks.Create(spec.Network, spec.Width, null, train.Rows, train.Classes);
            }
            catch (InputException e) when (e.Field == "input_size")
            {
                // The size is the data's (image folders are not resized): name where it came from.
                throw e.At(train.Source);
            }
        }
        // One phase's epochs (0 = fp32, 1 = fine-tuning), each followed by a checkpoint and the metrics so far;
        // false when the run is asked to stop after a number of epochs (a test's stand-in for a kill).
        bool RunEpochs(TrainableNetwork model, Adam adam, int phase, int start, int epochs, double learningRate)
        {
            for (var epoch = start; epoch < epochs; epoch++)
            {
                if (options.StopAfterEpochs is { } stop && metrics.Count >= stop)
                    return false;
                metrics.Add(Epoch(model, adam, phase == 0 ? "fp32" : "qat", epoch, epochs, learningRate, spec, trainX, trainY, testX, testY, metrics.Count, options.Progress));
                Checkpoint.Write(checkpointPath, spec.Key, phase, epoch + 1, adam.Steps, Checkpoint.ModelState(model).Concat(adam.State()));
                WriteMetrics(metricsPath, metrics);
            }
            return true;
        }

        using var fp32 = created;
        var phase0Done = resume is { Phase: > 0 } || resume is { Phase: 0 } r0 && r0.EpochsDone >= spec.Fp32Epochs;
        if (!phase0Done && options.SharedFp32 is { } shared && File.Exists(shared) && resume is null)
        {
            var fromShared = Checkpoint.Read(shared);
            if (fromShared.Key != spec.Fp32Key)
                throw new InputException($"is the fp32 phase of another configuration ({fromShared.Key}), not {spec.Fp32Key}", "checkpoint", shared);
            Checkpoint.LoadModel(fp32, fromShared.Tensors, requireAll: true);
            metrics.AddRange(ReadMetrics(shared + ".metrics.json", spec.Fp32Epochs));
            Checkpoint.Write(checkpointPath, spec.Key, 0, spec.Fp32Epochs, 0, Checkpoint.ModelState(fp32));
            WriteMetrics(metricsPath, metrics);
            phase0Done = true;
        }
        if (!phase0Done)
        {
            var start = resume?.EpochsDone ?? 0;
            using var adam = Optimizer(fp32);
            if (resume is not null)
            {
                Checkpoint.LoadModel(fp32, resume.Tensors, requireAll: true);
                adam.Restore(resume.OptimizerSteps, resume.Tensors);
            }
            if (!RunEpochs(fp32, adam, 0, start, spec.Fp32Epochs, spec.LearningRate))
                return null;
        }
        else if (resume is { Phase: 0 })
            Checkpoint.LoadModel(fp32, resume.Tensors, requireAll: true);
        // A finished fp32 phase (trained now, or by an earlier process of this run) is offered to the configurations sharing it.
        if (options.SharedFp32 is { } sharedOut && !File.Exists(sharedOut) && resume is not { Phase: > 0 })
        {
            WriteMetrics(sharedOut + ".metrics.json", metrics.Take(spec.Fp32Epochs).ToList());
            Checkpoint.Write(sharedOut, spec.Fp32Key, 0, spec.Fp32Epochs, 0, Checkpoint.ModelState(fp32));
        }

        TrainableNetwork final = fp32;
        TrainableNetwork? qat = null;
        try
        {
            if (spec.Options is { } quantize)
            {
                lock (SeedLock)
                    qat = TrainableNetworks.Create(spec.Network, spec.Width, quantize, train.Rows, train.Classes);
                using var adam = Optimizer(qat);
                var start = 0;
                if (resume is { Phase: 1 })
                {
                    Checkpoint.LoadModel(qat, resume.Tensors, requireAll: true);
                    adam.Restore(resume.OptimizerSteps, resume.Tensors);
                    start = resume.EpochsDone;
                }
                else
                {
                    Checkpoint.LoadModel(qat, Checkpoint.ModelState(fp32).ToDictionary(t => t.Name, t => t.Value), requireAll: false);
                    CalibrateInputs(qat, trainX);
                }
                if (!RunEpochs(qat, adam, 1, start, spec.QatEpochs, spec.QatLearningRate))
                    return null;
                final = qat;
            }
            var measured = Measure(final, spec, testX, options.MeasureImages, options.DumpFolder);
            return new TrainingResult(spec, metrics, measured, metrics.Sum(m => m.Seconds), train.Count, test.Count);
        }
        finally
        {
            qat?.Dispose();
        }
    }

    /// <summary>Accuracy of <paramref name="model"/> (eval mode) on images <paramref name="x"/> with labels <paramref name="y"/>.</summary>
    public static double Accuracy(TrainableNetwork model, Tensor x, Tensor y)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            long correct = 0;
            for (long start = 0; start < x.shape[0]; start += EvaluationBatch)
            {
                using var scope = NewDisposeScope();
                var end = Math.Min(start + EvaluationBatch, x.shape[0]);
                correct += model.call(x.slice(0, start, end, 1)).argmax(1).eq(y.slice(0, start, end, 1)).sum().item<long>();
            }
            return (double)correct / x.shape[0];
        }
        finally
        {
            if (wasTraining)
                model.train();
        }
    }

    /// <summary>The batch order of an epoch: a Fisher-Yates shuffle seeded by the run's seed, the phase and the epoch, independent of any earlier draw (so a resumed run draws the same). The seed is plain arithmetic, not HashCode, whose seed changes with every process.</summary>
    public static int[] Order(long seed, int phase, int epoch, int count)
    {
        var random = new Random(unchecked((int)(seed * 1_000_003 + phase * 7919 + epoch)));
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    /// <summary>
    /// One pass of training steps over <paramref name="x"/> in order, at a constant learning rate (for benchmarks:
    /// what an epoch costs without the test scoring); returns the mean loss.
    /// </summary>
    public static double TrainPass(TrainableNetwork model, Adam adam, Tensor x, Tensor y, int batchSize, double lr)
    {
        model.train();
        double lossSum = 0;
        for (long start = 0; start < x.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var end = Math.Min(start + batchSize, x.shape[0]);
            var loss = F.cross_entropy(model.call(x.slice(0, start, end, 1)), y.slice(0, start, end, 1));
            adam.ZeroGrad();
            loss.backward();
            adam.Step(lr);
            lossSum += loss.item<float>() * (end - start);
        }
        return lossSum / x.shape[0];
    }

    /// <summary>The optimizer <see cref="Run"/> uses for <paramref name="model"/>: Adam, with PACT's alpha L2-decayed.</summary>
    public static Adam Optimizer(TrainableNetwork model) => new(Parameters(model));

    private static IEnumerable<(string, Tensor, double)> Parameters(TrainableNetwork model) =>
        model.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.name.EndsWith(".alpha", StringComparison.Ordinal) ? AlphaDecay : 0.0));

    private static EpochMetrics Epoch(TrainableNetwork model, Adam adam, string phase, int epoch, int epochs, double lr0, TrainingSpec spec,
        Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, int epochsBefore, Action<TrainProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        model.train();
        var count = (int)trainX.shape[0];
        var order = Order(spec.Seed, phase == "fp32" ? 0 : 1, epoch, count);
        var batches = (count + spec.BatchSize - 1) / spec.BatchSize;
        var totalSteps = (double)epochs * batches;
        double lossSum = 0;
        long correct = 0;
        for (var b = 0; b < batches; b++)
        {
            using var scope = NewDisposeScope();
            var slice = order.AsSpan(b * spec.BatchSize, Math.Min(spec.BatchSize, count - b * spec.BatchSize));
            using var index = tensor(slice.ToArray().Select(i => (long)i).ToArray());
            var x = trainX.index_select(0, index);
            var y = trainY.index_select(0, index);
            var logits = model.call(x);
            var loss = F.cross_entropy(logits, y);
            adam.ZeroGrad();
            loss.backward();
            // Cosine decay to zero over the phase (Loshchilov and Hutter, SGDR, without restarts), a function of the step alone.
            var step = (double)epoch * batches + b;
            adam.Step(lr0 * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)));
            lossSum += loss.item<float>() * slice.Length;
            correct += logits.argmax(1).eq(y).sum().item<long>();
            if (progress is not null && (b % 10 == 0 || b == batches - 1))
            {
                var done = b + 1;
                var perBatch = clock.Elapsed / done;
                var remainingEpochs = spec.TotalEpochs - epochsBefore - 1;
                var eta = perBatch * (batches - done) + perBatch * batches * remainingEpochs * 1.1; // +10%: each epoch also scores the test set
                progress(new TrainProgress(phase, epochsBefore + 1, spec.TotalEpochs, done, batches, lossSum / Math.Min(count, done * spec.BatchSize),
                    (double)correct / Math.Min(count, done * spec.BatchSize), eta));
            }
        }
        var testAccuracy = Accuracy(model, testX, testY);
        return new EpochMetrics(phase, epochsBefore + 1, lossSum / count, (double)correct / count, testAccuracy, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Starts every quantised layer's input clip from the fp32 activations it will quantise (first 256 training images).</summary>
    private static void CalibrateInputs(TrainableNetwork model, Tensor trainX)
    {
        using var scope = NewDisposeScope();
        var hook = new CaptureHook(model.TrainableLayers.Count);
        model.Forward(trainX.slice(0, 0, Math.Min(CalibrationImages, trainX.shape[0]), 1), hook);
        try
        {
            for (var i = 0; i < model.TrainableLayers.Count; i++)
                model.TrainableLayers[i].Input.Calibrate(hook.Inputs[i]!);
        }
        finally
        {
            foreach (var t in hook.Inputs)
                t?.Dispose();
        }
    }

    private sealed class CaptureHook(int count) : ILayerHook
    {
        public Tensor?[] Inputs { get; } = new Tensor?[count];

        public (Tensor Input, Tensor Weight) Before(int index, ComputeLayer layer, Tensor input, Tensor weight)
        {
            // Out of the forward pass's dispose scope, which ends before calibration.
            Inputs[index] = input.detach().clone().DetachFromDisposeScope();
            return (input, weight);
        }

        public void After(int index, ComputeLayer layer, Tensor output) { }
    }

    /// <summary>
    /// The trained network's workload: its float weights and real test-image activations through
    /// <see cref="NetworkQuantizer"/> with the run's policy (fp32 everywhere for the baseline), so the workload carries
    /// <c>hwsim quantize</c>'s statistics of the tensors this network computes with.
    /// </summary>
    private static QuantizationResult Measure(TrainableNetwork model, TrainingSpec spec, Tensor testX, int measureImages, string? dumpFolder)
    {
        var options = spec.Options ?? new QuantizeOptions(Methods.QuantMethod.Uniform, 8, 8, FirstLastFormat.Keep(NumberFormat.Fp32), LayerOverrides.KeepAll(NumberFormat.Fp32));
        var images = Math.Min(Math.Max(1, measureImages), testX.shape[0]);
        var batches = new List<Tensor>();
        for (long start = 0; start < images; start += 128)
            batches.Add(testX.slice(0, start, Math.Min(start + 128, images), 1));
        return NetworkQuantizer.Run(model, options, batches, string.Create(CultureInfo.InvariantCulture, $"{images} test images"), synthetic: false, dumpFolder);
    }

    private static void WriteMetrics(string path, IReadOnlyList<EpochMetrics> metrics)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(metrics, MetricsJson.Default.IReadOnlyListEpochMetrics));
        File.Move(temporary, path, overwrite: true);
    }

    private static IEnumerable<EpochMetrics> ReadMetrics(string path, int expected)
    {
        try
        {
            var list = JsonSerializer.Deserialize(File.ReadAllText(path), MetricsJson.Default.ListEpochMetrics) ?? [];
            if (list.Count < expected)
                throw new InputException($"has {list.Count} epochs of metrics, the checkpoint {expected}", "metrics", path);
            return list.Take(expected);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the metrics of the run being resumed: {e.Message}", "metrics", path, inner: e);
        }
    }
}

/// <summary>The checkpoint's metrics file, serialised by generated code (no reflection: the CLI's native build has none).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<EpochMetrics>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<EpochMetrics>))]
internal sealed partial class MetricsJson : System.Text.Json.Serialization.JsonSerializerContext;
