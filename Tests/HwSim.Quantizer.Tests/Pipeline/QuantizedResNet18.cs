using HwSim.Simulator.Reference;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Tensors;
using NUnit.Framework;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Pipeline;

/// <summary>
/// The real ResNet-18 (ImageNet weights, Data/ResNet18.onnx) quantised PACT W4A4 by <c>hwsim quantize</c> on one
/// synthetic input with its tensors dumped, made once per test run and read by every test of Simulator/README.md
/// §8's figures (the quantization is most of their time). TorchSharp on one thread is deterministic, so every
/// reader sees the same codes it would have made itself.
/// </summary>
internal static class QuantizedResNet18
{
    // ResNet-18's layer3.1.conv2 (14x14 pixels, 256 x 3x3 x 256): the layer whose reference runs §8 quotes.
    public const string Layer3_1_Conv2 = "Convolution341";

    private static readonly Lazy<Run> Shared = new(Quantize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The quantised network and its dumped tensors (made on first use).</summary>
    public static Run Get() => Shared.Value;

    /// <summary>The quantizer's workload and the folder of its dumped tensors.</summary>
    public sealed record Run(Workload Workload, string Tensors)
    {
        /// <summary>The inner layers (integer inputs; the fp32 first and last layers left out).</summary>
        public IReadOnlyList<LayerWorkload> Inner => [.. Workload.Layers.Where(l => !l.Precision.Input.IsFloat)];

        /// <summary>A layer's dumped input and weight codes, for the reference engine, and the quantizer's outputs.</summary>
        public (LayerWorkload Layer, ReferenceData Data, long[]? Outputs) Codes(string name)
        {
            var layer = Workload.Layers.Single(l => l.Name == name);
            var entry = TensorDump.Read(Tensors).Find(name) ?? throw new InvalidOperationException($"no tensors dumped for {name}");
            var data = new ReferenceData(layer, NpyArray.Read(Path.Combine(Tensors, entry.InputFile)).Values, NpyArray.Read(Path.Combine(Tensors, entry.WeightFile)).Values);
            return (layer, data, entry.OutputFile is null ? null : NpyArray.Read(Path.Combine(Tensors, entry.OutputFile)).Values);
        }
    }

    private static TempDir? _dir;

    /// <summary>Removes the files, once every fixture of this namespace has run (<see cref="PipelineFixtures"/>).</summary>
    internal static void Remove() => _dir?.Dispose();

    private static Run Quantize()
    {
        set_num_threads(1);
        // Kept until every fixture of the namespace has run: several read it.
        var dir = _dir = new TempDir();
        var (csv, tensors) = (Path.Combine(dir.Path, "r18.csv"), Path.Combine(dir.Path, "tensors"));
        var onnx = Path.Combine(AppContext.BaseDirectory, "Data", "ResNet18.onnx");
        var run = CliRunner.Run("quantize", onnx, "--calib-synthetic", "1", "--batch-size", "1", "--dump-tensors", tensors, "-o", csv, "-q");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return new Run(WorkloadCsv.Read(csv), tensors);
    }
}

/// <summary>Runs after every fixture of this namespace: the shared quantised network's files go.</summary>
[SetUpFixture]
public sealed class PipelineFixtures
{
    [OneTimeTearDown]
    public void RemoveSharedFiles() => QuantizedResNet18.Remove();
}
