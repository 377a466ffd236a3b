using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// The graph inputs that are data rather than weights, with every dimension made concrete from
/// the file and the options.
/// </summary>
internal static class OnnxGraphInputs
{
    /// <summary>
    /// Each data input's shape, or why it has none (raised only if a layer reads that input).
    /// Inputs that are also initializers are weights: files before IR version 4 list both.
    /// </summary>
    public static Dictionary<string, OnnxSlot> Resolve(GraphProto graph, OnnxReadOptions options, string file)
    {
        var weights = graph.Initializer.Select(t => t.Name)
            .Concat(graph.SparseInitializer.Where(s => s.Values is not null).Select(s => s.Values.Name))
            .ToHashSet(StringComparer.Ordinal);
        var data = graph.Input.Where(i => !weights.Contains(i.Name)).ToList();
        if (data.Count == 0)
            throw new InputException("the graph has no data input: every graph input is an initializer", null, file);
        if ((options.Height ?? options.Width) is not null && !data.Any(i => Rank(i) == 4))
        {
            throw new InputException(
                $"applies to 4-D (N x C x H x W) inputs only; the inputs are {string.Join(", ", data.Select(i => $"'{i.Name}' of rank {Rank(i)?.ToString() ?? "unknown"}"))}",
                options.Height is not null ? "height" : "width", file);
        }

        var slots = new Dictionary<string, OnnxSlot>(StringComparer.Ordinal);
        foreach (var input in data)
        {
            try
            {
                slots[input.Name] = OnnxSlot.Of(OnnxTensor.Activation(Dims(input, options)));
            }
            catch (InputException e)
            {
                slots[input.Name] = OnnxSlot.Failed(e.At(file, $"graph input '{input.Name}'"));
            }
        }
        return slots;
    }

    private static int? Rank(ValueInfoProto input) => input.Type?.TensorType?.Shape?.Dim.Count;

    // Dimension 0 of a rank-2+ input is the batch; dimensions 2 and 3 of a 4-D input are H and W.
    private static long[] Dims(ValueInfoProto input, OnnxReadOptions options)
    {
        if (input.Type?.TensorType?.Shape is not { } shape)
            throw new InputException("has no tensor shape in the file, so not even its rank is known", "type");
        var rank = shape.Dim.Count;
        var dims = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var d = shape.Dim[i];
            long? known = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? d.DimValue : null;
            var what = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? $"symbolic ('{d.DimParam}')" : "not given";
            dims[i] = (rank, i) switch
            {
                ( >= 2, 0) => options.Batch ?? known ?? 1,
                (4, 2) => options.Height ?? known ?? throw new InputException($"the height (dimension 2) is {what}; give the input height", "height"),
                (4, 3) => options.Width ?? known ?? throw new InputException($"the width (dimension 3) is {what}; give the input width", "width"),
                _ => known ?? throw new InputException($"dimension {i} is {what}, and no option sets it (only batch, height and width can be given)", $"dim {i}"),
            };
        }
        return dims;
    }
}
