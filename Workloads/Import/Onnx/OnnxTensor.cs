using System.Buffers.Binary;
using System.Collections.Immutable;
using Onnx;

namespace HwSim.Workloads.Import.Onnx;

/// <summary>
/// What the importer knows about one tensor: its dimensions (always concrete: symbolic input
/// sizes are fixed before the walk), whether it is fixed in the file (an initializer, a Constant,
/// or computed from those alone) and, for small constants, its values, which Reshape, Pad, Slice
/// and Resize read their sizes from.
/// </summary>
internal sealed record OnnxTensor(ImmutableArray<long> Dims, bool IsConstant, ImmutableArray<long>? Integers = null, ImmutableArray<double>? Reals = null)
{
    // Shape arithmetic needs a handful of values; weight tensors are never decoded.
    private const long MaxDecodedValues = 4096;

    public int Rank => Dims.Length;

    /// <summary>Element count; computed on construction, which rejects negative sizes and counts beyond 64 bits.</summary>
    public long Elements { get; } = Count(Dims);

    public static OnnxTensor Activation(IEnumerable<long> dims) => new([.. dims], false);

    /// <summary>An initializer or a Constant's value: its dims, plus its values when small and numeric.</summary>
    public static OnnxTensor FromProto(TensorProto tensor)
    {
        foreach (var d in tensor.Dims)
        {
            if (d < 0)
                throw new InputException($"tensor '{tensor.Name}' has a negative dimension {d}", "dims");
        }
        var shape = new OnnxTensor([.. tensor.Dims], true);
        if (shape.Elements > MaxDecodedValues || tensor.DataLocation == TensorProto.Types.DataLocation.External)
            return shape;
        var count = (int)shape.Elements;
        return shape with { Integers = IntegersOf(tensor, count), Reals = RealsOf(tensor, count) };
    }

    /// <summary>Dims as "[1,3,224,224]" for messages.</summary>
    public string DimsText => $"[{string.Join(",", Dims)}]";

    private static long Count(ImmutableArray<long> dims)
    {
        if (dims.Any(d => d < 0))
            throw new InputException($"a tensor of shape [{string.Join(",", dims)}] has a negative size");
        try
        {
            return Product(dims);
        }
        catch (OverflowException)
        {
            throw new InputException($"a tensor of shape [{string.Join(",", dims)}] has more elements than 64 bits count");
        }
    }

    public static long Product(IEnumerable<long> dims)
    {
        long product = 1;
        foreach (var d in dims)
            product = product * d;
        return product;
    }

    private static ImmutableArray<long>? IntegersOf(TensorProto t, int count)
    {
        var raw = t.RawData.Span;
        var values = ImmutableArray.CreateBuilder<long>(count);
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Int64 when t.Int64Data.Count == count:
                values.AddRange(t.Int64Data);
                break;
            case TensorProto.Types.DataType.Int64 when raw.Length == 8 * count:
                for (var i = 0; i < count; i++) values.Add(BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]));
                break;
            case TensorProto.Types.DataType.Int32 when t.Int32Data.Count == count:
                foreach (var v in t.Int32Data) values.Add(v);
                break;
            case TensorProto.Types.DataType.Int32 when raw.Length == 4 * count:
                for (var i = 0; i < count; i++) values.Add(BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]));
                break;
            default:
                return null;
        }
        return values.MoveToImmutable();
    }

    private static ImmutableArray<double>? RealsOf(TensorProto t, int count)
    {
        var raw = t.RawData.Span;
        var values = ImmutableArray.CreateBuilder<double>(count);
        switch ((TensorProto.Types.DataType)t.DataType)
        {
            case TensorProto.Types.DataType.Float when t.FloatData.Count == count:
                foreach (var v in t.FloatData) values.Add(v);
                break;
            case TensorProto.Types.DataType.Float when raw.Length == 4 * count:
                for (var i = 0; i < count; i++) values.Add(BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]));
                break;
            case TensorProto.Types.DataType.Double when t.DoubleData.Count == count:
                values.AddRange(t.DoubleData);
                break;
            case TensorProto.Types.DataType.Double when raw.Length == 8 * count:
                for (var i = 0; i < count; i++) values.Add(BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]));
                break;
            default:
                return null;
        }
        return values.MoveToImmutable();
    }
}

/// <summary>
/// A tensor's shape, or why it has none. The error stays with the tensor and is raised only when
/// a layer needs it, so an unknown post-processing op after the last layer does not block an import.
/// </summary>
internal readonly record struct OnnxSlot(OnnxTensor? Tensor, InputException? Error)
{
    public static OnnxSlot Of(OnnxTensor tensor) => new(tensor, null);

    public static OnnxSlot Failed(InputException error) => new(null, error);
}
