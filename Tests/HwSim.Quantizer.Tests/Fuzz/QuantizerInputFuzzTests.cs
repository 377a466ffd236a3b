using System.Diagnostics;
using HwSim.Quantizer.Calibration;
using HwSim.Quantizer.Pipeline;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;
using SkiaSharp;

namespace HwSim.Quantizer.Tests.Fuzz;

/// <summary>
/// The quantizer's share of issue 11's fuzz pass: seeded mutations (<see cref="Mutator"/>) of
/// valid override files and calibration images. A reader may throw only <see cref="InputException"/>.
/// </summary>
public sealed class QuantizerInputFuzzTests
{
    private const int Seed = 20261203;

    // README.md's overrides example and the other forms the reader takes.
    private const string Overrides = """
        conv1: int8                    # the first layer at int8 instead of fp32
        "layer4.*": {wbits: 2}         # the last stage at 2-bit weights
        fc: {method: uniform, wbits: 8, abits: 8}
        "layer1.?.conv1": int3
        layer2*: {method: pact, abits: 4}

        """;

    [Test]
    public void Overrides_yaml() =>
        Fuzz("overrides YAML", 400, i => new Mutator(Seed + i).Mutate(Overrides), "o.yaml", (dir, text) => File.WriteAllText(dir, text),
            path => LayerOverrides.Read(path));

    [Test]
    public void Calibration_images()
    {
        var seeds = new[] { SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp }.Select(Encode).ToList();
        seeds.Add(ImageLimitTests_Png());
        Fuzz("calibration images", 200, i => new Mutator(Seed + i).Mutate(seeds[i % seeds.Count]), "img.png", File.WriteAllBytes,
            path => ImagePreprocessor.Load(path, 32));
    }

    private static byte[] ImageLimitTests_Png() => Calibration.ImageLimitTests.Png(40, 30, rows: 30);

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(48, 40, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (var y = 0; y < 40; y++)
            for (var x = 0; x < 48; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5), (byte)(y * 6), 90));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static void Fuzz<T>(string reader, int cases, Func<int, T> make, string fileName, Action<string, T> write, Action<string> read)
    {
        using var dir = new TempDir();
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            var input = make(i);
            var path = dir.File(fileName);
            write(path, input);
            try
            {
                read(path);
            }
            catch (InputException e) when (!e.Message.Contains('\n', StringComparison.Ordinal))
            {
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {e.GetType().Name}: {e.Message}\n{(input is string s ? s : Convert.ToBase64String((byte[])(object)input!))}");
            }
        }
        TestContext.Out.WriteLine($"fuzz {reader}: {cases} cases (seed {Seed}), {failures.Count} failures, {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(failures, Is.Empty, $"{failures.Count} of {cases} {reader} cases failed; first:\n{string.Join("\n\n", failures.Take(3))}");
    }
}
