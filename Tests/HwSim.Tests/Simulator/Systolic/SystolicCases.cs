using CsCheck;
using HwSim.Simulator.Architecture;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Systolic;

/// <summary>One random layer on one random systolic architecture, with the seed of its operand values.</summary>
public sealed record SystolicCase(LayerWorkload Layer, SystolicUnitSpec Unit, ArchitectureSpec Arch, int Seed)
{
    public override string ToString() =>
        $"{Layer} {Layer.Precision.Weight}x{Layer.Precision.Input} acc {Layer.Precision.Accumulator} on {Unit.Rows}x{Unit.Cols} {Unit.Dataflow} {Unit.Format}, " +
        $"buffers {Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} B/cycle, seed {Seed}";
}

/// <summary>Generators of small layers and systolic architectures for the engine-agreement property.</summary>
internal static class SystolicCases
{
    private static readonly NumberFormat[] Weights =
        [.. Enumerable.Range(2, 7).Select(NumberFormat.Int), NumberFormat.Binary, NumberFormat.Ternary];

    private static readonly NumberFormat[] Inputs =
        [.. Enumerable.Range(1, 8).Select(NumberFormat.UInt), .. Enumerable.Range(2, 7).Select(NumberFormat.Int), NumberFormat.Binary, NumberFormat.Ternary];

    private static readonly NumberFormat[] Floats = [NumberFormat.Fp16, NumberFormat.Fp32];

    private static readonly Dataflow[] Dataflows = Enum.GetValues<Dataflow>();

    public static readonly Gen<LayerShape> Shapes =
        from g in Gen.Int[1, 3]
        from c in Gen.Int[1, 6]
        from k in Gen.Int[1, 6]
        from batch in Gen.Int[1, 2]
        from h in Gen.Int[1, 9]
        from w in Gen.Int[1, 9]
        from r in Gen.Int[1, 3]
        from s in Gen.Int[1, 3]
        from stride in Gen.Int[1, 2]
        from dil in Gen.Int[1, 2]
        from pads in Gen.Int[0, 2].Array[4]
        where dil * (r - 1) + 1 <= h + pads[0] + pads[1] && dil * (s - 1) + 1 <= w + pads[2] + pads[3]
        select new LayerShape(LayerKind.Convolution, batch, c * g, h, w, k * g, r, s, stride, stride,
            new Padding(pads[0], pads[1], pads[2], pads[3]), dil, dil, g);

    /// <summary>Integer layers on an integer unit at least as wide (sometimes wider); float layers on fp16 or fp32 units that hold them.</summary>
    private static readonly Gen<(NumberFormat Weight, NumberFormat Input, NumberFormat Unit)> Formats =
        from isFloat in Gen.Int[0, 5]
        from wi in Gen.Int[0, Weights.Length - 1]
        from ai in Gen.Int[0, Inputs.Length - 1]
        from fw in Gen.Int[0, 1]
        from fa in Gen.Int[0, 1]
        from extra in Gen.Int[0, 3]
        select isFloat == 0
            ? (Floats[fw], Floats[fa], fw == 0 && fa == 0 && extra < 2 ? NumberFormat.Fp16 : NumberFormat.Fp32)
            : (Weights[wi], Inputs[ai], NumberFormat.Int(Math.Max(2, Math.Max(Weights[wi].Bits, Inputs[ai].Bits)) + extra));

    /// <summary>
    /// Buffer bytes from tiny (tiles re-fetched, strips, partial sums spilled, the time dimension
    /// chunked, or not fitting even in chunks of one) to ample.
    /// </summary>
    private static readonly Gen<long> BufferBytes =
        from scale in Gen.Int[0, 4]
        from bytes in scale switch { 0 => Gen.Int[2, 24], 1 => Gen.Int[12, 64], 2 => Gen.Int[24, 160], 3 => Gen.Int[160, 1200], _ => Gen.Const(1 << 20) }
        select (long)bytes;

    public static readonly Gen<SystolicCase> Cases =
        from shape in Shapes
        from formats in Formats
        from rows in Gen.Int[1, 5]
        from cols in Gen.Int[1, 5]
        from dataflow in Gen.Int[0, Dataflows.Length - 1]
        from ifmap in BufferBytes
        from weight in BufferBytes
        from ofmap in BufferBytes
        from wordBytes in Gen.Int[1, 8]
        from bandwidth in Gen.Int[0, 16]
        from seed in Gen.Int
        let layer = new LayerWorkload("l", shape, OperandPrecision.For(formats.Weight, formats.Input, shape.GemmK))
        let unit = new SystolicUnitSpec("array", rows, cols, Dataflows[dataflow], formats.Unit)
        let arch = new ArchitectureSpec("test", 1000, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(ifmap, weight, ofmap, 8 * wordBytes), [unit])
        select new SystolicCase(layer, unit, arch, seed);
}
