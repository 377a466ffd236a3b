using System.Text.Json;
using System.Text.Json.Serialization;

namespace HwSim.Workloads.Tensors;

/// <summary>
/// A folder of real integer operands per layer, written by <c>hwsim quantize --dump-tensors DIR</c>
/// and read by <c>hwsim simulate --reference --tensors DIR</c>: for each quantised layer the weight
/// codes [K, C/g, R, S], one calibration input's activation codes [1, C, H, W] and the integer
/// accumulator outputs [1, K, P, Q] that those codes give (computed by the quantizer with libtorch, so
/// the simulator's own output can be checked against an independent computation).
/// <c>manifest.json</c> lists the layers, their files, formats, and the scales and zero points that
/// turn codes back into real values.
/// </summary>
public sealed record TensorDump(string Network, string Method, string Input, IReadOnlyList<TensorDumpLayer> Layers)
{
    public const string ManifestName = "manifest.json";

    /// <summary>The folder the dump was read from (file names in <see cref="Layers"/> are relative to it); empty before writing.</summary>
    [JsonIgnore]
    public string Folder { get; init; } = "";


    /// <summary>File name stem for a layer: its name with anything but letters, digits, '.', '-' and '_' replaced by '_'.</summary>
    public static string FileStem(string layerName) =>
        new([.. layerName.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_' ? ch : '_')]);

    /// <summary>Writes manifest.json into <paramref name="folder"/> (atomically; the .npy files are written by the caller).</summary>
    public void WriteManifest(string folder)
    {
        var path = Path.Combine(folder, ManifestName);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, JsonSerializer.Serialize(this, TensorDumpJson.Default.TensorDump) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    public static TensorDump Read(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException("folder not found (a tensor dump is written by the quantizer)", "tensors").At(folder);
        var path = Path.Combine(folder, ManifestName);
        var text = InputFiles.ReadAllText(path);
        TensorDump? dump;
        try
        {
            dump = JsonSerializer.Deserialize(text, TensorDumpJson.Default.TensorDump);
        }
        catch (JsonException e)
        {
            throw new InputException($"not a tensor manifest: {e.Message}", "manifest").At(path, e.LineNumber is { } line ? $"line {line + 1}" : null);
        }
        if (dump?.Layers is null)
            throw new InputException("not a tensor manifest: no 'layers' list", "layers").At(path);
        for (var i = 0; i < dump.Layers.Count; i++)
        {
            var l = dump.Layers[i];
            var where = $"layers[{i}]";
            if (l is null || string.IsNullOrWhiteSpace(l.Name))
                throw new InputException("each layer needs a name", $"{where}.name").At(path);
            foreach (var (field, value) in new[] { ("weight_format", l.WeightFormat), ("input_format", l.InputFormat), ("weight_file", l.WeightFile), ("input_file", l.InputFile) })
                if (string.IsNullOrWhiteSpace(value))
                    throw new InputException($"layer '{l.Name}' has no {field}", $"{where}.{field}").At(path);
            // Files live in the dump's folder: a path elsewhere is refused rather than read.
            foreach (var (field, value) in new[] { ("weight_file", l.WeightFile), ("input_file", l.InputFile), ("output_file", l.OutputFile) })
                if (value is not null && (Path.IsPathRooted(value) || value.Contains('/') || value.Contains('\\')))
                    throw new InputException($"'{value}' must be a file name in the manifest's folder", $"{where}.{field}").At(path);
        }
        return dump with { Folder = folder };
    }

    /// <summary>The entry of <paramref name="layer"/>, or null when the dump has none (e.g. a layer kept at fp32).</summary>
    public TensorDumpLayer? Find(string layer) => Layers.FirstOrDefault(l => l.Name == layer);
}

/// <summary>One layer of a <see cref="TensorDump"/>; file names are relative to the folder.</summary>
public sealed record TensorDumpLayer(
    string Name,
    string WeightFormat,
    string InputFormat,
    string WeightFile,
    string InputFile,
    string? OutputFile,
    double[] WeightScale,
    double[] WeightZeroPoint,
    double InputScale,
    double InputZeroPoint);

/// <summary>
/// manifest.json's shape (snake_case keys, indented, nulls left out), serialised by generated code: no
/// reflection, which the CLI's native (AOT) build does not have.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TensorDump))]
internal sealed partial class TensorDumpJson : JsonSerializerContext;
