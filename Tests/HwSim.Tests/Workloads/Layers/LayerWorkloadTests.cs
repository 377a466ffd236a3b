using NUnit.Framework;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Workloads.Layers;

/// <summary>
/// A layer's parameter and bit-operation counts, the checks on its name and statistics, and the
/// workload built from layers: unique names, totals computed from the layers, value equality.
/// </summary>
[TestFixture]
public sealed class LayerWorkloadTests
{
    private static readonly NumberFormat Int4 = NumberFormat.Int(4);
    private static readonly NumberFormat UInt2 = NumberFormat.UInt(2);

    // 64 -> 128, 3x3 at 28x28: 73,728 weights, 57,802,752 MACs, reduction length 576.
    private static readonly LayerShape Conv = LayerShape.Conv(64, 28, 28, 128, 3, pad: 1);
    private const long ConvMacs = 28L * 28 * 128 * 64 * 9;

    private static OperandPrecision W4A2(LayerShape shape) => OperandPrecision.For(Int4, UInt2, shape.GemmK);

    [TestCase(false, false, 73_728L)]
    [TestCase(true, false, 73_728L + 128)]
    [TestCase(false, true, 73_728L + 256)]
    [TestCase(true, true, 73_728L + 384)]
    public void Parameters_AreWeightsPlusBiasPlusTwoPerChannelForBatchNorm(bool bias, bool batchNorm, long expected)
    {
        var layer = new LayerWorkload("conv", Conv, hasBias: bias, hasBatchNorm: batchNorm);

        Assert.That(layer.Parameters, Is.EqualTo(expected));
    }

    [Test]
    public void Parameters_FullyConnectedWithBias()
    {
        var layer = new LayerWorkload("fc", LayerShape.FullyConnected(512, 1000, batch: 4), hasBias: true);

        Assert.That(layer.Parameters, Is.EqualTo(512L * 1000 + 1000));
    }

    [Test]
    public void Parameters_DepthwiseCountsOneFilterPerChannel()
    {
        var layer = new LayerWorkload("dw", LayerShape.Depthwise(32, 112, 112, 3, pad: 1), hasBatchNorm: true);

        Assert.That(layer.Parameters, Is.EqualTo(32L * 9 + 64));
    }

