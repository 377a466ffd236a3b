using System.Collections.Immutable;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Precision;

namespace HwSim.Analyses.FirstLast;

/// <summary>
/// Operation counts of a set of layers, read from the workload (they do not need the simulator).
/// </summary>
/// <param name="Macs">Multiply-accumulates.</param>
/// <param name="BitOperations">b_w x b_a x MACs summed over the layers.</param>
/// <param name="Bops">MACs of binary layers (1-bit weights and 1-bit activations), Bi-Real Net's BOPs.</param>
/// <param name="Flops">MACs of every other layer, Bi-Real Net's FLOPs.</param>
public sealed record OperationCounts(long Macs, long BitOperations, long Bops, long Flops)
{
    /// <summary>
    /// Bi-Real Net's OPs = BOPs/64 + FLOPs: a 64-bit CPU word does 64 binary MACs (XNOR + popcount)
    /// per instruction. Not a whole number when BOPs is not a multiple of 64.
    /// </summary>
    public double Ops => Bops / 64.0 + Flops;

    /// <summary>The counts summed over <paramref name="layers"/>.</summary>
    public static OperationCounts Of(IEnumerable<LayerWorkload> layers)
    {
        long macs = 0, bitOps = 0, bops = 0, flops = 0;
        foreach (var l in layers)
        {
            macs = macs + l.Macs;
            bitOps = bitOps + l.BitOperations;
            if (IsBinary(l))
                bops = bops + l.Macs;
            else
                flops = flops + l.Macs;
        }
        return new OperationCounts(macs, bitOps, bops, flops);
    }

    /// <summary>
    /// Bi-Real Net counts a layer as binary when both operands are 1-bit; a W1A2 layer is not
    /// binary in its sense (no XNOR-popcount shortcut applies), so it counts as FLOPs.
    /// </summary>
    public static bool IsBinary(LayerWorkload layer) => layer.Precision.Weight.Bits == 1 && layer.Precision.Input.Bits == 1;
}

/// <summary>What a set of layers cost once simulated and priced.</summary>
/// <param name="Cycles">Cycles including DRAM stalls.</param>
/// <param name="Energy">Energy of everything: compute, registers, SRAM, DRAM (and leakage if priced).</param>
/// <param name="ComputeEnergy">Only the compute component (MACs, gates, popcount, accumulate).</param>
/// <param name="Area">For the kept layers: the units they ran on; for the network: the whole chip (units + SRAM).</param>
public sealed record CostAmounts(long Cycles, EnergyPj Energy, EnergyPj ComputeEnergy, AreaUm2 Area);

/// <summary>
/// One configuration: a network with its first/last (kept) layers at one format. Shares are
/// kept / network, derived here rather than stored, so they cannot disagree with the amounts.
/// </summary>
/// <param name="Network">The workload's name.</param>
/// <param name="Keep">The first/last format ("fp32", ..., or "same" for the inner precision).</param>
/// <param name="KeptLayers">Names of the kept layers: first and last, and with real downsample the 1x1 shortcut convs.</param>
/// <param name="Kept">Operation counts of the kept layers.</param>
/// <param name="Total">Operation counts of the whole network.</param>
/// <param name="KeptCost">Cost of the kept layers, or null when some layer did not run.</param>
/// <param name="TotalCost">Cost of the network, or null when some layer did not run.</param>
/// <param name="KeptUnits">The units the kept layers ran on, in order of first use.</param>
/// <param name="NotRun">Why the costs are missing ("first/last not run on tpu-like: ..."), or null.</param>
public sealed record FirstLastRow(
    string Network,
    string Keep,
    ImmutableArray<string> KeptLayers,
    OperationCounts Kept,
    OperationCounts Total,
    CostAmounts? KeptCost,
    CostAmounts? TotalCost,
    ImmutableArray<string> KeptUnits,
    string? NotRun)
{
    /// <summary>The kept layers' share of the MACs.</summary>
    public double MacsShare => Share(Kept.Macs, Total.Macs);

    /// <summary>The kept layers' share of the bit-operations.</summary>
    public double BitOperationsShare => Share(Kept.BitOperations, Total.BitOperations);

    /// <summary>The kept layers' share of Bi-Real Net's OPs.</summary>
    public double OpsShare => Share(Kept.Ops, Total.Ops);

    /// <summary>The kept layers' share of the cycles; null when some layer did not run.</summary>
    public double? CyclesShare => Cost(c => c.Cycles);

    /// <summary>The kept layers' share of the compute energy; null when some layer did not run.</summary>
    public double? ComputeEnergyShare => Cost(c => c.ComputeEnergy.Value);

    /// <summary>The kept layers' share of the total energy; null when some layer did not run.</summary>
    public double? EnergyShare => Cost(c => c.Energy.Value);

    /// <summary>The area of the units the kept layers run on, as a share of the chip; null when some layer did not run.</summary>
    public double? KeptUnitAreaShare => Cost(c => c.Area.Value);

    private double? Cost(Func<CostAmounts, double> amount) =>
        KeptCost is { } kept && TotalCost is { } total ? Share(amount(kept), amount(total)) : null;

    // An empty network total (e.g. no bit-operations at all) has no share to speak of: report 0, not NaN.
    private static double Share(double part, double whole) => whole == 0 ? 0 : part / whole;
}

