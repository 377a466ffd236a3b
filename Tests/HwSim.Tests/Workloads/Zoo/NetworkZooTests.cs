using HwSim.Workloads;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Workloads.Zoo;

/// <summary>
/// Pins the built-in layer tables. MACs count padding positions and match torchvision's GFLOPS
/// column (torchvision.models weights metadata, "_ops"); parameters match its "num_params"
/// (and Keras' trainable count for MobileNet v1, which torchvision lacks). Batch norm counts
/// 2K (scale and shift); running statistics are buffers, not parameters.
/// </summary>
[TestFixture]
public sealed class NetworkZooTests
{
    private static readonly string[] AllNetworks =
        ["alexnet", "vgg16", "resnet18", "resnet34", "resnet50", "mobilenet_v1", "mobilenet_v2", "googlenet"];

    [Test]
    public void Names_AreTheEightBuiltInNetworks()
    {
        Assert.That(NetworkZoo.Names, Is.EqualTo(AllNetworks));
    }

    [TestCase("alexnet", 714_188_480L, 61_100_840L, 70_276_800L, 4_096_000L)]
    [TestCase("vgg16", 15_470_264_320L, 138_357_544L, 86_704_128L, 4_096_000L)]
    [TestCase("resnet18", 1_814_073_344L, 11_689_512L, 118_013_952L, 512_000L)]
    [TestCase("resnet34", 3_663_761_408L, 21_797_672L, 118_013_952L, 512_000L)]
    [TestCase("resnet50", 4_089_184_256L, 25_557_032L, 118_013_952L, 2_048_000L)]
    [TestCase("mobilenet_v1", 568_740_352L, 4_231_976L, 10_838_016L, 1_024_000L)]
    [TestCase("mobilenet_v2", 300_774_272L, 3_504_872L, 10_838_016L, 1_280_000L)]
    [TestCase("googlenet", 1_498_376_192L, 6_624_904L, 118_013_952L, 1_024_000L)]
    public void Totals_MatchPublishedFigures(string name, long macs, long parameters, long firstMacs, long lastMacs)
    {
        var network = NetworkZoo.Get(name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(network.Name, Is.EqualTo(name));
            Assert.That(network.Macs, Is.EqualTo(macs), "MACs");
            Assert.That(network.Parameters, Is.EqualTo(parameters), "parameters");
            Assert.That(network.Layers[0].Macs, Is.EqualTo(firstMacs), "first layer MACs");
            Assert.That(network.Layers[^1].Macs, Is.EqualTo(lastMacs), "last layer MACs");
        }
    }

    [TestCase("alexnet", 8, 5, 3)]
    [TestCase("vgg16", 16, 13, 3)]
    [TestCase("resnet18", 21, 20, 1)]
    [TestCase("resnet34", 37, 36, 1)]
    [TestCase("resnet50", 54, 53, 1)]
    [TestCase("mobilenet_v1", 28, 27, 1)]
    [TestCase("mobilenet_v2", 53, 52, 1)]
    [TestCase("googlenet", 58, 57, 1)]
    public void LayerCounts(string name, int layers, int convolutions, int fullyConnected)
    {
        var network = NetworkZoo.Get(name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(network.Layers, Has.Length.EqualTo(layers));
            Assert.That(network.Layers.Count(l => l.Kind == LayerKind.Convolution), Is.EqualTo(convolutions), "convolutions");
            Assert.That(network.Layers.Count(l => l.Kind == LayerKind.FullyConnected), Is.EqualTo(fullyConnected), "fully connected");
        }
    }

