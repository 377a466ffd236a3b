using HwSim.Quantizer.Calibration;
using HwSim.Quantizer.Torch;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Tests.Calibration;

public sealed class CalibrationSetTests
{
    // (value / 255 - mean) / std per channel, worked out by hand with the ImageNet constants
    // mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).
    private static readonly float[] Orange = [1.3070468f, -0.2850140f, -0.9329847f]; // RGB (200, 100, 50)
    private static readonly float[] Red = [2.2489083f, -2.0357143f, -1.8044444f];     // RGB (255, 0, 0)
    private static readonly float[] Blue = [-2.1179039f, -2.0357143f, 2.6400000f];    // RGB (0, 0, 255)

    [OneTimeSetUp]
    public void LoadTorch() => TorchRuntime.EnsureLoaded();

    [Test]
    public void Resize_and_crop_sizes_follow_torchvision()
    {
        Assert.That(ImagePreprocessor.ResizeFor(224), Is.EqualTo(256));
        Assert.That(ImagePreprocessor.ResizeFor(299), Is.EqualTo(342)); // 341.71
        Assert.That(ImagePreprocessor.ResizedSize(300, 200, 256), Is.EqualTo((384, 256)));
        Assert.That(ImagePreprocessor.ResizedSize(200, 333, 256), Is.EqualTo((256, 426))); // 426.24 truncated
    }

    [Test]
    public void A_solid_colour_png_loads_to_its_normalised_values()
    {
        using var dir = new TempDir();
        WritePng(dir.File("orange.png"), 300, 200, (_, _) => new SKColor(200, 100, 50));

        var set = CalibrationSet.FromFolder(dir.Path);
        Assert.That(set.IsSynthetic, Is.False);
        Assert.That(set.Count, Is.EqualTo(1));
        Assert.That(set.Description, Is.EqualTo($"1 image from {dir.Path}"));
        using var batch = set.Batches(8).Single();
        Assert.That(batch.shape, Is.EqualTo(new long[] { 1, 3, 224, 224 }));
        Assert.That(batch.dtype, Is.EqualTo(ScalarType.Float32));
        foreach (var (y, x) in new[] { (0, 0), (0, 223), (223, 0), (111, 112), (223, 223) })
            for (var c = 0; c < 3; c++)
                Assert.That(batch[0, c, y, x].item<float>(), Is.EqualTo(Orange[c]).Within(1e-5), $"channel {c} at ({y}, {x})");
    }

    [Test]
    public void The_crop_is_centred_on_the_resized_image()
    {
        // Left half red, right half blue, 300x200: resized to 384x256, the crop starts at column 80,
        // so the edge at source column 150 (resized 192) falls between crop columns 111 and 112.
        using var dir = new TempDir();
        WritePng(dir.File("split.png"), 300, 200, (x, _) => x < 150 ? new SKColor(255, 0, 0) : new SKColor(0, 0, 255));

        using var batch = CalibrationSet.FromFolder(dir.Path).Batches(1).Single();
        for (var c = 0; c < 3; c++)
        {
            Assert.That(batch[0, c, 100, 0].item<float>(), Is.EqualTo(Red[c]).Within(1e-5));
            Assert.That(batch[0, c, 100, 105].item<float>(), Is.EqualTo(Red[c]).Within(1e-5));
            Assert.That(batch[0, c, 100, 118].item<float>(), Is.EqualTo(Blue[c]).Within(1e-5));
            Assert.That(batch[0, c, 100, 223].item<float>(), Is.EqualTo(Blue[c]).Within(1e-5));
        }
        var redAt111 = batch[0, 0, 100, 111].item<float>();
        var redAt112 = batch[0, 0, 100, 112].item<float>();
        var middle = (Red[0] + Blue[0]) / 2;
        Assert.That(redAt111, Is.GreaterThan(middle), "column 111 is mostly red");
        Assert.That(redAt112, Is.LessThan(middle), "column 112 is mostly blue");
    }

    [Test]
    public void Files_are_served_in_name_order_and_other_files_are_ignored()
    {
        using var dir = new TempDir();
        WritePng(dir.File("b.png"), 256, 256, (_, _) => new SKColor(0, 0, 255));
        WritePng(dir.File("a.PNG"), 256, 256, (_, _) => new SKColor(255, 0, 0));
        WritePng(dir.File("c.png"), 256, 256, (_, _) => new SKColor(255, 0, 0));
        dir.File("notes.txt", "not an image");

        var set = CalibrationSet.FromFolder(dir.Path);
        Assert.That(set.Files.Select(Path.GetFileName), Is.EqualTo(new[] { "a.PNG", "b.png", "c.png" }));
        Assert.That(set.Description, Is.EqualTo($"3 images from {dir.Path}"));
        var batches = set.Batches(2).ToList();
        try
        {
            Assert.That(batches.Select(b => b.shape[0]), Is.EqualTo(new long[] { 2, 1 }));
            Assert.That(batches[0][0, 0, 5, 5].item<float>(), Is.EqualTo(Red[0]).Within(1e-5));
            Assert.That(batches[0][1, 0, 5, 5].item<float>(), Is.EqualTo(Blue[0]).Within(1e-5));
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }

        var first = CalibrationSet.FromFolder(dir.Path, maxImages: 2);
        Assert.That(first.Files.Select(Path.GetFileName), Is.EqualTo(new[] { "a.PNG", "b.png" }));
    }

