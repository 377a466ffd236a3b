using NUnit.Framework;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Transforms;
using HwSim.Workloads.Zoo;

namespace HwSim.Tests.Workloads.Transforms;

/// <summary>
/// WRPN-style widening (Mishra et al., ICLR 2018): every channel count x becomes round(x·k),
/// the input channels and the class count stay, the network stays connected, depthwise stays
/// depthwise, and flattened classifiers widen their channel factor.
/// </summary>
[TestFixture]
public sealed class WideningTests
{
    private static IEnumerable<string> Networks => NetworkZoo.Names;

    [TestCaseSource(nameof(Networks))]
    public void WidthOne_IsTheSameNetwork(string name)
    {
        var network = NetworkZoo.Get(name);

        Assert.That(Widening.Widen(network, 1), Is.EqualTo(network));
    }

    [Test]
    public void WidthTwo_DoublesInnerChannels_KeepsInputChannelsAndClasses()
    {
        var network = NetworkZoo.Get("resnet18");
        var wide = Widening.Widen(network, 2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(wide.Layers, Has.Length.EqualTo(network.Layers.Length));
            Assert.That(wide.Layers[0].Shape.Channels, Is.EqualTo(3), "RGB input");
            Assert.That(wide.Layers[0].Shape.Filters, Is.EqualTo(128));
            Assert.That(wide.Layers[^1].Shape.Channels, Is.EqualTo(1024));
            Assert.That(wide.Layers[^1].Shape.Filters, Is.EqualTo(1000), "classes");
            for (var i = 1; i < network.Layers.Length - 1; i++)
            {
                var (before, after) = (network.Layers[i].Shape, wide.Layers[i].Shape);
                Assert.That(after.Channels, Is.EqualTo(2 * before.Channels), network.Layers[i].Name);
                Assert.That(after.Filters, Is.EqualTo(2 * before.Filters), network.Layers[i].Name);
                // Only channels change: the layer reads the same map with the same kernel.
                Assert.That(after with { Channels = before.Channels, Filters = before.Filters }, Is.EqualTo(before), network.Layers[i].Name);
            }
        }
    }

    [TestCase(2.0)]
    [TestCase(3.0)]
    public void InnerLayerMacs_ScaleWithKSquared_FirstAndLastWithK(double k)
    {
        var network = NetworkZoo.Get("resnet18");
        var wide = Widening.Widen(network, k);

        using (Assert.EnterMultipleScope())
        {
            // Both C and K grow k times inside; the first and last layers keep one of them.
            Assert.That(wide.Layers[0].Macs, Is.EqualTo((long)(k * network.Layers[0].Macs)));
            Assert.That(wide.Layers[^1].Macs, Is.EqualTo((long)(k * network.Layers[^1].Macs)));
            for (var i = 1; i < network.Layers.Length - 1; i++)
                Assert.That(wide.Layers[i].Macs, Is.EqualTo((long)(k * k * network.Layers[i].Macs)), network.Layers[i].Name);
            var inner = network.Macs - network.Layers[0].Macs - network.Layers[^1].Macs;
            Assert.That((double)wide.Macs / network.Macs, Is.InRange(k, k * k));
            Assert.That(wide.Macs - wide.Layers[0].Macs - wide.Layers[^1].Macs, Is.EqualTo((long)(k * k * inner)));
        }
    }

    [TestCase("mobilenet_v1", 1.5)]
    [TestCase("mobilenet_v1", 1.3)]
    [TestCase("mobilenet_v2", 1.3)]
    [TestCase("mobilenet_v2", 0.75)]
    public void Depthwise_StaysDepthwise(string name, double k)
    {
        var network = NetworkZoo.Get(name);
        var wide = Widening.Widen(network, k);
        var depthwise = network.Layers.Select((l, i) => (l, i)).Where(x => x.l.Shape.IsDepthwise).ToList();

        Assert.That(depthwise, Is.Not.Empty);
        using (Assert.EnterMultipleScope())
        {
            foreach (var (layer, i) in depthwise)
            {
                var s = wide.Layers[i].Shape;
                Assert.That(s.IsDepthwise, Is.True, layer.Name);
                Assert.That(s.Groups, Is.EqualTo(s.Channels), layer.Name);
                Assert.That(s.Filters, Is.EqualTo(s.Channels), layer.Name);
                Assert.That(s.Channels, Is.EqualTo(Widening.Scale(layer.Shape.Channels, k)), layer.Name);
            }
        }
    }

