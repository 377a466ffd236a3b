using CsCheck;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Workloads.Import.Csv;

public class WorkloadCsvTests
{
    private static string Write(Workload w)
    {
        var text = new StringWriter();
        WorkloadCsv.Write(w, text);
        return text.ToString();
    }

    private static Workload Read(string text, string file = "w.csv") => WorkloadCsv.Read(new StringReader(text), file, "fallback");

    [Test]
    public void EveryZooNetworkRoundTripsExactly([Values] bool quantised)
    {
        var policy = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32), realDownsample: true);
        foreach (var name in NetworkZoo.Names)
        {
            var w = NetworkZoo.Get(name);
            if (quantised) w = policy.Apply(w);
            var back = Read(Write(w));
            Assert.That(back, Is.EqualTo(w), name);
            Assert.That(back.Macs, Is.EqualTo(w.Macs));
        }
    }

    [Test]
    public void EveryFieldRoundTrips()
    {
        var shape = new LayerShape(LayerKind.Convolution, 2, 12, 17, 19, 8, 3, 2, 2, 1, new Padding(0, 1, 2, 0), 2, 1, 4);
        var layer = new LayerWorkload("odd \"name\", with comma", shape,
            new OperandPrecision(NumberFormat.Ternary, NumberFormat.UInt(3), NumberFormat.Int(17), NumberFormat.UInt(4)),
            LayerRole.Inner, isDownsample: true, hasBias: true, hasBatchNorm: true,
            new ValueStatistics(0.1 + 0.2, 1.0 / 3, 1.2345678901234567, null), unit: "lowbit");
        var w = new Workload("my net", [layer, new LayerWorkload("g", LayerShape.Gemm(5, 7, 3), role: LayerRole.Last)]);
        var back = Read(Write(w));
        Assert.That(back, Is.EqualTo(w));
        Assert.That(back.Layers[0].Statistics!.WeightSparsity, Is.EqualTo(0.1 + 0.2));
    }

    [Test]
    public void InputHistograms_RoundTrip_AndAreWrittenOnlyWhenSomeLayerHasThem()
    {
        var plain = new LayerWorkload("a", LayerShape.Conv(4, 6, 6, 2, 3), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(3), 36));
        var measured = plain with
        {
            Name = "b",
            Statistics = new ValueStatistics(inputSparsity: 0.25)
            {
                InputPopcountHistogram = new CodeHistogram([36, 70, 30, 8], "input_popcount_hist"),
                InputPrecisionHistogram = new CodeHistogram([36, 10, 40, 58], "input_precision_hist"),
            },
        };
        var text = Write(new Workload("w", [plain, measured]));
        Assert.That(text, Does.Contain(",input_popcount_hist,input_precision_hist\n").And.Contain(",36;70;30;8,36;10;40;58\n"));
        Assert.That(Read(text), Is.EqualTo(new Workload("w", [plain, measured])));
        Assert.That(Write(new Workload("w", [plain])), Does.Not.Contain("hist"), "files without histograms are written as before");
    }

    [TestCase("1;2;3", "input_popcount_hist", "has 3 bins, the input format uint3 needs 4 (0 to 3 bits)")]
    [TestCase("1;x;3;4", "input_popcount_hist", "'x' is not a whole count 0 or more")]
    [TestCase("1;-2;3;4", "input_precision_hist", "'-2' is not a whole count")]
    [TestCase("0;0;0;0", "input_precision_hist", "counts add up to 0")]
    public void InputHistograms_BadValues_NameTheLineAndColumn(string value, string column, string rule)
    {
        var text = $"name,c,h,w,k,r,s,weight_format,input_format,{column}\nl1,4,6,6,2,3,3,int4,uint3,{value}\n";
        var e = Assert.Throws<InputException>(() => Read(text))!;
        Assert.That((e.File, e.Location, e.Field), Is.EqualTo(("w.csv", "line 2", column)), e.Message);
        Assert.That(e.Rule, Does.Contain(rule));
    }

    [Test]
    public void InputHistograms_OfDifferentCodeCounts_AreRefused()
    {
        var text = "name,c,h,w,k,r,s,weight_format,input_format,input_popcount_hist,input_precision_hist\nl1,4,6,6,2,3,3,int4,uint3,1;2;3;4,1;2;3;5\n";
        var e = Assert.Throws<InputException>(() => Read(text))!;
        Assert.That((e.Location, e.Field), Is.EqualTo(("line 2", "input_precision_hist")), e.Message);
        Assert.That(e.Rule, Does.Contain("counts 11 codes, input_popcount_hist 10"));
    }

    [Test]
    public void RandomLayersRoundTrip()
    {
        NumberFormat[] choices = [NumberFormat.Binary, NumberFormat.Ternary, NumberFormat.Fp16, NumberFormat.Bf16, NumberFormat.Fp32,
            NumberFormat.Int(2), NumberFormat.Int(8), NumberFormat.UInt(1), NumberFormat.UInt(4), NumberFormat.Int(32)];
        var formats = Gen.Int[0, choices.Length - 1].Select(i => choices[i]);
        var gen =
            from c in Gen.Int[1, 6]
            from g in Gen.Int[1, 3]
            from k in Gen.Int[1, 6]
            from h in Gen.Int[1, 20]
            from w in Gen.Int[1, 20]
            from pads in Gen.Int[0, 3].Array[4]
            from r in Gen.Int[1, 5]
            from s in Gen.Int[1, 5]
            from stride in Gen.Int[1, 3]
            from wf in formats
            from af in formats
            from sparsity in Gen.Double[0, 1]
            select (c * g, g, k * g, h, w, pads, r, s, stride, wf, af, sparsity);
        gen.Where(t => t.r <= t.h + t.pads[0] + t.pads[1] && t.s <= t.w + t.pads[2] + t.pads[3])
            .Sample(t =>
            {
                var shape = new LayerShape(LayerKind.Convolution, 1, t.Item1, t.h, t.w, t.Item3, t.r, t.s, t.stride, t.stride,
                    new Padding(t.pads[0], t.pads[1], t.pads[2], t.pads[3]), groups: t.g);
                var layer = new LayerWorkload("l", shape, OperandPrecision.For(t.wf, t.af, shape.GemmK), statistics: new ValueStatistics(t.sparsity));
                var wl = new Workload("r", [layer]);
                return Read(Write(wl)).Equals(wl);
            }, iter: 1000);
    }

    [Test]
    public void HandWrittenFileUsesDefaultsAndShorthands()
    {
        const string text = "name,c,h,w,k,r,s,stride,pad\nconv1,3,224,224,64,7,7,2,3\nfc,512,1,1,1000,1,1,1,0\n";
        var w = Read(text, "hand.csv");
        Assert.Multiple(() =>
        {
            Assert.That(w.Name, Is.EqualTo("fallback"));
            Assert.That(w.Layers[0].Macs, Is.EqualTo(118_013_952L));
            Assert.That(w.Layers[0].Role, Is.EqualTo(LayerRole.First));
            Assert.That(w.Layers[1].Role, Is.EqualTo(LayerRole.Last));
            Assert.That(w.Layers[0].Precision, Is.EqualTo(OperandPrecision.Fp32));
            Assert.That(w.Layers[0].Shape.Padding, Is.EqualTo(Padding.Uniform(3)));
        });
    }

    [Test]
    public void BannerCarriesTheName()
    {
        var text = Write(NetworkZoo.Get("alexnet"));
        Assert.That(text, Does.StartWith("# hwsim-workload v1: alexnet\nname,kind,role,"));
        Assert.That(Read(text).Name, Is.EqualTo("alexnet"));
    }

    private const string Head = "name,kind,role,n,c,h,w,k,r,s,stride_h,stride_w,pad_top,pad_bottom,pad_left,pad_right,groups,weight_format,input_format,macs\n";
    private const string Good = "c1,conv,first,1,3,32,32,8,3,3,1,1,1,1,1,1,1,fp32,fp32,221184\n";

    [TestCase("nme,c,h,w,k,r,s\nx,1,1,1,1,1,1\n", "line 1, field 'nme'", "unknown column 'nme'")]
    [TestCase("name,c,h,w,k,r\nx,1,1,1,1,1\n", "line 1, field 's'", "missing column 's'")]
    [TestCase(Head + Good + "c2,conv,inner,1,8,32,32\n", "line 3", "the row has 7 fields but the header has 20")]
    [TestCase(Head + "c1,conv,first,1,3,3x2,32,8,3,3,1,1,1,1,1,1,1,fp32,fp32,\n", "line 2, field 'h'", "'3x2' is not a whole number")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,-8,3,3,1,1,1,1,1,1,1,fp32,fp32,\n", "line 2, field 'k'", "must be at least 1, got -8")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,8,3,3,0,1,1,1,1,1,1,fp32,fp32,\n", "line 2, field 'stride_h'", "must be at least 1, got 0")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,8,3,3,1,1,-1,1,1,1,1,fp32,fp32,\n", "line 2, field 'pad_top'", "must be 0 or more, got -1")]
    [TestCase(Head + "c1,conv,first,1,3,4,4,8,7,3,1,1,1,1,1,1,1,fp32,fp32,\n", "line 2, field 'r'", "kernel height 7 is larger than the padded input height 6")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,8,3,3,1,1,1,1,1,1,2,fp32,fp32,\n", "line 2, field 'groups'", "input channels 3 are not divisible by groups 2")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,8,3,3,1,1,1,1,1,1,1,int40,fp32,\n", "line 2, field 'weight_format'", "needs 2 to 32 bits, got 40")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,8,3,3,1,1,1,1,1,1,1,float8,fp32,\n", "line 2, field 'weight_format'", "unknown number format 'float8'")]
    [TestCase(Head + "c1,pool,first,1,3,32,32,8,3,3,1,1,1,1,1,1,1,fp32,fp32,\n", "line 2, field 'kind'", "unknown layer kind 'pool'")]
    [TestCase(Head + "c1,conv,middle,1,3,32,32,8,3,3,1,1,1,1,1,1,1,fp32,fp32,\n", "line 2, field 'role'", "unknown role 'middle'")]
    [TestCase(Head + "c1,conv,first,1,3,32,32,8,3,3,1,1,1,1,1,1,1,fp32,fp32,221185\n", "line 2, field 'macs'", "the file says 221185 but the layer's shape gives 221184")]
    [TestCase(Head, "line 2", "no layers after the header")]
    [TestCase(Head + Good + Good, "line 3, field 'name'", "layer name 'c1' is already used on line 2")]
    [TestCase("name,c,h,w,k,r,s,bias\nx,1,1,1,1,1,1,maybe\n", "line 2, field 'bias'", "'maybe' is not true or false")]
    [TestCase("name,c,h,w,k,r,s,weight_sparsity\nx,1,1,1,1,1,1,1.5\n", "line 2, field 'weight_sparsity'", "must be a fraction between 0 and 1, got 1.5")]
    public void BadInputNamesFileLineAndField(string text, string where, string rule)
    {
        var e = Assert.Throws<InputException>(() => Read(text, "bad.csv"));
        Assert.That(e!.Message, Does.StartWith("bad.csv, " + where).And.Contain(rule));
    }

    [Test]
    public void LineNumbersCountTheBanner()
    {
        var text = "# hwsim-workload v1: n\n" + Head + Good + "c2,conv,inner,1,8,32,32,8,3,3,1,1,1,1,1,1,1,fp32,xx,\n";
        var e = Assert.Throws<InputException>(() => Read(text, "b.csv"));
        Assert.That(e!.Message, Does.StartWith("b.csv, line 4, field 'input_format'"));
    }
}
