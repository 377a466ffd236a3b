using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Systolic;

/// <summary>The bit-parallel systolic array (<see cref="SystolicUnitSpec"/>) as a registered unit kind.</summary>
public sealed class SystolicKind : UnitKind<SystolicUnitSpec>
{
    public static SystolicKind Instance { get; } = new();

    /// <summary>Dataflow names in files, summaries and grids.</summary>
    public static IReadOnlyDictionary<string, Dataflow> Dataflows { get; } = new Dictionary<string, Dataflow>
    {
        ["os"] = Dataflow.OutputStationary,
        ["ws"] = Dataflow.WeightStationary,
        ["is"] = Dataflow.InputStationary,
    };

    /// <summary>
    /// Skip mode names in files, summaries and grids (also the dotproduct kind's): every mode, in the
    /// bitserial kind's order, so that the shared key parses alike on every kind and a mode the kind
    /// cannot do is refused with its rule (<see cref="SystolicUnitSpec.Skip"/>), not as unknown.
    /// </summary>
    public static IReadOnlyDictionary<string, SkipMode> SkipModes { get; } = new Dictionary<string, SkipMode>
    {
        ["none"] = SkipMode.None,
        ["zero_bits"] = SkipMode.ZeroBits,
        ["dynamic_precision"] = SkipMode.DynamicPrecision,
        ["zero_operands"] = SkipMode.ZeroOperands,
    };

    // Defaults of a file that leaves the keys out: an int8 output-stationary array, HwSim's own timing.
    private const Dataflow DefaultDataflow = Dataflow.OutputStationary;
    private static readonly NumberFormat DefaultFormat = NumberFormat.Int(8);

    private SystolicKind()
    {
        Parameters =
        [
            Key("dataflow", "os, ws", t => UnitValues.Choice(t, Dataflows, "dataflow"), u => DataflowName(u.Dataflow), (u, v) => u with { Dataflow = v }),
            Key("format", "int8, fp16", UnitValues.Format, u => u.Format.Name, (u, v) => u with { Format = v! }),
            Key("scalesim_compat", "false, true", UnitValues.Bool, u => u.ScaleSimCompat, (u, v) => u with { ScaleSimCompat = v }),
            Key("skip", "none, zero_operands", t => UnitValues.Choice(t, SkipModes, "skip mode"), u => SkipName(u.Skip), (u, v) => u with { Skip = v },
                written: u => u.Skip != SkipMode.None),
        ];
    }

    public override string Name => "systolic";

    public override string? Refusal(string key) => key == DrainKey.Key ? SystolicUnitSpec.NoOverlappedDrain : null;

    public override IReadOnlyList<UnitParameter> Parameters { get; }

    public static string DataflowName(Dataflow dataflow) => Dataflows.First(d => d.Value == dataflow).Key;

    public static string SkipName(SkipMode skip) => SkipModes.First(s => s.Value == skip).Key;

    protected override SystolicUnitSpec Create(string name, int rows, int cols) => new(name, rows, cols, DefaultDataflow, DefaultFormat);

    protected override IUnitModel Model(SystolicUnitSpec unit) => new SystolicModel(unit);

    protected override string? ReferenceUnsupported(SystolicUnitSpec unit) => unit.ScaleSimCompat
        ? "it has scalesim_compat: true, which reproduces SCALE-Sim's reported numbers in the fast engine, while the reference engine steps HwSim's own timing"
        : null;

    protected override IReferenceUnit Reference(SystolicUnitSpec unit) => new SystolicReference(unit);

    protected override string Summary(SystolicUnitSpec s) =>
        $"{s.Name}: systolic {s.Rows}x{s.Cols} {DataflowName(s.Dataflow)} {s.Format}{(s.ScaleSimCompat ? ", SCALE-Sim timing" : "")}{(s.Skip == SkipMode.None ? "" : $", skip {SkipName(s.Skip)}")}";

    /// <summary>A float array's PE is a float MAC; an integer array's is a fixed-precision integer PE of its width.</summary>
    protected override PeInventory Inventory(SystolicUnitSpec s) => s.Format.IsFloat
        ? PeInventory.FloatMac(s.Format)
        : PeInventory.Of($"{s.Format} x {s.Format} bit-parallel MAC", new PePart("PE: multiplier, adder, registers", 1, PeComponent.IntPe, s.Format.Bits, s.Format.Bits));
}