/// <summary>
/// The question "what does keeping the first and last layers at a higher precision cost?":
/// the same network is evaluated once per kept format, inner layers at fixed bits, and the kept
/// layers' share of operations, cycles, energy and unit area is read from each evaluation.
/// </summary>
public static class FirstLastAnalysis
{
    /// <summary>What the README's report uses: ResNet-18, inner W4A2.</summary>
    public const string DefaultNetwork = "resnet18";
    /// <summary>Inner weight bits of the report's study (W4A2).</summary>
    public const int DefaultWeightBits = 4;
    /// <summary>Inner activation bits of the report's study (W4A2).</summary>
    public const int DefaultInputBits = 2;

    /// <summary>fp32 (PACT, DoReFa, XNOR-Net), fp16, int8 and the inner precision itself for comparison.</summary>
    public static ImmutableArray<FirstLastFormat> DefaultKeep { get; } =
        [FirstLastFormat.Parse("fp32"), FirstLastFormat.Parse("fp16"), FirstLastFormat.Parse("int8"), FirstLastFormat.Same];

    /// <summary>How OPs are counted, for tables and JSON.</summary>
    public const string OpsDefinition =
        "OPs = BOPs/64 + FLOPs (Bi-Real Net): BOPs are the MACs of binary layers (1-bit weights and activations), FLOPs the MACs of every other layer";

    /// <summary>When OPs mean little, for tables and JSON.</summary>
    public const string OpsCaveat =
        "OPs are meant for 1-bit inner layers: with wider inner layers BOPs are 0 and the OPs share equals the MACs share";

    /// <summary>
    /// The layers a policy keeps at the first/last format, decided by position alone, so that
    /// "same" (no layer kept higher) still names the layers whose share is compared.
    /// </summary>
    public static bool IsKept(LayerWorkload layer, bool realDownsample) =>
        layer.Role != LayerRole.Inner || (realDownsample && layer.IsDownsample);

    /// <summary>
    /// One row per kept format: <paramref name="network"/> (as given, formats untouched) with its
    /// inner layers at <paramref name="inner"/>'s formats and the kept layers at each format.
    /// </summary>
    /// <param name="inner">Gives the inner formats and real-downsample; its FirstLast is replaced by each of <paramref name="keep"/>.</param>
    public static ImmutableArray<FirstLastRow> Analyse(Workload network, PrecisionPolicy inner, IReadOnlyList<FirstLastFormat> keep, ArchitectureSpec arch, CostSetting cost) =>
        Analyse([network], inner, keep, arch, cost);

