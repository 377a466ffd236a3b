using System.Buffers.Binary;
using System.IO.Compression;
using HwSim.Quantizer.Calibration;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Quantizer.Tests.Calibration;

/// <summary>
/// Issue 11 item 17: a small file can claim a huge image (a 1.2 MB PNG of 20000 x 20000 took
/// quantize to 2.2 GB). The size is checked from the header, before anything is decoded.
/// </summary>
public sealed class ImageLimitTests
{
    [Test]
    public void An_image_above_the_pixel_cap_is_refused_from_its_header()
    {
        using var dir = new TempDir();
        var path = dir.File("huge.png");
        File.WriteAllBytes(path, Png(20000, 20000, rows: 4));
        Assert.That(new FileInfo(path).Length, Is.LessThan(10_000), "a small file");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputException>(() => ImagePreprocessor.Load(path, 224));
        Assert.That(e!.Message, Does.Contain("huge.png").And.Contain("20000x20000").And.Contain("64 Mpx"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64L << 20), "refused before a 1.6 GB bitmap was allocated");
    }

    [Test]
    public void A_thin_image_whose_resize_would_exceed_the_cap_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.File("thin.png");
        File.WriteAllBytes(path, Png(1, 1_000_000, rows: 1_000_000));
        var e = Assert.Throws<InputException>(() => ImagePreprocessor.Load(path, 224));
        Assert.That(e!.Message, Does.Contain("thin.png").And.Contain("resized to a shorter side of 256"));
    }

    [Test]
    public void An_image_at_a_normal_size_still_loads()
    {
        using var dir = new TempDir();
        var path = dir.File("ok.png");
        File.WriteAllBytes(path, Png(300, 200, rows: 200));
        Assert.That(ImagePreprocessor.Load(path, 224), Has.Length.EqualTo(3 * 224 * 224));
    }

    /// <summary>A greyscale 8-bit PNG of the given size whose first <paramref name="rows"/> rows are stored (all black).</summary>
    internal static byte[] Png(int width, int height, int rows)
    {
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace 0
        Chunk(file, "IHDR", header);
        using var pixels = new MemoryStream();
        using (var z = new ZLibStream(pixels, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + width]; // filter byte 0, then the row
            for (var y = 0; y < rows; y++)
                z.Write(row);
        }
        Chunk(file, "IDAT", pixels.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        s.Write(length);
        byte[] typed = [.. type.Select(c => (byte)c), .. data];
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309, polynomial 0xEDB88320), bit by bit: the files here are small.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
