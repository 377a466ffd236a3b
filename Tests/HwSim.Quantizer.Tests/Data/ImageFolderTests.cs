using HwSim.Quantizer.Data;
using HwSim.Quantizer.Torch;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;
using SkiaSharp;

namespace HwSim.Quantizer.Tests.Data;

/// <summary>
/// <c>--data DIR</c> as labelled image folders (DIR/train/&lt;class&gt;/*.png, DIR/test/&lt;class&gt;/*.png): PNGs written
/// from the committed Fashion-MNIST subset read back to the same pixels, with labels = class folder names in ordinal
/// order; one training step runs on them; each broken rule is one line naming the folder or file, exit 2.
/// </summary>
public sealed class ImageFolderTests
{
    // Fashion-MNIST's class names by label (Xiao et al. 2017; "T-shirt/top" without the slash, which a folder name cannot hold).
    // Sorted ordinally they are not in label order, so the test sees the sorted-name rule, not the original labels.
    private static readonly string[] Names = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static string Subset => Path.Combine(RepoPaths.Root, "data", "fashion-mnist-subset");

    [OneTimeSetUp]
    public void Threads()
    {
        TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(1);
    }

    /// <summary>Writes <paramref name="images"/> as grey-scale PNGs into split/&lt;Names[label]&gt;/NNNNN.png (NNNNN = index in the set).</summary>
    private static void WritePngs(LabelledImages images, string split)
    {
        var size = images.Rows * images.Columns;
        for (var i = 0; i < images.Count; i++)
        {
            var folder = Path.Combine(split, Names[images.Labels[i]]);
            Directory.CreateDirectory(folder);
            using var bitmap = new SKBitmap(new SKImageInfo(images.Columns, images.Rows, SKColorType.Gray8, SKAlphaType.Opaque));
            Assert.That(bitmap.RowBytes, Is.EqualTo(images.Columns), "packed rows");
            images.Pixels.Slice(i * size, size).CopyTo(bitmap.GetPixelSpan());
            using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D5}.png"), encoded.ToArray());
        }
    }

    /// <summary>10 training and 5 test images per class of the committed subset as PNG folders; returns the IDX originals.</summary>
    private static (LabelledImages Train, LabelledImages Test) WriteFolder(string root)
    {
        var idx = ImageDataset.Load(Subset);
        var (train, test) = (idx.Train.Balanced(10), idx.Test.Balanced(5));
        WritePngs(train, Path.Combine(root, "train"));
        WritePngs(test, Path.Combine(root, "test"));
        return (train, test);
    }

    /// <summary>What the reader must return: classes in ordinal order of their names, each class's images in file (index) order, label = rank of the name.</summary>
    private static (byte[] Pixels, byte[] Labels) Expected(LabelledImages original)
    {
        var size = original.Rows * original.Columns;
        var sorted = Names.Select((name, label) => (name, label)).OrderBy(c => c.name, StringComparer.Ordinal).ToList();
        var pixels = new List<byte>();
        var labels = new List<byte>();
        for (var rank = 0; rank < sorted.Count; rank++)
        {
            for (var i = 0; i < original.Count; i++)
            {
                if (original.Labels[i] != sorted[rank].label)
                    continue;
                pixels.AddRange(original.Pixels.Slice(i * size, size).ToArray());
                labels.Add((byte)rank);
            }
        }
        return (pixels.ToArray(), labels.ToArray());
    }

    [Test]
    public void Png_folders_read_back_to_the_idx_pixels_with_labels_from_the_sorted_class_names()
    {
        using var dir = new TempDir();
        var (train, test) = WriteFolder(dir.Path);
        var read = ImageDataset.Open(dir.Path);
        Assert.That((read.Train.Rows, read.Train.Columns, read.Train.Count, read.Test.Count, read.Train.Classes), Is.EqualTo((28, 28, 100, 50, 10)));
        var (trainPixels, trainLabels) = Expected(train);
        var (testPixels, testLabels) = Expected(test);
        Assert.That(read.Train.Pixels.SequenceEqual(trainPixels), "training pixels equal the IDX subset's, byte for byte");
        Assert.That(read.Train.Labels.ToArray(), Is.EqualTo(trainLabels));
        Assert.That(read.Test.Pixels.SequenceEqual(testPixels), "test pixels equal the IDX subset's, byte for byte");
        Assert.That(read.Test.Labels.ToArray(), Is.EqualTo(testLabels));
        // "Ankle boot" (Fashion-MNIST label 9) sorts first: label 0.
        Assert.That(read.Train.Labels[0], Is.EqualTo(0));
        Assert.That(read.Train.Pixels[..784].SequenceEqual(train.Pixels.Slice(train.Labels.IndexOf((byte)9) * 784, 784)));
    }

    [Test]
    public void A_folder_with_idx_files_is_read_as_idx_even_with_train_and_test_subfolders()
    {
        using var dir = new TempDir();
        ImageDataset.Load(Subset).Write(dir.Path);
        Directory.CreateDirectory(dir.File("train"));
        Directory.CreateDirectory(dir.File("test"));
        Assert.That(ImageDataset.Open(dir.Path).Train.Count, Is.EqualTo(2000));
    }

    [Test]
    public void Colour_is_converted_to_grey_with_pils_bt601_luma()
    {
        using var dir = new TempDir();
        foreach (var split in new[] { "train", "test" })
        {
            var folder = Path.Combine(dir.Path, split, "a");
            Directory.CreateDirectory(folder);
            using var bitmap = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            bitmap.Erase(new SKColor(255, 0, 0));
            bitmap.SetPixel(1, 0, new SKColor(0, 255, 0));
            bitmap.SetPixel(2, 0, new SKColor(0, 0, 255));
            bitmap.SetPixel(3, 0, new SKColor(200, 100, 50));
            using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, "x.png"), encoded.ToArray());
        }
        var read = ImageDataset.Open(dir.Path);
        // PIL's Image.convert("L"): (19595 R + 38470 G + 7471 B + 32768) >> 16: red 76, green 150, blue 29,
        // (200, 100, 50) -> (3919000 + 3847000 + 373550 + 32768) >> 16 = 124.
        Assert.That(read.Train.Pixels[..4].ToArray(), Is.EqualTo(new byte[] { 76, 150, 29, 124 }));
        Assert.That(read.Train.Pixels[4], Is.EqualTo(76));
    }

    [Test]
    public void One_short_training_run_on_the_png_folder_works()
    {
        using var dir = new TempDir();
        WriteFolder(Path.Combine(dir.Path, "data"));
        var run = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--data", Path.Combine(dir.Path, "data"), "--run", run, "--epochs", "1", "--batch-size", "25", "--threads", "1");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.That(metrics, Has.Length.EqualTo(2), "header and the one fp32 epoch");
        var fields = metrics[1].Split(',');
        Assert.That(fields[0], Is.EqualTo("fp32"));
        Assert.That(double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0).And.LessThan(10), "a finite cross-entropy loss");
    }

    private static void Png(string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, encoded.ToArray());
    }

    private static InputException Refused(string root)
    {
        var e = Assert.Throws<InputException>(() => ImageDataset.Open(root))!;
        // The CLI shows it as one line, exit 2.
        var r = CliRunner.Run("train", "--data", root, "--run", Path.Combine(root, "run"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1), r.Error);
        Assert.That(Directory.Exists(Path.Combine(root, "run")), Is.False, "nothing written");
        return e;
    }

    [Test]
    public void A_missing_test_folder_is_refused()
    {
        using var dir = new TempDir();
        Png(dir.File("train/a/1.png"), 28, 28);
        var e = Refused(dir.Path);
        Assert.That(e.Message, Does.Contain(dir.File("test")).And.Contain("needs both train/ and test/"));
    }

    [Test]
    public void A_missing_train_folder_is_refused()
    {
        using var dir = new TempDir();
        Png(dir.File("test/a/1.png"), 28, 28);
        Assert.That(Refused(dir.Path).Message, Does.Contain(dir.File("train")).And.Contain("needs both train/ and test/"));
    }

    [Test]
    public void A_test_class_that_is_not_a_training_class_is_refused()
    {
        using var dir = new TempDir();
        Png(dir.File("train/a/1.png"), 28, 28);
        Png(dir.File("test/b/1.png"), 28, 28);
        Assert.That(Refused(dir.Path).Message, Does.Contain(Path.Combine(dir.Path, "test", "b")).And.Contain("class folder 'b' is not among train/'s classes (a)"));
    }

    [Test]
    public void An_empty_class_is_refused()
    {
        using var dir = new TempDir();
        Png(dir.File("train/a/1.png"), 28, 28);
        Directory.CreateDirectory(dir.File("train/b"));
        File.WriteAllText(dir.File("train/b/notes.txt"), "not an image");
        Png(dir.File("test/a/1.png"), 28, 28);
        Assert.That(Refused(dir.Path).Message, Does.Contain(Path.Combine(dir.Path, "train", "b")).And.Contain("class folder has no images"));
    }

    [Test]
    public void An_undecodable_image_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        Png(dir.File("train/a/1.png"), 28, 28);
        File.WriteAllText(dir.File("train/a/2.png"), "not a png");
        Png(dir.File("test/a/1.png"), 28, 28);
        Assert.That(Refused(dir.Path).Message, Does.Contain(Path.Combine(dir.Path, "train", "a", "2.png")).And.Contain("not an image Skia can decode"));
    }

    [TestCase(28, 27, "the networks take square images")]
    [TestCase(32, 32, "but the first training image is 28x28")]
    public void An_image_of_another_size_is_refused_naming_the_file(int width, int height, string rule)
    {
        using var dir = new TempDir();
        Png(dir.File("train/a/1.png"), 28, 28);
        Png(dir.File("test/a/1.png"), width, height);
        var e = Refused(dir.Path);
        Assert.That(e.Message, Does.Contain(Path.Combine(dir.Path, "test", "a", "1.png")).And.Contain(rule).And.Contain("not resized"));
    }

    [Test]
    public void A_size_the_network_cannot_take_is_refused_naming_the_data()
    {
        using var dir = new TempDir();
        Png(dir.File("train/a/1.png"), 30, 30);
        Png(dir.File("test/a/1.png"), 30, 30);
        var r = CliRunner.Run("train", "--data", dir.Path, "--run", dir.File("run"), "--epochs", "1");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        // After the progress line naming the run, the error is one line.
        var errors = r.Error.Trim().Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), r.Error);
        Assert.That(errors[0], Does.Contain(dir.File("train")).And.Contain("multiple of 4, got 30"));
        // The trainer makes the run folder before the network; nothing is written into it.
        Assert.That(!Directory.Exists(dir.File("run")) || !Directory.EnumerateFileSystemEntries(dir.File("run")).Any(), "nothing written");
    }

    [Test]
    public void A_folder_of_neither_kind_names_both_layouts()
    {
        using var dir = new TempDir();
        Png(dir.File("a/1.png"), 28, 28);
        Assert.That(Refused(dir.Path).Message, Does.Contain("neither MNIST-format IDX files nor train/ and test/ image folders").And.Contain("dataset-fashion-mnist"));
    }
}
