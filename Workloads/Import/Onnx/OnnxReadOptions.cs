namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// Sizes to give the graph inputs of an ONNX model when reading its layer shapes. Each value,
/// when set, replaces the file's dimension, symbolic or not; when unset, the file's dimension is
/// used and a symbolic or missing batch becomes 1.
/// </summary>
/// <remarks>
/// The batch is dimension 0 of every input of rank 2 or more; height and width are dimensions 2
/// and 3 of 4-D inputs, which ONNX convolutions read as N x C x H x W.
/// </remarks>
/// <param name="Batch">Batch size N (images per inference), at least 1.</param>
/// <param name="Height">Input height H in pixels, at least 1.</param>
/// <param name="Width">Input width W in pixels, at least 1.</param>
public sealed record OnnxReadOptions(int? Batch = null, int? Height = null, int? Width = null)
{
    // The initializers check constructor arguments; the init accessors check `with` and object initializers.
    public int? Batch { get; init => field = AtLeastOne(value, "batch"); } = AtLeastOne(Batch, "batch");

    public int? Height { get; init => field = AtLeastOne(value, "height"); } = AtLeastOne(Height, "height");

    public int? Width { get; init => field = AtLeastOne(value, "width"); } = AtLeastOne(Width, "width");

    private static int? AtLeastOne(int? value, string field) =>
        value is null or >= 1 ? value : throw new InputException($"must be at least 1, got {value}", field);
}