    [Test]
    public void Jpeg_and_webp_images_decode_too()
    {
        using var dir = new TempDir();
        WriteImage(dir.File("photo.jpg"), 320, 240, (_, _) => new SKColor(200, 100, 50), SKEncodedImageFormat.Jpeg);
        WriteImage(dir.File("photo.webp"), 320, 240, (_, _) => new SKColor(200, 100, 50), SKEncodedImageFormat.Webp);
        var set = CalibrationSet.FromFolder(dir.Path, size: 160);
        using var batch = set.Batches(2).Single();
        Assert.That(batch.shape, Is.EqualTo(new long[] { 2, 3, 160, 160 }));
        // Both codecs are lossy on chroma: within a few levels of the colour.
        for (var i = 0; i < 2; i++)
            for (var c = 0; c < 3; c++)
                Assert.That(batch[i, c, 80, 80].item<float>(), Is.EqualTo(Orange[c]).Within(4 / 255.0 / 0.224), $"image {i} channel {c}");
    }

    [Test]
    public void A_corrupt_or_truncated_image_is_an_input_error_naming_the_file()
    {
        using var dir = new TempDir();
        WritePng(dir.File("a.png"), 64, 64, (_, _) => new SKColor(1, 2, 3));
        var corrupt = dir.File("b.jpg", "this is not a jpeg");
        var e = Assert.Throws<InputException>(() => CalibrationSet.FromFolder(dir.Path))!;
        Assert.That(e.File, Is.EqualTo(corrupt));
        Assert.That(e.Message, Does.Contain(corrupt));

        File.Delete(corrupt);
        var truncated = dir.File("c.png");
        WritePng(truncated, 64, 64, (x, y) => new SKColor((byte)x, (byte)y, 7));
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        e = Assert.Throws<InputException>(() => CalibrationSet.FromFolder(dir.Path))!;
        Assert.That(e.File, Is.EqualTo(truncated));
    }

    [Test]
    public void A_missing_or_empty_folder_is_an_input_error_naming_it()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "nope");
        var e = Assert.Throws<InputException>(() => CalibrationSet.FromFolder(missing))!;
        Assert.That(e.File, Is.EqualTo(missing));
        Assert.That(e.Message, Does.Contain("not found"));

        dir.File("readme.txt", "no images here");
        e = Assert.Throws<InputException>(() => CalibrationSet.FromFolder(dir.Path))!;
        Assert.That(e.File, Is.EqualTo(dir.Path));
        Assert.That(e.Message, Does.Contain("no images"));

        Assert.Throws<InputException>(() => CalibrationSet.FromFolder(dir.Path, maxImages: 0));
    }

    [Test]
    public void Synthetic_inputs_are_seeded_and_independent_of_batching()
    {
        var set = CalibrationSet.Synthetic(5, seed: 3, size: 32);
        Assert.That(set.IsSynthetic, Is.True);
        Assert.That(set.Files, Is.Empty);
        Assert.That(set.Description, Is.EqualTo("5 synthetic inputs (seed 3)"));
        Assert.That(CalibrationSet.Synthetic(8).Description, Is.EqualTo("8 synthetic inputs (seed 0)"));

        using var whole = Concat(set.Batches(5));
        using var again = Concat(CalibrationSet.Synthetic(5, seed: 3, size: 32).Batches(2));
        using var other = Concat(CalibrationSet.Synthetic(5, seed: 4, size: 32).Batches(5));
        Assert.That(whole.shape, Is.EqualTo(new long[] { 5, 3, 32, 32 }));
        Assert.That(whole.eq(again).all().item<bool>(), Is.True, "same seed, other batch size: same values");
        Assert.That(whole.allclose(other), Is.False);
        Assert.That(whole[0].allclose(whole[1]), Is.False, "inputs differ from each other");
        // Standard normal: 15,360 values have mean 0 and standard deviation 1 within a few percent.
        Assert.That(whole.mean().item<float>(), Is.EqualTo(0).Within(0.05));
        Assert.That(whole.std().item<float>(), Is.EqualTo(1).Within(0.05));

        Assert.Throws<InputException>(() => CalibrationSet.Synthetic(0));
    }

    private static Tensor Concat(IEnumerable<Tensor> batches)
    {
        var list = batches.ToList();
        try
        {
            return cat(list, 0);
        }
        finally
        {
            list.ForEach(b => b.Dispose());
        }
    }

    private static void WritePng(string path, int width, int height, Func<int, int, SKColor> colour) =>
        WriteImage(path, width, height, colour, SKEncodedImageFormat.Png);

    private static void WriteImage(string path, int width, int height, Func<int, int, SKColor> colour, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, colour(x, y));
        using var data = bitmap.Encode(format, 95);
        Assert.That(data, Is.Not.Null, $"Skia encodes {format}");
        File.WriteAllBytes(path, data.ToArray());
    }
}
