using NUnit.Framework;
using CsCheck;
using HwSim.Workloads;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Workloads.Shapes;

/// <summary>
/// Derived values of a layer shape pinned exactly, the validation rules on construction and on
/// <c>with</c>, and a property test of the MAC and output-size formulas against literal loops.
/// </summary>
[TestFixture]
public sealed class LayerShapeTests
{
    /// <summary>Expected derived values; computed by hand from N*K*P*Q*(C/G)*R*S and friends.</summary>
    public sealed record Derived(int P, int Q, long Macs, long WeightElements, long InputElements, long OutputElements, long GemmM, long GemmK, long GemmN);

    private static IEnumerable<TestCaseData> DerivedCases()
    {
        yield return Case("standard 3x3 s1 p1, 64->64 at 56x56",
            LayerShape.Conv(64, 56, 56, 64, 3, stride: 1, pad: 1),
            new(56, 56, 115_605_504, 36_864, 200_704, 200_704, 3_136, 576, 64));
        yield return Case("stride 2 on odd 15x15 with pad 1",
            LayerShape.Conv(16, 15, 15, 32, 3, stride: 2, pad: 1),
            new(8, 8, 294_912, 4_608, 3_600, 2_048, 64, 144, 32));
        yield return Case("stride 2 floors (14-3)/2 = 5.5",
            LayerShape.Conv(8, 14, 14, 8, 3, stride: 2),
            new(6, 6, 20_736, 576, 1_568, 288, 36, 72, 8));
        yield return Case("asymmetric pad t0 b1 l0 r1, 3x3 s2 on 224",
            new LayerShape(LayerKind.Convolution, 1, 3, 224, 224, 32, 3, 3, 2, 2, new Padding(0, 1, 0, 1)),
            new(112, 112, 10_838_016, 864, 150_528, 401_408, 12_544, 27, 32));
        yield return Case("asymmetric pad t0 b1 l2 r2: rows and columns differ",
            new LayerShape(LayerKind.Convolution, 1, 3, 224, 224, 32, 3, 3, 2, 2, new Padding(0, 1, 2, 2)),
            new(112, 113, 10_934_784, 864, 150_528, 404_992, 12_656, 27, 32));
        yield return Case("dilation 2, 3x3 spans 5",
            LayerShape.Conv(8, 20, 20, 16, 3, dilation: 2),
            new(16, 16, 294_912, 1_152, 3_200, 4_096, 256, 72, 16));
        yield return Case("grouped, 4 groups 64->128",
            LayerShape.Conv(64, 28, 28, 128, 3, pad: 1, groups: 4),
            new(28, 28, 14_450_688, 18_432, 50_176, 100_352, 784, 144, 32));
        yield return Case("depthwise 32 channels at 112x112",
            LayerShape.Depthwise(32, 112, 112, 3, pad: 1),
            new(112, 112, 3_612_672, 288, 401_408, 401_408, 12_544, 9, 1));
        yield return Case("fully connected 512->1000, batch 4",
            LayerShape.FullyConnected(512, 1000, batch: 4),
            new(1, 1, 2_048_000, 512_000, 2_048, 4_000, 4, 512, 1000));
        yield return Case("GEMM M=128 K=256 N=64",
            LayerShape.Gemm(128, 256, 64),
            new(128, 1, 2_097_152, 16_384, 32_768, 8_192, 128, 256, 64));
        yield return Case("batch 2 doubles everything but the weights",
            LayerShape.Conv(64, 56, 56, 64, 3, stride: 1, pad: 1, batch: 2),
            new(56, 56, 231_211_008, 36_864, 401_408, 401_408, 6_272, 576, 64));

        static TestCaseData Case(string name, LayerShape shape, Derived expected) =>
            new TestCaseData(shape, expected).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(DerivedCases))]
    public void DerivedValues(LayerShape shape, Derived expected)
    {
        var actual = new Derived(shape.OutputHeight, shape.OutputWidth, shape.Macs, shape.WeightElements, shape.InputElements,
            shape.OutputElements, shape.GemmM, shape.GemmK, shape.GemmN);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Dilation_WidensTheEffectiveKernel()
    {
        var shape = new LayerShape(LayerKind.Convolution, 1, 8, 20, 20, 8, 3, 5, dilationH: 2, dilationW: 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.EffectiveKernelHeight, Is.EqualTo(5));
            Assert.That(shape.EffectiveKernelWidth, Is.EqualTo(13));
            Assert.That((shape.OutputHeight, shape.OutputWidth), Is.EqualTo((16, 8)));
        }
    }

    [Test]
    public void Padding_TopAndBottomAffectRowsLeftAndRightColumns()
    {
        var shape = new LayerShape(LayerKind.Convolution, 1, 3, 224, 224, 32, 3, 3, 2, 2, new Padding(3, 0, 0, 0));

        Assert.That((shape.OutputHeight, shape.OutputWidth), Is.EqualTo((113, 111)));
    }

    [Test]
    public void KernelExactlyAsLargeAsThePaddedInput_GivesOneOutput()
    {
        var shape = LayerShape.Conv(4, 1, 1, 4, 3, pad: 1);

        Assert.That((shape.OutputHeight, shape.OutputWidth, shape.Macs), Is.EqualTo((1, 1, 4L * 4 * 9)));
    }

    [Test]
    public void IsDepthwise_OneOrMoreFiltersPerChannelInItsOwnGroup()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(LayerShape.Depthwise(32, 8, 8, 3).IsDepthwise, Is.True, "depthwise");
            Assert.That(LayerShape.Conv(32, 8, 8, 64, 3, groups: 32).IsDepthwise, Is.True, "channel multiplier 2");
            Assert.That(LayerShape.Conv(32, 8, 8, 32, 3, groups: 4).IsDepthwise, Is.False, "grouped");
            Assert.That(LayerShape.Conv(32, 8, 8, 32, 3).IsDepthwise, Is.False, "dense");
            Assert.That(LayerShape.Conv(1, 8, 8, 1, 3).IsDepthwise, Is.False, "one channel, one group");
        }
    }

    [Test]
    public void Defaults_PadNothingAndUseOneGroup()
    {
        var shape = new LayerShape(LayerKind.Convolution, 1, 3, 8, 8, 4, 3, 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.Padding, Is.EqualTo(Padding.None));
            Assert.That((shape.StrideH, shape.StrideW, shape.DilationH, shape.DilationW, shape.Groups), Is.EqualTo((1, 1, 1, 1, 1)));
        }
    }

    [Test]
    public void Gemm_IsAOneByOneConvolutionOverAnMByOneInput()
    {
        var shape = LayerShape.Gemm(128, 256, 64);

        Assert.That((shape.Kind, shape.Batch, shape.Height, shape.Width, shape.Channels, shape.Filters),
            Is.EqualTo((LayerKind.Gemm, 1, 128, 1, 256, 64)));
    }

    [Test]
    public void Equality_IsByValue()
    {
        var a = LayerShape.Conv(64, 56, 56, 64, 3, pad: 1);
        var b = new LayerShape(LayerKind.Convolution, 1, 64, 56, 56, 64, 3, 3, 1, 1, new Padding(1, 1, 1, 1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a with { StrideW = 2 }, Is.Not.EqualTo(b));
        }
    }

    [Test]
    public void With_AValidChangeRecomputesTheDerivedValues()
    {
        var shape = LayerShape.Conv(64, 56, 56, 64, 3, pad: 1) with { StrideH = 2, StrideW = 2 };

        Assert.That((shape.OutputHeight, shape.OutputWidth, shape.Macs), Is.EqualTo((28, 28, 28L * 28 * 64 * 64 * 9)));
    }

    // ---- validation ----

    private static readonly LayerShape Valid = LayerShape.Conv(8, 10, 10, 8, 3);

    private static IEnumerable<TestCaseData> NonPositiveCases()
    {
        foreach (var value in new[] { 0, -1, int.MinValue })
        {
            yield return Field("n", value, v => new LayerShape(LayerKind.Convolution, v, 8, 10, 10, 8, 3, 3), s => s with { Batch = value });
            yield return Field("c", value, v => new LayerShape(LayerKind.Convolution, 1, v, 10, 10, 8, 3, 3), s => s with { Channels = value });
            yield return Field("h", value, v => new LayerShape(LayerKind.Convolution, 1, 8, v, 10, 8, 3, 3), s => s with { Height = value });
            yield return Field("w", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, v, 8, 3, 3), s => s with { Width = value });
            yield return Field("k", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, v, 3, 3), s => s with { Filters = value });
            yield return Field("r", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, v, 3), s => s with { KernelHeight = value });
            yield return Field("s", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, v), s => s with { KernelWidth = value });
            yield return Field("stride_h", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, 3, strideH: v), s => s with { StrideH = value });
            yield return Field("stride_w", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, 3, strideW: v), s => s with { StrideW = value });
            yield return Field("dilation_h", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, 3, dilationH: v), s => s with { DilationH = value });
            yield return Field("dilation_w", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, 3, dilationW: v), s => s with { DilationW = value });
            yield return Field("groups", value, v => new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, 3, groups: v), s => s with { Groups = value });
        }

        static TestCaseData Field(string field, int value, Func<int, LayerShape> construct, Func<LayerShape, LayerShape> with) =>
            new TestCaseData(field, value, construct, with).SetArgDisplayNames(field, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestCaseSource(nameof(NonPositiveCases))]
    public void ValuesBelowOne_AreRejectedNamingTheField(string field, int value, Func<int, LayerShape> construct, Func<LayerShape, LayerShape> with)
    {
        var onConstruction = Assert.Throws<InputException>(() => construct(value));
        var onWith = Assert.Throws<InputException>(() => with(Valid));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Field, Is.EqualTo(field), "constructor");
            Assert.That(onConstruction.Rule, Is.EqualTo($"must be at least 1, got {value}"), "constructor");
            Assert.That(onWith.Field, Is.EqualTo(field), "with");
            Assert.That(onWith.Rule, Is.EqualTo($"must be at least 1, got {value}"), "with");
        }
    }

    private static IEnumerable<TestCaseData> NegativePaddingCases()
    {
        yield return new TestCaseData("pad_top", (Func<Padding>)(() => new Padding(-1, 0, 0, 0)), (Func<Padding, Padding>)(p => p with { Top = -1 }));
        yield return new TestCaseData("pad_bottom", (Func<Padding>)(() => new Padding(0, -1, 0, 0)), (Func<Padding, Padding>)(p => p with { Bottom = -1 }));
        yield return new TestCaseData("pad_left", (Func<Padding>)(() => new Padding(0, 0, -1, 0)), (Func<Padding, Padding>)(p => p with { Left = -1 }));
        yield return new TestCaseData("pad_right", (Func<Padding>)(() => new Padding(0, 0, 0, -1)), (Func<Padding, Padding>)(p => p with { Right = -1 }));
    }

    [TestCaseSource(nameof(NegativePaddingCases))]
    public void NegativePadding_IsRejectedNamingTheSide(string field, Func<Padding> construct, Func<Padding, Padding> with)
    {
        var onConstruction = Assert.Throws<InputException>(() => construct());
        var onWith = Assert.Throws<InputException>(() => with(Padding.Uniform(1)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Field, Is.EqualTo(field));
            Assert.That(onConstruction.Rule, Is.EqualTo("must be 0 or more, got -1"));
            Assert.That(onWith.Field, Is.EqualTo(field));
        }
    }

    [Test]
    public void NegativePadding_ThroughConvFactoryIsRejected()
    {
        var error = Assert.Throws<InputException>(() => LayerShape.Conv(8, 10, 10, 8, 3, pad: -1));

        Assert.That(error.Field, Does.StartWith("pad_"));
    }

    [Test]
    public void NullPadding_OnWithIsRejected()
    {
        var error = Assert.Throws<InputException>(() => _ = Valid with { Padding = null! });

        Assert.That(error.Field, Is.EqualTo("padding"));
    }

    [Test]
    public void NullPadding_InTheConstructorMeansNone()
    {
        var shape = new LayerShape(LayerKind.Convolution, 1, 8, 10, 10, 8, 3, 3, padding: null);

        Assert.That(shape.Padding, Is.EqualTo(Padding.None));
    }

    private static IEnumerable<TestCaseData> GroupCases()
    {
        var grouped = LayerShape.Conv(8, 10, 10, 8, 3, groups: 4);
        yield return new TestCaseData((Action)(() => LayerShape.Conv(6, 10, 10, 8, 3, groups: 4)), "input channels 6")
            .SetArgDisplayNames("construct, channels 6 over 4 groups");
        yield return new TestCaseData((Action)(() => LayerShape.Conv(8, 10, 10, 6, 3, groups: 4)), "output channels 6")
            .SetArgDisplayNames("construct, filters 6 over 4 groups");
        yield return new TestCaseData((Action)(() => _ = grouped with { Channels = 6 }), "input channels 6")
            .SetArgDisplayNames("with channels 6");
        yield return new TestCaseData((Action)(() => _ = grouped with { Filters = 10 }), "output channels 10")
            .SetArgDisplayNames("with filters 10");
        yield return new TestCaseData((Action)(() => _ = grouped with { Groups = 3 }), "input channels 8")
            .SetArgDisplayNames("with groups 3");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Conv(8, 10, 10, 12, 3) with { Groups = 8 }), "output channels 12")
            .SetArgDisplayNames("with groups 8, filters 12");
    }

    [TestCaseSource(nameof(GroupCases))]
    public void ChannelsOrFiltersNotDivisibleByGroups_AreRejected(Action build, string what)
    {
        var error = Assert.Throws<InputException>(build);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("groups"));
            Assert.That(error.Rule, Does.Contain(what).And.Contain("not divisible by groups"));
        }
    }

    private static IEnumerable<TestCaseData> KernelTooLargeCases()
    {
        yield return new TestCaseData((Action)(() => LayerShape.Conv(3, 2, 10, 8, 3)), "r", "kernel height 3", "padded input height 2")
            .SetArgDisplayNames("construct, 3 rows on 2");
        yield return new TestCaseData((Action)(() => LayerShape.Conv(3, 10, 2, 8, 3)), "s", "kernel width 3", "padded input width 2")
            .SetArgDisplayNames("construct, 3 columns on 2");
        yield return new TestCaseData((Action)(() => LayerShape.Conv(3, 4, 10, 8, 3, dilation: 2)), "r", "kernel height 5", "padded input height 4")
            .SetArgDisplayNames("construct, dilated rows");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.Convolution, 1, 3, 10, 4, 8, 3, 3, dilationW: 2)), "s", "kernel width 5", "padded input width 4")
            .SetArgDisplayNames("construct, dilated columns");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.Convolution, 1, 3, 1, 10, 8, 3, 3, padding: new Padding(1, 0, 0, 0))), "r", "kernel height 3", "padded input height 2")
            .SetArgDisplayNames("construct, one-sided padding short by one");
        yield return new TestCaseData((Action)(() => _ = Valid with { KernelHeight = 11 }), "r", "kernel height 11", "padded input height 10")
            .SetArgDisplayNames("with kernel height 11");
        yield return new TestCaseData((Action)(() => _ = Valid with { KernelWidth = 11 }), "s", "kernel width 11", "padded input width 10")
            .SetArgDisplayNames("with kernel width 11");
        yield return new TestCaseData((Action)(() => _ = Valid with { Height = 2 }), "r", "kernel height 3", "padded input height 2")
            .SetArgDisplayNames("with height 2");
        yield return new TestCaseData((Action)(() => _ = Valid with { Width = 2 }), "s", "kernel width 3", "padded input width 2")
            .SetArgDisplayNames("with width 2");
        yield return new TestCaseData((Action)(() => _ = Valid with { DilationH = 5 }), "r", "kernel height 11", "padded input height 10")
            .SetArgDisplayNames("with dilation_h 5");
        yield return new TestCaseData((Action)(() => _ = Valid with { DilationW = 5 }), "s", "kernel width 11", "padded input width 10")
            .SetArgDisplayNames("with dilation_w 5");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Conv(3, 1, 1, 8, 3, pad: 1) with { Padding = new Padding(1, 0, 1, 1) }), "r", "kernel height 3", "padded input height 2")
            .SetArgDisplayNames("with less padding");
    }

    [TestCaseSource(nameof(KernelTooLargeCases))]
    public void KernelLargerThanThePaddedInput_IsRejected(Action build, string field, string kernel, string input)
    {
        var error = Assert.Throws<InputException>(build);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo(field));
            Assert.That(error.Rule, Does.Contain(kernel).And.Contain(input));
        }
    }

    private static IEnumerable<TestCaseData> NotOneByOneCases()
    {
        // Padding lets a 3x3 kernel fit a 1x1 input, so the FC/GEMM rule (not the size rule) is what fires.
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.FullyConnected, 1, 16, 1, 1, 8, 3, 3, padding: Padding.Uniform(1))))
            .SetArgDisplayNames("FC, 3x3 kernel");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.FullyConnected, 1, 16, 1, 1, 8, 1, 1, strideH: 2)))
            .SetArgDisplayNames("FC, stride 2");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.FullyConnected, 1, 16, 1, 1, 8, 1, 1, dilationW: 2)))
            .SetArgDisplayNames("FC, dilation 2");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.FullyConnected, 1, 16, 1, 1, 8, 1, 1, groups: 2)))
            .SetArgDisplayNames("FC, 2 groups");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.FullyConnected, 1, 16, 2, 1, 8, 1, 1)))
            .SetArgDisplayNames("FC, 2x1 input");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.Gemm, 1, 16, 3, 1, 8, 3, 1)))
            .SetArgDisplayNames("GEMM, 3x1 kernel");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.Gemm, 1, 16, 3, 2, 8, 1, 1)))
            .SetArgDisplayNames("GEMM, M x 2 input");
        yield return new TestCaseData((Action)(() => new LayerShape(LayerKind.Gemm, 1, 16, 3, 1, 8, 1, 1, padding: new Padding(0, 1, 0, 0))))
            .SetArgDisplayNames("GEMM, padded");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Gemm(3, 16, 8) with { KernelHeight = 3 }))
            .SetArgDisplayNames("GEMM with kernel height 3");
        yield return new TestCaseData((Action)(() => _ = LayerShape.FullyConnected(16, 8) with { Padding = Padding.Uniform(1) }))
            .SetArgDisplayNames("FC with padding");
        yield return new TestCaseData((Action)(() => _ = LayerShape.FullyConnected(16, 8) with { StrideW = 2 }))
            .SetArgDisplayNames("FC with stride_w 2");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Conv(16, 3, 3, 8, 3) with { Kind = LayerKind.FullyConnected }))
            .SetArgDisplayNames("3x3 conv with kind FC");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Conv(16, 3, 3, 8, 3) with { Kind = LayerKind.Gemm }))
            .SetArgDisplayNames("3x3 conv with kind GEMM");
    }

    [TestCaseSource(nameof(NotOneByOneCases))]
    public void FullyConnectedAndGemm_MustBeOneByOne(Action build)
    {
        var error = Assert.Throws<InputException>(build);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("kind"));
            Assert.That(error.Rule, Does.Contain("1x1 kernel"));
        }
    }

    [Test]
    public void FullyConnected_WithAKernelThatCannotFitIsRejected()
    {
        // Without padding the size rule fires first; either way it is an input error about the kernel.
        var error = Assert.Throws<InputException>(() => _ = LayerShape.FullyConnected(16, 8) with { KernelHeight = 3 });

        Assert.That(error.Rule, Does.Contain("kernel"));
    }

    [Test]
    public void Gemm_WithBatchIsRejected()
    {
        var onConstruction = Assert.Throws<InputException>(() => new LayerShape(LayerKind.Gemm, 2, 16, 3, 1, 8, 1, 1));
        var onWith = Assert.Throws<InputException>(() => _ = LayerShape.Gemm(3, 16, 8) with { Batch = 2 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Field, Is.EqualTo("n"));
            Assert.That(onConstruction.Rule, Does.Contain("batch 1"));
            Assert.That(onWith.Field, Is.EqualTo("n"));
        }
    }

    [Test]
    public void FullyConnected_MayHaveABatch()
    {
        Assert.That(LayerShape.FullyConnected(16, 8) with { Batch = 32 }, Has.Property(nameof(LayerShape.Macs)).EqualTo(32L * 16 * 8));
    }

    private static IEnumerable<TestCaseData> OverflowCases()
    {
        yield return new TestCaseData((Action)(() => LayerShape.Conv(65_536, 65_536, 65_536, 65_536, 1)))
            .SetArgDisplayNames("conv with 2^64 MACs");
        yield return new TestCaseData((Action)(() => LayerShape.FullyConnected(int.MaxValue, int.MaxValue, int.MaxValue)))
            .SetArgDisplayNames("FC with int.MaxValue everywhere");
        yield return new TestCaseData((Action)(() => LayerShape.Gemm(int.MaxValue, int.MaxValue, int.MaxValue)))
            .SetArgDisplayNames("GEMM with int.MaxValue everywhere");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Conv(4096, 4096, 4096, 4096, 1) with { Batch = int.MaxValue }))
            .SetArgDisplayNames("with batch int.MaxValue");
        yield return new TestCaseData((Action)(() => _ = LayerShape.Conv(65_536, 65_536, 65_536, 1, 1) with { Filters = 65_536 }))
            .SetArgDisplayNames("with filters 65536");
    }

    [TestCaseSource(nameof(OverflowCases))]
    public void MacCountBeyondLong_IsAnInputErrorNotAnOverflow(Action build)
    {
        var error = Assert.Throws<InputException>(build);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo("shape"));
            Assert.That(error.Rule, Does.Contain("64 bits"));
        }
    }

    [Test]
    public void LargestShapesThatFit_AreAccepted()
    {
        // 2^62 MACs: large but countable.
        var shape = LayerShape.Conv(32_768, 32_768, 32_768, 32_768, 1) with { Batch = 4 };

        Assert.That(shape.Macs, Is.EqualTo(1L << 62));
    }

    // ---- property test against literal loops ----

    private static int[] Divisors(int n) => [.. Enumerable.Range(1, n).Where(d => n % d == 0)];

    private static readonly Gen<LayerShape> SmallConvs =
        from channels in Gen.Int[1, 12]
        from groups in Gen.OneOf(Divisors(channels))
        from filtersPerGroup in Gen.Int[1, 3]
        from batch in Gen.Int[1, 2]
        from height in Gen.Int[1, 40]
        from width in Gen.Int[1, 40]
        from kernelHeight in Gen.Int[1, 7]
        from kernelWidth in Gen.Int[1, 7]
        from strideH in Gen.Int[1, 3]
        from strideW in Gen.Int[1, 3]
        from pads in Gen.Int[0, 3].Array[4]
        from dilationH in Gen.Int[1, 2]
        from dilationW in Gen.Int[1, 2]
        where dilationH * (kernelHeight - 1) + 1 <= height + pads[0] + pads[1]
           && dilationW * (kernelWidth - 1) + 1 <= width + pads[2] + pads[3]
        select new LayerShape(LayerKind.Convolution, batch, channels, height, width, groups * filtersPerGroup,
            kernelHeight, kernelWidth, strideH, strideW, new Padding(pads[0], pads[1], pads[2], pads[3]), dilationH, dilationW, groups);

    /// <summary>Window start positions, stepping by the stride, whose dilated kernel fits the padded input.</summary>
    private static int CountWindows(int input, int padBefore, int padAfter, int kernel, int dilation, int stride)
    {
        var count = 0;
        for (var start = -padBefore; start + dilation * (kernel - 1) <= input - 1 + padAfter; start += stride)
            count++;
        return count;
    }

    /// <summary>One count per innermost iteration of the convolution loop nest, padding positions included.</summary>
    private static long CountMacs(LayerShape s)
    {
        var p = CountWindows(s.Height, s.Padding.Top, s.Padding.Bottom, s.KernelHeight, s.DilationH, s.StrideH);
        var q = CountWindows(s.Width, s.Padding.Left, s.Padding.Right, s.KernelWidth, s.DilationW, s.StrideW);
        var channelsPerGroup = s.Channels / s.Groups;
        var filtersPerGroup = s.Filters / s.Groups;
        long count = 0;
        for (var n = 0; n < s.Batch; n++)
            for (var k = 0; k < s.Filters; k++)
                for (var y = 0; y < p; y++)
                    for (var x = 0; x < q; x++)
                        for (var c = k / filtersPerGroup * channelsPerGroup; c < (k / filtersPerGroup + 1) * channelsPerGroup; c++)
                            for (var r = 0; r < s.KernelHeight; r++)
                                for (var t = 0; t < s.KernelWidth; t++)
                                    count++;
        return count;
    }

    [Test]
    public void Property_MacsAndOutputSizeMatchLiteralLoops()
    {
        SmallConvs.Sample(shape =>
        {
            var p = CountWindows(shape.Height, shape.Padding.Top, shape.Padding.Bottom, shape.KernelHeight, shape.DilationH, shape.StrideH);
            var q = CountWindows(shape.Width, shape.Padding.Left, shape.Padding.Right, shape.KernelWidth, shape.DilationW, shape.StrideW);
            Assert.That((shape.OutputHeight, shape.OutputWidth, shape.Macs), Is.EqualTo((p, q, CountMacs(shape))), shape.ToString);
        }, iter: 1000);
    }

    // Regression: these sums once overflowed int before the size checks and escaped as OverflowException.
    [Test]
    public void AbsurdPaddingOrDilation_IsAnInputErrorNotAnOverflow()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => LayerShape.Conv(1, int.MaxValue, 1, 1, 1, pad: 1), Throws.TypeOf<InputException>().With.Message.Contain("too large"));
            Assert.That(() => LayerShape.Conv(1, 10, 10, 1, 3, dilation: int.MaxValue), Throws.TypeOf<InputException>().With.Message.Contain("larger than the padded input"));
            Assert.That(() => LayerShape.Conv(1, 10, 10, 1, 3) with { Padding = Padding.Uniform(int.MaxValue) }, Throws.TypeOf<InputException>());
        });
    }
}
