using HwSim.Simulator.Counting;

namespace HwSim.Simulator.Results;

/// <summary>
/// What simulating one layer produced: which unit ran it, its cycles and its activity counts;
/// or, when it could not run, why (a result, not an exception).
/// </summary>
public sealed record LayerResult
{
    /// <summary>Layer name from the workload.</summary>
    public required string Layer { get; init; }

    /// <summary>The unit that ran it, or null when none could.</summary>
    public string? Unit { get; init; }

    /// <summary>Why the layer did not run (no unit supports its formats, a tile does not fit), or null.</summary>
    public string? NotRunReason { get; init; }

    public bool Ran => NotRunReason is null;

    public long Macs { get; init; }

    /// <summary>Cycles the array spent computing (sum over folds).</summary>
    public long ComputeCycles { get; init; }

    /// <summary>Cycles spent waiting for DRAM.</summary>
    public long StallCycles { get; init; }

    public long TotalCycles => ComputeCycles + StallCycles;

    public long Folds { get; init; }

    /// <summary>PE rows x columns of the unit.</summary>
    public long PeCount { get; init; }

    /// <summary>MACs over what the array could have done at full use in the same cycles (0..1).</summary>
    public double Utilisation { get; init; }

    /// <summary>Used PE positions over available ones, averaged over folds (SCALE-Sim's mapping efficiency, 0..1).</summary>
    public double MappingEfficiency { get; init; }

    public ActivityCounts Counts { get; init; } = ActivityCounts.Empty;

    /// <summary>The mapping the layer ran with (null when it did not run).</summary>
    public Mapping.LayerMapping? Mapping { get; init; }

    public static LayerResult NotRun(string layer, long macs, string reason, string? unit = null) =>
        new() { Layer = layer, Macs = macs, NotRunReason = reason, Unit = unit };
}