    [TestCase("mobilenet_v1", 1.3)]
    [TestCase("vgg16", 1.37)]
    [TestCase("vgg16", 0.6)]
    public void SequentialNetworks_StayConnected(string name, double k)
    {
        // In these networks every layer reads the one before it (VGG's classifier through a flatten).
        var network = NetworkZoo.Get(name);
        var wide = Widening.Widen(network, k);

        using (Assert.EnterMultipleScope())
        {
            for (var i = 1; i < wide.Layers.Length; i++)
            {
                var (before, after) = (network.Layers[i].Shape, wide.Layers[i].Shape);
                var flatten = before.Channels / network.Layers[i - 1].Shape.Filters;
                Assert.That(after.Channels, Is.EqualTo(wide.Layers[i - 1].Shape.Filters * flatten), wide.Layers[i].Name);
            }
        }
    }

    [TestCase("resnet18", 1.37)]
    [TestCase("resnet50", 1.37)]
    [TestCase("mobilenet_v2", 1.3)]
    public void EqualChannelCounts_StayEqual(string name, double k)
    {
        // Residual networks are not a chain, but a consumer's C always equals some producer's K;
        // one rule for every count keeps each such pair equal at any k.
        var network = NetworkZoo.Get(name);
        var wide = Widening.Widen(network, k);

        using (Assert.EnterMultipleScope())
        {
            for (var i = 1; i < network.Layers.Length; i++)
            {
                for (var j = 0; j < network.Layers.Length - 1; j++)
                {
                    if (network.Layers[i].Shape.Channels == network.Layers[j].Shape.Filters)
                        Assert.That(wide.Layers[i].Shape.Channels, Is.EqualTo(wide.Layers[j].Shape.Filters), $"{network.Layers[j].Name} -> {network.Layers[i].Name}");
                }
            }
        }
    }

