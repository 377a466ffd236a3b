using HwSim.Workloads;
using HwSim.Workloads.Import.Onnx;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;
using static HwSim.Tests.Workloads.Import.Onnx.OnnxTestModel;

namespace HwSim.Tests.Workloads.Import.Onnx;

/// <summary>Small models built in the test, one ONNX feature each, with sizes worked out by hand.</summary>
public sealed partial class OnnxWorkloadReaderTests
{
    [Test]
    public void AsymmetricPadsAreBeginsThenEnds()
    {
        // pads [x1_begin, x2_begin, x1_end, x2_end] = [0, 1, 2, 0]: top 0, left 1, bottom 2, right 0.
        // P = (7 + 0 + 2 - 3) / 2 + 1 = 4, Q = (6 + 1 + 0 - 3) / 2 + 1 = 3.
        var path = new OnnxTestModel().Input("x", 1, 3, 7, 6).Weight("w", 8, 3, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], "conv", Ints("pads", 0, 1, 2, 0), Ints("strides", 2, 2))
            .Save(_temp.Path, "asymmetric.onnx");
        var shape = OnnxWorkloadReader.Read(path).Layers.Single().Shape;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.Padding, Is.EqualTo(new Padding(top: 0, bottom: 2, left: 1, right: 0)));
            Assert.That((shape.OutputHeight, shape.OutputWidth), Is.EqualTo((4, 3)));
        }
    }

    [TestCase("SAME_UPPER", 1, 2)]
    [TestCase("SAME_LOWER", 2, 1)]
    public void SameAutoPadPutsTheOddPixelAtTheEndOrBeginning(string autoPad, int begin, int end)
    {
        // ceil(7 / 2) = 4 outputs need (4 - 1) * 2 + 4 - 7 = 3 pixels of padding with a 4x4 kernel.
        var path = new OnnxTestModel().Input("x", 1, 4, 7, 7).Weight("w", 4, 4, 4, 4)
            .Node("Conv", ["x", "w"], ["y"], "conv", String("auto_pad", autoPad), Ints("strides", 2, 2))
            .Save(_temp.Path, $"{autoPad}.onnx");
        var shape = OnnxWorkloadReader.Read(path).Layers.Single().Shape;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.Padding, Is.EqualTo(new Padding(begin, end, begin, end)));
            Assert.That((shape.OutputHeight, shape.OutputWidth), Is.EqualTo((4, 4)));
        }
    }

    [Test]
    public void GroupedAndDepthwiseConvolutions()
    {
        var path = new OnnxTestModel().Input("x", 1, 8, 10, 10).Weight("grouped", 16, 4, 3, 3).Weight("depthwise", 16, 1, 3, 3)
            .Node("Conv", ["x", "grouped"], ["g"], "grouped", Int("group", 2), Ints("pads", 1, 1, 1, 1))
            .Node("Conv", ["g", "depthwise"], ["d"], "depthwise", Int("group", 16), Ints("pads", 1, 1, 1, 1))
            .Save(_temp.Path, "groups.onnx");
        var layers = OnnxWorkloadReader.Read(path).Layers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((layers[0].Shape.Groups, layers[0].Shape.Channels, layers[0].Shape.Filters), Is.EqualTo((2, 8, 16)));
            Assert.That(layers[0].Macs, Is.EqualTo(10L * 10 * 16 * 4 * 9));
            Assert.That(layers[1].Shape.IsDepthwise, Is.True);
            Assert.That(layers[1].Macs, Is.EqualTo(10L * 10 * 16 * 9));
        }
    }

    [Test]
    public void DilationWidensTheWindow()
    {
        // A 3x3 kernel with dilation 2 spans 5 pixels: (10 + 2 - 5) / 1 + 1 = 8.
        var path = new OnnxTestModel().Input("x", 1, 2, 10, 10).Weight("w", 2, 2, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], "dilated", Ints("dilations", 2, 2), Ints("pads", 1, 1, 1, 1))
            .Save(_temp.Path, "dilation.onnx");
        var shape = OnnxWorkloadReader.Read(path).Layers.Single().Shape;
        Assert.That((shape.DilationH, shape.DilationW, shape.OutputHeight, shape.OutputWidth), Is.EqualTo((2, 2, 8, 8)));
    }

    [Test]
    public void GemmWithTransposedWeightsIsFullyConnected()
    {
        var path = new OnnxTestModel().Input("x", 2, 16).Weight("w", 10, 16).Weight("b", 10)
            .Node("Gemm", ["x", "w", "b"], ["y"], "fc", Int("transB", 1))
            .Save(_temp.Path, "gemm.onnx");
        var layer = OnnxWorkloadReader.Read(path).Layers.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layer.Shape, Is.EqualTo(LayerShape.FullyConnected(16, 10, batch: 2)));
            Assert.That(layer.HasBias, Is.True);
            Assert.That(layer.Role, Is.EqualTo(LayerRole.First));
        }
    }

    [Test]
    public void MatMulWithAWeightIsFullyConnectedAndOfTwoActivationsIsAGemm()
    {
        // x [1, 5, 32] x w [32, 8]: five rows share the weights. Then [1, 5, 8] x y [1, 8, 3]: a 5x8x3 product.
        var path = new OnnxTestModel().Input("x", 1, 5, 32).Input("y", 1, 8, 3).Weight("w", 32, 8).Weight("bias", 8)
            .Node("MatMul", ["x", "w"], ["h"], "linear")
            .Node("Add", ["h", "bias"], ["hb"], "linear_bias")
            .Node("MatMul", ["hb", "y"], ["z"], "attention")
            .Save(_temp.Path, "matmul.onnx");
        var layers = OnnxWorkloadReader.Read(path).Layers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers[0].Shape, Is.EqualTo(LayerShape.FullyConnected(32, 8, batch: 5)));
            Assert.That(layers[0].HasBias, Is.True, "MatMul followed by Add of a constant per output");
            Assert.That(layers[1].Shape, Is.EqualTo(LayerShape.Gemm(5, 8, 3)));
            Assert.That(layers[1].Role, Is.EqualTo(LayerRole.Last));
        }
    }

    [Test]
    public void ConcatAddsChannels()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Weight("a", 4, 3, 1, 1).Weight("b", 6, 3, 3, 3).Weight("c", 5, 10, 1, 1)
            .Node("Conv", ["x", "a"], ["ya"], "branch_a")
            .Node("Conv", ["x", "b"], ["yb"], "branch_b", Ints("pads", 1, 1, 1, 1))
            .Node("Concat", ["ya", "yb"], ["cat"], "cat", Int("axis", 1))
            .Node("Conv", ["cat", "c"], ["y"], "merge")
            .Save(_temp.Path, "concat.onnx");
        var merge = OnnxWorkloadReader.Read(path).Layers.Single(l => l.Name == "merge").Shape;
        Assert.That((merge.Channels, merge.Height, merge.Width), Is.EqualTo((10, 8, 8)));
    }

    [Test]
    public void ReshapeWithZeroAndMinusOneFeedsAGemm()
    {
        // [1, 8, 4, 4] reshaped to [0, -1] = [1, 128].
        var path = new OnnxTestModel().Input("x", 1, 3, 4, 4).Weight("w", 8, 3, 3, 3).Int64s("shape", 0, -1).Weight("fc", 10, 128)
            .Node("Conv", ["x", "w"], ["y"], "conv", Ints("pads", 1, 1, 1, 1))
            .Node("Relu", ["y"], ["r"], "relu")
            .Node("Reshape", ["r", "shape"], ["flat"], "reshape")
            .Node("Gemm", ["flat", "fc"], ["out"], "fc", Int("transB", 1))
            .Save(_temp.Path, "reshape.onnx");
        var fc = OnnxWorkloadReader.Read(path).Layers.Single(l => l.Name == "fc");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fc.Shape, Is.EqualTo(LayerShape.FullyConnected(128, 10)));
            Assert.That(fc.HasBias, Is.False);
        }
    }

    [Test]
    public void PoolThenFlattenFeedsAGemm()
    {
        // MaxPool 3x3 s2 on 14 pixels: ceil((14 - 3) / 2) + 1 = 7 in ceil mode (floor mode gives 6).
        var path = new OnnxTestModel().Input("x", "N", 3, 14, 14).Weight("w", 8, 3, 1, 1).Weight("fc", 8, 10)
            .Node("Conv", ["x", "w"], ["y"], "conv")
            .Node("MaxPool", ["y"], ["p"], "pool", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Int("ceil_mode", 1))
            .Node("Conv", ["p", "w2"], ["z"], "conv2")
            .Node("GlobalAveragePool", ["z"], ["g"], "gap")
            .Node("Flatten", ["g"], ["f"], "flatten")
            .Node("Gemm", ["f", "fc"], ["out"], "fc")
            .Weight("w2", 8, 8, 1, 1)
            .Save(_temp.Path, "pool.onnx");
        var layers = OnnxWorkloadReader.Read(path).Layers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((layers[1].Shape.Height, layers[1].Shape.Width), Is.EqualTo((7, 7)), "ceil((14 - 3) / 2) + 1 = 7");
            Assert.That(layers[0].Shape.Batch, Is.EqualTo(1), "symbolic batch reads as 1");
            Assert.That(layers[2].Shape, Is.EqualTo(LayerShape.FullyConnected(8, 10)));
        }
    }

    [Test]
    public void PyTorchStyleShapeArithmeticBeforeReshape()
    {
        // x.view(x.size(0), -1) exports as Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
        var path = new OnnxTestModel().Input("x", 1, 2, 3, 3).Weight("w", 4, 2, 1, 1).Int64s("zero", 0).Int64s("minus1", -1).Weight("fc", 36, 5)
            .Node("Conv", ["x", "w"], ["y"], "conv")
            .Node("Shape", ["y"], ["s"])
            .Node("Gather", ["s", "zero"], ["n"], "", Int("axis", 0))
            .Node("Concat", ["n", "minus1"], ["target"], "", Int("axis", 0))
            .Node("Reshape", ["y", "target"], ["flat"])
            .Node("MatMul", ["flat", "fc"], ["out"])
            .Save(_temp.Path, "view.onnx");
        var layers = OnnxWorkloadReader.Read(path).Layers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers[1].Name, Is.EqualTo("MatMul_5"), "an unnamed node is named OpType_index");
            Assert.That(layers[1].Shape, Is.EqualTo(LayerShape.FullyConnected(36, 5)));
        }
    }

    [Test]
    public void PadNodeWidensTheNextConvolutionsInput()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Int64s("pads", 0, 0, 1, 2, 0, 0, 1, 2).Weight("w", 4, 3, 3, 3)
            .Node("Pad", ["x", "pads"], ["padded"], "pad")
            .Node("Conv", ["padded", "w"], ["y"], "conv")
            .Save(_temp.Path, "pad.onnx");
        var shape = OnnxWorkloadReader.Read(path).Layers.Single().Shape;
        Assert.That((shape.Height, shape.Width, shape.OutputHeight, shape.OutputWidth), Is.EqualTo((10, 12, 8, 10)));
    }

    [Test]
    public void UnnamedAndDuplicateNodesGetUniqueLayerNames()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Weight("w", 3, 3, 1, 1)
            .Node("Conv", ["x", "w"], ["a"])
            .Node("Conv", ["a", "w"], ["b"], "same")
            .Node("Conv", ["b", "w"], ["c"], "same")
            .Save(_temp.Path, "names.onnx");
        var layers = OnnxWorkloadReader.Read(path).Layers;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers.Select(l => l.Name), Is.EqualTo(new[] { "Conv_0", "same", "same_2" }));
            Assert.That(layers.Select(l => l.Role), Is.EqualTo(new[] { LayerRole.First, LayerRole.Inner, LayerRole.Last }));
        }
    }

    [Test]
    public void ProjectionShortcutIsDownsampleButMainBranchIsNot()
    {
        // A bottleneck's first block: x feeds the 1x1 main-branch conv and the 1x1 projection; the
        // main branch's last 1x1 conv also ends in the Add but its input feeds no other Conv.
        var path = new OnnxTestModel().Input("x", 1, 8, 8, 8).Weight("reduce", 4, 8, 1, 1).Weight("spatial", 4, 4, 3, 3)
            .Weight("expand", 16, 4, 1, 1).Weight("project", 16, 8, 1, 1)
            .Weight("scale", 16).Weight("shift", 16).Weight("mean", 16).Weight("var", 16)
            .Node("Conv", ["x", "reduce"], ["a"], "reduce")
            .Node("Conv", ["a", "spatial"], ["b"], "spatial", Ints("pads", 1, 1, 1, 1))
            .Node("Conv", ["b", "expand"], ["c"], "expand")
            .Node("Conv", ["x", "project"], ["p"], "project")
            .Node("BatchNormalization", ["p", "scale", "shift", "mean", "var"], ["pn"], "project_bn")
            .Node("Add", ["c", "pn"], ["sum"], "add")
            .Save(_temp.Path, "bottleneck.onnx");
        var layers = OnnxWorkloadReader.Read(path).Layers.ToDictionary(l => l.Name);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layers["project"].IsDownsample, Is.True);
            Assert.That(layers["project"].HasBatchNorm, Is.True);
            Assert.That(layers["expand"].IsDownsample, Is.False);
            Assert.That(layers["reduce"].IsDownsample, Is.False);
            Assert.That(layers["expand"].HasBatchNorm, Is.False);
        }
    }

    [Test]
    public void SymbolicHeightAndWidthComeFromTheOptions()
    {
        var path = new OnnxTestModel().Input("x", "batch", 3, "height", "width").Weight("w", 4, 3, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], "conv")
            .Save(_temp.Path, "symbolic.onnx");
        var shape = OnnxWorkloadReader.Read(path, new OnnxReadOptions { Batch = 2, Height = 32, Width = 16 }).Layers.Single().Shape;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((shape.Batch, shape.Height, shape.Width), Is.EqualTo((2, 32, 16)));
            Assert.That(() => OnnxWorkloadReader.Read(path),
                Throws.TypeOf<InputException>().With.Message.Contains("give the input height").And.Message.Contains("'height'")
                    .And.Message.Not.Contains("OnnxReadOptions"));
        }
    }

    [Test]
    public void UnknownOpAfterTheLastLayerDoesNotBlockTheImport()
    {
        var path = new OnnxTestModel().Input("x", 1, 3, 8, 8).Weight("w", 4, 3, 1, 1)
            .Node("Conv", ["x", "w"], ["y"], "conv")
            .Node("NonMaxSuppression", ["y"], ["boxes"], "nms")
            .Save(_temp.Path, "postprocess.onnx");
        Assert.That(OnnxWorkloadReader.Read(path).Layers, Has.Length.EqualTo(1));
    }
}
