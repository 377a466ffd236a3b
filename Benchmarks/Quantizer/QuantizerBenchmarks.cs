using BenchmarkDotNet.Attributes;
using HwSim.Quantizer.Calibration;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Onnx;
using HwSim.Quantizer.Pipeline;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using static TorchSharp.torch;

namespace HwSim.Benchmarks.Quantizer;

/// <summary>
/// The quantizer on the real ResNet18.onnx (CNTK featurizer, 22 convolutions, 2.04 GMAC at 224x224):
/// one fp32 forward pass of the ONNX executor, one with a hook that replaces nothing (the hook's
/// overhead), and a whole post-training quantisation (SAWB W4A4, fp32 first/last, 4 synthetic
/// inputs: 3 forward passes per input plus statistics). libtorch uses every core.
/// Whole runs take seconds: <c>dotnet run -c Release --project Benchmarks -- --filter '*Quantizer*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class QuantizerBenchmarks
{
    private OnnxNetwork _network = null!;
    private Tensor _input = null!;
    private List<Tensor> _batches = null!;

    [GlobalSetup]
    public void Setup()
    {
        _network = OnnxNetwork.Load(Path.Combine(AppContext.BaseDirectory, "Data", "ResNet18.onnx"));
        _input = randn(1, 3, 224, 224);
        _batches = [.. CalibrationSet.Synthetic(4, seed: 0).Batches(4)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _network.Dispose();
        _input.Dispose();
        foreach (var b in _batches) b.Dispose();
    }

    [Benchmark(Description = "ResNet18.onnx forward, batch 1")]
    public float Forward()
    {
        using var _ = no_grad();
        using var output = _network.Forward(_input);
        return output[0, 0].item<float>();
    }

    [Benchmark(Description = "ResNet18.onnx forward with a pass-through hook, batch 1")]
    public float ForwardWithHook()
    {
        using var _ = no_grad();
        using var output = _network.Forward(_input, new PassThrough());
        return output[0, 0].item<float>();
    }

    [Benchmark(Description = "quantize ResNet18.onnx, SAWB W4A4, 4 synthetic inputs")]
    public double Quantize()
    {
        var options = new QuantizeOptions(QuantMethod.Sawb, 4, 4, FirstLastFormat.Keep(NumberFormat.Fp32));
        return NetworkQuantizer.Run(_network, options, _batches, "4 synthetic inputs", synthetic: true).OutputSqnrDb;
    }

    private sealed class PassThrough : HwSim.Quantizer.Models.ILayerHook
    {
        public (Tensor Input, Tensor Weight) Before(int index, HwSim.Quantizer.Models.ComputeLayer layer, Tensor input, Tensor weight) => (input, weight);

        public void After(int index, HwSim.Quantizer.Models.ComputeLayer layer, Tensor output) { }
    }
}
