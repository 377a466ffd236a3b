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

    /// <summary><see cref="ArchitectureSource.Find"/>, with the option named in its errors.</summary>
    internal static (ArchitectureSpec Spec, string? Preset) Find(string nameOrPath) =>
        Analyses.Nest.NestDesigns.IsBuiltin(nameOrPath)
            ? throw new InputException($"'{nameOrPath.Trim()}' is a built-in nest design (storage levels and loop nests, not array units): the verbs energy, simulate, nest, compare, first-last, width, sweep and report run it", "--arch")
            : LibraryFields.Named(() => ArchitectureSource.Find(nameOrPath), "--arch", "architecture");
}