    [Test]
    public void BitOperations_Fp32CountsThirtyTwoBitsPerOperand()
    {
        var layer = new LayerWorkload("conv", Conv);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layer.Macs, Is.EqualTo(ConvMacs));
            Assert.That(layer.BitOperations, Is.EqualTo(32L * 32 * ConvMacs));
        }
    }

    [TestCase("int4", "uint2", 8)]
    [TestCase("int8", "uint8", 64)]
    [TestCase("binary", "binary", 1)]
    [TestCase("ternary", "uint4", 8)]
    [TestCase("fp16", "fp16", 256)]
    [TestCase("bf16", "int8", 128)]
    [TestCase("int8", "fp32", 256)]
    public void BitOperations_AreWeightBitsTimesInputBitsTimesMacs(string weight, string input, long bitsProduct)
    {
        var precision = OperandPrecision.For(NumberFormat.Parse(weight), NumberFormat.Parse(input), Conv.GemmK);
        var layer = new LayerWorkload("conv", Conv, precision);

        Assert.That(layer.BitOperations, Is.EqualTo(bitsProduct * ConvMacs));
    }

    [Test]
    public void BitOperations_IgnoreTheAccumulatorWidth()
    {
        var narrow = new LayerWorkload("a", Conv, new OperandPrecision(Int4, UInt2, NumberFormat.Int(16), UInt2));
        var wide = new LayerWorkload("a", Conv, new OperandPrecision(Int4, UInt2, NumberFormat.Fp32, NumberFormat.Fp32));

        Assert.That(wide.BitOperations, Is.EqualTo(narrow.BitOperations));
    }

    [Test]
    public void Defaults_Fp32InnerNoExtras()
    {
        var layer = new LayerWorkload("conv", Conv);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layer.Precision, Is.EqualTo(OperandPrecision.Fp32));
            Assert.That(layer.Role, Is.EqualTo(LayerRole.Inner));
            Assert.That((layer.IsDownsample, layer.HasBias, layer.HasBatchNorm), Is.EqualTo((false, false, false)));
            Assert.That(layer.Statistics, Is.Null);
            Assert.That(layer.Unit, Is.Null);
            Assert.That(layer.Kind, Is.EqualTo(LayerKind.Convolution));
        }
    }

    // ---- names ----

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\t\n")]
    public void EmptyName_IsRejected(string name)
    {
        var onConstruction = Assert.Throws<InputException>(() => new LayerWorkload(name, Conv));
        var onWith = Assert.Throws<InputException>(() => _ = new LayerWorkload("conv", Conv) with { Name = name });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Field, Is.EqualTo("name"));
            Assert.That(onConstruction.Rule, Does.Contain("non-empty name"));
            Assert.That(onWith.Field, Is.EqualTo("name"));
        }
    }

    [Test]
    public void NameAndUnit_AreTrimmed()
    {
        var layer = new LayerWorkload("  layer1.0.conv1 \t", Conv, unit: " bitserial ");

        Assert.That((layer.Name, layer.Unit), Is.EqualTo(("layer1.0.conv1", "bitserial")));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void BlankUnit_MeansAnyUnit(string unit)
    {
        Assert.That(new LayerWorkload("conv", Conv, unit: unit).Unit, Is.Null);
    }

    [Test]
    public void MissingShapeOrPrecision_OnWithIsRejected()
    {
        var layer = new LayerWorkload("conv", Conv);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => layer with { Shape = null! }, Throws.InstanceOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("shape"));
            Assert.That(() => layer with { Precision = null! }, Throws.InstanceOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("precision"));
            Assert.That(() => new LayerWorkload("conv", null!), Throws.InstanceOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("shape"));
        }
    }

    // ---- statistics ----

    private static IEnumerable<TestCaseData> BadStatistics()
    {
        foreach (var value in new[] { -0.01, 1.01, 2.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            yield return new TestCaseData("weight_sparsity", (Func<ValueStatistics>)(() => new ValueStatistics(weightSparsity: value)),
                (Func<ValueStatistics, ValueStatistics>)(s => s with { WeightSparsity = value })).SetArgDisplayNames("weight_sparsity", $"{value}");
            yield return new TestCaseData("input_sparsity", (Func<ValueStatistics>)(() => new ValueStatistics(inputSparsity: value)),
                (Func<ValueStatistics, ValueStatistics>)(s => s with { InputSparsity = value })).SetArgDisplayNames("input_sparsity", $"{value}");
        }
        foreach (var value in new[] { -0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            yield return new TestCaseData("weight_nonzero_bits", (Func<ValueStatistics>)(() => new ValueStatistics(weightNonZeroBits: value)),
                (Func<ValueStatistics, ValueStatistics>)(s => s with { WeightNonZeroBits = value })).SetArgDisplayNames("weight_nonzero_bits", $"{value}");
            yield return new TestCaseData("input_nonzero_bits", (Func<ValueStatistics>)(() => new ValueStatistics(inputNonZeroBits: value)),
                (Func<ValueStatistics, ValueStatistics>)(s => s with { InputNonZeroBits = value })).SetArgDisplayNames("input_nonzero_bits", $"{value}");
        }
    }

    [TestCaseSource(nameof(BadStatistics))]
    public void Statistics_OutOfRangeAreRejectedNamingTheField(string field, Func<ValueStatistics> construct, Func<ValueStatistics, ValueStatistics> with)
    {
        var onConstruction = Assert.Throws<InputException>(() => construct());
        var onWith = Assert.Throws<InputException>(() => with(new ValueStatistics(0.5, 0.5, 1, 1)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Field, Is.EqualTo(field));
            Assert.That(onWith.Field, Is.EqualTo(field));
        }
    }

    [Test]
    public void Statistics_BoundsAreInclusive()
    {
        var statistics = new ValueStatistics(0, 1, 0, 0) with { WeightSparsity = 1, InputSparsity = 0 };

        Assert.That((statistics.WeightSparsity, statistics.InputSparsity, statistics.IsEmpty), Is.EqualTo(((double?)1, (double?)0, false)));
    }

    [Test]
    public void Statistics_AllNullIsEmpty()
    {
        Assert.That(new ValueStatistics().IsEmpty, Is.True);
    }

    [Test]
    public void NonZeroBits_UpToTheFormatWidthAreAccepted()
    {
        var layer = new LayerWorkload("conv", Conv, W4A2(Conv), statistics: new ValueStatistics(weightNonZeroBits: 4, inputNonZeroBits: 2));

        Assert.That(layer.Statistics!.WeightNonZeroBits, Is.EqualTo(4));
    }

    [TestCase(4.01, null, "weight_nonzero_bits", "4.01", "4 bits")]
    [TestCase(null, 2.5, "input_nonzero_bits", "2.5", "2 bits")]
    public void NonZeroBits_AboveTheFormatWidthAreRejectedOnConstruction(double? weightBits, double? inputBits, string field, string value, string width)
    {
        var statistics = new ValueStatistics(weightNonZeroBits: weightBits, inputNonZeroBits: inputBits);

        var error = Assert.Throws<InputException>(() => new LayerWorkload("conv", Conv, W4A2(Conv), statistics: statistics));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Field, Is.EqualTo(field));
            Assert.That(error.Rule, Does.Contain(value).And.Contain(width));
        }
    }

    [Test]
    public void NonZeroBits_AboveTheFormatWidthAreRejectedOnWith()
    {
        var plain = new LayerWorkload("conv", Conv, W4A2(Conv));
        var measured = plain with { Statistics = new ValueStatistics(weightNonZeroBits: 3, inputNonZeroBits: 1.5) };
        var int2 = OperandPrecision.For(NumberFormat.Int(2), UInt2, Conv.GemmK);
        var binaryInput = OperandPrecision.For(Int4, NumberFormat.Binary, Conv.GemmK);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => plain with { Statistics = new ValueStatistics(weightNonZeroBits: 5) },
                Throws.InstanceOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("weight_nonzero_bits"), "new statistics");
            Assert.That(() => measured with { Precision = int2 },
                Throws.InstanceOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("weight_nonzero_bits"), "narrower weights");
            Assert.That(() => measured with { Precision = binaryInput },
                Throws.InstanceOf<InputException>().With.Property(nameof(InputException.Field)).EqualTo("input_nonzero_bits"), "narrower inputs");
            Assert.That(() => measured with { Statistics = null, Precision = int2 }, Throws.Nothing, "statistics cleared first");
        }
    }

    [Test]
    public void Equality_IsByValue()
    {
        var a = new LayerWorkload("conv", Conv, W4A2(Conv), statistics: new ValueStatistics(0.5));
        var b = new LayerWorkload("conv", LayerShape.Conv(64, 28, 28, 128, 3, pad: 1), OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 576),
            statistics: new ValueStatistics(weightSparsity: 0.5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a with { HasBias = true }, Is.Not.EqualTo(b));
        }
    }
}

