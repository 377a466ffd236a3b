using HwSim.Simulator.Units;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// The keys and defaults of architecture files, version 1: one place shared by the reader, the
/// writer and the documentation (<see cref="ArchitectureYaml"/>).
/// </summary>
internal static class ArchitectureYamlSchema
{
    public const int Version = 1;

    public static readonly string[] TopKeys = ["version", "name", "clock_mhz", "execution", "dram", "buffers", "storage", "units"];
    public static readonly string[] StorageDramKeys = ["name", "class", "type", "bandwidth_bytes_per_cycle"];
    public static readonly string[] StorageLevelKeys = ["name", "class", "capacity_kb", "entries", "word_bits", "banks", "double_buffered", "holds", "instances"];

    /// <summary>Storage classes: the DRAM entry (first) and on-chip SRAM levels (the default).</summary>
    public const string StorageDram = "dram", StorageSram = "sram";
    public static readonly string[] StorageClasses = [StorageDram, StorageSram];

    /// <summary>Operand names of <c>holds</c>, in <see cref="BufferKind"/> order.</summary>
    public static readonly string[] StorageOperands = ["ifmap", "weight", "ofmap"];

    /// <summary>Where a level's instances sit; only <see cref="StorageGlobal"/> is simulated (Simulator/README.md section 4).</summary>
    public const string StorageGlobal = "global";
    public static readonly string[] StorageInstances = [StorageGlobal, "per_pe", "per_row", "per_column"];
    public static readonly string[] DramKeys = ["type", "bandwidth_bytes_per_cycle"];
    public static readonly string[] BufferKeys = ["ifmap_kb", "weight_kb", "ofmap_kb", "word_bits"];
    public static readonly string[] CommonUnitKeys = ["name", "kind", "rows", "cols"];

    /// <summary>The keys a unit of <paramref name="kind"/> may have: the common ones, then the kind's own (<see cref="UnitKind.Parameters"/>).</summary>
    public static string[] UnitKeys(UnitKind kind) => [.. CommonUnitKeys, .. kind.Parameters.Select(p => p.Key)];

    /// <summary>Written instead of a number for a DRAM channel that takes no time.</summary>
    public const string Unlimited = "unlimited";

    // Defaults are HwSim's own default machine (Presets "lowbit-default"), so a file that gives
    // only its units runs on the same clock, DRAM and buffers as the preset.
    public const double ClockMhz = 500;
    public const int DramBytesPerCycle = 16;
    public const double IfmapKb = 256;
    public const double WeightKb = 256;
    public const double OfmapKb = 128;
    public const int WordBits = 64;

    // Each unit kind's own defaults are its descriptor's (UnitKind.Default).


    /// <summary>The registered unit kinds' names, in registration order.</summary>
    public static IEnumerable<string> Kinds => UnitKinds.Names;
}