    /// <summary>
    /// Rows for every network x kept format, networks in the order given, formats within each.
    /// Each row is an independent simulation, so they run in parallel on all cores.
    /// </summary>
    /// <param name="done">Called once per finished row (from worker threads), for progress.</param>
    public static ImmutableArray<FirstLastRow> Analyse(IReadOnlyList<Workload> networks, PrecisionPolicy inner, IReadOnlyList<FirstLastFormat> keep,
        ArchitectureSpec arch, CostSetting cost, Action<FirstLastRow>? done = null)
    {
        var jobs = networks.SelectMany(n => keep.Select(k => (Network: n, Policy: inner with { FirstLast = k }))).ToArray();
        var rows = new FirstLastRow[jobs.Length];
        Parallel.For(0, jobs.Length, i =>
        {
            rows[i] = Row(jobs[i].Network, jobs[i].Policy, arch, cost);
            done?.Invoke(rows[i]);
        });
        return [.. rows];
    }

    /// <summary>The networks a study of <paramref name="network"/> runs, one per kept format, each named for an error about it.</summary>
    public static IEnumerable<(string Variant, Workload Workload)> Variants(Workload network, PrecisionPolicy inner, IReadOnlyList<FirstLastFormat> keep) =>
        keep.Select(k => ($"with the first and last layers at {k}", (inner with { FirstLast = k }).Apply(network)));

    /// <summary>One row: <paramref name="network"/> at <paramref name="policy"/> simulated and priced, the kept layers' amounts beside the network's.</summary>
    public static FirstLastRow Row(Workload network, PrecisionPolicy policy, ArchitectureSpec arch, CostSetting cost)
    {
        var workload = policy.Apply(network);
        var kept = workload.Layers.Where(l => IsKept(l, policy.RealDownsample)).ToImmutableArray();
        var keptNames = kept.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var evaluated = Evaluator.Evaluate(workload, arch, cost);
        var energy = evaluated.Energy.Layers;
        var keptEnergy = energy.Where(l => keptNames.Contains(l.Layer)).ToImmutableArray();
        var keptUnits = keptEnergy.Where(l => l.Ran).Select(l => l.Unit!).Distinct(StringComparer.Ordinal).ToImmutableArray();

        var notRun = NotRun([.. energy.Where(l => !l.Ran).Select(l => (l.Layer, l.NotRunReason!))], keptNames, arch.Name);
        CostAmounts? keptCost = null, totalCost = null;
        if (notRun is null)
        {
            var unitArea = evaluated.Area.Units.Where(u => keptUnits.Contains(u.Unit)).Aggregate(AreaUm2.Zero, (s, u) => s + u.Area);
            keptCost = Sum(keptEnergy, unitArea);
            totalCost = Sum(energy, evaluated.Area.Total);
        }
        return new FirstLastRow(network.Name, policy.FirstLast.ToString(), [.. kept.Select(l => l.Name)],
            OperationCounts.Of(kept), OperationCounts.Of(workload.Layers), keptCost, totalCost, keptUnits, notRun);
    }

    private static CostAmounts Sum(IEnumerable<LayerEnergy> layers, AreaUm2 area) =>
        Sum(layers.Select(l => (l.Cycles, l.Total, l[EnergyComponent.Compute])), area);

    /// <summary>Cycles, energy and compute energy of layers (an array's or a nest study's), summed, with the area they ran on.</summary>
    private static CostAmounts Sum(IEnumerable<(long Cycles, EnergyPj Total, EnergyPj Compute)> layers, AreaUm2 area)
    {
        long cycles = 0;
        EnergyPj total = EnergyPj.Zero, compute = EnergyPj.Zero;
        foreach (var l in layers)
        {
            cycles = cycles + l.Cycles;
            total += l.Total;
            compute += l.Compute;
        }
        return new CostAmounts(cycles, total, compute, area);
    }

