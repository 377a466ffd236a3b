using System.CommandLine;
using System.Globalization;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Transforms;

namespace HwSim.Cli.Common;

/// <summary>
/// The workload argument and the precision policy options that every verb taking a workload
/// shares, so they read and behave the same everywhere.
/// </summary>
public sealed class WorkloadOptions
{
    public Argument<string> Source { get; } = new("workload")
    {
        Description = "A built-in network (see 'hwsim networks'), a CSV file (HwSim's workload CSV or a SCALE-Sim topology) or an ONNX model.",
    };

    public Option<int?> WeightBits { get; } = new("--wbits")
    {
        Description = "Weight bits of the inner layers, 1..32 (1 = binary +/-1 for XNOR arrays; otherwise signed integers). Default: keep the workload's formats.",
        HelpName = "BITS",
    };

    public Option<int?> InputBits { get; } = new("--abits")
    {
        Description = "Activation bits of the inner layers, 1..32 (1 = binary +/-1; otherwise unsigned, as after ReLU/PACT). Default: keep the workload's formats.",
        HelpName = "BITS",
    };

    public Option<string> WeightKind { get; } = new("--wformat")
    {
        Description = "Weight number kind with --wbits: int (two's complement) or ternary (TWN, needs --wbits 2).",
        DefaultValueFactory = _ => "int",
    };

    public Option<string?> FirstLast { get; } = new("--first-last")
    {
        Description = "Format of the first and last layers: fp32, fp16, bf16, int8, int16 or same (as the inner layers). Default with --wbits/--abits: fp32, the convention of PACT, DoReFa and XNOR-Net.",
        HelpName = "FORMAT",
    };

    public Option<bool> RealDownsample { get; } = new("--real-downsample")
    {
        Description = "Keep 1x1 shortcut (downsample) convolutions at the first/last format, as Bi-Real Net counts them.",
    };

    public Option<string?> InputSize { get; } = new("--input-size")
    {
        Description = "ONNX only: input height x width (e.g. 224x224, or 224 for a square); overrides the model's, required when the model leaves them symbolic.",
        HelpName = "HxW",
    };

    public Option<int?> Batch { get; } = new("--batch")
    {
        Description = "Batch size: every convolution and fully connected layer takes N inputs (an ONNX model's batch is overridden; a symbolic one is 1 unless given). 'Per inference' figures divide by it.",
        HelpName = "N",
    };

    /// <summary>
    /// The options of a verb that studies a network at fixed inner bits (first-last, report): the
    /// workload may be left out (<paramref name="network"/>), and --wbits/--abits have defaults.
    /// </summary>
    public static WorkloadOptions Study(string network, int weightBits, int inputBits)
    {
        var options = new WorkloadOptions();
        options.Source.Arity = ArgumentArity.ZeroOrOne;
        options.Source.DefaultValueFactory = _ => network;
        options.Source.Description += $" Default: {network}.";
        options.WeightBits.DefaultValueFactory = _ => weightBits;
        options.WeightBits.Description = $"Weight bits of the inner layers, 1..32 (1 = binary +/-1; otherwise signed integers). Default: {weightBits}.";
        options.InputBits.DefaultValueFactory = _ => inputBits;
        options.InputBits.Description = $"Activation bits of the inner layers, 1..32 (1 = binary +/-1; otherwise unsigned, as after ReLU/PACT). Default: {inputBits}.";
        return options;
    }

    /// <param name="firstLast">Whether the verb applies one first/last format (a verb comparing several has its own option).</param>
    public void AddTo(Command command, bool firstLast = true)
    {
        command.Add(Source);
        command.Add(WeightBits);
        command.Add(InputBits);
        command.Add(WeightKind);
        if (firstLast)
            command.Add(FirstLast);
        command.Add(RealDownsample);
        command.Add(InputSize);
        command.Add(Batch);
    }

    /// <summary>Loads the workload and applies the precision policy the options describe, if any.</summary>
    public (Workload Workload, PrecisionPolicy? Policy) Load(ParseResult parse)
    {
        var policy = Policy(parse);
        var workload = LoadSource(parse);
        return (policy?.Apply(workload) ?? workload, policy);
    }

