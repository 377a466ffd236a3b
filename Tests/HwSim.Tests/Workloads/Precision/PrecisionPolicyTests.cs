using NUnit.Framework;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;

namespace HwSim.Tests.Workloads.Precision;

/// <summary>
/// How --wbits/--abits/--first-last become formats, and what applying them to a network does:
/// ResNet-18 at W4A2 with fp32 first and last layers is the PACT/DoReFa setting.
/// </summary>
[TestFixture]
public sealed class PrecisionPolicyTests
{
    private static readonly NumberFormat Int4 = NumberFormat.Int(4);
    private static readonly NumberFormat UInt2 = NumberFormat.UInt(2);
    private static readonly FirstLastFormat KeepFp32 = FirstLastFormat.Keep(NumberFormat.Fp32);

    // ResNet-18 from the zoo: conv1 (118,013,952 MACs) and fc (512,000) are first and last; the 19
    // others sum to the rest. Each 1x1 stride-2 shortcut is 6,422,528 MACs (28x28x128x64 etc.).
    private const long ResNet18FirstLastMacs = 118_525_952;
    private const long ResNet18InnerMacs = 1_695_547_392;
    private const long ResNet18DownsampleMacs = 3 * 6_422_528L;

    // ---- FromBits ----

    [TestCase(1, 1, "binary", "binary")]
    [TestCase(1, 4, "binary", "uint4")]
    [TestCase(4, 1, "int4", "binary")]
    [TestCase(2, 2, "int2", "uint2")]
    [TestCase(4, 2, "int4", "uint2")]
    [TestCase(8, 8, "int8", "uint8")]
    [TestCase(32, 32, "int32", "uint32")]
    public void FromBits_OneBitIsBinaryWiderWeightsSignedWiderInputsUnsigned(int weightBits, int inputBits, string weight, string input)
    {
        var policy = PrecisionPolicy.FromBits(weightBits, inputBits, KeepFp32);

        Assert.That(policy, Is.EqualTo(new PrecisionPolicy(NumberFormat.Parse(weight), NumberFormat.Parse(input), KeepFp32)));
    }

    [Test]
    public void FromBits_TernaryAtTwoBits()
    {
        var policy = PrecisionPolicy.FromBits(2, 2, FirstLastFormat.Same, ternaryWeights: true, realDownsample: true);

        Assert.That(policy, Is.EqualTo(new PrecisionPolicy(NumberFormat.Ternary, UInt2, FirstLastFormat.Same, RealDownsample: true)));
    }

