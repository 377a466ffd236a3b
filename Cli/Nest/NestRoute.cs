using System.CommandLine;
using HwSim.Analyses.Nest;
using HwSim.Cli.Common;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;

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
        var text = (parse.GetValue(mapping.Mapping) ?? "search").Trim();
        NestMappingFile? mappings = text.ToLowerInvariant() switch
        {
            "search" => null,
            "fixed" => throw new InputException($"a nest design ({design.Name}) has no fixed schedule; give 'search' (the nest mapper) or a nest mapping file", "--mapping"),
            _ when File.Exists(text) => NestMappingFile.Load(text, design),
            _ => throw new InputException($"must be 'search' or a nest mapping YAML file; '{text}' is neither (no such file)", "--mapping"),
        };
        if (dram is { } kind)
            design = design.WithDram(kind);
        var options = new NestStudyOptions(scaling, parse.GetValue(mapping.Objective), Samples) { Table = table ?? EnergyTable.Default };
        context.Progress($"{workload.Name} on nest design {design.Name}: {workload.Layers.Length} layers, {(mappings is null ? $"the nest mapper samples {Samples:N0} mappings each" : "mappings from the file, the nest mapper for the rest")}");
        var result = NestStudy.Run(workload, design, mappings, options);
        return NestOutput.Render(parse, context, output, result, showMapping, saveMapping);
    }
}
