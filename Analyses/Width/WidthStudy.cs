using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.ExceptionServices;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Transforms;

namespace HwSim.Analyses.Width;

/// <summary>What one network costs on the architecture: the numbers a width study compares.</summary>
/// <param name="Macs">Multiply-accumulates of one run (all layers ran).</param>
/// <param name="BitOps">b_w x b_a x MACs summed over layers.</param>
/// <param name="Cycles">Total cycles, stalls included.</param>
/// <param name="LatencySeconds">Cycles at the architecture's clock, seconds; null for a nest design without a clock (clock_mhz).</param>
/// <param name="Energy">Energy of one run (one batch).</param>
/// <param name="Area">Area of the architecture (of a nest design: sized for the network's formats, NestArea).</param>
public sealed record WidthCosts(long Macs, long BitOps, long Cycles, double? LatencySeconds, EnergyPj Energy, AreaUm2 Area)
{
    /// <summary>The figures of an evaluated network.</summary>
    public static WidthCosts Of(Evaluated e) => new(e.Workload.Macs, e.Workload.BitOperations, e.Energy.Cycles, e.Energy.LatencySeconds, e.Energy.Total, e.Area.Total);

    /// <summary>
    /// The figures of a nest study of <paramref name="workload"/> (every layer ran) and the design's area. MACs and bit-operations
    /// are the workload's, as for an array (a bit-serial design's study counts bit-steps instead); cycles include bandwidth stalls.
    /// </summary>
    public static WidthCosts Of(Workload workload, NestStudyResult study, NestAreaReport area)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(area);
        double? seconds = study.Design.ClockMhz is { } mhz ? study.Cycles / (mhz * 1e6) : null;
        return new(workload.Macs, workload.BitOperations, study.Cycles, seconds, study.Energy, area.Total);
    }
}

/// <summary>The widened low-bit network at one width k, and its ratios to the baseline (derived, not stored).</summary>
public sealed record WidthPoint(double K, WidthCosts Costs, WidthCosts Baseline)
{
    /// <summary>MACs of the widened network over the baseline's.</summary>
    public double MacsRatio => (double)Costs.Macs / Baseline.Macs;

    /// <summary>Bit-operations of the widened network over the baseline's.</summary>
    public double BitOpsRatio => (double)Costs.BitOps / Baseline.BitOps;

    /// <summary>Energy of the widened network over the baseline's.</summary>
    public double EnergyRatio => Costs.Energy / Baseline.Energy;

    /// <summary>
    /// Latency ratio; the same architecture and clock run both, so it is the cycle ratio (taken from the cycles where a nest design
    /// has no clock).
    /// </summary>
    public double LatencyRatio => (Costs.LatencySeconds, Baseline.LatencySeconds) is (double costs, double baseline)
        ? costs / baseline
        : (double)Costs.Cycles / Baseline.Cycles;
}

/// <summary>A width study: the baseline, the widened network at every grid width, and the break-even widths.</summary>
/// <param name="Network">Workload name (unwidened).</param>
/// <param name="Baseline">The baseline's format on every layer (fp32 or int8).</param>
/// <param name="Inner">Inner layers' weight x activation formats of the widened network.</param>
/// <param name="FirstLast">First and last layers' format of the widened network.</param>
/// <param name="Evaluations">Distinct networks simulated and priced (grid and searches; equal roundings are shared).</param>
public sealed record WidthStudy(string Network, string Baseline, string Inner, string FirstLast, string Architecture, string Technology,
    WidthCosts BaselineCosts, ImmutableArray<WidthPoint> Points, BreakEven Energy, BreakEven Latency, int Evaluations);

/// <summary>
/// Runs a width study: prices the baseline once, then the widened low-bit network at each grid
/// width, then searches the energy and latency break-even widths between grid points. The
/// question is WRPN's (Mishra et al., ICLR 2018): is there a width at which a 1-bit network,
/// widened to win back accuracy, still costs no more than the full- or 8-bit original?
/// </summary>
public static class WidthAnalysis
{
    /// <param name="lowBit">The network at the low-bit policy, unwidened; widened here by each k.</param>
    /// <param name="baseline">The network at the baseline precision, unwidened.</param>
    /// <param name="widths">Width multipliers, ascending and distinct.</param>
    /// <param name="progress">Receives one line per network evaluated (for stderr); called from one thread at a time.</param>
    public static WidthStudy Run(Workload lowBit, Workload baseline, string baselineName, string inner, string firstLast,
        ArchitectureSpec arch, CostSetting cost, IReadOnlyList<double> widths, Action<string> progress) =>
        Run(lowBit, baseline, baselineName, inner, firstLast, arch.Name, cost.Scaling.Target.Name,
            (network, what) => WidthCosts.Of(Checked(Evaluator.Evaluate(network, arch, cost), what)), widths, progress);

