using HwSim.Workloads.Shapes;

namespace HwSim.Quantizer.Models;

/// <summary>
/// A layer the quantizer quantizes: a convolution or a fully-connected layer of a real network,
/// found by running the network once (tracing). Its shape is the foundation's
/// <see cref="LayerShape"/> so that a traced network compares directly with the built-in zoo.
/// </summary>
/// <param name="Name">Unique within the network, e.g. <c>layer1.0.conv1</c> (module path) or the ONNX node name.</param>
/// <param name="Shape">Shape at the traced input size and batch 1.</param>
/// <param name="IsDownsample">A 1x1 shortcut convolution of a residual block.</param>
/// <param name="HasBias">The layer adds a bias per output channel.</param>
/// <param name="HasBatchNorm">A batch norm follows the layer.</param>
/// <param name="WeightIsConstant">
/// The second operand is a weight fixed in the model. False for a product of two computed tensors
/// (an ONNX MatMul of activations): its "weight" changes with every input and is quantised per batch.
/// </param>
public sealed record ComputeLayer(string Name, LayerShape Shape, bool IsDownsample = false, bool HasBias = false, bool HasBatchNorm = false,
    bool WeightIsConstant = true);