/// <summary>A workload: a named, ordered list of uniquely named layers with totals computed from them.</summary>
[TestFixture]
public sealed class WorkloadTests
{
    private static readonly NumberFormat Int4 = NumberFormat.Int(4);
    private static readonly NumberFormat UInt2 = NumberFormat.UInt(2);
    private static readonly NumberFormat UInt4 = NumberFormat.UInt(4);

    // Hand-made: fp32 stem, two W4A2 convs with different reduction lengths, one W4A4 conv, fp32 classifier.
    private static readonly LayerShape Stem = LayerShape.Conv(3, 32, 32, 16, 3, pad: 1);          // 442,368 MACs, 432 weights
    private static readonly LayerShape Body1 = LayerShape.Conv(16, 32, 32, 32, 3, stride: 2, pad: 1); // 1,179,648 MACs, 4,608 weights
    private static readonly LayerShape Body2 = LayerShape.Conv(32, 16, 16, 32, 1);                // 262,144 MACs, 1,024 weights
    private static readonly LayerShape Body3 = LayerShape.Conv(32, 16, 16, 64, 3, stride: 2, pad: 1); // 1,179,648 MACs, 18,432 weights
    private static readonly LayerShape Head = LayerShape.FullyConnected(64, 10);                  // 640 MACs, 640 weights

    private static Workload Build(string name = "tiny") => new(name,
    [
        new LayerWorkload("stem", Stem, role: LayerRole.First, hasBatchNorm: true),
        new LayerWorkload("body1", Body1, OperandPrecision.For(Int4, UInt2, Body1.GemmK), hasBatchNorm: true),
        new LayerWorkload("body2", Body2, OperandPrecision.For(Int4, UInt2, Body2.GemmK), hasBatchNorm: true),
        new LayerWorkload("body3", Body3, OperandPrecision.For(Int4, UInt4, Body3.GemmK), hasBatchNorm: true),
        new LayerWorkload("head", Head, role: LayerRole.Last, hasBias: true),
    ]);

