using HwSim.Quantizer.Calibration;
using HwSim.Workloads;

namespace HwSim.Quantizer.Data;

/// <summary>
/// Labelled images in class folders: DIR/train/&lt;class&gt;/*.png and DIR/test/&lt;class&gt;/*.png (the layout of
/// torchvision's ImageFolder, one folder per split). The rules, stated once here and in <c>hwsim train --help</c>:
/// <list type="bullet">
/// <item>Labels: train's class folder names sorted ordinally (byte order of the UTF-16 names, the same on every
/// machine and culture) are labels 0, 1, ...; test's class folders must be among them (a test split may lack a class).
/// At most 256 classes (labels are stored as bytes, as in IDX).</item>
/// <item>Images: files ending in <see cref="ImagePreprocessor.Extensions"/> (case-insensitive), not hidden, directly in
/// a class folder, in ordinal order of their names; other files and deeper folders are ignored; a class folder with
/// no image is refused.</item>
/// <item>Pixels: decoded with the calibration reader (<see cref="ImagePreprocessor.Decode"/>, same 64 Mpx cap, alpha
/// dropped, no colour management) and converted to one grey byte per pixel with ITU-R BT.601 luma as PIL's
/// <c>convert("L")</c> computes it, (19595 R + 38470 G + 7471 B + 32768) &gt;&gt; 16, which returns a grey pixel
/// (R = G = B) unchanged, so grey-scale PNGs round-trip exactly.</item>
/// <item>Size: no resizing. Every image must be square and as large as the first training image (in the order
/// above); the networks are built for that size (<c>compact-vgg</c> needs a multiple of 4), so 28x28 images give the
/// Fashion-MNIST networks.</item>
/// </list>
/// </summary>
public static class ImageFolder
{
    /// <summary>The rule in one line, for help texts and errors.</summary>
    public const string Layout = "DIR/train/<class>/*.png|jpg|jpeg|bmp|webp and DIR/test/<class>/..., labels = train's class folder names in ordinal order, images square and all one size";

    /// <summary>True when <paramref name="folder"/> has a train/ or a test/ subfolder (then it is read as an image folder).</summary>
    public static bool Looks(string folder) =>
        Directory.Exists(Path.Combine(folder, "train")) || Directory.Exists(Path.Combine(folder, "test"));

    /// <summary>Reads both splits; any broken rule is one <see cref="InputException"/> naming the folder or file.</summary>
    public static ImageDataset Load(string folder)
    {
        var trainFolder = Path.Combine(folder, "train");
        var testFolder = Path.Combine(folder, "test");
        foreach (var split in new[] { trainFolder, testFolder })
            if (!Directory.Exists(split))
                throw new InputException($"an image data folder needs both train/ and test/ subfolders ({Layout})", "data folder", split);
        var classes = ClassFolders(trainFolder);
        if (classes.Count == 0)
            throw new InputException($"has no class folders ({Layout})", "data folder", trainFolder);
        if (classes.Count > 256)
            throw new InputException($"has {classes.Count} class folders, more than the 256 labels a byte holds", "data folder", trainFolder);
        var labelOf = classes.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => (byte)c.i, StringComparer.Ordinal);
        var testClasses = ClassFolders(testFolder);
        if (testClasses.Count == 0)
            throw new InputException($"has no class folders ({Layout})", "data folder", testFolder);
        foreach (var name in testClasses)
            if (!labelOf.ContainsKey(name))
                throw new InputException($"class folder '{name}' is not among train/'s classes ({string.Join(", ", classes)}); labels come from train/", "data folder", Path.Combine(testFolder, name));

        int? side = null;
        var train = Read(trainFolder, classes, labelOf, ref side);
        var test = Read(testFolder, testClasses, labelOf, ref side);
        return new ImageDataset(train, test, folder);
    }

    private static List<string> ClassFolders(string split)
    {
        try
        {
            return Directory.EnumerateDirectories(split)
                .Select(d => Path.GetFileName(d))
                .Where(n => !n.StartsWith('.'))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot list the folder: {e.Message}", "data folder", split);
        }
    }

    private static LabelledImages Read(string split, List<string> classes, Dictionary<string, byte> labelOf, ref int? side)
    {
        var pixels = new List<byte>();
        var labels = new List<byte>();
        foreach (var name in classes)
        {
            var classFolder = Path.Combine(split, name);
            var files = ImagePreprocessor.ListImages(classFolder, "data folder");
            if (files.Count == 0)
                throw new InputException($"class folder has no images (looked for {string.Join(", ", ImagePreprocessor.Extensions)}); every class needs at least one", "data folder", classFolder);
            foreach (var file in files)
            {
                pixels.AddRange(Grey(file, ref side));
                labels.Add(labelOf[name]);
            }
        }
        var n = side!.Value;
        return new LabelledImages(n, n, pixels.ToArray(), labels.ToArray(), split);
    }

    /// <summary>One image as grey bytes, row-major; the first image read fixes the size every later one must have.</summary>
    private static byte[] Grey(string file, ref int? side)
    {
        var expected = side;
        using var bitmap = ImagePreprocessor.Decode(file, "data folder", (width, height) =>
            width != height
                ? $"the image is {width}x{height}; the networks take square images, all one size, and images are not resized"
                : expected is { } s && width != s
                    ? $"the image is {width}x{height} but the first training image is {s}x{s}; all images must be one size (images are not resized)"
                    : null);
        side ??= bitmap.Width;
        var rgba = bitmap.GetPixelSpan();
        var stride = bitmap.RowBytes;
        var n = bitmap.Width;
        var grey = new byte[n * n];
        for (var y = 0; y < n; y++)
        {
            for (var x = 0; x < n; x++)
            {
                var at = y * stride + x * 4;
                // PIL's L = R 299/1000 + G 587/1000 + B 114/1000 in 16-bit fixed point, rounded (Pillow, src/libImaging/Convert.c, L24).
                grey[y * n + x] = (byte)((rgba[at] * 19595 + rgba[at + 1] * 38470 + rgba[at + 2] * 7471 + 0x8000) >> 16);
            }
        }
        return grey;
    }
}
