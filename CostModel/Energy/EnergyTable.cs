using HwSim.CostModel.Memory;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;

namespace HwSim.CostModel.Energy;

/// <summary>
/// The energy reference table: energy of one occurrence of each primitive action, at every width,
/// from the published 45 nm points (built-in <c>Data/energy-45nm.csv</c>) and the laws between
/// them (<see cref="EnergyLaws"/>, <c>SramLaw</c>), optionally overridden by user CSV files.
/// Immutable. Energies are priced at the table's node (45 nm, 0.9 V) and multiplied by the
/// context's <see cref="Technology.TechnologyScaling.EnergyFactor"/>. See README.md beside this file
/// for every law and choice.
/// </summary>
public sealed partial class EnergyTable
{
    private const string BuiltInName = "energy-45nm.csv";

    /// <summary>SRAM banks every buffer is priced with: one, until buffers have banks (issue 13 item 1).</summary>
    public const int SramBanks = 1;

    // SRAM words are priced from CACTI (CostModel/Memory); the per-bit curve answers only outside its table.
    private static SramTable Sram45nm => SramTable.Default;

    private readonly Dictionary<PointKey, EnergyPoint> _points;
    private readonly EnergyPoint[] _rowOrder;
    private readonly LawPoint[] _multiplyAnchors;
    private readonly EnergyPoint[] _multiplyAnchorPoints;
    private readonly LawPoint[] _addAnchors;
    private readonly EnergyPoint[] _addAnchorPoints;
    private readonly SramLaw _sramRead;
    private readonly SramLaw _sramWrite;

    private EnergyTable(IReadOnlyList<EnergyPoint> defaults, IReadOnlyList<IReadOnlyList<EnergyPoint>> overrides)
    {
        // Later files replace earlier ones key by key; a replaced default keeps its place in the listing.
        _points = defaults.ToDictionary(p => p.Key);
        var defaultKeys = _points.Keys.ToHashSet();
        var userKeys = new List<PointKey>();
        foreach (var p in overrides.SelectMany(f => f))
        {
            if (!defaultKeys.Contains(p.Key) && !userKeys.Contains(p.Key))
                userKeys.Add(p.Key);
            _points[p.Key] = p;
        }
        _rowOrder = [.. defaults.Select(d => _points[d.Key]), .. userKeys.Select(k => _points[k])];

        (_multiplyAnchors, _multiplyAnchorPoints) = Anchors(p => p.Key is { Action: EnergyAction.Multiply, Arithmetic: Arithmetic.Integer } k && k.BitsA == k.BitsB,
            p => (double)p.Key.BitsA * p.Key.BitsB, "integer multiply (a square b x b row)");
        (_addAnchors, _addAnchorPoints) = Anchors(p => p.Key is { Action: EnergyAction.Add, Arithmetic: Arithmetic.Integer },
            p => p.Key.BitsA, "integer add");

        // User rows first (the last file first), then the built-in file's order.
        var priority = Enumerable.Reverse(overrides).SelectMany(f => f).Concat(defaults)
            .Where(p => ReferenceEquals(_points[p.Key], p)).ToList();
        _sramRead = new SramLaw("SRAM read, energy per bit vs capacity", [.. priority.Where(p => p.Key.Action == EnergyAction.SramReadWord)]);
        _sramWrite = new SramLaw("SRAM write, energy per bit vs capacity", [.. priority.Where(p => p.Key.Action == EnergyAction.SramWriteWord)]);
        Fits = [_sramRead.Fit, _sramWrite.Fit];

        foreach (var required in RequiredKeys())
            if (!_points.ContainsKey(required))
                throw new InvalidOperationException($"the built-in energy table has no row for {required}");
    }

    /// <summary>The built-in table: published 45 nm points and the laws between them.</summary>
    public static EnergyTable Default { get; } = new(BuiltIn(), []);

