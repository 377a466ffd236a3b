using System.Buffers;
using System.Text;

namespace HwSim.Workloads;

/// <summary>
/// Opening a user's file the one way every reader does: a missing or unreadable file is an
/// <see cref="InputException"/> naming it, never an I/O exception with a stack trace. Text is
/// decoded strictly: bytes that are not UTF-8 (with no UTF-16/32 byte-order mark) are refused
/// with their line, because a silently replaced byte would change a layer or unit name.
/// </summary>
public static class InputFiles
{
    public static TextReader OpenText(string path) => new StringReader(ReadAllText(path));

    public static string ReadAllText(string path) => Decode(Guard(path, () => File.ReadAllBytes(path)), path);

    /// <summary>The text of <paramref name="bytes"/>: UTF-16/32 when a byte-order mark says so, else strict UTF-8 (an optional BOM skipped).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string file)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF])
            || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            using var reader = new StreamReader(new MemoryStream(bytes.ToArray()), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            bytes = bytes[3..];
        var at = FirstInvalidUtf8(bytes);
        if (at >= 0)
        {
            var line = bytes[..at].Count((byte)'\n') + 1;
            var column = at - (bytes[..at].LastIndexOf((byte)'\n') + 1) + 1;
            throw new InputException($"byte 0x{bytes[at]:X2} at column {column} is not valid UTF-8 (save the file as UTF-8)", file: file, location: $"line {line}");
        }
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Index of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
            return -1;
        var at = 0;
        while (at < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) != OperationStatus.Done)
                return at;
            at += consumed;
        }
        return -1;
    }

    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException("file not found", file: path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the file: {e.Message}", file: path);
        }
    }
}
