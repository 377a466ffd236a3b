using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;
using Onnx;

namespace HwSim.Tests.Workloads.Import.Onnx;

/// <summary>
/// The real ResNet18.onnx of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (a CNTK 2.6 export,
/// opset 8, copied into the test output by the csproj). It is a featurizer: it ends at the
/// global 7x7 average pool, with no classifier, and its last stage has three basic blocks where
/// torchvision's ResNet-18 has two, hence 22 convolutions rather than 20. CNTK writes asymmetric
/// pads: [3,3,2,2] on conv1 and [1,1,0,0] on the stride-2 3x3 convs (top/left only), which give
/// the same output sizes as torchvision's symmetric padding.
/// </summary>
[TestFixture]
public sealed partial class OnnxWorkloadReaderTests
{
    private static readonly string ResNet18Path = Path.Combine(AppContext.BaseDirectory, "Data", "ResNet18.onnx");

    // The file is 63 MB; read it once for the tests that only look at the result.
    private static readonly Lazy<Workload> ResNet18 = new(() => OnnxWorkloadReader.Read(ResNet18Path));

    // name, C, H, W, K, R, S, stride, pad top, bottom, left, right, P, Q
    private static readonly object[][] ResNet18Convs =
    [
        ["Convolution249", 3, 224, 224, 64, 7, 7, 2, 3, 2, 3, 2, 112, 112],   // conv1
        ["Convolution257", 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 56, 56],      // stage 1
        ["Convolution285", 64, 56, 56, 128, 3, 3, 2, 1, 0, 1, 0, 28, 28],     // stage 2, stride 2
        ["Convolution291", 128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 28, 28],
        ["Convolution295", 64, 56, 56, 128, 1, 1, 2, 0, 0, 0, 0, 28, 28],     // stage 2 downsample
        ["Convolution317", 128, 28, 28, 256, 3, 3, 2, 1, 0, 1, 0, 14, 14],    // stage 3, stride 2
        ["Convolution323", 256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 14, 14],
        ["Convolution327", 128, 28, 28, 256, 1, 1, 2, 0, 0, 0, 0, 14, 14],    // stage 3 downsample
        ["Convolution349", 256, 14, 14, 512, 3, 3, 2, 1, 0, 1, 0, 7, 7],      // stage 4, stride 2
        ["Convolution355", 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 7, 7],
        ["Convolution359", 256, 14, 14, 512, 1, 1, 2, 0, 0, 0, 0, 7, 7],      // stage 4 downsample
        ["Convolution387", 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 7, 7],        // last
    ];

    private readonly TempDir _temp = new();

    [OneTimeTearDown]
    public void DeleteTempDirectory() => _temp.Dispose();

    [Test]
    public void ResNet18HasTwentyTwoConvolutionsAndNoClassifier()
    {
        var workload = ResNet18.Value;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.Name, Is.EqualTo("ResNet18"));
            Assert.That(workload.Layers, Has.Length.EqualTo(22));
            Assert.That(workload.Layers.Select(l => l.Kind), Is.All.EqualTo(LayerKind.Convolution));
            Assert.That(workload.Layers.Select(l => l.Shape.Batch), Is.All.EqualTo(1));
            Assert.That(workload.Layers.Select(l => l.HasBatchNorm), Is.All.True);
            Assert.That(workload.Layers.Select(l => l.HasBias), Is.All.False);
        }
    }

    [TestCaseSource(nameof(ResNet18Convs))]
    public void ResNet18ConvolutionShape(string name, int c, int h, int w, int k, int r, int s, int stride,
        int top, int bottom, int left, int right, int p, int q)
    {
        var shape = ResNet18.Value.Layers.Single(l => l.Name == name).Shape;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((shape.Channels, shape.Height, shape.Width, shape.Filters), Is.EqualTo((c, h, w, k)));
            Assert.That((shape.KernelHeight, shape.KernelWidth, shape.StrideH, shape.StrideW), Is.EqualTo((r, s, stride, stride)));
            Assert.That(shape.Padding, Is.EqualTo(new Padding(top, bottom, left, right)));
            Assert.That((shape.OutputHeight, shape.OutputWidth), Is.EqualTo((p, q)));
            Assert.That((shape.Groups, shape.DilationH, shape.DilationW), Is.EqualTo((1, 1, 1)));
        }
    }

    [Test]
    public void ResNet18ConvolutionMacsSumExactly()
    {
        // conv1 118,013,952 + stage 1 4 x 115,605,504 + stages 2-3 each 57,802,752 + 3 x 115,605,504 + 6,422,528
        // + stage 4 57,802,752 + 5 x 115,605,504 + 6,422,528.
        Assert.That(ResNet18.Value.Macs, Is.EqualTo(2_044_772_352L));
    }

    [Test]
    public void ResNet18MarksTheThreeShortcutConvolutionsAsDownsample()
    {
        var downsample = ResNet18.Value.Layers.Where(l => l.IsDownsample).Select(l => l.Name);
        Assert.That(downsample, Is.EqualTo(new[] { "Convolution295", "Convolution327", "Convolution359" }));
    }

    [Test]
    public void ResNet18RolesAreFirstThenInnerThenLast()
    {
        var layers = ResNet18.Value.Layers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers[0].Name, Is.EqualTo("Convolution249"));
            Assert.That(layers[0].Role, Is.EqualTo(LayerRole.First));
            Assert.That(layers[^1].Name, Is.EqualTo("Convolution387"));
            Assert.That(layers[^1].Role, Is.EqualTo(LayerRole.Last));
            Assert.That(layers.Skip(1).SkipLast(1).Select(l => l.Role), Is.All.EqualTo(LayerRole.Inner));
        }
    }

    [Test]
    public void ResNet18ShapesAgreeWithTheFilesWeightsAndValueInfo()
    {
        // Independent of the importer's inference: the weight dims and the shapes CNTK recorded in value_info.
        var graph = ModelProto.Parser.ParseFromFile(ResNet18Path).Graph;
        var weights = graph.Initializer.ToDictionary(t => t.Name, t => t.Dims.ToArray());
        var recorded = graph.ValueInfo.ToDictionary(v => v.Name, v => v.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray());
        var nodes = graph.Node.ToDictionary(n => n.Name);
        var layers = ResNet18.Value.Layers;
        using (Assert.EnterMultipleScope())
        {
            foreach (var layer in layers)
            {
                var node = nodes[layer.Name];
                var s = layer.Shape;
                Assert.That(weights[node.Input[1]], Is.EqualTo(new long[] { s.Filters, s.Channels / s.Groups, s.KernelHeight, s.KernelWidth }), layer.Name);
                Assert.That(recorded[node.Output[0]], Is.EqualTo(new long[] { s.Batch, s.Filters, s.OutputHeight, s.OutputWidth }), layer.Name);
            }
        }
    }

    [Test]
    public void ResNet18BatchOptionScalesTheMacs()
    {
        var workload = OnnxWorkloadReader.Read(ResNet18Path, new OnnxReadOptions { Batch = 4 });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workload.Layers.Select(l => l.Shape.Batch), Is.All.EqualTo(4));
            Assert.That(workload.Macs, Is.EqualTo(4 * 2_044_772_352L));
        }
    }
}
