using CsCheck;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Memory;

/// <summary>
/// The fast engine's closed-form traffic (TrafficPlanner, InputStrips) against the reference
/// engine's enumeration of the elements each fold touches (ReferenceTraffic).
/// </summary>
public class TrafficTests
{
    private static readonly Gen<LayerShape> Shapes =
        from g in Gen.Int[1, 3]
        from c in Gen.Int[1, 4]
        from k in Gen.Int[1, 4]
        from batch in Gen.Int[1, 2]
        from h in Gen.Int[1, 12]
        from w in Gen.Int[1, 9]
        from r in Gen.Int[1, 4]
        from s in Gen.Int[1, 3]
        from stride in Gen.Int[1, 3]
        from dil in Gen.Int[1, 2]
        from pads in Gen.Int[0, 3].Array[4]
        where dil * (r - 1) + 1 <= h + pads[0] + pads[1] && dil * (s - 1) + 1 <= w + pads[2] + pads[3]
        select new LayerShape(LayerKind.Convolution, batch, c * g, h, w, k * g, r, s, stride, stride,
            new Padding(pads[0], pads[1], pads[2], pads[3]), dil, dil, g);

    [Test]
    public void ClosedFormTrafficEqualsEnumeratedTraffic()
    {
        var gen =
            from shape in Shapes
            from rows in Gen.Int[1, 5]
            from cols in Gen.Int[1, 5]
            from onRows in Gen.Int[0, 2]
            from colChoice in Gen.Int[0, 1]
            from bufferBytes in Gen.Int[2, 400]
            from wbits in Gen.Int[2, 8]
            from abits in Gen.Int[1, 8]
            select (shape, rows, cols, onRows, colChoice, bufferBytes, wbits, abits);
        gen.Sample(t =>
        {
            var layer = new LayerWorkload("l", t.shape, OperandPrecision.For(NumberFormat.Int(t.wbits), NumberFormat.UInt(t.abits), t.shape.GemmK));
            var p = new GemmProblem(layer);
            var dims = new[] { GemmDim.M, GemmDim.K, GemmDim.N };
            var onRows = dims[t.onRows];
            var others = dims.Where(d => d != onRows).ToArray();
            var grid = new FoldGrid(onRows, others[t.colChoice], t.rows, t.cols);
            var buffers = new BufferSpec(t.bufferBytes, t.bufferBytes / 2 + 2, t.bufferBytes / 3 + 2);
            var fast = new TrafficPlanner(p, buffers);
            var reference = new ReferenceTraffic(p, buffers);
            foreach (var f in grid.Folds(p))
            {
                Assert.That(fast.Unfit(f) is null, Is.EqualTo(reference.Unfit(f) is null), $"{t.shape} {f}");
                Assert.That(fast.Next(f), Is.EqualTo(reference.Next(f)), $"{t.shape} {grid} {f}");
            }
        }, iter: 1000);
    }

    [Test]
    public void StripRowsMatchABruteForceScan()
    {
        Shapes.Sample(shape =>
        {
            var layer = new LayerWorkload("l", shape);
            var strips = new InputStrips(new GemmProblem(layer));
            for (var pa = 0; pa < shape.OutputHeight; pa++)
                for (var pb = pa; pb < shape.OutputHeight; pb++)
                {
                    var read = Enumerable.Range(pa, pb - pa + 1)
                        .SelectMany(p => Enumerable.Range(0, shape.KernelHeight).Select(r => p * shape.StrideH - shape.Padding.Top + r * shape.DilationH))
                        .Where(h => h >= 0 && h < shape.Height).ToList();
                    var expected = read.Count == 0 ? 0 : read.Max() - read.Min() + 1;
                    Assert.That(strips.RowsRead(pa, pb), Is.EqualTo(expected), $"{shape} p {pa}..{pb}");
                }
        }, iter: 300);
    }

    [Test]
    public void ResidentOperandsLoadOncePerGroup()
    {
        // 3x3 conv, 8 -> 8 channels, 2 groups on 6x6: each group's input is 4*6*6 = 144 B at 8 bits, weights 4*4*9 = 144 B.
        var layer = new LayerWorkload("l", LayerShape.Conv(8, 6, 6, 8, 3, pad: 1, groups: 2),
            OperandPrecision.For(NumberFormat.Int(8), NumberFormat.UInt(8), 36));
        var p = new GemmProblem(layer);
        var planner = new TrafficPlanner(p, new BufferSpec(1024, 1024, 1024));
        var traffic = new FoldGrid(GemmDim.M, GemmDim.N, 4, 4).Folds(p).Select(planner.Next).ToList();
        Assert.That(traffic.Sum(t => t.IfmapLoadBytes), Is.EqualTo(2 * 144));
        Assert.That(traffic.Sum(t => t.WeightLoadBytes), Is.EqualTo(2 * 144));
        Assert.That(traffic.Sum(t => t.OutputWriteBytes), Is.EqualTo(8 * 36));
    }
}
