using HwSim.Simulator.Mapper;
using HwSim.Workloads;

namespace HwSim.Analyses.Sweep;

/// <summary>
/// A value of a grid's <c>mapping</c> key: the fixed schedule, a search, or a search constrained
/// by a mapping file (read and its syntax checked once, when the grid is read; checked against the
/// workload and base architecture when the grid is bound). The objective comes from the grid's
/// <c>objective</c> key or the sweep-wide policy.
/// </summary>
/// <param name="Search">Whether layers are mapped by search (else the fixed schedule).</param>
/// <param name="File">The mapping file constraining the search, or null.</param>
public sealed record GridMapping(bool Search, MappingFile? File)
{
    public static GridMapping Fixed { get; } = new(false, null);

    public static GridMapping Searched { get; } = new(true, null);

    /// <summary>The policy this value asks for under <paramref name="objective"/> (which the fixed schedule ignores).</summary>
    public MappingPolicy Policy(MappingObjective objective) =>
        !Search ? MappingPolicy.Fixed : File?.Policy(objective) ?? MappingPolicy.SearchFor(objective);

    /// <summary>What identifies the value in a sweep's hash: a file by its bytes, so an edited file is another sweep.</summary>
    public string Fingerprint => File is null ? (Search ? "search" : "fixed") : "file sha256 " + SweepDefinition.Sha256(File.Text);

    /// <summary>
    /// Parses one value of the <c>mapping</c> key: <c>fixed</c>, <c>search</c> (any case) or a
    /// mapping YAML file, relative to the grid's folder like the grid's <c>base</c>. The CSV cell
    /// (and so the row) is the file's path as the grid writes it, wherever the sweep is started.
    /// </summary>
    public static (GridValue? Value, string? Error) Parse(string text, int line, string? gridFile)
    {
        if (text.Equals("fixed", StringComparison.OrdinalIgnoreCase))
            return (new GridValue("fixed", Fixed, line), null);
        if (text.Equals("search", StringComparison.OrdinalIgnoreCase))
            return (new GridValue("search", Searched, line), null);
        var path = Path.IsPathRooted(text) || gridFile is null ? text : Path.Combine(Path.GetDirectoryName(gridFile) ?? "", text);
        if (!System.IO.File.Exists(path))
            return (null, $"'{text}' is not 'fixed', 'search' or a mapping YAML file (no such file: {path})");
        try
        {
            return (new GridValue(text, new GridMapping(true, MappingFile.Load(path)), line), null);
        }
        catch (InputException e)
        {
            // The mapping file's own error (its file, line and rule) placed at the grid's line that names it.
            return (null, $"the mapping file is not valid: {e.Message}");
        }
    }

    /// <summary>Parses one value of the <c>objective</c> key: energy, latency or edp (any case; not a number).</summary>
    public static (GridValue? Value, string? Error) ParseObjective(string text, int line)
    {
        foreach (var objective in Enum.GetValues<MappingObjective>())
        {
            var name = Name(objective);
            if (text.Equals(name, StringComparison.OrdinalIgnoreCase))
                return (new GridValue(name, objective, line), null);
        }
        return (null, $"'{text}' is not a mapper objective (known: {string.Join(", ", Enum.GetValues<MappingObjective>().Select(Name))})");
    }

    /// <summary>An objective as the CLI and the CSV spell it ("energy").</summary>
    public static string Name(MappingObjective objective) => objective.ToString().ToLowerInvariant();
}
