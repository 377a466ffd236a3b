using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// Saves ScottPlot figures as PNG and SVG side by side, each written to a temporary file first
/// and moved into place, so an interrupted run leaves no half-written picture.
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

    /// <summary>Writes <paramref name="basePath"/>.png and .svg; returns the two paths.</summary>
    public static (string Png, string Svg) Save(ScottPlot.Plot plot, string basePath, int width = Width, int height = Height)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(basePath))!;
        if (!Directory.Exists(directory))
            throw new InputException("cannot write the plot: its directory does not exist", file: basePath);
        // One face for every plot, whatever its author set.
        plot.Font.Set(SansFace);
        plot.Legend.FontName = SansFace;
        var png = basePath + ".png";
        var svg = basePath + ".svg";
        SaveAtomically(png, temp => plot.SavePng(temp, width, height));
        SaveAtomically(svg, temp => plot.SaveSvg(temp, width, height));
        return (png, svg);
    }

    private static void SaveAtomically(string path, Action<string> save)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}{Path.GetExtension(full)}");
        try
        {
            save(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
