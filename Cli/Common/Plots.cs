using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// Saves ScottPlot figures as PNG and SVG side by side, rendered first and then written as
/// <see cref="AtomicFile"/> writes every output, so an interrupted run leaves no half-written picture.
/// </summary>
public static class Plots
{
    // ScottPlot's Fonts.Sans is the system default face, which is a serif one on some Linux
    // machines (DejaVu Serif); the first common sans-serif face that is installed reads better.
    private static readonly Lazy<string> Sans = new(() =>
    {
        var installed = SkiaSharp.SKFontManager.Default.FontFamilies.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI", "Noto Sans" }.FirstOrDefault(installed.Contains) ?? ScottPlot.Fonts.Sans;
    });

    /// <summary>The sans-serif face every HwSim plot uses.</summary>
    public static string SansFace => Sans.Value;

    public const int Width = 1000;
    public const int Height = 600;

    /// <summary>Writes <paramref name="basePath"/>.png and .svg (both or neither); returns the two paths.</summary>
    public static (string Png, string Svg) Save(ScottPlot.Plot plot, string basePath, int width = Width, int height = Height)
    {
        var entries = Files(plot, basePath, width, height);
        AtomicFile.WriteAll(entries);
        return (entries[0].Path, entries[1].Path);
    }

    /// <summary>The PNG and SVG of <paramref name="plot"/>, rendered, for <see cref="AtomicFile.WriteAll"/> (alone or with other files).</summary>
    public static IReadOnlyList<AtomicFile.Entry> Files(ScottPlot.Plot plot, string basePath, int width = Width, int height = Height)
    {
        if (string.IsNullOrWhiteSpace(basePath))
            throw new InputException("give a base name for the plot files, not an empty path", "--plot");
        if (basePath.EndsWith(Path.DirectorySeparatorChar) || basePath.EndsWith(Path.AltDirectorySeparatorChar) || Directory.Exists(basePath))
            throw new InputException($"is a directory; give a base name such as {Path.Combine(basePath, "plot")} (writes plot.png and plot.svg there)", "--plot", basePath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(basePath))!;
        if (!Directory.Exists(directory))
            throw new InputException("cannot write the plot: its directory does not exist", file: basePath);
        // One face for every plot, whatever its author set.
        plot.Font.Set(SansFace);
        plot.Legend.FontName = SansFace;
        return
        [
            AtomicFile.Entry.Bytes(basePath + ".png", plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png)),
            AtomicFile.Entry.Text(basePath + ".svg", w => w.Write(plot.GetSvgXml(width, height))),
        ];
    }
}