    [TestCaseSource(nameof(AllNetworks))]
    public void Roles_FirstConvAndLastFullyConnected(string name)
    {
        var layers = NetworkZoo.Get(name).Layers;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers.Count(l => l.Role == LayerRole.First), Is.EqualTo(1), "First layers");
            Assert.That(layers.Count(l => l.Role == LayerRole.Last), Is.EqualTo(1), "Last layers");
            Assert.That(layers[0].Role, Is.EqualTo(LayerRole.First));
            Assert.That(layers[0].Kind, Is.EqualTo(LayerKind.Convolution));
            Assert.That(layers[^1].Role, Is.EqualTo(LayerRole.Last));
            Assert.That(layers[^1].Kind, Is.EqualTo(LayerKind.FullyConnected));
        }
    }

    [TestCase("alexnet", 0)]
    [TestCase("vgg16", 0)]
    [TestCase("resnet18", 3)]
    [TestCase("resnet34", 3)]
    [TestCase("resnet50", 4)]
    [TestCase("mobilenet_v1", 0)]
    [TestCase("mobilenet_v2", 0)]
    [TestCase("googlenet", 0)]
    public void DownsampleConvs_AreTheResNetShortcuts(string name, int expected)
    {
        var downsamples = NetworkZoo.Get(name).Layers.Where(l => l.IsDownsample).ToList();

        Assert.That(downsamples, Has.Count.EqualTo(expected));
        Assert.That(downsamples, Has.All.Matches<LayerWorkload>(l =>
            l.Kind == LayerKind.Convolution && l.Shape.KernelHeight == 1 && l.Shape.KernelWidth == 1 && l.Name.Contains(".downsample.")));
    }

    [Test]
    public void ResNet18_LastBlockConvReads512x7x7()
    {
        var shape = Layer("resnet18", "layer4.1.conv2").Shape;

        Assert.That((shape.Channels, shape.Height, shape.Width), Is.EqualTo((512, 7, 7)));
    }

    [Test]
    public void ResNet50_FirstDownsampleIsStrideOne64To256()
    {
        // Stage 1 keeps 56x56: its shortcut only widens the channels.
        var shape = Layer("resnet50", "layer1.0.downsample.0").Shape;

        Assert.That((shape.Channels, shape.Filters, shape.StrideH, shape.OutputHeight), Is.EqualTo((64, 256, 1, 56)));
    }

    [Test]
    public void AlexNet_FirstConvOutputs55x55()
    {
        var shape = Layer("alexnet", "features.0").Shape;

        Assert.That((shape.Filters, shape.OutputHeight, shape.OutputWidth), Is.EqualTo((64, 55, 55)));
    }

    [Test]
    public void Vgg16_ClassifierReadsFlattened512x7x7()
    {
        Assert.That(Layer("vgg16", "classifier.0").Shape.Channels, Is.EqualTo(512 * 7 * 7));
    }

    [Test]
    public void MobileNetV1_LastPointwiseIs1024At7x7()
    {
        var shape = Layer("mobilenet_v1", "conv_pw_13").Shape;

        Assert.That((shape.Channels, shape.Filters, shape.Height, shape.Width), Is.EqualTo((1024, 1024, 7, 7)));
    }

    [Test]
    public void MobileNetV2_LastConvIs320To1280At7x7()
    {
        var shape = Layer("mobilenet_v2", "features.18.0").Shape;

        Assert.That((shape.Channels, shape.Filters, shape.Height, shape.Width, shape.KernelHeight), Is.EqualTo((320, 1280, 7, 7, 1)));
    }

    [Test]
    public void MobileNetV2_DepthwiseConvsHaveOneGroupPerChannel()
    {
        var depthwise = NetworkZoo.Get("mobilenet_v2").Layers.Where(l => l.Shape.Groups > 1).ToList();

        Assert.That(depthwise, Has.Count.EqualTo(17));
        Assert.That(depthwise, Has.All.Matches<LayerWorkload>(l => l.Shape.IsDepthwise && l.Shape.KernelHeight == 3));
    }

    [Test]
    public void GoogLeNet_Inception5bOutputs1024Channels()
    {
        // The four branch outputs are concatenated; the classifier reads the pooled result.
        var layers = NetworkZoo.Get("googlenet").Layers;
        string[] branchOutputs = ["branch1.conv", "branch2.1.conv", "branch3.1.conv", "branch4.1.conv"];
        var channels = branchOutputs.Sum(b => layers.Single(l => l.Name == $"inception5b.{b}").Shape.Filters);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(channels, Is.EqualTo(1024));
            Assert.That(layers[^1].Shape.Channels, Is.EqualTo(1024));
        }
    }

    [Test]
    public void GoogLeNet_CeilModePoolsGive56x56AfterTheStem()
    {
        // Floor mode would give 55: torchvision's ceil_mode=True matters here.
        var shape = Layer("googlenet", "conv2.conv").Shape;

        Assert.That((shape.Height, shape.Width), Is.EqualTo((56, 56)));
    }

    [Test]
    public void Get_IsCaseInsensitive()
    {
        Assert.That(NetworkZoo.Get("ResNet18").Name, Is.EqualTo("resnet18"));
    }

    [Test]
    public void Get_UnknownNameThrowsNamingItAndTheKnownNetworks()
    {
        var error = Assert.Throws<InputException>(() => NetworkZoo.Get("lenet5"));

        Assert.That(error.Message, Does.Contain("lenet5"));
        Assert.That(AllNetworks, Has.All.Matches<string>(n => error.Message.Contains(n, StringComparison.Ordinal)));
    }

    private static LayerWorkload Layer(string network, string layer) =>
        NetworkZoo.Get(network).Layers.Single(l => l.Name == layer);
}
