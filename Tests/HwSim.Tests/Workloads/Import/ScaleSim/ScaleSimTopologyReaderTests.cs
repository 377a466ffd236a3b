using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using HwSim.Workloads.Import.ScaleSim;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Workloads.Import.ScaleSim;

/// <summary>
/// SCALE-Sim's own topology files (docs/reference/scalesim, unchanged) read with its semantics.
/// Expected MACs per layer are E_h * E_w * R * S * C * K with E = ceil((H - R + s) / s),
/// computed here independently of the reader.
/// </summary>
public class ScaleSimTopologyReaderTests
{
    private static long ExpectedMacs(int h, int w, int r, int s, int c, int k, int stride)
    {
        long eh = (h - r + stride + stride - 1) / stride, ew = (w - s + stride + stride - 1) / stride;
        return eh * ew * r * s * c * k;
    }

    [Test]
    public void AlexNetMatchesScaleSimsGoldenRun()
    {
        var w = ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("alexnet.csv"));
        // MACs per layer from SEMANTICS.md's golden AlexNet run (32x32, os).
        Assert.That(w.Layers.Select(l => l.Macs), Is.EqualTo(new long[] { 105_415_200, 325_017_600, 107_053_056, 160_579_584, 107_053_056 }));
        var conv1 = w.Layers[0].Shape;
        Assert.Multiple(() =>
        {
            Assert.That(w.Layers[0].Name, Is.EqualTo("Conv1"));
            Assert.That((conv1.OutputHeight, conv1.OutputWidth), Is.EqualTo((55, 55)));
            Assert.That(conv1.Padding, Is.EqualTo(new Padding(0, 3, 0, 3)));
            Assert.That(w.Layers[0].Role, Is.EqualTo(LayerRole.First));
            Assert.That(w.Layers[^1].Role, Is.EqualTo(LayerRole.Last));
            Assert.That(w.Name, Is.EqualTo("alexnet"));
        });
    }

    [TestCase("alexnet.csv", 5)]
    [TestCase("Resnet18.csv", 21)]
    [TestCase("mobilenet.csv", 27)]
    public void EveryLayerHasScaleSimsMacs(string file, int layers)
    {
        var path = RepoPaths.ScaleSim(file);
        var w = ScaleSimTopologyReader.Read(path);
        var rows = File.ReadAllLines(path).Skip(1).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(',').Select(f => f.Trim()).ToArray()).ToList();
        Assert.That(w.Layers, Has.Length.EqualTo(layers));
        for (var i = 0; i < rows.Count; i++)
        {
            var f = rows[i].Skip(1).Take(7).Select(int.Parse).ToArray();
            Assert.That(w.Layers[i].Macs, Is.EqualTo(ExpectedMacs(f[0], f[1], f[2], f[3], f[4], f[5], f[6])), $"{file} row {i + 2} ({rows[i][0]})");
            Assert.That(w.Layers[i].Name, Is.EqualTo(rows[i][0]));
        }
    }

    [Test]
    public void TotalsArePinned()
    {
        // Sums of the per-layer E_h*E_w*R*S*C*K figures (checked row by row above).
        Assert.Multiple(() =>
        {
            Assert.That(ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("alexnet.csv")).Macs, Is.EqualTo(805_118_496L));
            Assert.That(ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("Resnet18.csv")).Macs, Is.EqualTo(ScaleSimSum("Resnet18.csv")));
            Assert.That(ScaleSimTopologyReader.Read(RepoPaths.ScaleSim("mobilenet.csv")).Macs, Is.EqualTo(ScaleSimSum("mobilenet.csv")));
        });
    }

    private static long ScaleSimSum(string file) =>
        File.ReadAllLines(RepoPaths.ScaleSim(file)).Skip(1).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split(',').Skip(1).Take(7).Select(f => int.Parse(f.Trim())).ToArray())
            .Sum(f => ExpectedMacs(f[0], f[1], f[2], f[3], f[4], f[5], f[6]));

    [Test]
    public void CeilModePaddingReproducesScaleSimsOutputSize()
    {
        for (var h = 1; h <= 40; h++)
            for (var r = 1; r <= h; r++)
                for (var s = 1; s <= 5; s++)
                {
                    var pad = ScaleSimTopologyReader.CeilModePad(h, r, s);
                    var expected = (h - r + s + s - 1) / s;
                    Assert.That(pad, Is.InRange(0, s - 1));
                    Assert.That((h + pad - r) / s + 1, Is.EqualTo(expected), $"H={h} R={r} s={s}");
                }
    }

    [Test]
    public void SecondStrideColumnAndDepthwiseName()
    {
        const string text = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n" +
                            "conv_a,32,30,3,3,8,16,2,1,\n" +
                            "DP_conv,32,32,3,3,8,2,1,\n";
        var w = ScaleSimTopologyReader.Read(new StringReader(text), "t.csv", "t");
        var a = w.Layers[0].Shape;
        var dp = w.Layers[1].Shape;
        Assert.Multiple(() =>
        {
            Assert.That((a.StrideH, a.StrideW, a.OutputHeight, a.OutputWidth), Is.EqualTo((2, 1, 16, 28)));
            // SCALE-Sim runs one single-channel layer with 2 filters per channel: groups = C, K = C * 2.
            Assert.That((dp.Groups, dp.Filters, dp.Channels), Is.EqualTo((8, 16, 8)));
            Assert.That(w.Layers[1].Macs, Is.EqualTo(30L * 30 * 3 * 3 * 1 * 2 * 8));
        });
    }

    [Test]
    public void GemmForm()
    {
        var w = ScaleSimTopologyReader.Read(new StringReader("Layer Name, M, N, K,\nqkv,128,768,256,\nout,128,256,768,\n"), "g.csv", "g");
        Assert.Multiple(() =>
        {
            Assert.That(w.Layers[0].Kind, Is.EqualTo(LayerKind.Gemm));
            Assert.That((w.Layers[0].Shape.GemmM, w.Layers[0].Shape.GemmK, w.Layers[0].Shape.GemmN), Is.EqualTo((128L, 256L, 768L)));
            Assert.That(w.Macs, Is.EqualTo(2L * 128 * 768 * 256));
        });
    }

    [Test]
    public void WorkloadSourceDetectsScaleSimByHeader()
    {
        var w = WorkloadSource.Load(RepoPaths.ScaleSim("Resnet18.csv"));
        Assert.That(w.Layers[0].Macs, Is.EqualTo(ExpectedMacs(224, 224, 7, 7, 3, 64, 2)));
    }

    private const string Header = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

    [TestCase("Layer, H, W\nc,1,2,\n", "line 1", "header is neither")]
    [TestCase(Header + "c1,224,224,11,11,3,96,4\n", "line 2", "must end with a comma")]
    [TestCase(Header + "c1,224,224,11,11,3,96,\n", "line 2", "expected 8 fields")]
    [TestCase(Header + "c1,224,abc,11,11,3,96,4,\n", "line 2, field 'IFMAP Width'", "'abc' is not a whole number")]
    [TestCase(Header + "c1,224,224,11,11,-3,96,4,\n", "line 2, field 'Channels'", "must be at least 1, got -3")]
    [TestCase(Header + "c1,224,224,11,11,3,96,0,\n", "line 2, field 'Strides'", "must be at least 1, got 0")]
    [TestCase(Header + "\nc1,224,224,11,11,3,96,4,\nc2,5,5,7,3,3,96,1,\n", "line 4, field 'Filter Height'", "filter height 7 is larger than the (already padded) IFMAP height 5")]
    [TestCase(Header, "line 2", "no layers")]
    [TestCase(Header + "c1,8,8,3,3,3,4,1,\nc1,8,8,3,3,3,4,1,\n", "line 3, field 'Layer name'", "is already used on line 2")]
    public void BadInputNamesFileLineAndField(string text, string where, string rule)
    {
        var e = Assert.Throws<InputException>(() => ScaleSimTopologyReader.Read(new StringReader(text), "topo.csv", "topo"));
        Assert.That(e!.Message, Does.StartWith("topo.csv, ").And.Contain(where).And.Contain(rule));
    }
}
