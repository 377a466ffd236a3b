using BenchmarkDotNet.Attributes;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;

namespace HwSim.Benchmarks.Simulator;

/// <summary>
/// The simulator's speed targets (issue: fast engine on all of ResNet-50 under 20 ms on one
/// core; SCALE-Sim compat on AlexNet far below SCALE-Sim's 240 s; reference engine PE-cycles/s).
/// </summary>
[MemoryDiagnoser]
public class SimulatorBenchmarks
{
    private Workload _resnet50 = null!;
    private Workload _alexnetConvs = null!;
    private ArchitectureSpec _lowbit = null!;
    private ArchitectureSpec _scaleSim = null!;
    private LayerWorkload _small = null!;
    private ReferenceData _smallData = null!;

    /// <summary>PE-cycles the reference engine steps in <see cref="ReferenceSmallLayer"/>: cycles x PEs of the 16x16 unit.</summary>
    public long ReferencePeCycles { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var policy = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32));
        _resnet50 = policy.Apply(NetworkZoo.Get("resnet50"));
        _lowbit = Presets.Get("lowbit-default");
        // SCALE-Sim's own AlexNet convs as HwSim imports them (same shapes as shared/scalesim/alexnet.csv).
        _alexnetConvs = new Workload("alexnet-scalesim", NetworkZoo.Get("alexnet").Layers.Where(l => l.Kind == LayerKind.Convolution)
            .Select(l => l with { Precision = OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), l.Shape.GemmK) }));
        _scaleSim = new ArchitectureSpec("scalesim-32x32-os", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20),
            [new SystolicUnitSpec("array", 32, 32, Dataflow.OutputStationary, NumberFormat.Int(8), scaleSimCompat: true)]);
        _small = new LayerWorkload("small", LayerShape.Conv(32, 14, 14, 32, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 288));
        _smallData = ReferenceData.Random(_small, 1);
    }

    [Benchmark(Description = "fast engine: resnet50 W4A2 (fp32 first/last) on lowbit-default")]
    public long FastResNet50() => Simulation.Evaluate(_resnet50, _lowbit).TotalCycles;

    [Benchmark(Description = "fast engine: alexnet convs, SCALE-Sim compat 32x32 os")]
    public long ScaleSimAlexNet() => Simulation.Evaluate(_alexnetConvs, _scaleSim).TotalCycles;

    [Benchmark(Description = "reference engine: 32x14x14 3x3 conv W4A2 on the 16x16 bit-serial unit")]
    public long ReferenceSmallLayer()
    {
        var unit = _lowbit.Units[0];
        var run = ReferenceEngine.Simulate(_small, _lowbit, ReferenceUnits.For(unit), _smallData);
        ReferencePeCycles = run.Result.TotalCycles * unit.PeCount;
        return run.Result.TotalCycles;
    }
}
