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
    private ArchitectureSpec _systolicOs = null!;
    private LayerWorkload _smallInt8 = null!;
    private ReferenceData _smallInt8Data = null!;
    private ArchitectureSpec _xnor = null!;
    private LayerWorkload _smallBinary = null!;
    private ReferenceData _smallBinaryData = null!;

    /// <summary>PE-cycles the reference engine steps in <see cref="ReferenceSmallLayer"/>: cycles x PEs of the 16x16 unit.</summary>
    public long ReferencePeCycles { get; private set; }

    /// <summary>PE-cycles the reference engine steps in <see cref="ReferenceSystolicOs"/>: cycles x PEs of the 8x8 unit.</summary>
    public long ReferenceSystolicPeCycles { get; private set; }

    /// <summary>PE-cycles the reference engine steps in <see cref="ReferenceXnorBinary"/>: cycles x PEs of the 16x16 unit.</summary>
    public long ReferenceXnorPeCycles { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var policy = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32));
        _resnet50 = policy.Apply(NetworkZoo.Get("resnet50"));
        _lowbit = Presets.Get("lowbit-default");
        // SCALE-Sim's own AlexNet convs as HwSim imports them (same shapes as docs/reference/scalesim/alexnet.csv).
        _alexnetConvs = new Workload("alexnet-scalesim", NetworkZoo.Get("alexnet").Layers.Where(l => l.Kind == LayerKind.Convolution)
            .Select(l => l with { Precision = OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), l.Shape.GemmK) }));
        _scaleSim = new ArchitectureSpec("scalesim-32x32-os", 500, DramSpec.Unlimited, new BufferSpec(1 << 20, 1 << 20, 1 << 20),
            [new SystolicUnitSpec("array", 32, 32, Dataflow.OutputStationary, NumberFormat.Int(8), scaleSimCompat: true)]);
        _small = new LayerWorkload("small", LayerShape.Conv(32, 14, 14, 32, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 288));
        _smallData = ReferenceData.Random(_small, 1);
        _systolicOs = new ArchitectureSpec("systolic-8x8-os", 500, _lowbit.Dram, _lowbit.Buffers,
            [new SystolicUnitSpec("array", 8, 8, Dataflow.OutputStationary, NumberFormat.Int(8))]);
        _smallInt8 = new LayerWorkload("small-int8", LayerShape.Conv(16, 14, 14, 16, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), 144));
        _smallInt8Data = ReferenceData.Random(_smallInt8, 1);
        _xnor = new ArchitectureSpec("xnor-16x16", 500, _lowbit.Dram, _lowbit.Buffers, [new XnorUnitSpec("array", 16, 16, 64, 1)]);
        _smallBinary = new LayerWorkload("small-binary", LayerShape.Conv(32, 14, 14, 32, 3, pad: 1), OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, 288));
        _smallBinaryData = ReferenceData.Random(_smallBinary, 1);
    }

    /// <summary>Prints each reference benchmark's simulated PE-cycles per run (PE-cycles/s = that / the mean time).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (ReferencePeCycles > 0) Console.WriteLine($"// reference bit-serial: {ReferencePeCycles} PE-cycles per run");
        if (ReferenceSystolicPeCycles > 0) Console.WriteLine($"// reference systolic os: {ReferenceSystolicPeCycles} PE-cycles per run");
        if (ReferenceXnorPeCycles > 0) Console.WriteLine($"// reference xnor binary: {ReferenceXnorPeCycles} PE-cycles per run");
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

    [Benchmark(Description = "reference engine: 16x14x14 3x3 conv int8 on an 8x8 os systolic unit")]
    public long ReferenceSystolicOs()
    {
        var unit = _systolicOs.Units[0];
        var run = ReferenceEngine.Simulate(_smallInt8, _systolicOs, ReferenceUnits.For(unit), _smallInt8Data);
        ReferenceSystolicPeCycles = run.Result.TotalCycles * unit.PeCount;
        return run.Result.TotalCycles;
    }

    [Benchmark(Description = "reference engine: 32x14x14 3x3 conv binary on a 16x16 xnor unit, 64 lanes")]
    public long ReferenceXnorBinary()
    {
        var unit = _xnor.Units[0];
        var run = ReferenceEngine.Simulate(_smallBinary, _xnor, ReferenceUnits.For(unit), _smallBinaryData);
        ReferenceXnorPeCycles = run.Result.TotalCycles * unit.PeCount;
        return run.Result.TotalCycles;
    }
}
