using HwSim.Quantizer.Calibration;
using HwSim.Quantizer.Models;
using HwSim.Quantizer.Onnx;
using HwSim.Workloads;
using Tensor = TorchSharp.torch.Tensor;

namespace HwSim.Cli.Quantize;

/// <summary>Where <c>hwsim quantize</c>'s network and calibration inputs come from.</summary>
internal static class ModelLoader
{
    public static IReadOnlyList<string> TorchVisionNames => TorchVisionNetwork.Names;

    /// <summary>An ONNX file (by extension or because the file exists), else a TorchVision architecture name.</summary>
    public static IQuantizableNetwork Load(string model, long seed, string? weights, int inputSize)
    {
        var isFile = model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(model);
        if (isFile)
        {
            if (weights is not null)
                throw new InputException("an ONNX file carries its own weights; --weights is for TorchVision architectures", "--weights");
            return OnnxNetwork.Load(model);
        }
        // The ResNets, VGG-16 and MobileNetV2 halve the input five times (stride 32): 32 px is the smallest that
        // leaves a 1x1 map (AlexNet needs more; TorchVisionNetwork reports that). 4096 px bounds memory: VGG-16's
        // first activation alone is 64 x 4096 x 4096 floats = 4.3 GB there.
        if (inputSize is < 32 or > 4096)
            throw new InputException($"must be 32 to 4096 pixels, got {inputSize}", "--input-size");
        return TorchVisionNetwork.Create(model, seed, weights, inputSize);
    }

    /// <summary>The calibration batches, materialised once (every pass serves the same inputs).</summary>
    public static CalibrationInputs Calibration(IQuantizableNetwork network, string? folder, int? maxImages, int count, long seed, int batchSize)
    {
        var shape = network.InputShape;
        var imageLike = shape.Count == 3 && shape[0] == 3 && shape[1] == shape[2];
        if (folder is not null)
        {
            if (!imageLike)
                throw new InputException($"images give inputs of [3, S, S]; {network.Name} takes [{string.Join(", ", shape)}]", "--calib");
            var set = CalibrationSet.FromFolder(folder, (int)shape[1], maxImages);
            return new CalibrationInputs([.. set.Batches(batchSize)], false, set.Description);
        }
        if (maxImages is not null)
            throw new InputException("--calib-max limits the images of --calib DIR", "--calib-max");
        // N(0, 1) in the model's own input shape ([3, S, S] for image models).
        var synthetic = CalibrationSet.Synthetic(count, seed, shape);
        return new CalibrationInputs([.. synthetic.Batches(batchSize)], true, synthetic.Description);
    }
}

/// <summary>Calibration batches [N, C, H, W] and where they came from; disposes the tensors.</summary>
internal sealed class CalibrationInputs(List<Tensor> batches, bool isSynthetic, string description) : IDisposable
{
    public IReadOnlyList<Tensor> Batches => batches;

    public bool IsSynthetic => isSynthetic;

    public string Description => description;

    public void Dispose()
    {
        foreach (var b in batches)
            b.Dispose();
    }
}
