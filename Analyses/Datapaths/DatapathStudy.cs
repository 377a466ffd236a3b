using HwSim.Simulator.Architecture;
using System.Collections.Immutable;
using HwSim.Analyses.Compare;
using HwSim.CostModel.Evaluation;
using HwSim.Workloads;
using HwSim.Workloads.Precision;

namespace HwSim.Analyses.Datapaths;

/// <summary>One architecture at one precision: the figures <c>hwsim compare</c> reports.</summary>
public sealed record DatapathPoint(string Architecture, DatapathPrecision Precision, ConfigurationFigures Figures);

/// <summary>
/// Issue 14's comparison of low-precision datapaths: one network, its inner layers at each
/// W<i>w</i>A<i>a</i> and its first and last layers at one fixed format, simulated and priced on
/// each architecture with the same cost setting and the default mapping. A unit that cannot run
/// a layer (e.g. an XNOR-only unit at 2 bits) leaves that layer out of the point's totals and
/// names it with the simulator's reason (<see cref="ConfigurationFigures.NotRun"/>).
/// </summary>
public sealed record DatapathStudy(string Network, FirstLastFormat FirstLast, ImmutableArray<string> Architectures,
    ImmutableArray<DatapathPrecision> Precisions, ImmutableArray<DatapathPoint> Points)
{
    /// <summary>
    /// The architectures issue 14 names, in its order, less finn-like: that preset is BNN-PYNQ's
    /// layer-pipelined CNV-W1A1 (one unit per layer of that network), which no other network fits.
    /// </summary>
    public static ImmutableArray<string> DefaultArchitectures { get; } =
        ["bitfusion-like", "stripes-like", "loom-like", "dadn-like", "bismo-like", "lowbit-default"];

    /// <summary>The point of <paramref name="architecture"/> at <paramref name="precision"/>.</summary>
    public DatapathPoint this[string architecture, DatapathPrecision precision] =>
        Points.Single(p => p.Architecture == architecture && p.Precision == precision);

    /// <summary>
    /// Runs every architecture at every precision, precision by precision (the order of
    /// <see cref="Points"/>); <paramref name="progress"/> hears each point as it is done.
    /// </summary>
    public static DatapathStudy Run(Workload network, IReadOnlyList<ComparedArchitecture> architectures, IReadOnlyList<DatapathPrecision> precisions,
        FirstLastFormat firstLast, CostSetting cost, Action<DatapathPoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(cost);
        if (architectures.Count == 0)
            throw new InputException("give at least one architecture", "architectures");
        if (precisions.Count == 0)
            throw new InputException("give at least one precision", "precisions");
        // The study sweeps array units' precisions; a nest design (hwsim compare takes those) has no units to sweep.
        var specs = architectures.Select(a => a.Spec ?? throw new InputException($"'{a.Argument}' is a nest design; the datapath study runs array architectures (presets or files with units:)", "architectures")).ToList();
        // Names label rows, CSV records and plot series: two architectures with one name could not be told apart.
        var clash = specs.GroupBy(a => a.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new InputException($"two architectures are named '{clash.Key}'; give each once (rename one YAML's name)", "architectures");
        if (precisions.Distinct().Count() != precisions.Count)
            throw new InputException("a precision is given twice", "precisions");

        var points = ImmutableArray.CreateBuilder<DatapathPoint>(architectures.Count * precisions.Count);
        foreach (var precision in precisions)
        {
            var workload = PrecisionPolicy.FromBits(precision.WeightBits, precision.InputBits, firstLast).Apply(network);
            foreach (var (a, spec) in architectures.Zip(specs))
            {
                // A pipelined machine runs a network only with its own layer-to-unit assignment; the
                // study's layers run one after another, so such a pair is refused, not mis-measured.
                if (spec.Execution == Execution.LayerPipelined)
                    HwSim.Simulator.Pipeline.LayerPipeline.Check(workload, spec);
                var figures = ConfigurationFigures.From(spec.Name, a.File, Evaluator.Evaluate(workload, spec, cost));
                var point = new DatapathPoint(spec.Name, precision, figures);
                points.Add(point);
                progress?.Invoke(point);
            }
        }
        return new DatapathStudy(network.Name, firstLast, [.. specs.Select(a => a.Name)], [.. precisions], points.MoveToImmutable());
    }
}
