using System.Collections.Concurrent;
using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.DotProduct;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Tests.Simulator.Systolic;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.DotProduct;

/// <summary>
/// The fast dot-product model against the cycle-stepped reference on random small layers,
/// formats (integer and float), arrays, lanes, buffers and DRAM channels: same cycles, stalls,
/// folds and every count, and the reference's output equal to the plain-loop convolution. Tiny
/// buffers make many layers cut K into time chunks (partial sums shifted back in, kept or spilled).
/// </summary>
public sealed class DotProductAgreementTests
{
    public sealed record Case(LayerWorkload Layer, DotProductUnitSpec Unit, ArchitectureSpec Arch, int Seed)
    {
        public override string ToString() =>
            $"{Layer} {Layer.Precision.Weight}x{Layer.Precision.Input} on {Unit.Rows}x{Unit.Cols} lanes {Unit.Lanes} {Unit.Format} | buffers " +
            $"{Arch.Buffers.IfmapBytes}/{Arch.Buffers.WeightBytes}/{Arch.Buffers.OfmapBytes} B, word {Arch.Buffers.WordBits} | DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"} | seed {Seed}";
    }

    private static readonly NumberFormat[] Weights =
        [.. Enumerable.Range(2, 15).Select(NumberFormat.Int), NumberFormat.Binary, NumberFormat.Ternary];

    private static readonly NumberFormat[] Inputs =
        [.. Enumerable.Range(1, 16).Select(NumberFormat.UInt), .. Enumerable.Range(2, 15).Select(NumberFormat.Int), NumberFormat.Binary, NumberFormat.Ternary];

    private static readonly NumberFormat[] Floats = [NumberFormat.Fp16, NumberFormat.Bf16, NumberFormat.Fp32];

    // One float case in four: a float unit of the widest operand's width (or fp32); else an integer unit at least as wide as both operands.
    private static readonly Gen<(NumberFormat Weight, NumberFormat Input, NumberFormat Unit)> Formats =
        from isFloat in Gen.Int[0, 3]
        from wi in Gen.Int[0, Weights.Length - 1]
        from ai in Gen.Int[0, Inputs.Length - 1]
        from fw in Gen.Int[0, Floats.Length - 1]
        from extra in Gen.Int[0, 3]
        select isFloat == 0
            ? (Floats[fw], Floats[fw], extra < 2 ? Floats[fw] : NumberFormat.Fp32)
            : (Weights[wi], Inputs[ai], NumberFormat.Int(Math.Max(2, Math.Max(Weights[wi].Bits, Inputs[ai].Bits) + extra)));

    private static readonly Gen<long> BufferBytes =
        from scale in Gen.Int[0, 4]
        from bytes in scale switch { 0 => Gen.Int[2, 24], 1 => Gen.Int[12, 64], 2 => Gen.Int[24, 160], 3 => Gen.Int[160, 1200], _ => Gen.Const(1 << 20) }
        select (long)bytes;

    private static readonly Gen<Case> Cases =
        from shape in SystolicCases.Shapes
        from formats in Formats
        from rows in Gen.Int[1, 4]
        from cols in Gen.Int[1, 4]
        from lanes in Gen.Int[1, 9]
        from ifmap in BufferBytes
        from weight in BufferBytes
        from ofmap in BufferBytes
        from wordBytes in Gen.Int[1, 8]
        from bandwidth in Gen.Int[0, 16]
        from seed in Gen.Int[0, 1_000_000]
        let unit = new DotProductUnitSpec("dp", rows, cols, lanes, formats.Unit)
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(ifmap, weight, ofmap, 8 * wordBytes), [unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(formats.Weight, formats.Input, shape.GemmK)), unit, arch, seed);

    [Test]
    public void Property_FastModelEqualsReference()
    {
        var seen = new ConcurrentDictionary<string, int>();
        Cases.Sample(c =>
        {
            Assert.That(c.Unit.Unsupported(c.Layer.Precision), Is.Null, c.ToString());
            var data = ReferenceData.Random(c.Layer, c.Seed);
            var fast = Simulation.Run(c.Layer, c.Arch, new DotProductModel(c.Unit));
            var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, new DotProductReference(c.Unit), data);
            var r = reference.Result;
            Assert.That(r.Ran, Is.EqualTo(fast.Ran), () => $"{c}\nfast: {fast.NotRunReason}\nreference: {r.NotRunReason}");
            foreach (var what in Classify(c, fast.StallCycles))
                seen.AddOrUpdate(what, 1, (_, n) => n + 1);
            if (!fast.Ran)
                return;
            Assert.That((r.ComputeCycles, r.StallCycles, r.TotalCycles, r.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.TotalCycles, fast.Folds)),
                () => $"{c}\n(compute, stall, total, folds)");
            Assert.That(r.Counts, Is.EqualTo(fast.Counts), () => $"{c}\nfast:      {fast.Counts}\nreference: {r.Counts}");
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)), () => $"{c}\noutput differs from the reference convolution");
            Assert.That((fast.Counts.Total(PrimitiveAction.Multiply), fast.Counts.Total(PrimitiveAction.Add)), Is.EqualTo((c.Layer.Macs, c.Layer.Macs)), c.ToString);
        }, iter: 2000, print: c => c.ToString());

        TestContext.Out.WriteLine(string.Join(", ", seen.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        // The generator must reach every regime, or agreement would be agreement on little
        // (typical per 2,000: ran ~1,440, not run ~550, stalls ~1,350, chunked ~620, psums spilled ~130, float ~290).
        foreach (var (what, least) in new[] { ("ran", 1000), ("not run", 50), ("stalls", 300), ("input strips", 100), ("weight tiles", 60), ("chunked", 250), ("psums spilled", 20), ("float", 150) })
            Assert.That(seen.GetValueOrDefault(what), Is.GreaterThanOrEqualTo(least), what);
    }

    private static IEnumerable<string> Classify(Case c, long stalls)
    {
        var p = new GemmProblem(c.Layer);
        var (grid, unfit) = Chunking.Fit(p, new DotProductModel(c.Unit).Grid(p), c.Arch.Buffers);
        if (unfit is not null)
        {
            yield return "not run";
            yield break;
        }
        yield return "ran";
        var planner = new TrafficPlanner(p, c.Arch.Buffers);
        var traffic = grid.Folds(p).Select(planner.Next).ToList();
        if (!planner.WeightsResident) yield return "weight tiles";
        if (!planner.InputResident) yield return "input strips";
        if (grid.TimeChunk < p.K)
        {
            yield return "chunked";
            if (traffic.Any(t => t.PsumWriteBytes > 0)) yield return "psums spilled";
        }
        if (stalls > 0) yield return "stalls";
        if (c.Layer.Precision.Weight.IsFloat) yield return "float";
    }
}
