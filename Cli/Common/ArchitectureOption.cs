using System.CommandLine;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

namespace HwSim.Cli.Common;

/// <summary>
/// The --arch option every verb that simulates shares: a built-in preset (see 'hwsim archs') or
/// an architecture .yaml/.yml file, read and validated the same way everywhere.
/// </summary>
public sealed class ArchitectureOption
{
    public Option<string> Arch { get; } = new("--arch")
    {
        Description = $"Architecture: a preset ({string.Join(", ", Presets.Names)}) or a .yaml/.yml file (see 'hwsim archs').",
        HelpName = "NAME|FILE",
        DefaultValueFactory = _ => Presets.Default,
    };

    public void AddTo(Command command) => command.Add(Arch);

    /// <summary>The architecture the option names; file and preset errors are <see cref="InputException"/>s.</summary>
    public ArchitectureSpec Resolve(ParseResult parse) => Load(parse.GetValue(Arch) ?? Presets.Default);

    /// <summary>A preset by name, or the architecture file at <paramref name="nameOrPath"/>.</summary>
    public static ArchitectureSpec Load(string nameOrPath) => Find(nameOrPath).Spec;

    /// <summary>
    /// The architecture and, for a preset, its name. A .yaml/.yml name is always a file; any
    /// other name is a preset if there is one, else a file if it exists, else an error listing the presets.
    /// </summary>
    internal static (ArchitectureSpec Spec, string? Preset) Find(string nameOrPath)
    {
        var text = nameOrPath.Trim();
        if (text.Length == 0)
            throw new InputException($"give a preset ({string.Join(", ", Presets.Names)}) or a .yaml file", "--arch");
        var yaml = text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        if (yaml || (!Presets.Contains(text) && File.Exists(text)))
            return (ArchitectureYaml.Load(text), null);
        return (Presets.Get(text), text);
    }
}
