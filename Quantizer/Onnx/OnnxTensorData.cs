using HwSim.Workloads.Import.Onnx;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using HwSim.Workloads;
using Onnx;
using TorchSharp;

namespace HwSim.Quantizer.Onnx;

/// <summary>
/// Decodes the values of initializers and Constant nodes into torch tensors: float32 (raw_data or
/// float_data), int64 and int32 (raw_data or int64_data/int32_data; both become int64, the type
/// Reshape's shape and Clip's bounds are read as). Other element types and external data are
/// refused with a message naming the tensor.
/// </summary>
internal static class OnnxTensorData
{
    public static torch.Tensor ToTorch(TensorProto proto, string what)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new InputException($"{what} keeps its values in an external file, which the executor does not read; save the model with the weights inside");
        if (proto.Segment is not null)
            throw new InputException($"{what} is segmented, which the executor does not read");
        var dims = proto.Dims.ToArray();
        if (dims.Any(d => d < 0))
            throw new InputException($"{what} has a negative dimension in [{string.Join(",", dims)}]");
        long count;
        try
        {
            count = dims.Aggregate(1L, (a, d) => a * d);
        }
        catch (OverflowException)
        {
            throw new InputException($"{what} of shape [{string.Join(",", dims)}] has more elements than 64 bits count");
        }
        var raw = proto.RawData.Span;
        var type = (TensorProto.Types.DataType)proto.DataType;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            {
                var values = raw.Length > 0 ? Floats(raw, count, what) : proto.FloatData.ToArray();
                return torch.tensor(Check(values, count, dims, what), dims, torch.float32);
            }
            case TensorProto.Types.DataType.Int64:
            {
                var values = raw.Length > 0 ? Int64s(raw, count, what) : proto.Int64Data.ToArray();
                return torch.tensor(Check(values, count, dims, what), dims, torch.int64);
            }
            case TensorProto.Types.DataType.Int32:
            {
                var values = raw.Length > 0 ? Int32s(raw, count, what) : proto.Int32Data.Select(v => (long)v).ToArray();
                return torch.tensor(Check(values, count, dims, what), dims, torch.int64);
            }
            default:
                throw new InputException($"{what} has element type {type}; the executor reads float32, int64 and int32 tensors only");
        }
    }

    private static T[] Check<T>(T[] values, long count, long[] dims, string what) =>
        values.LongLength == count ? values
            : throw new InputException($"{what} has {values.LongLength} values for its shape [{string.Join(",", dims)}] ({count} elements)");

    // raw_data is little-endian by the ONNX spec (onnx.proto, TensorProto.raw_data).
    private static float[] Floats(ReadOnlySpan<byte> raw, long count, string what)
    {
        RawLength(raw, count, 4, what);
        if (BitConverter.IsLittleEndian)
            return MemoryMarshal.Cast<byte, float>(raw).ToArray();
        var values = new float[count];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
        return values;
    }

    private static long[] Int64s(ReadOnlySpan<byte> raw, long count, string what)
    {
        RawLength(raw, count, 8, what);
        var values = new long[count];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
        return values;
    }

    private static long[] Int32s(ReadOnlySpan<byte> raw, long count, string what)
    {
        RawLength(raw, count, 4, what);
        var values = new long[count];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
        return values;
    }

    private static void RawLength(ReadOnlySpan<byte> raw, long count, int size, string what)
    {
        if (raw.Length != count * size)
            throw new InputException($"{what} has {raw.Length} bytes of raw_data for {count} elements of {size} bytes");
    }
}