    [TestCase(0, 2, false, "weight bits", "got 0")]
    [TestCase(-1, 2, false, "weight bits", "got -1")]
    [TestCase(33, 2, false, "weight bits", "got 33")]
    [TestCase(4, 0, false, "activation bits", "got 0")]
    [TestCase(4, 33, false, "activation bits", "got 33")]
    [TestCase(4, 64, false, "activation bits", "got 64")]
    [TestCase(1, 2, true, "weight format", "got 1-bit weights")]
    [TestCase(3, 2, true, "weight format", "got 3-bit weights")]
    [TestCase(8, 8, true, "weight format", "got 8-bit weights")]
    public void FromBits_BadValuesNameTheField(int weightBits, int inputBits, bool ternary, string option, string detail)
    {
        var error = Assert.Throws<InputException>(() => PrecisionPolicy.FromBits(weightBits, inputBits, KeepFp32, ternary));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo(option));
            Assert.That(error.Rule, Does.Contain(detail));
            Assert.That(error.Message, Does.Contain(option));
        }
    }

    [Test]
    public void FromBits_RangeRuleSaysOneTo32()
    {
        var error = Assert.Throws<InputException>(() => PrecisionPolicy.FromBits(4, 40, KeepFp32));

        Assert.That(error.Rule, Is.EqualTo("must be 1 to 32, got 40"));
    }

    // ---- Apply on ResNet-18 ----

    private static Workload ResNet18W4A2(FirstLastFormat firstLast, bool realDownsample = false) =>
        PrecisionPolicy.FromBits(4, 2, firstLast, realDownsample: realDownsample).Apply(NetworkZoo.Get("resnet18"));

    [Test]
    public void Apply_W4A2Fp32FirstLast_KeepsFirstAndLastAtFp32()
    {
        var layers = ResNet18W4A2(KeepFp32).Layers;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers, Has.Length.EqualTo(21));
            Assert.That((layers[0].Name, layers[0].Precision), Is.EqualTo(("conv1", OperandPrecision.Fp32)));
            Assert.That((layers[^1].Name, layers[^1].Precision), Is.EqualTo(("fc", OperandPrecision.Fp32)));
        }
    }

    [Test]
    public void Apply_W4A2Fp32FirstLast_TheOther19AreInt4ByUInt2WithDerivedAccumulators()
    {
        var inner = ResNet18W4A2(KeepFp32).Layers.Where(l => l.Role == LayerRole.Inner).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(inner, Has.Count.EqualTo(19));
            Assert.That(inner, Has.All.Matches<LayerWorkload>(l => l.Precision.Weight == Int4 && l.Precision.Input == UInt2 && l.Precision.Output == UInt2));
            Assert.That(inner, Has.All.Matches<LayerWorkload>(l => l.Precision.Accumulator == OperandPrecision.AccumulatorFor(Int4, UInt2, l.Shape.GemmK)));
        }
    }

    [TestCase("layer1.0.conv1", 16, TestName = "64x3x3 = 576 terms: 4+2+10")]
    [TestCase("layer4.1.conv2", 19, TestName = "512x3x3 = 4608 terms: 4+2+13")]
    [TestCase("layer2.0.downsample.0", 12, TestName = "64x1x1 = 64 terms: 4+2+6")]
    [TestCase("layer3.0.conv1", 17, TestName = "128x3x3 = 1152 terms: 4+2+11")]
    public void Apply_W4A2_AccumulatorOfAnInnerLayer(string layer, int bits)
    {
        var precision = ResNet18W4A2(KeepFp32).Layers.Single(l => l.Name == layer).Precision;

        Assert.That(precision.Accumulator, Is.EqualTo(NumberFormat.Int(bits)));
    }

    [Test]
    public void Apply_W4A2Fp32FirstLast_MacsByFormatMatchTheZoo()
    {
        var byFormat = ResNet18W4A2(KeepFp32).ByFormat;

        Assert.That(byFormat.Select(g => (g.Weight, g.Input, g.Layers, g.Macs)), Is.EqualTo(new[]
        {
            (NumberFormat.Fp32, NumberFormat.Fp32, 2, ResNet18FirstLastMacs),
            (Int4, UInt2, 19, ResNet18InnerMacs),
        }));
    }

    [Test]
    public void Apply_W4A2Fp32FirstLast_BitOperations()
    {
        var workload = ResNet18W4A2(KeepFp32);
        const long fp32BitOps = 32L * 32 * ResNet18FirstLastMacs;
        const long innerBitOps = 4L * 2 * ResNet18InnerMacs;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.Macs, Is.EqualTo(ResNet18FirstLastMacs + ResNet18InnerMacs));
            Assert.That(workload.BitOperations, Is.EqualTo(fp32BitOps + innerBitOps));
            Assert.That(workload.BitOperations, Is.EqualTo(134_934_953_984L));
            Assert.That(workload.ByFormat.Select(g => g.BitOperations), Is.EqualTo(new[] { fp32BitOps, innerBitOps }));
        }
    }

    [Test]
    public void Apply_KeepsShapesNamesRolesAndFlags()
    {
        var original = NetworkZoo.Get("resnet18");
        var quantised = ResNet18W4A2(KeepFp32);

        Assert.That(quantised.Layers.Select(l => (l.Name, l.Shape, l.Role, l.IsDownsample, l.HasBias, l.HasBatchNorm, l.Unit)),
            Is.EqualTo(original.Layers.Select(l => (l.Name, l.Shape, l.Role, l.IsDownsample, l.HasBias, l.HasBatchNorm, l.Unit))));
        Assert.That(quantised.Name, Is.EqualTo(original.Name));
    }

    [Test]
    public void Apply_SameFirstLast_FirstAndLastFollowTheInnerFormats()
    {
        var workload = ResNet18W4A2(FirstLastFormat.Same);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.Layers, Has.All.Matches<LayerWorkload>(l => l.Precision.Weight == Int4 && l.Precision.Input == UInt2));
            Assert.That(workload.Layers[0].Precision.Accumulator, Is.EqualTo(NumberFormat.Int(14)), "conv1: 3x7x7 = 147 terms");
            Assert.That(workload.Layers[^1].Precision.Accumulator, Is.EqualTo(NumberFormat.Int(15)), "fc: 512 terms");
            Assert.That(workload.BitOperations, Is.EqualTo(4L * 2 * (ResNet18FirstLastMacs + ResNet18InnerMacs)));
        }
    }

    [Test]
    public void Apply_RealDownsample_KeepsTheThreeShortcutsAtTheFirstLastFormat()
    {
        var workload = ResNet18W4A2(KeepFp32, realDownsample: true);
        var fp32 = workload.Layers.Where(l => l.Precision == OperandPrecision.Fp32).Select(l => l.Name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fp32, Is.EqualTo(new[] { "conv1", "layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0", "fc" }));
            Assert.That(workload.ByFormat.Select(g => (g.Layers, g.Macs)), Is.EqualTo(new[]
            {
                (5, ResNet18FirstLastMacs + ResNet18DownsampleMacs),
                (16, ResNet18InnerMacs - ResNet18DownsampleMacs),
            }));
            Assert.That(workload.BitOperations,
                Is.EqualTo(32L * 32 * (ResNet18FirstLastMacs + ResNet18DownsampleMacs) + 4L * 2 * (ResNet18InnerMacs - ResNet18DownsampleMacs)));
        }
    }

    [Test]
    public void Apply_RealDownsampleWithInt8FirstLast_ShortcutsAreInt8()
    {
        var workload = ResNet18W4A2(FirstLastFormat.Keep(NumberFormat.Int(8)), realDownsample: true);
        var shortcut = workload.Layers.Single(l => l.Name == "layer3.0.downsample.0").Precision;

        // 128 terms: 8+8+7 bits.
        Assert.That(shortcut, Is.EqualTo(new OperandPrecision(NumberFormat.Int(8), NumberFormat.Int(8), NumberFormat.Int(23), NumberFormat.Int(8))));
    }

    [Test]
    public void Apply_RealDownsampleWithSame_ShortcutsFollowTheInnerLayers()
    {
        var workload = ResNet18W4A2(FirstLastFormat.Same, realDownsample: true);

        Assert.That(workload.Layers.Where(l => l.IsDownsample), Has.All.Matches<LayerWorkload>(l => l.Precision.Weight == Int4 && l.Precision.Input == UInt2));
    }

    [Test]
    public void Apply_NullInnerFormats_OnlyFirstAndLastChange()
    {
        var original = NetworkZoo.Get("resnet18");
        var int8 = NumberFormat.Int(8);

        var workload = new PrecisionPolicy(null, null, FirstLastFormat.Keep(int8)).Apply(original);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.Layers[0].Precision, Is.EqualTo(new OperandPrecision(int8, int8, NumberFormat.Int(24), int8)), "conv1: 147 terms");
            Assert.That(workload.Layers[^1].Precision, Is.EqualTo(new OperandPrecision(int8, int8, NumberFormat.Int(25), int8)), "fc: 512 terms");
            Assert.That(workload.Layers[1..^1], Is.EqualTo(original.Layers[1..^1]));
        }
    }

    [Test]
    public void Apply_OneNullInnerFormat_KeepsThatOperandOfEachLayer()
    {
        var original = NetworkZoo.Get("resnet18");

        var workload = new PrecisionPolicy(null, NumberFormat.UInt(4), FirstLastFormat.Same).Apply(original);

        // fp32 weights stay, so the accumulator is fp32 too.
        Assert.That(workload.Layers.Select(l => l.Precision).Distinct(),
            Is.EqualTo(new[] { new OperandPrecision(NumberFormat.Fp32, NumberFormat.UInt(4), NumberFormat.Fp32, NumberFormat.UInt(4)) }));
    }

    [Test]
    public void Apply_IsIdempotent()
    {
        var policy = PrecisionPolicy.FromBits(4, 2, KeepFp32, realDownsample: true);
        var once = policy.Apply(NetworkZoo.Get("resnet18"));

        Assert.That(policy.Apply(once), Is.EqualTo(once));
    }

    // ---- statistics ----

    private static readonly LayerShape Shape = LayerShape.Conv(64, 28, 28, 64, 3, pad: 1);
    private static readonly ValueStatistics Measured = new(0.4, 0.6, 3, 1.5);

    [Test]
    public void Apply_UnchangedFormatsKeepTheStatistics()
    {
        var inner = new LayerWorkload("inner", Shape, OperandPrecision.For(Int4, UInt2, Shape.GemmK), statistics: Measured);
        var first = new LayerWorkload("first", Shape, role: LayerRole.First, statistics: new ValueStatistics(0.1, 0.2));
        var policy = PrecisionPolicy.FromBits(4, 2, KeepFp32);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(policy.Apply(inner), Is.EqualTo(inner));
            Assert.That(policy.Apply(inner).Statistics, Is.EqualTo(Measured));
            Assert.That(policy.Apply(first).Statistics, Is.EqualTo(new ValueStatistics(0.1, 0.2)));
        }
    }

    [Test]
    public void Apply_ChangedFormatsClearTheStatistics()
    {
        var inner = new LayerWorkload("inner", Shape, OperandPrecision.For(Int4, UInt2, Shape.GemmK), statistics: Measured);
        var fp32Inner = new LayerWorkload("fp32", Shape, statistics: new ValueStatistics(0.1, 0.2));

        // 3 non-zero weight bits would not fit int2: the statistics must go before the precision changes.
        var narrower = PrecisionPolicy.FromBits(2, 2, KeepFp32).Apply(inner);
        var wider = PrecisionPolicy.FromBits(8, 8, KeepFp32).Apply(inner);
        var quantised = PrecisionPolicy.FromBits(4, 2, KeepFp32).Apply(fp32Inner);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(narrower.Statistics, Is.Null);
            Assert.That(narrower.Precision, Is.EqualTo(OperandPrecision.For(NumberFormat.Int(2), UInt2, Shape.GemmK)));
            Assert.That(wider.Statistics, Is.Null);
            Assert.That(quantised.Statistics, Is.Null);
            Assert.That(quantised.Precision, Is.EqualTo(OperandPrecision.For(Int4, UInt2, Shape.GemmK)));
        }
    }

    [Test]
    public void Apply_ChangingOnlyTheInputFormatAlsoClearsTheStatistics()
    {
        var inner = new LayerWorkload("inner", Shape, OperandPrecision.For(Int4, UInt2, Shape.GemmK), statistics: Measured);

        var applied = new PrecisionPolicy(null, NumberFormat.UInt(4), KeepFp32).Apply(inner);

        Assert.That((applied.Precision.Weight, applied.Precision.Input, applied.Statistics), Is.EqualTo((Int4, NumberFormat.UInt(4), (ValueStatistics?)null)));
    }

    // ---- FirstLastFormat ----

    [TestCase("fp32", "fp32")]
    [TestCase("fp16", "fp16")]
    [TestCase("bf16", "bf16")]
    [TestCase("int8", "int8")]
    [TestCase("int16", "int16")]
    [TestCase("FP32", "fp32")]
    [TestCase(" Int8\t", "int8")]
    public void FirstLastFormat_ParseKeepsAFormat(string text, string format)
    {
        var parsed = FirstLastFormat.Parse(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.IsSame, Is.False);
            Assert.That(parsed.Format, Is.EqualTo(NumberFormat.Parse(format)));
            Assert.That(parsed, Is.EqualTo(FirstLastFormat.Keep(NumberFormat.Parse(format))));
            Assert.That(parsed.ToString(), Is.EqualTo(format));
        }
    }

    [TestCase("same")]
    [TestCase("SAME")]
    [TestCase("  Same ")]
    public void FirstLastFormat_ParseSame(string text)
    {
        var parsed = FirstLastFormat.Parse(text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed, Is.EqualTo(FirstLastFormat.Same));
            Assert.That(parsed.IsSame, Is.True);
            Assert.That(parsed.Format, Is.Null);
            Assert.That(parsed.ToString(), Is.EqualTo("same"));
        }
    }

    [Test]
    public void FirstLastFormat_EveryOfferedNameParsesAndPrintsBack()
    {
        Assert.That(FirstLastFormat.Names.Select(n => FirstLastFormat.Parse(n).ToString()), Is.EqualTo(FirstLastFormat.Names));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("int4")]
    [TestCase("uint8")]
    [TestCase("int32")]
    [TestCase("binary")]
    [TestCase("ternary")]
    [TestCase("fp64")]
    [TestCase("sam")]
    [TestCase("keep")]
    public void FirstLastFormat_ParseRejectsOtherValuesListingTheChoices(string text)
    {
        var error = Assert.Throws<InputException>(() => FirstLastFormat.Parse(text));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("first/last format"));
            Assert.That(error.Rule, Does.Contain($"got '{text}'"));
            Assert.That(FirstLastFormat.Names, Has.All.Matches<string>(n => error.Rule.Contains(n, StringComparison.Ordinal)));
        }
    }

    [Test]
    public void FirstLastFormat_ParseNamesTheGivenField()
    {
        var error = Assert.Throws<InputException>(() => FirstLastFormat.Parse("int4", "first_last"));

        Assert.That(error.Field, Is.EqualTo("first_last"));
    }
}
