using HwSim.Quantizer.Torch;
using HwSim.Workloads;
using TorchSharp;
using static TorchSharp.torch;

namespace HwSim.Quantizer.Calibration;

/// <summary>
/// The inputs a quantizer runs to measure activation ranges: preprocessed images from a folder, or
/// seeded synthetic inputs when no images are given. Served as float32 batches [N, 3, size, size]
/// in the normalised space TorchVision models expect (see <see cref="ImagePreprocessor"/>).
/// </summary>
/// <remarks>
/// A folder is decoded completely when the set is made, so a bad image fails before any network
/// runs and a set in hand always serves the same inputs. Values are kept as managed arrays, not
/// tensors, so the set needs no disposal; each batch is a new tensor the caller disposes.
/// </remarks>
public sealed class CalibrationSet
{
    private readonly IReadOnlyList<float[]>? _images;  // CHW per image, or null when synthetic
    private readonly long _seed;

    private CalibrationSet(int count, long[] inputShape, IReadOnlyList<float[]>? images, IReadOnlyList<string> files, long seed, string description)
    {
        Count = count;
        InputShape = inputShape;
        _images = images;
        Files = files;
        _seed = seed;
        Description = description;
    }

    /// <summary>Number of inputs.</summary>
    public int Count { get; }

    /// <summary>Shape of one input without the batch dimension: [3, size, size] for images.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>
    /// The inputs are random, not images: activation statistics measured on them are only a first-order
    /// stand-in, and the caller should warn so in its output.
    /// </summary>
    public bool IsSynthetic => _images is null;

    /// <summary>The image files in the order served (empty when synthetic).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>For reports: "12 images from DIR" or "8 synthetic inputs (seed 0)".</summary>
    public string Description { get; }

    /// <summary>
    /// Every image in <paramref name="folder"/> (not its subfolders) with a name ending in one of
    /// <see cref="ImagePreprocessor.Extensions"/>, sorted by file name (ordinal), at most
    /// <paramref name="maxImages"/> of them, preprocessed to <paramref name="size"/> x <paramref name="size"/>.
    /// </summary>
    /// <exception cref="InputException">The folder is missing or holds no images, or an image cannot be
    /// read or decoded (the message names the folder or the file).</exception>
    public static CalibrationSet FromFolder(string folder, int size = 224, int? maxImages = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (size < 1)
            throw new InputException($"must be at least 1, got {size}", "input_size");
        if (maxImages is < 1)
            throw new InputException($"must be at least 1, got {maxImages}", "calibration_images");
        if (!Directory.Exists(folder))
            throw new InputException("folder not found", "calibration", folder);

        var files = ImagePreprocessor.ListImages(folder, "calibration");
        var chosen = (maxImages is { } max ? files.Take(max) : files).ToList();
        if (chosen.Count == 0)
            throw new InputException(
                $"no images in the folder (looked for {string.Join(", ", ImagePreprocessor.Extensions)}; subfolders are not searched)", "calibration", folder);

        // All or nothing: every image is decoded before the set exists.
        var images = chosen.Select(f => ImagePreprocessor.Load(f, size)).ToList();
        var noun = images.Count == 1 ? "image" : "images";
        return new CalibrationSet(images.Count, [3, size, size], images, chosen, 0, $"{images.Count} {noun} from {folder}");
    }

    /// <summary>
    /// <paramref name="count"/> inputs of independent standard normal values, input i drawn from its own
    /// generator seeded from (<paramref name="seed"/>, i), so any batch size serves the same inputs.
    /// </summary>
    /// <remarks>
    /// After ImageNet normalisation each channel of natural images has roughly zero mean and unit
    /// variance over the data set, so N(0, 1) matches them to first order (mean and variance); it has
    /// none of their spatial correlation or heavy tails, hence <see cref="IsSynthetic"/>.
    /// </remarks>
    public static CalibrationSet Synthetic(int count, long seed = 0, int size = 224)
    {
        if (count < 1)
            throw new InputException($"must be at least 1, got {count}", "calibration_images");
        if (size < 1)
            throw new InputException($"must be at least 1, got {size}", "input_size");
        return Synthetic(count, seed, [3, size, size]);
    }

    /// <summary>
    /// As <see cref="Synthetic(int, long, int)"/> for a model whose input is not a square RGB image:
    /// N(0, 1) values in <paramref name="inputShape"/> (without the batch dimension).
    /// </summary>
    public static CalibrationSet Synthetic(int count, long seed, IReadOnlyList<long> inputShape)
    {
        if (count < 1)
            throw new InputException($"must be at least 1, got {count}", "calibration_images");
        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
            throw new InputException($"every dimension must be at least 1, got [{string.Join(", ", inputShape)}]", "input_shape");
        var noun = count == 1 ? "input" : "inputs";
        return new CalibrationSet(count, [.. inputShape], null, [], seed, $"{count} synthetic {noun} (seed {seed})");
    }

    /// <summary>
    /// The inputs in order as batches [n, <see cref="InputShape"/>] float32 on the CPU,
    /// n = <paramref name="batchSize"/> except possibly the last. Each batch is a new tensor the caller
    /// disposes; enumerating again serves the same values.
    /// </summary>
    public IEnumerable<Tensor> Batches(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        TorchRuntime.EnsureLoaded();
        return Enumerate(batchSize);
    }

    private IEnumerable<Tensor> Enumerate(int batchSize)
    {
        var plane = InputShape.Aggregate(1L, (p, d) => p * d);
        for (var start = 0; start < Count; start += batchSize)
        {
            var n = Math.Min(batchSize, Count - start);
            var values = new float[n * plane];
            for (var i = 0; i < n; i++)
                Fill(start + i, values.AsSpan((int)(i * plane), (int)plane));
            yield return torch.tensor(values, [n, .. InputShape], ScalarType.Float32);
        }
    }

    private void Fill(int index, Span<float> target)
    {
        if (_images is not null)
        {
            _images[index].CopyTo(target);
            return;
        }
        // One generator per input: its values do not depend on how the inputs are batched.
        using var generator = new Generator(InputSeed(_seed, index));
        using var sample = torch.randn([.. InputShape], ScalarType.Float32, generator: generator);
        sample.data<float>().CopyTo(target);
    }

    /// <summary>SplitMix64's finaliser over (seed, index): distinct, well-spread generator seeds per input.</summary>
    private static ulong InputSeed(long seed, int index)
    {
        unchecked
        {
            var z = (ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
