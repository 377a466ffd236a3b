using HwSim.Simulator.DotProduct;
using CsCheck;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Tests.Simulator.Systolic;

namespace HwSim.Tests.Simulator.Mapping;

/// <summary>One random small layer on one random architecture (any unit kind) with a random loop-nest mapping.</summary>
public sealed record LoopNestCase(LayerWorkload Layer, ArchitectureSpec Arch, LoopNestMapping Mapping, int Seed)
{
    public UnitSpec Unit => Arch.Units[0];

    public override string ToString() =>
        $"{Layer} {Layer.Precision.Weight}x{Layer.Precision.Input} on {Unit} | buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B word {Arch.Buffers.WordBits} | " +
        $"DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | mapping {Mapping} | seed {Seed}";
}

/// <summary>Generators of small layers, architectures of every unit kind and loop-nest mappings.</summary>
internal static class LoopNestCases
{
    private static readonly GemmDim[][] Orders =
    [
        [GemmDim.M, GemmDim.K, GemmDim.N], [GemmDim.M, GemmDim.N, GemmDim.K], [GemmDim.K, GemmDim.M, GemmDim.N],
        [GemmDim.K, GemmDim.N, GemmDim.M], [GemmDim.N, GemmDim.M, GemmDim.K], [GemmDim.N, GemmDim.K, GemmDim.M],
    ];

    private static readonly NumberFormat[] IntWeights =
        [.. Enumerable.Range(2, 7).Select(NumberFormat.Int), NumberFormat.Binary, NumberFormat.Ternary];

    private static readonly NumberFormat[] IntInputs =
        [.. Enumerable.Range(1, 8).Select(NumberFormat.UInt), .. Enumerable.Range(2, 7).Select(NumberFormat.Int), NumberFormat.Binary, NumberFormat.Ternary];

    private static readonly NumberFormat[] XnorFormats =
        [NumberFormat.Binary, NumberFormat.Ternary, NumberFormat.Int(2), NumberFormat.Int(4), NumberFormat.UInt(1), NumberFormat.UInt(3)];

    /// <summary>From a few bytes (blocks of one fold barely fit, or nothing does) to everything at once.</summary>
    private static readonly long[] BufferBytes = [4, 12, 24, 48, 96, 200, 600, 1 << 20];

    private static readonly int[] WordBits = [8, 16, 64, 256];

    /// <summary>Per unit kind (0-2 systolic os/ws/is, 3-4 bit-serial activations/both, 5 xnor, 6 dotproduct, 7 fusion): the unit and the layer's formats.</summary>
    private static readonly Gen<(UnitSpec Unit, NumberFormat Weight, NumberFormat Input)> Units =
        from kind in Gen.Int[0, 7]
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from lanes in Gen.Int[1, 9]
        from wi in Gen.Int[0, IntWeights.Length - 1]
        from ai in Gen.Int[0, IntInputs.Length - 1]
        from xw in Gen.Int[0, XnorFormats.Length - 1]
        from xa in Gen.Int[0, XnorFormats.Length - 1]
        from binary in Gen.Int[0, 1]
        from fp in Gen.Int[0, 7]
        from drainPick in Gen.Int[0, 1]
        let drain = (DrainMode)drainPick
        select kind switch
        {
            <= 2 when fp == 0 => ((UnitSpec)new SystolicUnitSpec("array", rows, cols, (Dataflow)kind, NumberFormat.Fp32), NumberFormat.Fp16, NumberFormat.Fp32),
            <= 2 => (new SystolicUnitSpec("array", rows, cols, (Dataflow)kind, NumberFormat.Int(Math.Max(2, Math.Max(IntWeights[wi].Bits, IntInputs[ai].Bits)))), IntWeights[wi], IntInputs[ai]),
            <= 4 => (new BitSerialUnitSpec("bs", rows, cols, lanes, (SerialMode)(kind - 3), maxBits: 8) { Drain = drain }, IntWeights[wi], IntInputs[ai]),
            6 => (new DotProductUnitSpec("dp", rows, cols, lanes, NumberFormat.Int(Math.Max(2, Math.Max(IntWeights[wi].Bits, IntInputs[ai].Bits)))) { Drain = drain }, IntWeights[wi], IntInputs[ai]),
            7 => (new FusionUnitSpec("fu", rows, cols, maxBits: 8), IntWeights[wi], IntInputs[ai]),
            _ => (new XnorUnitSpec("xnor", rows, cols, lanes, maxBits: 4) { Drain = drain },
                binary == 0 ? NumberFormat.Binary : XnorFormats[xw], binary == 0 ? NumberFormat.Binary : XnorFormats[xa]),
        };

    /// <summary>Block factors: mostly small, sometimes larger than any dimension (one block along it).</summary>
    private static readonly Gen<long> Factor =
        from pick in Gen.Int[0, 9]
        from f in Gen.Int[1, 4]
        select pick == 0 ? 1000L : f;

    public static readonly Gen<LoopNestMapping> Mappings =
        from order in Gen.Int[0, Orders.Length - 1]
        from chunkPick in Gen.Int[0, 5]
        from chunk in Gen.Int[1, 12]
        from blocks in Factor.Array[3]
        select new LoopNestMapping(chunkPick == 0 ? 1000 : chunk, Orders[order], blocks[0], blocks[1], blocks[2]);

    public static readonly Gen<LoopNestCase> Cases =
        from shape in SystolicCases.Shapes
        from unit in Units
        from buffers in Gen.Int[0, BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 16]
        from mapping in Mappings
        from seed in Gen.Int
        let layer = new LayerWorkload("l", shape, OperandPrecision.For(unit.Weight, unit.Input, shape.GemmK))
        let arch = new ArchitectureSpec("test", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(BufferBytes[buffers[0]], BufferBytes[buffers[1]], BufferBytes[buffers[2]], WordBits[word]), [unit.Unit])
        select new LoopNestCase(layer, arch, mapping, seed);
}
