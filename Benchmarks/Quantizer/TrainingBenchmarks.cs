using BenchmarkDotNet.Attributes;
using HwSim.Quantizer.Data;
using HwSim.Quantizer.Methods;
using HwSim.Quantizer.Pipeline;
using HwSim.Quantizer.Training;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using static TorchSharp.torch;

namespace HwSim.Benchmarks.Quantizer;

/// <summary>
/// Training cost of the accuracy study's networks, reported per training image (one invocation is a pass over the
/// committed 2,000-image Fashion-MNIST subset, batch 64: forward, backward, Adam step; x 10,000 gives the time per
/// 10,000 images, the figure the README quotes), for the fp32 network and the
/// quantisation-aware PACT W4A2 and XNOR-Net W1A1 ones (fp32 first/last), at widths k = 1, 2 and 4 of compact-vgg,
/// with one libtorch thread as the study uses. Slow (seconds to a minute per invocation):
/// <c>dotnet run -c Release --project Benchmarks -- --filter '*TrainingBenchmarks*' --job dry</c> for one measured run each.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private const int Images = 2000;
    private TrainableNetwork _model = null!;
    private Adam _adam = null!;
    private Tensor _x = null!, _y = null!;

    [Params("fp32", "pact-w4a2", "xnor-w1a1")]
    public string Configuration { get; set; } = "fp32";

    [Params(1.0, 2.0, 4.0)]
    public double Width { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        set_num_threads(1);
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "HwSim.sln")))
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("HwSim.sln not found above the benchmark");
        var data = ImageDataset.Load(Path.Combine(root, "data", "fashion-mnist-subset"));
        (_x, _y) = data.Train.Tensors([.. Enumerable.Range(0, Images)]);
        var fp32 = FirstLastFormat.Keep(NumberFormat.Fp32);
        QuantizeOptions? options = Configuration switch
        {
            "pact-w4a2" => new QuantizeOptions(QuantMethod.Pact, 4, 2, fp32),
            "xnor-w1a1" => new QuantizeOptions(QuantMethod.Xnor, 1, 1, fp32),
            _ => null,
        };
        manual_seed(1);
        _model = TrainableNetworks.Create("compact-vgg", Width, options);
        _adam = Trainer.Optimizer(_model);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _adam.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
    }

    [Benchmark(Description = "compact-vgg: train, per image (batch 64, 1 thread)", OperationsPerInvoke = Images)]
    public double TrainPerImage() => Trainer.TrainPass(_model, _adam, _x, _y, 64, 1e-3);
}
