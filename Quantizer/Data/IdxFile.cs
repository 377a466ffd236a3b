using System.Buffers.Binary;
using System.IO.Compression;
using HwSim.Workloads;

namespace HwSim.Quantizer.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"):
/// a big-endian magic number 0x00000800 + (element type) * 256 + (number of dimensions), the dimensions as big-endian
/// 32-bit counts, then the elements. Only unsigned bytes (type 0x08) occur in these data sets, as 3-D images
/// (magic 0x00000803: count, rows, columns) and 1-D labels (magic 0x00000801: count). Files ending in .gz are
/// decompressed on the fly, as Debian's dataset-fashion-mnist package ships them.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of an unsigned-byte image file [count, rows, columns].</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an unsigned-byte label file [count].</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Images [count, rows, columns] of unsigned bytes; an <see cref="InputException"/> naming the file on any format error.</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var (dims, data) = Read(path, ImagesMagic, 3);
        return (dims[0], dims[1], dims[2], data);
    }

    /// <summary>Labels [count] of unsigned bytes.</summary>
    public static byte[] ReadLabels(string path) => Read(path, LabelsMagic, 1).Data;

    /// <summary>Writes images as IDX (gzip-compressed when <paramref name="path"/> ends in .gz).</summary>
    public static void WriteImages(string path, int rows, int columns, ReadOnlySpan<byte> pixels)
    {
        if (rows < 1 || columns < 1 || pixels.Length % checked(rows * columns) != 0)
            throw new ArgumentException($"{pixels.Length} pixels are not whole {rows}x{columns} images", nameof(pixels));
        Write(path, ImagesMagic, [pixels.Length / (rows * columns), rows, columns], pixels);
    }

    /// <summary>Writes labels as IDX (gzip-compressed when <paramref name="path"/> ends in .gz).</summary>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels) => Write(path, LabelsMagic, [labels.Length], labels);

    private static (int[] Dims, byte[] Data) Read(string path, int magic, int rank)
    {
        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InputException($"cannot read: {e.Message}", null, path, inner: e);
        }
        var header = 4 + 4 * rank;
        if (bytes.Length < 4)
            throw new InputException($"is {bytes.Length} bytes, shorter than an IDX magic number", "header", path);
        var found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
            throw new InputException($"magic number 0x{found:X8}, expected 0x{magic:X8} ({(magic == ImagesMagic ? "unsigned-byte images, 3 dimensions" : "unsigned-byte labels, 1 dimension")})", "magic", path);
        if (bytes.Length < header)
            throw new InputException($"is {bytes.Length} bytes, shorter than an IDX header of rank {rank} ({header} bytes)", "header", path);
        var dims = new int[rank];
        long elements = 1;
        for (var d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dims[d] < 1)
                throw new InputException($"dimension {d} is {dims[d]}, must be at least 1", "dimensions", path);
            elements = checked(elements * dims[d]);
        }
        if (bytes.Length - header != elements)
            throw new InputException($"the header promises {elements} bytes of data ({string.Join(" x ", dims)}) but the file has {bytes.Length - header}", "count", path);
        return (dims, bytes[header..]);
    }

    private static void Write(string path, int magic, int[] dims, ReadOnlySpan<byte> data)
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (var d = 0; d < dims.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dims[d]);
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        using (var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.SmallestSize) : (Stream)file)
        {
            stream.Write(header);
            stream.Write(data);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
