using System.CommandLine;
using HwSim.Analyses.Nest;
using HwSim.Cli.Common;
using HwSim.CostModel.Area;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Cli.Nest;

/// <summary>
/// The verbs that simulate one architecture (energy, simulate) take a nest design as their <c>--arch</c> too: a built-in one
/// (<see cref="NestDesigns"/>) or a file with top-level <c>levels:</c>. Their options mean what they mean for an array, mapped onto
/// the nest study: <c>--mapping search|FILE</c> (a nest mapping file), <c>--objective</c>, <c>--tech</c>, <c>--energy-table</c>,
/// <c>--dram</c>. The output is the nest study's (per layer and per storage level).
/// </summary>
internal static class NestRoute
{
    /// <summary>Mappings the mapper samples per layer from these verbs (hwsim nest --samples sets others).</summary>
    public const int Samples = NestStudyOptions.DefaultSamples;

    /// <summary>The nest design <c>--arch</c> names, or null when it names an array architecture.</summary>
    public static NestDesign? Design(ParseResult parse, ArchitectureOption arch) =>
        LibraryFields.Named(() => NestDesigns.Find(parse.GetValue(arch.Arch) ?? Presets.Default), "--arch", "architecture");

    /// <summary>
    /// Runs the workload on <paramref name="design"/> with the verb's options and renders the nest study.
    /// </summary>
    /// <param name="table">The energy table (--energy-table), or null for the built-in one.</param>
    /// <param name="dram">The DRAM type that replaces the design's (--dram), or null.</param>
    public static int Run(ParseResult parse, CliContext context, Workload workload, NestDesign design, MappingOptions mapping, TechnologyScaling scaling,
        OutputOptions output, EnergyTable? table, DramKind? dram, bool showMapping, string? saveMapping = null)
    {
        var session = Session(parse, design, mapping, scaling, table, dram, AreaTable.Default);
        context.Progress($"{workload.Name} on nest design {session.Design.Name}: {workload.Layers.Length} layers, {Searching(session)}");
        var result = session.Run(workload);
        return NestOutput.Render(parse, context, output, result, showMapping, saveMapping);
    }

    /// <summary>
    /// The nest design with the verb's options, for the studies that run several workloads on it (first-last, width): --mapping
    /// search|FILE, --objective, --tech, --energy-table, --dram and --area-table, as <see cref="Run"/> reads them.
    /// </summary>
    public static NestSession Session(ParseResult parse, NestDesign design, CostOptions cost) =>
        Session(parse, design, cost.Mapping, cost.Technology.Resolve(parse), cost.Energy.Table(parse), cost.Energy.DramKind(parse), cost.AreaTable(parse));

    /// <summary>What the mapper does for the session's layers, for a progress line.</summary>
    public static string Searching(NestSession session) => session.Mappings is null
        ? $"the nest mapper samples {session.Options.Samples:N0} mappings each"
        : "mappings from the file, the nest mapper for the rest";

    /// <summary>--mapping on a nest design: null for 'search' (the nest mapper), else the nest mapping file, read and checked against <paramref name="design"/>.</summary>
    public static NestMappingFile? Mappings(ParseResult parse, MappingOptions mapping, NestDesign design)
    {
        var text = (parse.GetValue(mapping.Mapping) ?? "search").Trim();
        return text.ToLowerInvariant() switch
        {
            "search" => null,
            "fixed" => throw new InputException($"a nest design ({design.Name}) has no fixed schedule; give 'search' (the nest mapper) or a nest mapping file", "--mapping"),
            _ when File.Exists(text) => NestMappingFile.Load(text, design),
            _ => throw new InputException($"must be 'search' or a nest mapping YAML file; '{text}' is neither (no such file)", "--mapping"),
        };
    }

    private static NestSession Session(ParseResult parse, NestDesign design, MappingOptions mapping, TechnologyScaling scaling, EnergyTable? table, DramKind? dram, AreaTable area)
    {
        var mappings = Mappings(parse, mapping, design);
        if (dram is { } kind)
            design = design.WithDram(kind);
        // One network's distinct layers are searched on every core (the figures do not depend on it, NestStudyOptions.Parallelism).
        var options = new NestStudyOptions(scaling, parse.GetValue(mapping.Objective), Samples) { Table = table ?? EnergyTable.Default, Parallelism = Environment.ProcessorCount };
        return new NestSession(design, mappings, options, area, Searched(CliContext.Get()));
    }

    private static readonly Lock ProgressLock = new();

    /// <summary>
    /// A progress line per new search: a network's distinct layers take about a second each to search, and report or width run
    /// several networks, minutes in all. Searches may end on several threads at once, so the lines are written one at a time.
    /// </summary>
    private static Action<NestLayerResult, OperandPrecision, TimeSpan> Searched(CliContext context) => (r, formats, took) =>
    {
        var outcome = r.Ran ? $"{r.Valid:N0} of {r.Sampled:N0} samples fit" : $"not run: {r.NotRunReason}";
        lock (ProgressLock)
            context.Progress(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  searched {r.Layer} ({r.Problem}, {formats.Weight} x {formats.Input}): {outcome}, {took.TotalSeconds:0.0} s"));
    };
}
