using HwSim.Workloads;

namespace HwSim.Simulator.Architecture;

/// <summary>How an architecture runs a network's layers.</summary>
public enum Execution
{
    /// <summary>One layer after another, each on the unit it runs on (HwSim's default).</summary>
    LayerSequential,

    /// <summary>
    /// FINN's dataflow: every layer on its own unit, all units running at once on consecutive
    /// inputs, joined by FIFOs (Simulator/README.md, "Layer-pipelined execution").
    /// </summary>
    LayerPipelined,
}

/// <summary>The file names of <see cref="Execution"/> values.</summary>
public static class ExecutionNames
{
    public const string Sequential = "layer_sequential", Pipelined = "layer_pipelined";

    public static string Name(this Execution execution) => execution switch
    {
        Execution.LayerSequential => Sequential,
        Execution.LayerPipelined => Pipelined,
        _ => throw new ArgumentOutOfRangeException(nameof(execution)),
    };

    /// <summary>The value of <paramref name="text"/>; an <see cref="InputException"/> naming both choices otherwise.</summary>
    public static Execution Parse(string text, string field = "execution") => text.Trim().ToLowerInvariant() switch
    {
        Sequential => Execution.LayerSequential,
        Pipelined => Execution.LayerPipelined,
        _ => throw new InputException($"unknown execution '{text}' (expected {Sequential} or {Pipelined})", field),
    };
}
