using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HwSim.Cli.Common;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Pipeline;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Precision;
using Spectre.Console;

namespace HwSim.Cli.Quantize;

/// <summary>
/// <c>hwsim quantize</c>: a real model (ONNX file with weights, or a TorchVision architecture) in, a
/// low-bit workload out, with the formats the policy chose and the statistics of the real quantised
/// values (clip values, sparsity, non-zero bits, SQNR against fp32). libtorch is loaded only here.
/// </summary>
public static class QuantizeCommand
{
    private static readonly Argument<string> Model = new("model")
    {
        Description = "An ONNX file with weights (.onnx), or a TorchVision architecture: " + string.Join(", ", ModelLoader.TorchVisionNames) + ".",
    };

    private static readonly Option<string> Method = new("--method", "-m")
    {
        Description = "pact (PACT activations, DoReFa weights), dorefa, sawb (SAWB weights, PACT activations), xnor (binary weights; binary activations at 1 bit), ternary (TWN weights), uniform (int baseline).",
        HelpName = "pact|dorefa|sawb|xnor|ternary|uniform",
        DefaultValueFactory = _ => "pact",
    };

    private static readonly Option<int> WeightBits = new("--wbits")
    {
        Description = "Weight bits of the inner layers (xnor: 1; ternary: 2; sawb: 2, 3, 4, 5 or 8).",
        DefaultValueFactory = _ => 4,
        HelpName = "B",
    };

    private static readonly Option<int> InputBits = new("--abits")
    {
        Description = "Activation bits of the inner layers.",
        DefaultValueFactory = _ => 4,
        HelpName = "B",
    };

    private static readonly Option<string> FirstLast = new("--first-last")
    {
        Description = "Format of the first and last layers: fp32 (PACT/DoReFa/XNOR-Net convention), fp16, bf16, int8 (PACT+SAWB), int16, or same (quantised like the rest).",
        DefaultValueFactory = _ => "fp32",
        HelpName = "fp32|fp16|bf16|int8|int16|same",
    };

    private static readonly Option<string?> Overrides = new("--overrides")
    {
        Description = "YAML file of per-layer exceptions: 'name-or-glob: fp32|fp16|bf16|int8|int16' or 'name-or-glob: {method: M, wbits: B, abits: B}', applied in file order.",
        HelpName = "FILE",
    };

    private static readonly Option<string?> Calib = new("--calib")
    {
        Description = "Folder of calibration images (jpg, png, bmp, webp), resized and normalised the ImageNet way (shorter side 256, centre crop 224).",
        HelpName = "DIR",
    };

    private static readonly Option<int?> CalibSynthetic = new("--calib-synthetic")
    {
        Description = "Without --calib: this many synthetic inputs (seeded normal noise; activation statistics are then synthetic, and the output says so). Default 8.",
        HelpName = "N",
    };

    private static readonly Option<int?> CalibMax = new("--calib-max")
    {
        Description = "With --calib: use at most this many images (the first N by file name).",
        HelpName = "N",
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = "Inputs per forward pass (memory grows with it).",
        DefaultValueFactory = _ => 4,
        HelpName = "N",
    };

