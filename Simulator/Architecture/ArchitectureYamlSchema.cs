namespace HwSim.Simulator.Architecture;

/// <summary>
/// The keys and defaults of architecture files, version 1: one place shared by the reader, the
/// writer and the documentation (<see cref="ArchitectureYaml"/>).
/// </summary>
internal static class ArchitectureYamlSchema
{
    public const int Version = 1;

    public static readonly string[] TopKeys = ["version", "name", "clock_mhz", "dram", "buffers", "units"];
    public static readonly string[] DramKeys = ["bandwidth_bytes_per_cycle"];
    public static readonly string[] BufferKeys = ["ifmap_kb", "weight_kb", "ofmap_kb", "word_bits"];
    public static readonly string[] CommonUnitKeys = ["name", "kind", "rows", "cols"];
    public static readonly string[] SystolicKeys = [.. CommonUnitKeys, "dataflow", "format", "scalesim_compat"];
    public static readonly string[] BitSerialKeys = [.. CommonUnitKeys, "lanes", "serial", "max_bits"];
    public static readonly string[] XnorKeys = [.. CommonUnitKeys, "lanes", "max_bits"];

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

    public const Dataflow SystolicDataflow = Dataflow.OutputStationary;
    public const string SystolicFormat = "int8";

    // A bit-serial PE of Stripes: 16 AND lanes into one adder tree, weights bit-parallel.
    public const int BitSerialLanes = 16;
    public const SerialMode BitSerialSerial = SerialMode.Activations;
    public const int BitSerialMaxBits = 8;

    // An XNOR PE takes one 64-bit word of +/-1 values per cycle (a machine word of packed bits);
    // max_bits 1: binary operands only, as in FINN and XNOR-Net.
    public const int XnorLanes = 64;
    public const int XnorMaxBits = 1;

    /// <summary>Largest buffer HwSim accepts, so that bytes fit a long with room to spare: 1 TiB.</summary>
    public const double MaxBufferKb = 1024.0 * 1024 * 1024;

    public static readonly IReadOnlyDictionary<string, Dataflow> Dataflows = new Dictionary<string, Dataflow>
    {
        ["os"] = Dataflow.OutputStationary,
        ["ws"] = Dataflow.WeightStationary,
        ["is"] = Dataflow.InputStationary,
    };

    public static readonly IReadOnlyDictionary<string, SerialMode> SerialModes = new Dictionary<string, SerialMode>
    {
        ["activations"] = SerialMode.Activations,
        ["both"] = SerialMode.Both,
    };

    public static readonly string[] Kinds = ["systolic", "bitserial", "xnor"];

    public static string Name(Dataflow dataflow) => Dataflows.First(d => d.Value == dataflow).Key;

    public static string Name(SerialMode serial) => SerialModes.First(s => s.Value == serial).Key;
}
