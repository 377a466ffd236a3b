using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Pipeline;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Pipeline;

/// <summary>Composing stages: each stage is the fast engine's layer result unchanged; the pipeline adds throughput, latency, FIFOs and waiting idle cycles.</summary>
[TestFixture]
public sealed class LayerPipelineTests
{
    private static ArchitectureSpec Arch(params UnitSpec[] units) =>
        new ArchitectureSpec("p", 200, DramSpec.Unlimited, BufferSpec.FromKilobytes(64, 64, 64), units) { Execution = Execution.LayerPipelined };

    private static LayerWorkload Binary(string name, LayerShape shape, string? unit, int batch = 1) =>
        new(name, shape, OperandPrecision.For(NumberFormat.Binary, NumberFormat.Binary, shape.GemmK), unit: unit);

    private static readonly UnitSpec A = new XnorUnitSpec("a", 1, 8, lanes: 16, maxBits: 1), B = new XnorUnitSpec("b", 1, 2, lanes: 8, maxBits: 1);

    private static Workload TwoLayers(int batch = 1) => new("two",
    [
        Binary("c1", LayerShape.Conv(16, 6, 6, 8, 3, batch: batch), "a"),
        Binary("f2", LayerShape.FullyConnected(128, 4, batch: batch), "b"),
    ]);

    [Test]
    public void Stages_AreTheFastEnginesResults_AndTheSlowestSetsThroughput()
    {
        var arch = Arch(A, B);
        var w = TwoLayers();
        var p = LayerPipeline.Evaluate(w, arch);
        var sequential = Simulation.Evaluate(w, arch);
        // c1: 16 pixels x 1 fold of 8 filters, 144/16 = 9 steps + 1 drain = 160; f2: 2 folds x (128/8 = 16 + 1) = 34.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.Stages, Is.EqualTo(sequential).Using<HwSim.Simulator.Results.NetworkResult>((x, y) => x.Layers.SequenceEqual(y.Layers)));
            Assert.That(p.Pipeline.Select(s => s.Cycles), Is.EqualTo(new long[] { 160, 34 }));
            Assert.That(p.Bottleneck.Layer, Is.EqualTo("c1"));
            Assert.That(p.LatencyCycles, Is.EqualTo(sequential.TotalCycles));
            Assert.That(p.InferencesPerSecond, Is.EqualTo(200e6 / 160).Within(1e-9).Percent);
            Assert.That(p.FifoBits, Is.EqualTo(2 * 8 * 1), "two words of a's 8 PE x 1-bit outputs; none after the last stage");
            // f2 waits 160 - 34 cycles on 2 PEs per input.
            Assert.That(p.WaitingIdlePeCycles, Is.EqualTo(126 * 2));
        }
    }

    [Test]
    public void SteadyState_AddsEachStagesWaitingCyclesToItsIdleCount_AndNothingElse()
    {
        var p = LayerPipeline.Evaluate(TwoLayers(), Arch(A, B));
        var idle = ActionKey.Simple(PrimitiveAction.IdlePeCycle);
        var steady = p.SteadyState();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(steady.Layers[0].Counts, Is.EqualTo(p.Stages.Layers[0].Counts), "the bottleneck never waits");
            Assert.That(steady.Layers[1].Counts[idle] - p.Stages.Layers[1].Counts[idle], Is.EqualTo(126 * 2));
            Assert.That(steady.Counts.Counts.Keys, Is.EquivalentTo(p.Stages.Counts.Counts.Keys));
            Assert.That(steady.TotalCycles, Is.EqualTo(p.Stages.TotalCycles));
        }
    }

    [Test]
    public void Batch_MultipliesThroughput_StagesCoverTheWholeBatch()
    {
        var one = LayerPipeline.Evaluate(TwoLayers(1), Arch(A, B));
        var four = LayerPipeline.Evaluate(TwoLayers(4), Arch(A, B));
        Assert.That(four.Batch, Is.EqualTo(4));
        Assert.That(four.InferencesPerSecond, Is.EqualTo(4 * 200e6 / four.BottleneckCycles).Within(1e-9).Percent);
        Assert.That(four.BottleneckCycles, Is.GreaterThan(one.BottleneckCycles));
    }

    [Test]
    public void ALayerThatDoesNotRun_LeavesNoThroughput()
    {
        // b takes binary only: an int8 layer on it does not run.
        var w = new Workload("bad", [Binary("c1", LayerShape.Conv(16, 6, 6, 8, 3), "a"),
            new LayerWorkload("f2", LayerShape.FullyConnected(128, 4), OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), 128), unit: "b")]);
        var p = LayerPipeline.Evaluate(w, Arch(A, B));
        Assert.That(p.Complete, Is.False);
        Assert.That(p.Pipeline, Is.Empty);
        Assert.That(p.SteadyState(), Is.SameAs(p.Stages));
    }

    [TestCase(null, "c1", "every layer needs its own unit")]
    [TestCase("z", "c1", "names unit 'z', which architecture 'p' does not have")]
    [TestCase("a", "f2", "unit 'a' already runs layer 'c1'")]
    public void Check_NamesTheLayerFieldAndRule(string? unit, string layer, string rule)
    {
        var w = new Workload("w", [Binary("c1", LayerShape.Conv(16, 6, 6, 8, 3), unit ?? (layer == "c1" ? null : "a")),
            Binary("f2", LayerShape.FullyConnected(128, 4), layer == "f2" ? unit : "b")]);
        var e = Assert.Throws<InputException>(() => LayerPipeline.Evaluate(w, Arch(A, B)))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Location, Is.EqualTo($"layer '{layer}'"));
            Assert.That(e.Field, Is.EqualTo("unit"));
            Assert.That(e.Rule, Does.Contain(rule));
        }
    }
}