    [Test]
    public void ShapesOfTheHandMadeWorkload()
    {
        // Guards the hand-computed totals below.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { Stem.Macs, Body1.Macs, Body2.Macs, Body3.Macs, Head.Macs }, Is.EqualTo(new[] { 442_368L, 1_179_648L, 262_144L, 1_179_648L, 640L }));
            Assert.That(new[] { Stem.WeightElements, Body1.WeightElements, Body2.WeightElements, Body3.WeightElements, Head.WeightElements },
                Is.EqualTo(new[] { 432L, 4_608L, 1_024L, 18_432L, 640L }));
        }
    }

    [Test]
    public void Totals_AreSumsOverTheLayers()
    {
        var workload = Build();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.Macs, Is.EqualTo(442_368L + 1_179_648 + 262_144 + 1_179_648 + 640));
            Assert.That(workload.Parameters, Is.EqualTo(432L + 32 + 4_608 + 64 + 1_024 + 64 + 18_432 + 128 + 640 + 10));
            Assert.That(workload.BitOperations, Is.EqualTo(1024L * (442_368 + 640) + 8L * (1_179_648 + 262_144) + 16L * 1_179_648));
        }
    }

    [Test]
    public void ByFormat_GroupsByWeightAndInputFormatInOrderOfFirstAppearance()
    {
        var groups = Build().ByFormat;

        Assert.That(groups, Is.EqualTo(new[]
        {
            // fp32 stem and fp32 head are one group although they are not adjacent.
            new FormatTotals(NumberFormat.Fp32, NumberFormat.Fp32, 2, 442_368L + 640, 1024L * (442_368 + 640)),
            // body1 and body2 have different accumulators (int14, int11) but share the group.
            new FormatTotals(Int4, UInt2, 2, 1_179_648L + 262_144, 8L * (1_179_648 + 262_144)),
            new FormatTotals(Int4, UInt4, 1, 1_179_648L, 16L * 1_179_648),
        }));
    }

    [Test]
    public void ByFormat_AddsUpToTheTotals()
    {
        var workload = Build();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.ByFormat.Sum(g => g.Macs), Is.EqualTo(workload.Macs));
            Assert.That(workload.ByFormat.Sum(g => g.BitOperations), Is.EqualTo(workload.BitOperations));
            Assert.That(workload.ByFormat.Sum(g => g.Layers), Is.EqualTo(workload.Layers.Length));
        }
    }

    [Test]
    public void DuplicateLayerNames_AreRejectedNamingTheLayer()
    {
        var conv = new LayerWorkload("conv", Stem);

        var onConstruction = Assert.Throws<InputException>(() => new Workload("dup", [conv, new LayerWorkload("fc", Head), conv with { Shape = Body2 }]));
        var onWith = Assert.Throws<InputException>(() => _ = Build() with { Layers = [.. Build().Layers, new LayerWorkload(" body2 ", Body2)] });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Rule, Does.Contain("'conv'").And.Contain("twice"));
            Assert.That(onConstruction.Field, Is.EqualTo("name"));
            Assert.That(onWith.Rule, Does.Contain("'body2'"));
        }
    }

    [Test]
    public void LayerNames_AreCaseSensitive()
    {
        var workload = new Workload("case", [new LayerWorkload("conv", Stem), new LayerWorkload("Conv", Stem)]);

        Assert.That(workload.Layers, Has.Length.EqualTo(2));
    }

    [Test]
    public void NoLayers_IsRejected()
    {
        var onConstruction = Assert.Throws<InputException>(() => new Workload("empty", []));
        var onWith = Assert.Throws<InputException>(() => _ = Build() with { Layers = [] });
        var onDefault = Assert.Throws<InputException>(() => _ = Build() with { Layers = default });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onConstruction.Field, Is.EqualTo("layers"));
            Assert.That(onConstruction.Rule, Does.Contain("at least one layer"));
            Assert.That(onWith.Field, Is.EqualTo("layers"));
            Assert.That(onDefault.Field, Is.EqualTo("layers"));
        }
    }

    [TestCase("")]
    [TestCase("  ")]
    public void EmptyWorkloadName_IsRejected(string name)
    {
        var onConstruction = Assert.Throws<InputException>(() => Build(name));
        var onWith = Assert.Throws<InputException>(() => _ = Build() with { Name = name });

        Assert.That((onConstruction.Field, onWith.Field), Is.EqualTo(("name", "name")));
    }

    [Test]
    public void Name_IsTrimmed()
    {
        Assert.That(Build(" tiny ").Name, Is.EqualTo("tiny"));
    }

    [Test]
    public void Equality_TwoSeparatelyBuiltWorkloadsAreEqual()
    {
        var a = Build();
        var b = Build();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(a, Is.Not.SameAs(b));
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a == b, Is.True);
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        }
    }

    [Test]
    public void Equality_AChangedLayerMakesThemUnequal()
    {
        var a = Build();
        var changed = a.Map(l => l.Name == "body2" ? l with { HasBias = true } : l);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(changed, Is.Not.EqualTo(a));
            Assert.That(changed != a, Is.True);
            Assert.That(a with { Name = "other" }, Is.Not.EqualTo(a), "name");
            Assert.That(a with { Layers = [.. a.Layers.Reverse()] }, Is.Not.EqualTo(a), "order");
            Assert.That(a with { Layers = a.Layers.RemoveAt(4) }, Is.Not.EqualTo(a), "one layer fewer");
        }
    }

    [Test]
    public void Map_WithTheIdentityGivesAnEqualWorkload()
    {
        var a = Build();

        Assert.That(a.Map(l => l), Is.EqualTo(a));
    }
}
