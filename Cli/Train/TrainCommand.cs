using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Quantizer.Data;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Training;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Precision;

namespace HwSim.Cli.Train;

/// <summary>
/// <c>hwsim train</c>: one training configuration on Fashion-MNIST (or any MNIST-format IDX folder): fp32, then
/// quantisation-aware fine-tuning; writes a checkpoint, per-epoch metrics (CSV and JSON) and the trained network's
/// workload with measured statistics into the run folder. Resumes from the folder's checkpoint.
/// </summary>
public static class TrainCommand
{
    public static readonly Option<string> Data = new("--data")
    {
        Description = "Training data, one of two kinds: the four MNIST-format IDX files present (train-/t10k-images-idx3-ubyte, -labels-idx1-ubyte, optionally .gz) -> IDX; "
            + "otherwise train/ and test/ subfolders -> labelled image folders: DIR/train/<class>/*.png|jpg|jpeg|bmp|webp and DIR/test/<class>/..., "
            + "labels = train's class folder names sorted ordinally (0, 1, ...), pixels grey = PIL's convert(\"L\") (BT.601 luma), no resizing: "
            + $"images square and all the size of the first training image (28x28 for Fashion-MNIST). Default: {ImageDataset.DefaultFolder} (Debian's dataset-fashion-mnist).",
        DefaultValueFactory = _ => ImageDataset.DefaultFolder,
        HelpName = "DIR",
    };

    public static readonly Option<string> Network = new("--network", "-n")
    {
        Description = "compact-vgg or resnet20.",
        DefaultValueFactory = _ => "compact-vgg",
    };

    public static readonly Option<double> Width = new("--width", "-k")
    {
        Description = "Width multiplier k: every channel count c becomes round(c k).",
        DefaultValueFactory = _ => 1.0,
    };

    public static readonly Option<string> Method = new("--method", "-m")
    {
        Description = "fp32 (baseline only), or the fine-tuning method: pact, dorefa, sawb, xnor, ternary, uniform.",
        DefaultValueFactory = _ => "fp32",
    };

    public static readonly Option<int> WeightBits = new("--wbits") { Description = "Weight bits of the inner layers.", DefaultValueFactory = _ => 4 };
    public static readonly Option<int> InputBits = new("--abits") { Description = "Activation bits of the inner layers.", DefaultValueFactory = _ => 4 };

    public static readonly Option<string> FirstLast = new("--first-last")
    {
        Description = "First and last layers: fp32, int8 (uniform) or same (quantised like the rest).",
        DefaultValueFactory = _ => "fp32",
        HelpName = "fp32|int8|same",
    };