    private static readonly Option<long> Seed = new("--seed")
    {
        Description = "Seed of TorchVision's random weights and of the synthetic inputs.",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<string?> Weights = new("--weights")
    {
        Description = "For a TorchVision architecture: weights saved with TorchSharp (module.save), instead of seeded random ones.",
        HelpName = "FILE",
    };

    // The same meaning as every other verb's --input-size (height x width); TorchVision models here take square inputs.
    private static readonly Option<string> InputSize = new("--input-size")
    {
        Description = "For a TorchVision architecture: input height x width, square (e.g. 224x224, or 224); ONNX files use their declared input.",
        DefaultValueFactory = _ => "224",
        HelpName = "HxW",
    };

    private static readonly Option<string?> DumpTensors = new("--dump-tensors")
    {
        Description = "Write each quantised layer's integer weights, the first input's integer activations and their integer outputs as .npy files (with manifest.json) into DIR, for 'hwsim simulate --reference --tensors DIR'.",
        HelpName = "DIR",
    };

    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("quantize",
            "Quantize a real model (ONNX with weights, or a TorchVision architecture) with PACT, DoReFa, SAWB, XNOR-Net, TWN or uniform quantizers, " +
            "post-training on calibration inputs, and write the low-bit workload with measured statistics (w_alpha, a_alpha, sparsity, non-zero bits, SQNR vs fp32).\n" +
            "-o FILE always writes the workload CSV (for simulate, energy, compare); --format chooses what standard output shows.")
        {
            Model,
        };
        foreach (var option in new Option[] { Method, WeightBits, InputBits, FirstLast, Overrides, Calib, CalibSynthetic, CalibMax, BatchSize, Seed, Weights, InputSize, DumpTensors })
            command.Add(option);
        Output.AddTo(command);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var method = ParseMethod(parse.GetValue(Method)!);
        var overrides = parse.GetValue(Overrides) is { } overridesFile ? LayerOverrides.Read(overridesFile) : null;
        var options = new QuantizeOptions(method, parse.GetValue(WeightBits), parse.GetValue(InputBits),
            FirstLastFormat.Parse(parse.GetValue(FirstLast)!), overrides);
        var batchSize = parse.GetValue(BatchSize);
        if (batchSize < 1)
            throw new InputException($"must be 1 or more, got {batchSize}", "--batch-size");
        var calibFolder = parse.GetValue(Calib);
        var synthetic = parse.GetValue(CalibSynthetic);
        if (calibFolder is not null && synthetic is not null)
            throw new InputException("give either --calib DIR or --calib-synthetic N, not both", "--calib-synthetic");
        if (synthetic is < 1)
            throw new InputException($"must be 1 or more, got {synthetic}", "--calib-synthetic");
        var output = parse.GetValue(Output.File);
        var dump = parse.GetValue(DumpTensors);
        // Checked before the run as well (a missing folder, a read-only file, a directory): AtomicFile.Write would find out only after minutes of quantising.
        if (output is not null)
            _ = OutputTarget.Resolve(output);

        if (dump is not null)
        {
            var full = Path.GetFullPath(dump);
            if (File.Exists(full))
                throw new InputException("is a file; --dump-tensors needs a folder", "--dump-tensors").At(dump);
            if (!Directory.Exists(Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar))))
                throw new InputException("cannot write the tensors: the folder's parent does not exist", "--dump-tensors").At(dump);
        }
        NetworkQuantizer.Validate(options);
        var modelName = parse.GetValue(Model)!;
        context.Progress($"quantize: loading {modelName} (libtorch)");
        using var network = ModelLoader.Load(modelName, parse.GetValue(Seed), parse.GetValue(Weights), SquareInputSize(parse.GetValue(InputSize)!));
        using var inputs = ModelLoader.Calibration(network, calibFolder, parse.GetValue(CalibMax), synthetic ?? 8, parse.GetValue(Seed), batchSize);
        if (inputs.IsSynthetic)
            context.Warn($"activation statistics come from {inputs.Description}, not real data; give --calib DIR for real images");
        context.Progress($"quantize: {network.Name}, {network.Layers.Count} layers, {options}, calibration: {inputs.Description}");

        QuantizationResult? result = null;
        var done = 0L;
        var total = 2L * inputs.Batches.Count * network.Layers.Count;
        Exception? failure = null;
        var worker = Task.Run(() =>
        {
            try
            {
                result = NetworkQuantizer.Run(network, options, inputs.Batches, inputs.Description, inputs.IsSynthetic, dump,
                    p => Interlocked.Exchange(ref done, p.Stage == "calibrate" ? p.Step : p.Steps + p.Step));
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        ProgressDisplay.Show(context, $"quantize {network.Name}", (int)total, () => Interlocked.Read(ref done), timeout => worker.Wait(timeout), "layer passes");
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        var r = result!;
        context.Progress(string.Create(CultureInfo.InvariantCulture, $"quantize: {r.Inputs} inputs through {network.Layers.Count} layers in {r.Elapsed.TotalSeconds:0.0} s") +
            (dump is not null ? $"; tensors in {dump}" : ""));
        if (r.NotDumped is { Count: > 0 } notDumped)
            context.Progress($"quantize: no tensors for {string.Join(", ", notDumped)} (a product of two computed tensors, or a fully connected layer over several rows per input)");

        if (output is not null)
        {
            AtomicFile.Write(output, writer => WorkloadCsv.Write(r.Workload, writer));
            context.Progress($"quantize: workload written to {output}");
        }
        switch (parse.GetValue(Output.Format))
        {
            case OutputFormat.Csv:
                if (output is null)
                    WorkloadCsv.Write(r.Workload, context.Output);
                else
                    context.Output.WriteLine(output);
                break;
            case OutputFormat.Json:
                context.Output.WriteLine(OutputOptions.Serialize(QuantizeJson.From(r)));
                break;
            default:
                QuantizeTable.Write(context.ConsoleOn(context.Output), r);
                break;
        }
        return HwSimApp.ExitOk;
    }

    private static QuantMethod ParseMethod(string text) =>
        QuantMethodNames.TryParse(text, out var m) ? m
            : throw new InputException($"must be one of {string.Join(", ", QuantMethodNames.All)}, got '{text}'", "--method");

    private static int SquareInputSize(string text)
    {
        var (height, width) = WorkloadOptions.ParseInputSize(text);
        return height == width ? height
            : throw new InputException($"TorchVision architectures here take square inputs, got {height}x{width}", "--input-size");
    }
}
