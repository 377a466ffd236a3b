using HwSim.Workloads;

namespace HwSim.Quantizer.Data;

/// <summary>
/// A training and a test set of labelled images from one folder in the MNIST layout: train-images-idx3-ubyte,
/// train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally .gz (Fashion-MNIST
/// and MNIST use these names; Debian's dataset-fashion-mnist installs them in <see cref="DefaultFolder"/>).
/// </summary>
public sealed record ImageDataset(LabelledImages Train, LabelledImages Test, string Folder)
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts Fashion-MNIST.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>How to get the data, for the one-line error when it is missing.</summary>
    public const string InstallHint = "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) or give --data DIR with MNIST-format IDX files or train/ and test/ image class folders";

    /// <summary>True when <paramref name="folder"/> has all four IDX files.</summary>
    public static bool Exists(string folder) => new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
        .All(n => Find(folder, n) is not null);

    /// <summary>
    /// Reads <paramref name="folder"/> as whichever kind it is: the four IDX files present -> IDX (<see cref="Load"/>);
    /// otherwise a train/ or test/ subfolder -> labelled image folders (<see cref="ImageFolder"/>); otherwise one
    /// <see cref="InputException"/> naming both layouts and how to get Fashion-MNIST.
    /// </summary>
    public static ImageDataset Open(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"no such folder; {InstallHint}", "data folder", folder);
        if (Exists(folder))
            return Load(folder);
        if (ImageFolder.Looks(folder))
            return ImageFolder.Load(folder);
        throw new InputException($"neither MNIST-format IDX files nor train/ and test/ image folders ({ImageFolder.Layout}); {InstallHint}", "data folder", folder);
    }

    /// <summary>Reads the folder's four IDX files; a missing folder or file is one <see cref="InputException"/> saying how to get the data.</summary>
    public static ImageDataset Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"no such folder; {InstallHint}", "data folder", folder);
        string Need(string name) => Find(folder, name)
            ?? throw new InputException($"has no {name} or {name}.gz; {InstallHint}", "data folder", folder);
        var train = LabelledImages.Read(Need("train-images-idx3-ubyte"), Need("train-labels-idx1-ubyte"));
        var test = LabelledImages.Read(Need("t10k-images-idx3-ubyte"), Need("t10k-labels-idx1-ubyte"));
        if (train.Rows != test.Rows || train.Columns != test.Columns)
            throw new InputException($"training images are {train.Rows}x{train.Columns} but test images {test.Rows}x{test.Columns}", "data folder", folder);
        return new ImageDataset(train, test, folder);
    }

    /// <summary>Writes both sets as IDX .gz under the standard names.</summary>
    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        Train.Write(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        Test.Write(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
    }

    private static string? Find(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path))
                return path;
        }
        return null;
    }
}