    /// <summary>
    /// The built-in table with user files applied in order (same CSV columns; a row replaces the
    /// built-in or earlier row with the same action/arithmetic/bits/capacity/dram key, other rows
    /// are added). Bad files give an <see cref="Workloads.InputException"/> naming the file, line and field.
    /// </summary>
    public static EnergyTable Load(params string[] overrideFiles)
    {
        ArgumentNullException.ThrowIfNull(overrideFiles);
        return overrideFiles.Length == 0 ? Default : new EnergyTable(BuiltIn(), [.. overrideFiles.Select(EnergyCsv.ReadFile)]);
    }

    /// <summary>The SRAM capacity fits (read, then write): points, exponent, coefficient and residual, at 45 nm.</summary>
    public IReadOnlyList<FitReport> Fits { get; }

    /// <summary>
    /// The energy of ONE occurrence of <paramref name="key"/>'s action (one multiply, one add, one
    /// register bit, one SRAM word, one DRAM byte, ...) in <paramref name="context"/>, scaled to its
    /// node, except DRAM (<see cref="NodeFactor(PrimitiveAction, EnergyContext)"/>).
    /// </summary>
    public EnergyPj Energy(ActionKey key, EnergyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Price(key, context).Energy * NodeFactor(key.Action, context);
    }

    /// <summary>
    /// What an action's 45 nm energy is multiplied by at the context's node: Stillmaker and Baas'
    /// logic factor for everything on chip, 1 for DRAM. A DRAM bit's energy is the device's (its
    /// array, I/O and interface, at the device's own process and supply), fixed by the device type,
    /// not by the node or Vdd of the accelerator that reads it: Accelergy's DRAM figures are per
    /// type with no technology parameter, and scaling LPDDR4's 8 pJ/bit to 7 nm gave 0.99 pJ/bit,
    /// below any DRAM interface.
    /// </summary>
    public static double NodeFactor(PrimitiveAction action, EnergyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return action is PrimitiveAction.DramReadByte or PrimitiveAction.DramWriteByte ? 1.0 : context.Scaling.EnergyFactor;
    }

    private static double NodeFactor(EnergyAction action, EnergyContext context) =>
        action.IsDram() ? 1.0 : context.Scaling.EnergyFactor;

    // A method, not a static field: Default is built during static initialisation.
    private static PointKey[] RequiredKeys() =>
    [
        new(EnergyAction.Multiply, Arithmetic.Fp16, 16, 16, 0, null),
        new(EnergyAction.Multiply, Arithmetic.Fp32, 32, 32, 0, null),
        new(EnergyAction.Add, Arithmetic.Fp16, 16, 0, 0, null),
        new(EnergyAction.Add, Arithmetic.Fp32, 32, 0, 0, null),
        new(EnergyAction.RegisterReadBit, Arithmetic.None, 1, 0, 0, null),
        new(EnergyAction.RegisterWriteBit, Arithmetic.None, 1, 0, 0, null),
        .. Enum.GetValues<DramKind>().SelectMany(d => new PointKey[]
        {
            new(EnergyAction.DramReadBit, Arithmetic.None, 0, 0, 0, d),
            new(EnergyAction.DramWriteBit, Arithmetic.None, 0, 0, 0, d),
        }),
    ];

    private static IReadOnlyList<EnergyPoint> BuiltIn()
    {
        var assembly = typeof(EnergyTable).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(BuiltInName, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing");
        using var reader = new StreamReader(stream);
        return EnergyCsv.Read(reader, $"{BuiltInName} (built in)", RowOrigin.Published);
    }

    private (LawPoint[] Anchors, EnergyPoint[] Points) Anchors(Func<EnergyPoint, bool> which, Func<EnergyPoint, double> x, string what)
    {
        var points = _points.Values.Where(which).OrderBy(x).ToArray();
        if (points.Length == 0)
            throw new InvalidOperationException($"the energy table has no {what} row to anchor its law");
        return ([.. points.Select(p => new LawPoint(x(p), p.Energy.Value))], points);
    }

    private bool TryPoint(PointKey key, out Priced priced)
    {
        if (_points.TryGetValue(key, out var p))
        {
            priced = new Priced(p.Energy, p.Source, p.Origin);
            return true;
        }
        priced = default;
        return false;
    }

    private Priced Point(PointKey key) =>
        TryPoint(key, out var priced) ? priced : throw new InvalidOperationException($"the energy table has no row for {key}");
}
