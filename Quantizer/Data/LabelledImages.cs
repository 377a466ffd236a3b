using HwSim.Workloads;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Data;

/// <summary>
/// Grey-scale images with class labels, as read from an IDX pair (pixels 0..255, one byte each). Immutable.
/// </summary>
public sealed class LabelledImages
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    public LabelledImages(int rows, int columns, byte[] pixels, byte[] labels, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (rows < 1 || columns < 1 || pixels.Length != checked((long)labels.Length * rows * columns))
            throw new InputException($"{pixels.Length} pixels do not make {labels.Length} images of {rows}x{columns}", "count", source);
        (Rows, Columns, _pixels, _labels, Source) = (rows, columns, pixels, labels, source);
        Classes = labels.Length == 0 ? 0 : labels.Max() + 1;
    }

    public int Rows { get; }
    public int Columns { get; }
    public int Count => _labels.Length;

    /// <summary>Largest label + 1.</summary>
    public int Classes { get; }

    /// <summary>Where the images came from, for messages and metadata.</summary>
    public string Source { get; }

    public ReadOnlySpan<byte> Pixels => _pixels;
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>Reads an IDX image file and its label file and checks that they hold the same number of items.</summary>
    public static LabelledImages Read(string imagesPath, string labelsPath)
    {
        var (count, rows, columns, pixels) = IdxFile.ReadImages(imagesPath);
        var labels = IdxFile.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new InputException($"{labels.Length} labels for {count} images in {imagesPath}", "count", labelsPath);
        return new LabelledImages(rows, columns, pixels, labels, imagesPath);
    }

    /// <summary>Images per class, index = label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (var l in _labels)
            counts[l]++;
        return counts;
    }

    /// <summary>
    /// A balanced subset: the first <paramref name="perClass"/> images of each class, in file order (so the cut is a
    /// pure function of the file, reproducible without a random generator). Fails when a class has fewer.
    /// </summary>
    public LabelledImages Balanced(int perClass)
    {
        if (perClass < 1)
            throw new InputException($"must be at least 1, got {perClass}", "per-class");
        var taken = new int[Classes];
        var chosen = new List<int>(checked(perClass * Classes));
        for (var i = 0; i < _labels.Length; i++)
        {
            if (taken[_labels[i]] < perClass)
            {
                taken[_labels[i]]++;
                chosen.Add(i);
            }
        }
        for (var c = 0; c < Classes; c++)
            if (taken[c] < perClass)
                throw new InputException($"class {c} has {taken[c]} images, fewer than the {perClass} asked", "per-class", Source);
        return Select(chosen);
    }

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public LabelledImages Select(IReadOnlyList<int> indices)
    {
        var size = Rows * Columns;
        var pixels = new byte[checked(indices.Count * size)];
        var labels = new byte[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            _pixels.AsSpan(indices[i] * size, size).CopyTo(pixels.AsSpan(i * size));
            labels[i] = _labels[indices[i]];
        }
        return new LabelledImages(Rows, Columns, pixels, labels, Source);
    }

    /// <summary>The first <paramref name="count"/> images of a balanced cut (<paramref name="count"/>/classes per class), or all when count is null.</summary>
    public LabelledImages Take(int? count)
    {
        if (count is null || count == Count)
            return this;
        if (count < Classes || count > Count || count % Classes != 0)
            throw new InputException($"must be a multiple of the {Classes} classes between {Classes} and {Count}, got {count}", "count", Source);
        return Balanced(count.Value / Classes);
    }

    /// <summary>Writes the images and labels as IDX .gz files.</summary>
    public void Write(string imagesPath, string labelsPath)
    {
        IdxFile.WriteImages(imagesPath, Rows, Columns, _pixels);
        IdxFile.WriteLabels(labelsPath, _labels);
    }

    /// <summary>
    /// Images [N, 1, rows, columns] as float32 pixel/255 - 0.5 (centred on [-0.5, 0.5], so that a binary or symmetric
    /// first-layer quantizer has a meaningful threshold) and labels [N] as int64, for <paramref name="indices"/>.
    /// </summary>
    public (Tensor Images, Tensor Labels) Tensors(ReadOnlySpan<int> indices)
    {
        var size = Rows * Columns;
        var x = new float[checked(indices.Length * size)];
        var y = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var source = _pixels.AsSpan(indices[i] * size, size);
            var target = x.AsSpan(i * size, size);
            for (var p = 0; p < size; p++)
                target[p] = source[p] / 255f - 0.5f;
            y[i] = _labels[indices[i]];
        }
        return (tensor(x).reshape(indices.Length, 1, Rows, Columns), tensor(y));
    }
}
