using System.CommandLine;
using HwSim.Cli.Common;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

namespace HwSim.Cli.Archs;

/// <summary>
/// <c>hwsim archs [NAME]</c>: lists the built-in architectures, or prints one as YAML (a file
/// 'hwsim --arch' reads), JSON, a table or CSV. NAME may be a .yaml file: it is then read,
/// validated and echoed, which makes the verb the architecture-file checker. <c>--upgrade FILE</c>
/// prints a file written with the older dram/buffers keys in the storage form.
/// </summary>
public static class ArchsCommand
{
    private static readonly Argument<string?> Name = new("name")
    {
        Description = "A preset to print, or an architecture .yaml file to validate and print. Without it: list the presets.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    // Its own --format: yaml makes sense here only, and the shared option must keep rejecting it elsewhere.
    private static readonly Option<ArchsFormat?> Format = new("--format", "-f")
    {
        Description = "Output format: table, csv, json or yaml. Default: table for the list, yaml for one architecture.",
        HelpName = "table|csv|json|yaml",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Enum.TryParse<ArchsFormat>(text, ignoreCase: true, out var format) && Enum.IsDefined(format) && !char.IsDigit(text.FirstOrDefault()))
                return format;
            result.AddError($"--format must be table, csv, json or yaml, got '{text}'");
            return null;
        },
    };

    private static readonly Option<bool> Upgrade = new("--upgrade")
    {
        Description = "Print the architecture (a file or a preset) in the storage: form, DRAM first then every on-chip level; with -o FILE written atomically. The comments of the old file are not carried over.",
    };

    private static readonly Option<bool> AsNest = new("--as-nest")
    {
        Description = "Print one unit of the array architecture as a nest design (YAML that 'hwsim nest --arch FILE' reads): its storage levels, PE grid and the kind's spatial rules as constraints (Analyses/Nest/ArrayNestDesign.cs). A kind the nest engine cannot state is refused with the reason.",
    };

    private static readonly Option<string?> Unit = new("--unit")
    {
        Description = "With --as-nest: the unit to translate (needed when the architecture has more than one).",
        HelpName = "NAME",
    };

    // Only its -o FILE (atomic write); the format is the verb's own.
    private static readonly OutputOptions Output = new();

    public static Command Create()
    {
        var command = new Command("archs", "List the built-in architectures, or print one (a preset, or a .yaml file after validating it) as YAML or JSON.");
        command.Add(Name);
        command.Add(Format);
        command.Add(Upgrade);
        command.Add(AsNest);
        command.Add(Unit);
        command.Add(Output.File);
        command.SetAction(parse => CliContext.Guard(context => Run(parse, context)));
        return command;
    }

    private static int Run(ParseResult parse, CliContext context)
    {
        var format = parse.GetValue(Format);
        var upgrade = parse.GetValue(Upgrade);
        if (upgrade && format is not (null or ArchsFormat.Yaml))
            throw new InputException("--upgrade writes YAML: leave --format out (or give yaml)", "--format");
        if (parse.GetValue(Name) is not { } name)
        {
            if (upgrade)
                throw new InputException("give the architecture file to upgrade (e.g. 'hwsim archs --upgrade my-arch.yaml -o my-arch.storage.yaml')", "--upgrade");
            if (format == ArchsFormat.Yaml)
                throw new InputException("yaml prints one architecture: give its name (e.g. 'hwsim archs lowbit-default')", "--format");
            var rows = Presets.Names.Select(n => (Arch: Presets.Get(n), Description: Presets.Describe(n))).ToList();
            Output.Emit(parse, context, writer => ArchsWriter.List(writer, context, rows, format ?? ArchsFormat.Table));
            return HwSimApp.ExitOk;
        }
        // A nest design (built in, or a file with top-level levels:): read and validated by the nest reader, printed as it is.
        if (parse.GetValue(AsNest) && (Analyses.Nest.NestDesigns.IsBuiltin(name) || File.Exists(name) && Analyses.Nest.NestDesigns.IsNestDesign(name)))
            throw new InputException($"{name} is already a nest design: 'hwsim archs {name}' prints it; --as-nest translates an array architecture", "--as-nest");
        var nestText = Analyses.Nest.NestDesigns.Text(name);
        if (nestText is null && File.Exists(name) && Analyses.Nest.NestDesigns.IsNestDesign(name))
        {
            Analyses.Nest.NestDesignFile.Load(name);
            nestText = File.ReadAllText(name);
        }
        if (nestText is not null)
        {
            if (upgrade || format is not (null or ArchsFormat.Yaml))
                throw new InputException($"{name} is a nest design: 'hwsim archs {name}' prints its YAML (no --upgrade, no other format)", upgrade ? "--upgrade" : "--format");
            Output.Emit(parse, context, writer => writer.Write(nestText));
            return HwSimApp.ExitOk;
        }
        var (arch, preset) = ArchitectureOption.Find(name);
        if (parse.GetValue(AsNest))
            return PrintAsNest(parse, context, arch, format, upgrade);
        if (parse.GetValue(Unit) is not null)
            throw new InputException("applies with --as-nest (e.g. 'hwsim archs lowbit-default --as-nest --unit lowbit')", "--unit");
        var description = preset is null ? $"read from {name}, valid" : Presets.Describe(preset);
        if (upgrade)
        {
            Output.Emit(parse, context, writer =>
            {
                writer.WriteLine($"# {(preset is null ? $"{name}, upgraded to the storage form by 'hwsim archs --upgrade'" : description.ReplaceLineEndings(" "))}");
                writer.Write(ArchitectureYaml.ToStorageYaml(arch));
            });
            return HwSimApp.ExitOk;
        }
        Output.Emit(parse, context, writer => ArchsWriter.One(writer, context, arch, description, format ?? ArchsFormat.Yaml));
        return HwSimApp.ExitOk;
    }

    /// <summary><c>--as-nest</c>: one unit's nest translation as a nest design file, or its refusal as the error.</summary>
    private static int PrintAsNest(ParseResult parse, CliContext context, ArchitectureSpec arch, ArchsFormat? format, bool upgrade)
    {
        if (upgrade || format is not (null or ArchsFormat.Yaml))
            throw new InputException("--as-nest prints a nest design file (YAML): leave --format and --upgrade out", upgrade ? "--upgrade" : "--format");
        var units = string.Join(", ", arch.Units.Select(u => u.Name));
        var unit = parse.GetValue(Unit) is { } wanted
            ? Analyses.Nest.ArrayNest.UnitNamed(arch, wanted) ?? throw new InputException($"{arch.Name} has no unit '{wanted}' (units: {units})", "--unit")
            : arch.Units.Length == 1 ? arch.Units[0]
            : throw new InputException($"{arch.Name} has {arch.Units.Length} units ({units}); give --unit NAME", "--unit");
        var translation = Analyses.Nest.ArrayNest.Translate(arch, unit);
        if (translation.Yaml is not { } yaml)
            throw new InputException($"unit {unit.Name} ({unit.Kind}) of {arch.Name} has no nest statement: {translation.Refusal}", "--as-nest");
        Output.Emit(parse, context, writer => writer.Write(yaml));
        return HwSimApp.ExitOk;
    }
}

/// <summary>The formats of <c>hwsim archs</c>.</summary>
public enum ArchsFormat
{
    Table,
    Csv,
    Json,
    Yaml,
}