    /// <summary>
    /// The study on a nest design: every network (the baseline and each width) is <paramref name="nest"/>'s nest study in place of
    /// the array simulation, priced with the design's area for the network's formats. The session's searches are shared, so a layer
    /// that several widths leave alike (the first layer's input channels, say) is searched once.
    /// </summary>
    /// <param name="lowBit">The network at the low-bit policy, unwidened; widened here by each k.</param>
    /// <param name="baseline">The network at the baseline precision, unwidened.</param>
    /// <param name="widths">Width multipliers, ascending and distinct.</param>
    /// <param name="progress">Receives one line per network evaluated (for stderr); called from one thread at a time.</param>
    public static WidthStudy Run(Workload lowBit, Workload baseline, string baselineName, string inner, string firstLast,
        NestSession nest, IReadOnlyList<double> widths, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(nest);
        return Run(lowBit, baseline, baselineName, inner, firstLast, nest.Design.Name, nest.Options.Scaling.Target.Name,
            (network, what) => WidthCosts.Of(network, Checked(nest.Run(network), what), nest.Area(network)), widths, progress);
    }

    /// <param name="price">The costs of one network (every layer run), the second argument naming it for errors.</param>
    private static WidthStudy Run(Workload lowBit, Workload baseline, string baselineName, string inner, string firstLast,
        string architecture, string technology, Func<Workload, string, WidthCosts> price, IReadOnlyList<double> widths, Action<string> progress)
    {
        var baseCosts = price(baseline, $"the {baselineName} baseline");
        // Nearby widths often round every layer to the same channels; such networks are priced
        // once. Lazy makes a network that two searches ask for at the same time run only once.
        var cache = new ConcurrentDictionary<string, Lazy<WidthCosts>>(StringComparer.Ordinal);
        var gate = new Lock();
        WidthCosts At(double k, string why)
        {
            var widened = Widening.Widen(lowBit, k);
            var key = string.Join(";", widened.Layers.Select(l => $"{l.Shape.Channels},{l.Shape.Filters},{l.Shape.Groups}"));
            return cache.GetOrAdd(key, _ => new Lazy<WidthCosts>(() =>
            {
                var text = k.ToString("0.####", CultureInfo.InvariantCulture);
                lock (gate)
                    progress($"width: k = {text} ({why})");
                return price(widened, $"width {text}");
            })).Value;
        }

        // Grid widths are independent, and so are the two searches: they run on all cores. Every
        // network's cost is a pure function of its shapes, so the result does not depend on the order.
        var grid = new WidthCosts[widths.Count];
        Unwrap(() => Parallel.For(0, widths.Count, i => grid[i] = At(widths[i], "grid")));
        var points = widths.Select((k, i) => new WidthPoint(k, grid[i], baseCosts)).ToImmutableArray();
        var energy = Task.Run(() => BreakEven.Find([.. points.Select(p => (p.K, p.EnergyRatio))],
            k => new WidthPoint(k, At(k, "energy break-even"), baseCosts).EnergyRatio));
        var latency = Task.Run(() => BreakEven.Find([.. points.Select(p => (p.K, p.LatencyRatio))],
            k => new WidthPoint(k, At(k, "latency break-even"), baseCosts).LatencyRatio));
        Unwrap(() => Task.WaitAll(energy, latency));
        return new WidthStudy(lowBit.Name, baselineName, inner, firstLast, architecture, technology, baseCosts, points,
            energy.Result, latency.Result, cache.Count);
    }

