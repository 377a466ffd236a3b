using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// Resolves what a user names as an architecture: a built-in preset (see <see cref="Presets"/>)
/// or an architecture .yaml/.yml file, read and validated the same way everywhere.
/// </summary>
public static class ArchitectureSource
{
    /// <summary>A preset by name, or the architecture file at <paramref name="nameOrPath"/>; errors are <see cref="InputException"/>s.</summary>
    public static ArchitectureSpec Load(string nameOrPath) => Find(nameOrPath).Spec;

    /// <summary>
    /// The architecture and, for a preset, its name. A .yaml/.yml name is always a file; any
    /// other name is a preset if there is one, else a file if it exists, else an error listing the presets.
    /// </summary>
    public static (ArchitectureSpec Spec, string? Preset) Find(string nameOrPath)
    {
        var text = nameOrPath.Trim();
        if (text.Length == 0)
            throw new InputException($"give a preset ({string.Join(", ", Presets.Names)}) or a .yaml file", "architecture");
        var yaml = text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        if (yaml || (!Presets.Contains(text) && File.Exists(text)))
            return (ArchitectureYaml.Load(text), null);
        return (Presets.Get(text), text);
    }
}