    /// <summary>The workload as given (its own formats) with --input-size and --batch applied, for verbs that apply several policies to it.</summary>
    public Workload LoadSource(ParseResult parse) => LoadBatched(parse.GetValue(Source)!, parse.GetValue(InputSize), parse.GetValue(Batch));

    /// <summary>
    /// A workload with --input-size and --batch applied: an ONNX model's reader takes both; any
    /// other workload (a built-in network, a CSV file) is re-batched and refuses --input-size.
    /// Library errors about the batch or the input size name the options that set them.
    /// </summary>
    internal static Workload LoadBatched(string source, string? inputSize, int? batch)
    {
        var options = ParseOnnx(inputSize, batch);
        var onnx = Path.GetExtension(source).Equals(".onnx", StringComparison.OrdinalIgnoreCase);
        if (!onnx && inputSize is not null)
            throw new InputException("applies to ONNX models only (built-in networks and CSV workloads have their sizes in them)", "--input-size");
        try
        {
            var workload = WorkloadSource.Load(source, options);
            return onnx || batch is not { } n ? workload : Batching.Apply(workload, n);
        }
        catch (InputException e) when (e.Field is "batch" or "height" or "width")
        {
            throw new InputException(e.Rule, e.Field == "batch" ? "--batch" : "--input-size", e.File, e.Location, e);
        }
    }

    /// <summary>The precision policy, or null when no precision option was given.</summary>
    public PrecisionPolicy? Policy(ParseResult parse)
    {
        var wbits = parse.GetValue(WeightBits);
        var abits = parse.GetValue(InputBits);
        var firstLastText = parse.GetValue(FirstLast);
        var kind = parse.GetValue(WeightKind)!.Trim().ToLowerInvariant();
        if (kind is not ("int" or "ternary"))
            throw new InputException($"must be int or ternary, got '{kind}'", "--wformat");
        var realDownsample = parse.GetValue(RealDownsample);
        if (wbits is null && abits is null && firstLastText is null)
        {
            if (kind == "ternary")
                throw new InputException("--wformat ternary needs --wbits 2", "--wformat");
            return realDownsample ? throw new InputException("--real-downsample needs --wbits/--abits or --first-last", "--real-downsample") : null;
        }
        if ((wbits is null) != (abits is null))
            throw new InputException("give both --wbits and --abits (the inner layers' weight and activation bits)", wbits is null ? "--wbits" : "--abits");
        var firstLast = firstLastText is null ? FirstLastFormat.Keep(Workloads.Formats.NumberFormat.Fp32) : FirstLastFormat.Parse(firstLastText);
        if (wbits is null)
            return new PrecisionPolicy(null, null, firstLast, realDownsample);
        return PrecisionPolicy.FromBits(wbits.Value, abits!.Value, firstLast, kind == "ternary", realDownsample);
    }

    /// <summary>The ONNX overrides as every verb reads them: an input size (<see cref="ParseInputSize"/>) and a batch of at least 1.</summary>
    internal static OnnxReadOptions ParseOnnx(string? inputSize, int? batch)
    {
        var size = inputSize is null ? ((int, int)?)null : ParseInputSize(inputSize);
        if (batch is < 1)
            throw new InputException($"must be at least 1, got {batch}", "--batch");
        return new OnnxReadOptions(batch, size?.Item1, size?.Item2);
    }

    /// <summary>
    /// --input-size, one meaning for every verb: the input's height and width, "HxW" (224x224) or
    /// "S" for a square S x S (224).
    /// </summary>
    internal static (int Height, int Width) ParseInputSize(string size)
    {
        var parts = size.ToLowerInvariant().Split('x', ',');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var w) && h >= 1 && w >= 1)
            return (h, w);
        throw new InputException($"must be HEIGHTxWIDTH with positive whole numbers (e.g. 224x224), or one number for a square input, got '{size}'", "--input-size");
    }
}