    /// <summary>
    /// The networks a study prices at least: the baseline and <paramref name="lowBit"/> widened by each grid width, each named for an
    /// error about it (the break-even searches price widths in between as well).
    /// </summary>
    public static IEnumerable<(string Variant, Workload Workload)> Variants(Workload lowBit, Workload baseline, string baselineName, IReadOnlyList<double> widths) =>
        [($"the {baselineName} baseline", baseline), .. widths.Select(k => ($"width {k.ToString("0.####", CultureInfo.InvariantCulture)}", Widening.Widen(lowBit, k)))];

    /// <summary>The networks the study as <c>hwsim report</c> runs it prices at least (<see cref="Variants(Workload, Workload, string, IReadOnlyList{double})"/>).</summary>
    public static IEnumerable<(string Variant, Workload Workload)> Variants(Workload network, WidthSetting setting)
    {
        var policy = PrecisionPolicy.FromBits(setting.Bits, setting.Bits, FirstLastFormat.Keep(NumberFormat.Fp32));
        var baseline = new PrecisionPolicy(setting.Baseline, setting.Baseline, FirstLastFormat.Same).Apply(network);
        return Variants(policy.Apply(network), baseline, setting.Baseline.Name, setting.Widths);
    }

    /// <summary>
    /// The study as <c>hwsim report</c> runs it: <paramref name="network"/> at W<c>bits</c>A<c>bits</c>
    /// inner layers (first/last fp32) widened against the network with every layer at the baseline format.
    /// </summary>
    public static WidthStudy Run(Workload network, WidthSetting setting, ArchitectureSpec arch, CostSetting cost, Action<string> progress)
    {
        var policy = PrecisionPolicy.FromBits(setting.Bits, setting.Bits, FirstLastFormat.Keep(NumberFormat.Fp32));
        var lowBit = policy.Apply(network);
        var baseline = new PrecisionPolicy(setting.Baseline, setting.Baseline, FirstLastFormat.Same).Apply(network);
        return Run(lowBit, baseline, setting.Baseline.Name, $"{policy.InnerWeight!.Name} x {policy.InnerInput!.Name}",
            policy.FirstLast.ToString(), arch, cost, setting.Widths, progress);
    }

    /// <summary>
    /// The study as <c>hwsim report --arch NEST</c> runs it: as <see cref="Run(Workload, WidthSetting, ArchitectureSpec, CostSetting, Action{string})"/>,
    /// every network priced by <paramref name="nest"/>'s nest study.
    /// </summary>
    public static WidthStudy Run(Workload network, WidthSetting setting, NestSession nest, Action<string> progress)
    {
        var policy = PrecisionPolicy.FromBits(setting.Bits, setting.Bits, FirstLastFormat.Keep(NumberFormat.Fp32));
        var lowBit = policy.Apply(network);
        var baseline = new PrecisionPolicy(setting.Baseline, setting.Baseline, FirstLastFormat.Same).Apply(network);
        return Run(lowBit, baseline, setting.Baseline.Name, $"{policy.InnerWeight!.Name} x {policy.InnerInput!.Name}",
            policy.FirstLast.ToString(), nest, setting.Widths, progress);
    }

    /// <summary>Parallel work wraps what it throws; the user's error (or the bug) comes out as itself, one line or its own stack trace.</summary>
    private static void Unwrap(Action parallel)
    {
        try
        {
            parallel();
        }
        catch (AggregateException e)
        {
            var inner = e.Flatten().InnerExceptions;
            ExceptionDispatchInfo.Throw(inner.FirstOrDefault(x => x is InputException) ?? inner[0]);
        }
    }

    /// <summary>A ratio needs every layer priced: a layer the design cannot run (no mapping fits, a value wider than a level) is the user's to fix.</summary>
    private static NestStudyResult Checked(NestStudyResult r, string what)
    {
        var notRun = r.Layers.FirstOrDefault(l => !l.Ran);
        return notRun is null ? r
            : throw new InputException($"{what}: layer '{notRun.Layer}' does not run on {r.Design.Name}: {notRun.NotRunReason} (try another architecture or first/last format)", "architecture");
    }

    /// <summary>A ratio needs every layer priced: a layer no unit can run (or that does not fit) is the user's to fix.</summary>
    private static Evaluated Checked(Evaluated e, string what)
    {
        var notRun = e.Result.Layers.FirstOrDefault(l => !l.Ran);
        return notRun is null ? e
            : throw new InputException($"{what}: layer '{notRun.Layer}' does not run on {e.Architecture.Name}: {notRun.NotRunReason} (try another architecture or first/last format)", "architecture");
    }

    /// <summary>One line: the break-even width with the ratios either side of it, or why there is none.</summary>
    public static string BreakEvenText(string what, BreakEven be, WidthStudy s, Func<WidthPoint, double> ratio)
    {
        if (be.Width is { } k)
        {
            var around = string.Join(", ", be.Around.Select(a => $"{a.Ratio.ToString("0.000", CultureInfo.InvariantCulture)} at {F2(a.K)}"));
            return $"{what} break-even: k = {F2(k)}: the widened network's {what} equals the {s.Baseline} baseline's (ratio {around})";
        }
        var (min, max) = (s.Points.Min(ratio), s.Points.Max(ratio));
        var side = max < 1 ? "below 1 at every width: the widened network costs less" : min > 1 ? "above 1 at every width: the widened network costs more" : "crosses 1 only between grid widths and back";
        return $"{what} break-even: none in [{F(be.Low)}, {F(be.High)}] (ratio {min.ToString("0.000", CultureInfo.InvariantCulture)} to {max.ToString("0.000", CultureInfo.InvariantCulture)}, {side})";
    }

    private static string F2(double k) => k.ToString("0.00", CultureInfo.InvariantCulture);

    private static string F(double k) => k.ToString("0.##", CultureInfo.InvariantCulture);
}
