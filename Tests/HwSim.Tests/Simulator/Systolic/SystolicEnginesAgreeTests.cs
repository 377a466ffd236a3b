using System.Collections.Concurrent;
using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Systolic;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Systolic;

/// <summary>
/// The fast systolic model against the cycle-stepped reference over random small layers,
/// formats, arrays, dataflows, buffers and DRAM bandwidths: same cycles, stalls, folds and
/// every activity count, and the reference's output is the true convolution. Buffers are often
/// tiny, so many layers run with their time dimension chunked (os: partial reductions).
/// </summary>
public class SystolicEnginesAgreeTests
{
    [Test]
    public void FastModelEqualsCycleSteppedReference()
    {
        var seen = new ConcurrentDictionary<string, int>();
        SystolicCases.Cases.Sample(c =>
        {
            var fast = Simulation.Run(c.Layer, c.Arch, new SystolicModel(c.Unit));
            var data = ReferenceData.Random(c.Layer, c.Seed);
            var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, new SystolicReference(c.Unit), data);
            var r = reference.Result;
            Assert.That(r.Ran, Is.EqualTo(fast.Ran), $"{c}\nfast: {fast.NotRunReason}; reference: {r.NotRunReason}");
            foreach (var what in Classify(c, fast.StallCycles))
                seen.AddOrUpdate(what, 1, (_, n) => n + 1);
            if (!fast.Ran)
                return;
            Assert.That((r.ComputeCycles, r.StallCycles, r.TotalCycles, r.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.TotalCycles, fast.Folds)));
            Assert.That(r.Counts, Is.EqualTo(fast.Counts), $"\nreference: {r.Counts}\nfast:      {fast.Counts}");
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
            Assert.That(fast.Macs, Is.EqualTo(c.Layer.Macs));
            Assert.That(fast.Counts.Total(PrimitiveAction.Multiply), Is.EqualTo(c.Layer.Macs));
            Assert.That(fast.Counts.Total(PrimitiveAction.Add), Is.EqualTo(c.Layer.Macs));
        }, iter: 2000);

        TestContext.Out.WriteLine(string.Join(", ", seen.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        // The random cases must reach every memory situation the contract distinguishes, and with
        // tiny buffers most layers that run need their time dimension chunked: for os those are
        // partial reductions (preload, accumulator-width writes), for ws/is shorter folds.
        // (Typical counts per 2,000: chunked ~320, os ~195, ws ~95, is ~33, os with spilled partial sums ~40.)
        foreach (var what in new[] { "ran", "not run", "weight tiles", "input strips", "psums kept", "psums spilled", "stalls", "float" })
            Assert.That(seen.GetValueOrDefault(what), Is.GreaterThanOrEqualTo(20), what);
        foreach (var what in new[] { "os chunked", "ws chunked", "is chunked", "os chunks spilled" })
            Assert.That(seen.GetValueOrDefault(what), Is.GreaterThanOrEqualTo(10), what);
        Assert.That(seen.GetValueOrDefault("chunked"), Is.GreaterThanOrEqualTo(250), "chunked");
    }

    private static IEnumerable<string> Classify(SystolicCase c, long stalls)
    {
        var p = new GemmProblem(c.Layer);
        var (grid, unfit) = Chunking.Fit(p, new SystolicModel(c.Unit).Grid(p), c.Arch.Buffers);
        if (unfit is not null)
        {
            yield return "not run";
            yield break;
        }
        yield return "ran";
        var planner = new TrafficPlanner(p, c.Arch.Buffers);
        var folds = grid.Folds(p).ToList();
        var traffic = folds.Select(planner.Next).ToList();
        if (!planner.WeightsResident) yield return "weight tiles";
        if (!planner.InputResident) yield return "input strips";
        if (folds.Any(f => !f.EndsReduction(p.K)))
            yield return traffic.Any(t => t.PsumWriteBytes > 0) ? "psums spilled" : "psums kept";
        if (grid.TimeChunk < FoldGrid.Extent(p, grid.InTime))
        {
            // Chunks show up as more folds than the array's row and column folds make.
            Assert.That(folds, Has.Count.GreaterThan(grid.RowFolds(p) * grid.ColFolds(p) * p.Groups), c.ToString());
            yield return "chunked";
            var dataflow = c.Unit.Dataflow switch { Dataflow.OutputStationary => "os", Dataflow.WeightStationary => "ws", _ => "is" };
            yield return $"{dataflow} chunked";
            if (dataflow == "os" && traffic.Any(t => t.PsumWriteBytes > 0))
                yield return "os chunks spilled";
        }
        if (stalls > 0) yield return "stalls";
        if (c.Layer.Precision.Weight.IsFloat) yield return "float";
    }
}