    [Test]
    public void AlexNetClassifier_WidensTheChannelsOfTheFlattenedMap()
    {
        // features.10 gives 256 x 6 x 6 = 9216 inputs to classifier.1. At k = 1.3: 256 -> 333 channels,
        // so 333 x 36 = 11,988 inputs; round(9216 x 1.3) = 11,981 would not be a whole number of channels.
        var wide = Widening.Widen(NetworkZoo.Get("alexnet"), 1.3);
        LayerShape Shape(string layer) => wide.Layers.Single(l => l.Name == layer).Shape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Shape("features.0").Channels, Is.EqualTo(3));
            Assert.That(Shape("features.0").Filters, Is.EqualTo(83));
            Assert.That(Shape("features.10").Filters, Is.EqualTo(333));
            Assert.That(Shape("classifier.1").Channels, Is.EqualTo(333 * 36));
            Assert.That(Shape("classifier.1").Filters, Is.EqualTo(5325));
            Assert.That(Shape("classifier.4").Channels, Is.EqualTo(5325));
            Assert.That(Shape("classifier.6").Channels, Is.EqualTo(5325));
            Assert.That(Shape("classifier.6").Filters, Is.EqualTo(1000));
        }
    }

    [Test]
    public void Vgg16Classifier_WidensTheChannelsOfTheFlattenedMap()
    {
        // 512 x 7 x 7 = 25,088 inputs; at k = 1.5, 768 x 49 = 37,632.
        var wide = Widening.Widen(NetworkZoo.Get("vgg16"), 1.5);
        var classifier = wide.Layers.Single(l => l.Name == "classifier.0").Shape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(classifier.Channels, Is.EqualTo(768 * 49));
            Assert.That(classifier.Filters, Is.EqualTo(6144));
            Assert.That(wide.Layers[^1].Shape.Filters, Is.EqualTo(1000));
        }
    }

    [Test]
    public void GoogLeNetClassifier_AfterAConcatenation_IsPlainChannels()
    {
        // Its FC reads the 1024-channel concatenation; the layer listed before it is a 128-filter
        // branch, and 1024 / 128 = 8 is not a square map, so it is not taken for a flatten.
        var network = NetworkZoo.Get("googlenet");
        var wide = Widening.Widen(network, 1.5);

        Assert.That(wide.Layers[^1].Shape.Channels, Is.EqualTo(1536));
    }

    [Test]
    public void GroupedConvolution_KeepsItsGroups_RoundsToAMultiple()
    {
        var network = new Workload("grouped",
        [
            new LayerWorkload("stem", LayerShape.Conv(3, 32, 32, 32, 3, pad: 1), role: LayerRole.First),
            new LayerWorkload("grouped", LayerShape.Conv(32, 32, 32, 64, 3, pad: 1, groups: 4)),
            new LayerWorkload("fc", LayerShape.FullyConnected(64, 10), role: LayerRole.Last),
        ]);

        var wide = Widening.Widen(network, 1.3).Layers[1].Shape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(wide.Groups, Is.EqualTo(4));
            Assert.That(wide.Channels, Is.EqualTo(40), "4 x round(41.6 / 4)");
            Assert.That(wide.Filters, Is.EqualTo(84), "4 x round(83.2 / 4)");
        }
    }

    [Test]
    public void DerivedAccumulator_GrowsWithTheLongerDotProduct()
    {
        // layer4.1.conv2 at W1A1: 512 x 3 x 3 = 4608 terms need 1 + 1 + 13 bits; 1024 x 9 = 9216 need 14 growth bits.
        var binary = PrecisionPolicy.FromBits(1, 1, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var layer = Widening.Widen(binary, 2).Layers.Single(l => l.Name == "layer4.1.conv2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(binary.Layers.Single(l => l.Name == "layer4.1.conv2").Precision.Accumulator, Is.EqualTo(NumberFormat.Int(15)));
            Assert.That(layer.Precision.Accumulator, Is.EqualTo(NumberFormat.Int(16)));
            Assert.That(layer.Precision.Weight, Is.EqualTo(NumberFormat.Binary));
        }
    }

    [Test]
    public void ExplicitAccumulator_IsKept()
    {
        var precision = new OperandPrecision(NumberFormat.Int(4), NumberFormat.UInt(4), NumberFormat.Int(32), NumberFormat.UInt(4));
        var network = new Workload("explicit",
        [
            new LayerWorkload("a", LayerShape.Conv(3, 8, 8, 16, 3, pad: 1), role: LayerRole.First),
            new LayerWorkload("b", LayerShape.Conv(16, 8, 8, 16, 3, pad: 1), precision),
            new LayerWorkload("c", LayerShape.FullyConnected(16 * 64, 10), role: LayerRole.Last),
        ]);

        Assert.That(Widening.Widen(network, 2).Layers[1].Precision, Is.EqualTo(precision));
    }

    [Test]
    public void Rounding_IsToNearest_AtLeastOne()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Widening.Scale(64, 1.5), Is.EqualTo(96));
            Assert.That(Widening.Scale(3, 1.5), Is.EqualTo(5), "4.5 rounds away from zero");
            Assert.That(Widening.Scale(64, 1.26), Is.EqualTo(81));
            Assert.That(Widening.Scale(64, 1.2575), Is.EqualTo(80));
            Assert.That(Widening.Scale(3, 0.1), Is.EqualTo(1));
        }
    }

    [Test]
    public void Name_SaysTheWidth()
    {
        Assert.That(Widening.Widen(NetworkZoo.Get("resnet18"), 1.5).Name, Is.EqualTo("resnet18 x1.5"));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void NonPositiveOrNonFiniteWidth_IsRejected(double k)
    {
        Assert.That(() => Widening.Widen(NetworkZoo.Get("resnet18"), k), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AbsurdWidth_IsAnInputError()
    {
        var e = Assert.Throws<InputException>(() => Widening.Widen(NetworkZoo.Get("vgg16"), 1e7));
        Assert.That(e!.Message, Does.Contain("widened x10000000"));
    }
}
