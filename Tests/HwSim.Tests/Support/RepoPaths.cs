namespace HwSim.Tests.Support;

/// <summary>Locates the repository root (the folder holding HwSim.sln) and the reference data committed in it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>SCALE-Sim's own topology files, unchanged, in docs/reference/scalesim (provenance and licence there).</summary>
    public static string ScaleSim(string file)
    {
        var path = Path.Combine(Root, "docs", "reference", "scalesim", file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"SCALE-Sim topology {file} expected in docs/reference/scalesim of the repository", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HwSim.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("HwSim.sln not found above " + AppContext.BaseDirectory);
    }
}
