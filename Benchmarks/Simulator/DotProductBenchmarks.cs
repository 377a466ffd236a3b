using BenchmarkDotNet.Attributes;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.DotProduct;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Benchmarks.Simulator;

/// <summary>
/// The dot-product kind's engines: the reference engine's PE-cycles (and lane-products) per
/// second on a small layer, and the fast engine on dadn-like, whose one-window folds make many
/// folds per layer (AlexNet's convolutions: 3,025 folds for conv1 alone).
/// </summary>
[MemoryDiagnoser]
public class DotProductBenchmarks
{
    private ArchitectureSpec _array = null!;
    private LayerWorkload _small = null!;
    private ReferenceData _smallData = null!;
    private ArchitectureSpec _dadn = null!;
    private List<LayerWorkload> _alexnetConvs = null!;

    /// <summary>PE-cycles the reference engine steps in <see cref="ReferenceSmallLayer"/>: cycles x PEs of the 16x16 unit.</summary>
    public long ReferencePeCycles { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var lowbit = Presets.Get(Presets.Default);
        _array = new ArchitectureSpec("dotproduct-16x16", 500, lowbit.Dram, lowbit.Buffers, [new DotProductUnitSpec("array", 16, 16, 16, NumberFormat.Int(16))]);
        _small = new LayerWorkload("small", LayerShape.Conv(32, 14, 14, 32, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(8), 288));
        _smallData = ReferenceData.Random(_small, 1);
        _dadn = Presets.Get("dadn-like");
        _alexnetConvs = [.. HwSim.Workloads.Zoo.NetworkZoo.Get("alexnet").Layers.Where(l => l.Kind == LayerKind.Convolution)
            .Select(l => l with { Precision = OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(8), l.Shape.GemmK) })];
    }

    /// <summary>Prints the reference benchmark's simulated PE-cycles per run (PE-cycles/s = that / the mean time).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (ReferencePeCycles > 0) Console.WriteLine($"// reference dotproduct: {ReferencePeCycles} PE-cycles (x 16 lanes) per run");
    }

    [Benchmark(Description = "reference engine: 32x14x14 3x3 conv int16 x uint8 on a 16x16 dotproduct unit, 16 lanes")]
    public long ReferenceSmallLayer()
    {
        var unit = _array.Units[0];
        var run = ReferenceEngine.Simulate(_small, _array, ReferenceUnits.For(unit), _smallData);
        ReferencePeCycles = run.Result.TotalCycles * unit.PeCount;
        return run.Result.TotalCycles;
    }

    [Benchmark(Description = "fast engine: alexnet convs W16A8 on dadn-like")]
    public long FastAlexNetConvs()
    {
        var model = new DotProductModel((DotProductUnitSpec)_dadn.Units.Single());
        return _alexnetConvs.Sum(l => Simulation.Run(l, _dadn, model).TotalCycles);
    }
}
