using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HwSim.Workloads.Tensors;

/// <summary>
/// An integer array in NumPy's .npy format (version 1.0/2.0, little-endian, C order), the way the
/// quantizer hands real integer codes to the simulator (<c>hwsim quantize --dump-tensors</c>, then
/// <c>hwsim simulate --reference --tensors</c>) and the way Python users read them
/// (<c>numpy.load</c>). Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
/// </summary>
public sealed partial record NpyArray
{
    public NpyArray(IReadOnlyList<long> shape, long[] values)
    {
        long count = 1;
        foreach (var d in shape)
            count = d >= 0 ? count * d : throw new ArgumentException($"negative dimension {d}");
        if (count != values.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} values, got {values.Length}");
        Shape = [.. shape];
        Values = values;
    }

    public long[] Shape { get; }

    /// <summary>The values in row-major (C) order.</summary>
    public long[] Values { get; }

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>
    /// Writes the narrowest signed dtype that holds every value (int8, int16, int32 or int64), so a
    /// 4-bit layer's codes take a byte each; atomically (temp file, then move).
    /// </summary>
    public void Write(string path)
    {
        var (min, max) = Values.Length == 0 ? (0L, 0L) : (Values.Min(), Values.Max());
        var size = min >= sbyte.MinValue && max <= sbyte.MaxValue ? 1 : min >= short.MinValue && max <= short.MaxValue ? 2
            : min >= int.MinValue && max <= int.MaxValue ? 4 : 8;
        var shape = Shape.Length == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape) + ")";
        var header = $"{{'descr': '<i{size}', 'fortran_order': False, 'shape': {shape}, }}";
        // The header (with its newline) pads the preamble to a multiple of 64 bytes (format spec, version 1.0).
        var unpadded = Magic.Length + 2 + 2 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - unpadded % 64) % 64) + "\n";
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = File.Create(temp))
            {
                stream.Write(Magic);
                stream.Write([1, 0]);
                Span<byte> length = stackalloc byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
                stream.Write(length);
                stream.Write(Encoding.ASCII.GetBytes(header));
                var buffer = new byte[Values.Length * size];
                for (var i = 0; i < Values.Length; i++)
                {
                    var at = buffer.AsSpan(i * size, size);
                    switch (size)
                    {
                        case 1: at[0] = unchecked((byte)(sbyte)Values[i]); break;
                        case 2: BinaryPrimitives.WriteInt16LittleEndian(at, (short)Values[i]); break;
                        case 4: BinaryPrimitives.WriteInt32LittleEndian(at, (int)Values[i]); break;
                        default: BinaryPrimitives.WriteInt64LittleEndian(at, Values[i]); break;
                    }
                }
                stream.Write(buffer);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Reads an integer .npy file (signed or unsigned, 1 to 8 bytes, or bool); errors name the file and the rule.</summary>
    public static NpyArray Read(string path)
    {
        try
        {
            return ReadChecked(path);
        }
        catch (OverflowException)
        {
            // Sizes come from the file: a header whose shape or length does not fit is a bad file, not a bug.
            throw new InputException("the header's shape or length is too large for an array in memory", "shape").At(path);
        }
    }

    private static NpyArray ReadChecked(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read the file: {e.Message}", "file").At(path);
        }
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InputException("not a NumPy .npy file (no \\x93NUMPY magic)", "header").At(path);
        var major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); headerStart = 10; }
        else if (major is 2 or 3 && bytes.Length >= 12) { headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); headerStart = 12; }
        else throw new InputException($".npy format version {major} is not supported (1, 2 or 3)", "header").At(path);
        if (headerStart + headerLength > bytes.Length)
            throw new InputException("the header runs past the end of the file", "header").At(path);
        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shapeMatch = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
            throw new InputException($"cannot read the header {header.Trim()}", "header").At(path);
        if (fortran.Groups[1].Value == "True")
            throw new InputException("Fortran-order arrays are not supported (save with C order)", "fortran_order").At(path);
        var dtype = descr.Groups[1].Value;
        var (signed, size) = dtype switch
        {
            "|i1" or "<i1" or "i1" => (true, 1), "<i2" => (true, 2), "<i4" => (true, 4), "<i8" => (true, 8),
            "|u1" or "<u1" or "u1" or "|b1" => (false, 1), "<u2" => (false, 2), "<u4" => (false, 4), "<u8" => (false, 8),
            _ => throw new InputException($"dtype '{dtype}' is not a little-endian integer type (int8..int64, uint8..uint64, bool)", "descr").At(path),
        };
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InputException($"shape entry '{d}' is not a whole number", "shape").At(path)).ToArray();
        long count = 1;
        foreach (var d in shape) count = count * d;
        var dataStart = headerStart + headerLength;
        if (count > (bytes.Length - dataStart) / size || bytes.Length - dataStart != count * size)
            throw new InputException($"shape [{string.Join(", ", shape)}] of {dtype} needs {(double)count * size:0} data bytes, the file has {bytes.Length - dataStart}", "shape").At(path);
        var values = new long[count];
        for (var i = 0; i < values.Length; i++)
        {
            var at = bytes.AsSpan(dataStart + (int)(i * size), size);
            values[i] = (signed, size) switch
            {
                (true, 1) => unchecked((sbyte)at[0]),
                (true, 2) => BinaryPrimitives.ReadInt16LittleEndian(at),
                (true, 4) => BinaryPrimitives.ReadInt32LittleEndian(at),
                (true, _) => BinaryPrimitives.ReadInt64LittleEndian(at),
                (false, 1) => at[0],
                (false, 2) => BinaryPrimitives.ReadUInt16LittleEndian(at),
                (false, 4) => BinaryPrimitives.ReadUInt32LittleEndian(at),
                (false, _) => BinaryPrimitives.ReadUInt64LittleEndian(at) <= long.MaxValue ? (long)BinaryPrimitives.ReadUInt64LittleEndian(at)
                    : throw new InputException($"value {i} does not fit a 64-bit signed integer", "data").At(path),
            };
        }
        return new NpyArray(shape, values);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