    /// <summary>
    /// Any layer that did not run makes every cost share meaningless (its cost is missing from
    /// the total), so the row says which and why instead of printing a wrong share. A kept
    /// layer is named first: that is the usual case (fp32 on an integer-only accelerator).
    /// </summary>
    /// <param name="failed">The layers that did not run, in order, each with its reason.</param>
    private static string? NotRun(IReadOnlyList<(string Layer, string Reason)> failed, HashSet<string> kept, string arch)
    {
        if (failed.Count == 0)
            return null;
        var keptFailed = failed.Where(l => kept.Contains(l.Layer)).ToList();
        var (first, what) = keptFailed.Count > 0 ? (keptFailed[0], "first/last") : (failed[0], "inner layers");
        var count = keptFailed.Count > 0 ? keptFailed.Count : failed.Count;
        var layerWord = count == 1 ? "layer" : "layers";
        return $"{what} not run on {arch} ({count} {layerWord}, e.g. {first.Layer}): {first.Reason}";
    }

    /// <summary>
    /// Rows for every network x kept format on a nest design: each row is <paramref name="nest"/>'s study of the network at that
    /// format, in place of the array simulation. Rows run in parallel; the session's searches are shared, so an inner layer that
    /// every format leaves alone is searched once, not once per format.
    /// </summary>
    /// <param name="done">Called once per finished row (from worker threads), for progress.</param>
    public static ImmutableArray<FirstLastRow> Analyse(IReadOnlyList<Workload> networks, PrecisionPolicy inner, IReadOnlyList<FirstLastFormat> keep,
        NestSession nest, Action<FirstLastRow>? done = null)
    {
        ArgumentNullException.ThrowIfNull(nest);
        var jobs = networks.SelectMany(n => keep.Select(k => (Network: n, Policy: inner with { FirstLast = k }))).ToArray();
        var rows = new FirstLastRow[jobs.Length];
        Parallel.For(0, jobs.Length, i =>
        {
            rows[i] = Row(jobs[i].Network, jobs[i].Policy, nest);
            done?.Invoke(rows[i]);
        });
        return [.. rows];
    }

    /// <summary>
    /// One row on a nest design: <paramref name="network"/> at <paramref name="policy"/> run by the nest study, the kept layers'
    /// cycles (stalls included), energy and MAC energy (the compute energy) beside the network's. The kept layers run on the whole
    /// design, so their "unit" is the design and its area (NestArea, sized for this row's formats) is both the kept and the total area.
    /// </summary>
    public static FirstLastRow Row(Workload network, PrecisionPolicy policy, NestSession nest)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(nest);
        var workload = policy.Apply(network);
        var kept = workload.Layers.Where(l => IsKept(l, policy.RealDownsample)).ToImmutableArray();
        var keptNames = kept.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        NestStudyResult study;
        try
        {
            study = nest.Run(workload);
        }
        catch (Exception e) when (InputException.Within(e) is { } input)
        {
            // Each format runs the network once more: a mapping file that fits one format's words may not fit another's.
            throw input.In($"with the first and last layers at {policy.FirstLast}");
        }
        var design = nest.Design.Name;
        var notRun = NotRun([.. study.Layers.Where(l => !l.Ran).Select(l => (l.Layer, l.NotRunReason!))], keptNames, design);
        // As for an array, the units are those the kept layers that ran ran on: here the design, if any of them ran.
        ImmutableArray<string> keptUnits = study.Layers.Any(l => l.Ran && keptNames.Contains(l.Layer)) ? [design] : [];
        CostAmounts? keptCost = null, totalCost = null;
        if (notRun is null)
        {
            var area = nest.Area(workload).Total;
            // No kept layer (a network whose layers are all inner) runs on nothing: no area, as an array's empty unit list.
            keptCost = Sum(study.Layers.Where(l => keptNames.Contains(l.Layer)), keptUnits.IsEmpty ? AreaUm2.Zero : area);
            totalCost = Sum(study.Layers, area);
        }
        return new FirstLastRow(network.Name, policy.FirstLast.ToString(), [.. kept.Select(l => l.Name)],
            OperationCounts.Of(kept), OperationCounts.Of(workload.Layers), keptCost, totalCost, keptUnits, notRun);
    }

    private static CostAmounts Sum(IEnumerable<NestLayerResult> layers, AreaUm2 area) =>
        Sum(layers.Select(l => (l.Cycles, l.Energy!.Total, l.Energy.Macs)), area);
}
