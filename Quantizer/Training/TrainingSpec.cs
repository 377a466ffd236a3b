using System.Globalization;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Pipeline;
using HwSim.Workloads;
using HwSim.Workloads.Precision;

namespace HwSim.Quantizer.Training;

/// <summary>
/// One training configuration: the network and width, the fp32 phase, and (when <see cref="Method"/> is set) the
/// quantisation-aware fine-tuning phase that starts from the fp32 phase's weights. Validated on construction.
/// </summary>
public sealed record TrainingSpec
{
    public TrainingSpec(string network, double width, QuantMethod? method, int weightBits, int inputBits, FirstLastFormat firstLast,
        int fp32Epochs, int qatEpochs, long seed, int threads, int batchSize = 64, double learningRate = 2e-3, double qatLearningRate = 5e-4,
        int? trainCount = null, int? testCount = null)
    {
        Network = TrainableNetworks.Canonical(network);
        if (!double.IsFinite(width) || width <= 0 || width > 64)
            throw new InputException($"must be a positive width multiplier up to 64, got {width}", "width multiplier");
        if (fp32Epochs < 1)
            throw new InputException($"must be at least 1, got {fp32Epochs}", "fp32 epochs");
        if (method is not null && qatEpochs < 1)
            throw new InputException($"must be at least 1 when a method is given, got {qatEpochs}", "qat epochs");
        if (threads is < 1 or > 256)
            throw new InputException($"must be 1 to 256, got {threads}", "training threads");
        if (batchSize is < 1 or > 4096)
            throw new InputException($"must be 1 to 4096, got {batchSize}", "batch size");
        if (!(learningRate > 0) || !(qatLearningRate > 0) || !double.IsFinite(learningRate) || !double.IsFinite(qatLearningRate))
            throw new InputException("learning rates must be positive and finite", "learning rate");
        if (trainCount is < 1 || testCount is < 1)
            throw new InputException("subset sizes must be at least 1", "subset size");
        (Network, Width, Method, WeightBits, InputBits, FirstLast) = (Network, width, method, weightBits, inputBits, firstLast);
        (Fp32Epochs, QatEpochs, Seed, Threads, BatchSize, LearningRate, QatLearningRate, TrainCount, TestCount) =
            (fp32Epochs, method is null ? 0 : qatEpochs, seed, threads, batchSize, learningRate, qatLearningRate, trainCount, testCount);
        Options = method is { } m ? new QuantizeOptions(m, weightBits, inputBits, firstLast) : null;
        if (Options is not null)
            NetworkQuantizer.Validate(Options);
    }

    public string Network { get; }
    public double Width { get; }

    /// <summary>The quantisation method of the fine-tuning phase, or null for the fp32 baseline alone.</summary>
    public QuantMethod? Method { get; }
    public int WeightBits { get; }
    public int InputBits { get; }
    public FirstLastFormat FirstLast { get; }
    public int Fp32Epochs { get; }
    public int QatEpochs { get; }
    public long Seed { get; }

    /// <summary>libtorch's intra-op threads, recorded because results are reproducible only at the same count.</summary>
    public int Threads { get; }
    public int BatchSize { get; }
    public double LearningRate { get; }
    public double QatLearningRate { get; }

    /// <summary>Training images used (a balanced cut, first N/classes per class), or null for all.</summary>
    public int? TrainCount { get; }

    /// <summary>Test images scored (a balanced cut), or null for all.</summary>
    public int? TestCount { get; }

    /// <summary>The policy of the fine-tuning phase, null for fp32.</summary>
    public QuantizeOptions? Options { get; }

    public int TotalEpochs => Fp32Epochs + QatEpochs;

    /// <summary>"fp32" or e.g. "pact-w4a2-fp32".</summary>
    public string MethodLabel => Method is { } m ? $"{m.ToString().ToLowerInvariant()}-w{WeightBits}a{InputBits}-{FirstLast}" : "fp32";

    /// <summary>Everything that determines the result, as one line: a run folder holding another configuration is refused.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"{Network} k={Width:0.###} {MethodLabel} fp32-epochs={Fp32Epochs} qat-epochs={QatEpochs} seed={Seed} threads={Threads} batch={BatchSize} lr={LearningRate:R}/{QatLearningRate:R} train={TrainCount?.ToString(CultureInfo.InvariantCulture) ?? "all"} test={TestCount?.ToString(CultureInfo.InvariantCulture) ?? "all"}");

    /// <summary>The key of the fp32 phase alone: configurations that share it share the fp32 weights.</summary>
    public string Fp32Key => string.Create(CultureInfo.InvariantCulture,
        $"{Network} k={Width:0.###} fp32 epochs={Fp32Epochs} seed={Seed} threads={Threads} batch={BatchSize} lr={LearningRate:R} train={TrainCount?.ToString(CultureInfo.InvariantCulture) ?? "all"}");
}
