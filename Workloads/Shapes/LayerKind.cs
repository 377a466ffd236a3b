namespace HwSim.Workloads.Shapes;

/// <summary>What kind of layer a shape describes.</summary>
public enum LayerKind
{
    /// <summary>2-D convolution, including grouped and depthwise (groups = C).</summary>
    Convolution,
    /// <summary>Fully connected: C inputs to K outputs per batch element.</summary>
    FullyConnected,
    /// <summary>Plain matrix product (M x K) * (K x N).</summary>
    Gemm,
}
