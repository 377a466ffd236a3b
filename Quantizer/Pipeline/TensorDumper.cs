using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Models;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Tensors;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Pipeline;

/// <summary>
/// Writes <c>--dump-tensors DIR</c>: per quantised layer, the weight codes, the first calibration
/// input's activation codes at that layer (inside the quantised network, so earlier layers'
/// quantisation is in them) and the integer accumulator outputs of those codes, computed here in
/// float64 by libtorch (exact: every partial sum of int16 x int16 codes over a layer is far below 2^53).
/// <c>hwsim simulate --reference --tensors DIR</c> runs the same codes through the cycle-stepped
/// engine and checks its outputs against these. See <see cref="TensorDump"/> for the layout.
/// </summary>
internal sealed class TensorDumper(string network, string method)
{
    private readonly Dictionary<int, Captured> _layers = [];

    private sealed record Captured(NpyArray Weights, NpyArray Input, NpyArray Output, double[] WeightScale, double[] WeightZeroPoint, double InputScale, double InputZeroPoint, string WeightFormat, string InputFormat);

    /// <summary>Layers that have codes but no dump: fully connected layers over several rows per input (e.g. a MatMul on [N, T, K]).</summary>
    public List<string> Skipped { get; } = [];

    public void Capture(int index, ComputeLayer layer, QuantizedTensor input, QuantizedTensor weights)
    {
        if (_layers.ContainsKey(index))
            return;
        if (layer.Shape.Kind == LayerKind.FullyConnected && layer.Shape.Batch > 1)
        {
            // Its rows are the batch of the shape; the simulator's operands for it would be all rows of one input.
            Skipped.Add(layer.Name);
            return;
        }
        using var scope = NewDisposeScope();
        var x = input.Codes.narrow(0, 0, 1).to(ScalarType.Int64).contiguous();
        var w = weights.Codes.to(ScalarType.Int64).contiguous();
        var s = layer.Shape;
        if (x.numel() != s.InputElements / s.Batch || w.numel() != s.WeightElements)
            throw new InvalidOperationException($"layer '{layer.Name}': the hook saw {x.numel()} inputs and {w.numel()} weights, its traced shape has {s.InputElements / s.Batch} and {s.WeightElements}");
        var output = Accumulate(s, x.to(ScalarType.Float64), w.to(ScalarType.Float64));
        var rounded = output.round();
        if (!rounded.eq(output).all().item<bool>())
            throw new InvalidOperationException($"layer '{layer.Name}': integer accumulation in float64 was not exact");
        _layers[index] = new Captured(ToNpy(w), ToNpy(x), ToNpy(rounded.to(ScalarType.Int64).contiguous()),
            Doubles(weights.Scale), Doubles(weights.ZeroPoint), Doubles(input.Scale).Single(), Doubles(input.ZeroPoint).Single(),
            weights.Format.Name, input.Format.Name);
    }

    /// <summary>Convolution (or matrix product) of codes, zero-padded as the simulator's reference convolution pads.</summary>
    private static Tensor Accumulate(LayerShape s, Tensor x, Tensor w)
    {
        if (s.Kind == LayerKind.FullyConnected)
            return x.reshape(1, -1).matmul(w.reshape(s.Filters, -1).t());
        var padded = nn.functional.pad(x.reshape(1, s.Channels, s.Height, s.Width), [s.Padding.Left, s.Padding.Right, s.Padding.Top, s.Padding.Bottom]);
        return nn.functional.conv2d(padded, w.reshape(s.Filters, s.Channels / s.Groups, s.KernelHeight, s.KernelWidth),
            strides: [s.StrideH, s.StrideW], dilation: [s.DilationH, s.DilationW], groups: s.Groups);
    }

    private static NpyArray ToNpy(Tensor t) => new(t.shape, t.data<long>().ToArray());

    private static double[] Doubles(Tensor t)
    {
        using var d = t.to(ScalarType.Float64).reshape(-1).contiguous();
        return d.data<double>().ToArray();
    }

    /// <summary>
    /// Writes everything into a fresh sibling folder first and moves the files in at the end, manifest
    /// last, so an interrupted run never leaves a manifest that names missing or partial files.
    /// </summary>
    /// <summary>Whether layer <paramref name="index"/>'s codes were captured.</summary>
    public bool Has(int index) => _layers.ContainsKey(index);

    public void Write(string folder, IReadOnlyList<(ComputeLayer Layer, LayerState State)> layers)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
            throw new InputException("is a file, not a folder", "tensor dump folder").At(full);
        var staging = full.TrimEnd(Path.DirectorySeparatorChar) + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            WriteStaged(full, staging, layers);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot write the tensors: {e.Message}", "tensor dump folder").At(full);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    private void WriteStaged(string full, string staging, IReadOnlyList<(ComputeLayer Layer, LayerState State)> layers)
    {
        Directory.CreateDirectory(staging);
        var entries = new List<TensorDumpLayer>();
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < layers.Count; i++)
        {
            if (!_layers.TryGetValue(i, out var c))
                continue;
            // Names that differ only in characters a file name cannot hold ("a/b", "a_b") get their own files.
            var baseStem = TensorDump.FileStem(layers[i].Layer.Name);
            var stem = baseStem;
            for (var n = 2; !stems.Add(stem); n++)
                stem = $"{baseStem}_{n}";
            var (weightFile, inputFile, outputFile) = ($"{stem}.weight.npy", $"{stem}.input.npy", $"{stem}.output.npy");
            c.Weights.Write(Path.Combine(staging, weightFile));
            c.Input.Write(Path.Combine(staging, inputFile));
            c.Output.Write(Path.Combine(staging, outputFile));
            entries.Add(new TensorDumpLayer(layers[i].Layer.Name, c.WeightFormat, c.InputFormat, weightFile, inputFile, outputFile,
                c.WeightScale, c.WeightZeroPoint, c.InputScale, c.InputZeroPoint));
        }
        var dump = new TensorDump(network, method, "calibration input 0", entries);
        dump.WriteManifest(staging);
        Directory.CreateDirectory(full);
        var stale = Path.Combine(full, TensorDump.ManifestName);
        if (File.Exists(stale))
            File.Delete(stale);
        foreach (var file in Directory.GetFiles(staging).Where(f => Path.GetFileName(f) != TensorDump.ManifestName))
            File.Move(file, Path.Combine(full, Path.GetFileName(file)), overwrite: true);
        File.Move(Path.Combine(staging, TensorDump.ManifestName), stale, overwrite: true);
    }
}
