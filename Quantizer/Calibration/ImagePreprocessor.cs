using HwSim.Workloads;
using SkiaSharp;

namespace HwSim.Quantizer.Calibration;

/// <summary>
/// TorchVision's ImageNet evaluation preprocessing with SkiaSharp: RGB, resize so the shorter side is
/// round(size * 256 / 224), centre crop size x size, scale to [0, 1], normalise per channel.
/// </summary>
/// <remarks>
/// Source: torchvision's reference scripts, references/classification/presets.py,
/// <c>ClassificationPresetEval(crop_size=224, resize_size=256, mean=(0.485, 0.456, 0.406),
/// std=(0.229, 0.224, 0.225), interpolation=BILINEAR)</c>, which is also the transform published
/// with every torchvision ImageNet weight (<c>ResNet18_Weights.IMAGENET1K_V1.transforms()</c>,
/// torchvision/transforms/_presets.py <c>ImageClassification</c>). Resize keeps the aspect ratio
/// with the longer side truncated, <c>int(new_short * long / short)</c>, and CenterCrop starts at
/// <c>int(round((side - crop) / 2))</c> (torchvision/transforms/functional.py).
/// Like torchvision's PIL loader (<c>Image.open(f).convert("RGB")</c>), alpha is dropped rather than
/// composited, EXIF orientation is not applied and embedded colour profiles are ignored.
/// Sampling is Skia's linear filter with linear mipmaps, its recommended downscaling quality; it is
/// not PIL's antialiased bilinear filter bit for bit (pixels may differ by a few levels), which
/// moves calibration statistics far less than the choice of images does.
/// </remarks>
public static class ImagePreprocessor
{
    /// <summary>ImageNet per-channel mean of RGB in [0, 1] (torchvision's presets).</summary>
    public static IReadOnlyList<float> Mean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet per-channel standard deviation of RGB in [0, 1] (torchvision's presets).</summary>
    public static IReadOnlyList<float> Std { get; } = [0.229f, 0.224f, 0.225f];

    /// <summary>File name extensions tried as images (case-insensitive); Skia decodes all four formats.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <summary>
    /// The image files directly in <paramref name="folder"/> (hidden files and other extensions skipped), ordinal by
    /// name so the order is the same on every machine and culture; a folder that cannot be listed is an input error on
    /// <paramref name="field"/>.
    /// </summary>
    public static List<string> ListImages(string folder, string field)
    {
        try
        {
            return Directory.EnumerateFiles(folder)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot list the folder: {e.Message}", field, folder);
        }
    }

    /// <summary>The shorter side before cropping to <paramref name="size"/>: 256 for 224, in proportion otherwise.</summary>
    public static int ResizeFor(int size) => (int)Math.Round(size * 256.0 / 224.0, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Decodes and preprocesses one image file into CHW float32 values (3 x size x size, channel-major).
    /// </summary>
    /// <exception cref="InputException">The file cannot be read or decoded (names the file).</exception>
    public static float[] Load(string path, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        // A very thin image resized to a shorter side of 256 can be larger than the original.
        using var decoded = Decode(path, "calibration", (width, height) =>
        {
            var shorter = (long)ResizeFor(size);
            var longer = shorter * Math.Max(width, height) / Math.Min(width, height);
            return longer > int.MaxValue || shorter * longer > MaxPixels
                ? $"the image is {width}x{height} pixels: resized to a shorter side of {shorter} it would have {shorter * longer:N0} pixels, more than {MaxPixels:N0}"
                : null;
        });
        return Preprocess(decoded, size);
    }

    /// <summary>Preprocesses a decoded RGBA bitmap into CHW float32 values (3 x size x size).</summary>
    public static float[] Preprocess(SKBitmap image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var (width, height) = ResizedSize(image.Width, image.Height, ResizeFor(size));
        // ScalePixels converts any colour and alpha type to the target's, so one call resizes and converts.
        using var resized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!image.ScalePixels(resized, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
            throw new InvalidOperationException($"Skia could not resize {image.Width}x{image.Height} ({image.ColorType}) to {width}x{height}");

        // CenterCrop: offsets as torchvision computes them; the resized image is never smaller than the crop.
        var top = (int)Math.Round((height - size) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((width - size) / 2.0, MidpointRounding.ToEven);
        var pixels = resized.GetPixelSpan();
        var stride = resized.RowBytes;
        var plane = size * size;
        var values = new float[3 * plane];
        for (var y = 0; y < size; y++)
        {
            var row = (top + y) * stride;
            for (var x = 0; x < size; x++)
            {
                var at = row + (left + x) * 4;
                for (var c = 0; c < 3; c++)
                    values[c * plane + y * size + x] = (pixels[at + c] / 255f - Mean[c]) / Std[c];
            }
        }
        return values;
    }

    /// <summary>torchvision's Resize(int): the shorter side becomes <paramref name="shorter"/>, the longer keeps the ratio, truncated.</summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int shorter)
    {
        if (width <= height)
            return (shorter, (int)((long)shorter * height / width));
        return ((int)((long)shorter * width / height), shorter);
    }

    /// <summary>
    /// Most pixels an image may have, decoded or resized: 64 Mpx (256 MiB as RGBA), above an 8K
    /// frame (33 Mpx) and most camera sensors. A compressed file can claim far more (a 1.2 MB PNG
    /// of 20000 x 20000 decodes to 1.6 GB), so the header is checked before decoding.
    /// </summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>
    /// Reads and decodes one image file as RGBA8888, unpremultiplied, with no colour-space conversion (the stored
    /// values as PIL reads them). The header is checked before decoding: at most <see cref="MaxPixels"/> pixels, and
    /// <paramref name="rule"/> (null, or why the width x height is refused) for the caller's own limits.
    /// </summary>
    /// <exception cref="InputException">The file cannot be read or decoded, or is too large (names the file and <paramref name="field"/>).</exception>
    public static SKBitmap Decode(string path, string field, Func<int, int, string?>? rule = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read the image: {e.Message}", field, path);
        }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InputException("is not an image Skia can decode (jpg, png, bmp, webp)", field, path);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width < 1 || info.Height < 1)
            throw new InputException($"the image is {info.Width}x{info.Height} pixels", field, path);
        if ((long)info.Width * info.Height > MaxPixels)
            throw new InputException($"the image is {info.Width}x{info.Height} pixels, more than the {MaxPixels:N0} (64 Mpx) an image may have", field, path);
        if (rule?.Invoke(info.Width, info.Height) is { } broken)
            throw new InputException(broken, field, path);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new InputException($"cannot decode the image: {result}", field, path);
        }
        return bitmap;
    }
}