    public static readonly Option<int> Epochs = new("--epochs") { Description = "fp32 epochs.", DefaultValueFactory = _ => 10 };
    public static readonly Option<int> QatEpochs = new("--qat-epochs") { Description = "Fine-tuning epochs after the fp32 ones (with a method).", DefaultValueFactory = _ => 5 };
    public static readonly Option<long> Seed = new("--seed") { Description = "Seed of the initial weights and the batch order.", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> Threads = new("--threads") { Description = "libtorch threads (recorded; results repeat exactly only at the same count).", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => 64 };
    public static readonly Option<double> LearningRate = new("--lr") { Description = "Adam learning rate of the fp32 phase (cosine decay to 0).", DefaultValueFactory = _ => 2e-3 };
    public static readonly Option<double> QatLearningRate = new("--qat-lr") { Description = "Adam learning rate of the fine-tuning phase (cosine decay to 0).", DefaultValueFactory = _ => 5e-4 };
    public static readonly Option<int?> TrainCount = new("--train-count") { Description = "Train on a balanced cut of this many images (first N/classes of each class). Default: all.", HelpName = "N" };
    public static readonly Option<int?> TestCount = new("--test-count") { Description = "Score on a balanced cut of this many test images. Default: all.", HelpName = "N" };

    private static readonly Option<string> Run = new("--run", "-r")
    {
        Description = "Run folder: checkpoint.bin, metrics.csv/json, workload.csv, result.json. An existing checkpoint of the same configuration is resumed.",
        Required = true,
        HelpName = "DIR",
    };

    private static readonly Option<string?> DumpTensors = new("--dump-tensors")
    {
        Description = "Also write the trained network's integer tensors (first test image) as .npy files into DIR, as 'hwsim quantize --dump-tensors'.",
        HelpName = "DIR",
    };

    public static Command Create()
    {
        var command = new Command("train",
            "Train one configuration on Fashion-MNIST: fp32, then quantisation-aware fine-tuning (PACT, DoReFa, SAWB, XNOR-Net, TWN, uniform), " +
            "and write the checkpoint, per-epoch metrics and the trained network's workload (with hwsim quantize's measured statistics) to the run folder.");
        foreach (var option in new Option[] { Data, Network, Width, Method, WeightBits, InputBits, FirstLast, Epochs, QatEpochs, Seed, Threads, BatchSize,
                     LearningRate, QatLearningRate, TrainCount, TestCount, Run, DumpTensors })
            command.Add(option);
        command.SetAction(parse => CliContext.Guard(context => Execute(parse, context)));
        return command;
    }

    /// <summary>The configuration the options describe.</summary>
    public static TrainingSpec Spec(ParseResult parse)
    {
        var methodText = parse.GetValue(Method)!.Trim();
        QuantMethod? method = methodText.Equals("fp32", StringComparison.OrdinalIgnoreCase) ? null
            : QuantMethodNames.TryParse(methodText, out var m) ? m
            : throw new InputException($"must be fp32 or one of {string.Join(", ", QuantMethodNames.All)}, got '{methodText}'", "--method");
        var firstLast = FirstLastFormat.Parse(parse.GetValue(FirstLast)!);
        if (firstLast.Format is { } f && f != Workloads.Formats.NumberFormat.Fp32 && f != Workloads.Formats.NumberFormat.Int(8))
            throw new InputException($"training keeps the first and last layers at fp32 or int8, or quantises them the same; got {firstLast}", "--first-last");
        return new TrainingSpec(parse.GetValue(Network)!, parse.GetValue(Width), method, parse.GetValue(WeightBits), parse.GetValue(InputBits), firstLast,
            parse.GetValue(Epochs), parse.GetValue(QatEpochs), parse.GetValue(Seed), parse.GetValue(Threads), parse.GetValue(BatchSize),
            parse.GetValue(LearningRate), parse.GetValue(QatLearningRate), parse.GetValue(TrainCount), parse.GetValue(TestCount));
    }

    private static int Execute(ParseResult parse, CliContext context)
    {
        var spec = Spec(parse);
        var folder = parse.GetValue(Run)!;
        var dataFolder = parse.GetValue(Data)!;
        var data = ImageDataset.Open(dataFolder);
        context.Progress($"train: {spec.Key}, data {dataFolder}");
        var last = DateTime.MinValue;
        var dump = parse.GetValue(DumpTensors);
        if (dump is not null && File.Exists(dump))
            throw new InputException("is a file; --dump-tensors needs a folder", "--dump-tensors").At(dump);
        var result = Trainer.Run(spec, data, folder, new TrainRunOptions(DumpFolder: dump, Progress: p =>
        {
            if (DateTime.UtcNow - last < TimeSpan.FromSeconds(2) && p.Batch != p.Batches)
                return;
            last = DateTime.UtcNow;
            context.Progress(string.Create(CultureInfo.InvariantCulture,
                $"train: {p.Phase} epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:0.0000} acc {p.Accuracy:P1} ETA {ProgressDisplay.Duration(p.Eta.TotalSeconds)}"));
        }))!;
        TrainOutputs.Write(folder, result);
        if (dump is not null)
            context.Progress($"train: tensors of the first test image in {dump}");
        foreach (var m in result.Metrics)
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Phase,-5} epoch {m.Epoch,3}  loss {m.Loss:0.0000}  train {m.TrainAccuracy:P2}  test {m.TestAccuracy:P2}  {m.Seconds:0.0} s"));
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{spec.MethodLabel} {spec.Network} k={spec.Width:0.###}: test accuracy {result.TestAccuracy:P2} on {result.TestImages} images; run folder {folder}"));
        return HwSimApp.ExitOk;
    }
}

/// <summary>The files a finished run leaves in its folder besides the checkpoint.</summary>
public static class TrainOutputs
{
    public static void Write(string folder, TrainingResult result)
    {
        AtomicFile.Write(Path.Combine(folder, "metrics.csv"), w =>
        {
            w.WriteLine("phase,epoch,loss,train_accuracy,test_accuracy,seconds");
            foreach (var m in result.Metrics)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Phase},{m.Epoch},{m.Loss:R},{m.TrainAccuracy:R},{m.TestAccuracy:R},{m.Seconds:0.###}"));
        });
        AtomicFile.Write(Path.Combine(folder, "workload.csv"), w => WorkloadCsv.Write(result.Quantization.Workload, w));
        AtomicFile.Write(Path.Combine(folder, "result.json"), w => w.WriteLine(OutputOptions.Serialize(new TrainResultJson(
            result.Spec.Key,
            result.Spec.Network,
            result.Spec.Width,
            result.Spec.Method?.ToString().ToLowerInvariant() ?? "fp32",
            result.Spec.Method is null ? 32 : result.Spec.WeightBits,
            result.Spec.Method is null ? 32 : result.Spec.InputBits,
            result.Spec.Method is null ? "fp32" : result.Spec.FirstLast.ToString(),
            result.Spec.Seed,
            result.Spec.Threads,
            result.Spec.TotalEpochs,
            result.TrainImages,
            result.TestImages,
            result.TestAccuracy,
            result.TrainSeconds,
            result.Metrics))));
    }
}

/// <summary>The JSON shape of a finished run's <c>result.json</c> (snake_case keys); the bits are 32 for fp32.</summary>
internal sealed record TrainResultJson(string Key, string Network, double Width, string Method, int Wbits, int Abits, string FirstLast, long Seed,
    int Threads, int Epochs, int TrainImages, int TestImages, double TestAccuracy, double TrainSeconds, IReadOnlyList<EpochMetrics> Metrics);
