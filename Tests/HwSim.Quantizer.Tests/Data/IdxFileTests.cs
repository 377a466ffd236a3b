using System.Buffers.Binary;
using HwSim.Quantizer.Data;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Quantizer.Tests.Data;

/// <summary>The IDX reader's checks, the committed Fashion-MNIST subset, and (when Debian's package is installed) the real files.</summary>
public sealed class IdxFileTests
{
    private static string Subset => Path.Combine(RepoPaths.Root, "data", "fashion-mnist-subset");

    [Test]
    public void The_committed_subset_is_2000_plus_2000_balanced_28x28_images()
    {
        var data = ImageDataset.Load(Subset);
        Assert.That((data.Train.Count, data.Test.Count, data.Train.Rows, data.Train.Columns), Is.EqualTo((2000, 2000, 28, 28)));
        Assert.That(data.Train.ClassCounts(), Is.EqualTo(Enumerable.Repeat(200, 10)));
        Assert.That(data.Test.ClassCounts(), Is.EqualTo(Enumerable.Repeat(200, 10)));
        // Real images, not blank ones: Fashion-MNIST's mean pixel is 72.94 of 255 (Xiao et al.'s training set mean 0.2860).
        var mean = data.Train.Pixels.ToArray().Average(p => (double)p);
        Assert.That(mean, Is.InRange(60.0, 85.0));
    }

    [Test]
    public void The_real_files_have_60000_and_10000_images_6000_and_1000_per_class_and_cut_to_the_committed_subset()
    {
        if (!ImageDataset.Exists(ImageDataset.DefaultFolder))
            Assert.Ignore($"Debian's dataset-fashion-mnist is not installed ({ImageDataset.DefaultFolder}); the committed subset is tested instead");
        var real = ImageDataset.Load(ImageDataset.DefaultFolder);
        Assert.That((real.Train.Count, real.Test.Count), Is.EqualTo((60000, 10000)));
        Assert.That(real.Train.ClassCounts(), Is.EqualTo(Enumerable.Repeat(6000, 10)));
        Assert.That(real.Test.ClassCounts(), Is.EqualTo(Enumerable.Repeat(1000, 10)));
        var committed = ImageDataset.Load(Subset);
        var cut = real.Train.Balanced(200);
        Assert.That(cut.Pixels.SequenceEqual(committed.Train.Pixels) && cut.Labels.SequenceEqual(committed.Train.Labels), "training subset = first 200 per class");
        var cutTest = real.Test.Balanced(200);
        Assert.That(cutTest.Pixels.SequenceEqual(committed.Test.Pixels) && cutTest.Labels.SequenceEqual(committed.Test.Labels), "test subset = first 200 per class");
    }

    [Test]
    public void Images_and_labels_round_trip_through_gz_and_plain_files()
    {
        using var dir = new TempDir();
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 3)).ToArray();
        foreach (var name in new[] { "a.gz", "a" })
        {
            IdxFile.WriteImages(dir.File(name), 4, 5, pixels);
            var (count, rows, columns, read) = IdxFile.ReadImages(dir.File(name));
            Assert.That((count, rows, columns), Is.EqualTo((3, 4, 5)));
            Assert.That(read, Is.EqualTo(pixels));
        }
        IdxFile.WriteLabels(dir.File("l.gz"), [1, 2, 0]);
        Assert.That(IdxFile.ReadLabels(dir.File("l.gz")), Is.EqualTo(new byte[] { 1, 2, 0 }));
    }

    [Test]
    public void A_wrong_magic_number_is_named_with_the_file()
    {
        using var dir = new TempDir();
        IdxFile.WriteLabels(dir.File("labels"), [1, 2]);
        var e = Assert.Throws<InputException>(() => IdxFile.ReadImages(dir.File("labels")))!;
        Assert.That(e.Field, Is.EqualTo("magic"));
        Assert.That(e.File, Is.EqualTo(dir.File("labels")));
        Assert.That(e.Rule, Does.Contain("0x00000801").And.Contain("0x00000803"));
    }

    [Test]
    public void A_file_shorter_or_longer_than_its_header_promises_is_refused()
    {
        using var dir = new TempDir();
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxFile.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        File.WriteAllBytes(dir.File("short"), [.. header, .. new byte[28 * 28]]);
        var e = Assert.Throws<InputException>(() => IdxFile.ReadImages(dir.File("short")))!;
        Assert.That((e.Field, e.Rule), Is.EqualTo(("count", "the header promises 1568 bytes of data (2 x 28 x 28) but the file has 784")));
        File.WriteAllBytes(dir.File("tiny"), [0, 0, 8, 3, 0, 0]);
        Assert.That(Assert.Throws<InputException>(() => IdxFile.ReadImages(dir.File("tiny")))!.Field, Is.EqualTo("header"));
        File.WriteAllBytes(dir.File("bad.gz"), [1, 2, 3, 4]);
        Assert.That(Assert.Throws<InputException>(() => IdxFile.ReadImages(dir.File("bad.gz")))!.Rule, Does.StartWith("cannot read"));
    }

    [Test]
    public void Labels_must_match_the_image_count_and_a_missing_folder_says_how_to_install_the_data()
    {
        using var dir = new TempDir();
        IdxFile.WriteImages(dir.File("train-images-idx3-ubyte.gz"), 2, 2, new byte[12]);
        IdxFile.WriteLabels(dir.File("train-labels-idx1-ubyte.gz"), [0, 1]);
        var e = Assert.Throws<InputException>(() => LabelledImages.Read(dir.File("train-images-idx3-ubyte.gz"), dir.File("train-labels-idx1-ubyte.gz")))!;
        Assert.That(e.Rule, Is.EqualTo($"2 labels for 3 images in {dir.File("train-images-idx3-ubyte.gz")}"));
        Directory.CreateDirectory(dir.File("empty"));
        var missing = Assert.Throws<InputException>(() => ImageDataset.Load(dir.File("empty")))!;
        Assert.That(missing.Rule, Does.Contain("train-images-idx3-ubyte").And.Contain("dataset-fashion-mnist"));
    }

    [Test]
    public void A_balanced_cut_takes_the_first_images_of_each_class_in_file_order()
    {
        var pixels = Enumerable.Range(0, 6).Select(i => (byte)i).ToArray();
        var images = new LabelledImages(1, 1, pixels, [1, 0, 1, 0, 1, 0], "test");
        var cut = images.Balanced(2);
        Assert.That(cut.Pixels.ToArray(), Is.EqualTo(new byte[] { 0, 1, 2, 3 }));
        Assert.That(cut.Labels.ToArray(), Is.EqualTo(new byte[] { 1, 0, 1, 0 }));
        Assert.That(Assert.Throws<InputException>(() => images.Balanced(4))!.Rule, Is.EqualTo("class 0 has 3 images, fewer than the 4 asked"));
    }
}
