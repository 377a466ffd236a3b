using System.Collections.Immutable;
using HwSim.Analyses.Nest;
using HwSim.Simulator.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// Timeloop's bandwidth model over the nest counts (NestBandwidth): a level instance that reads R words at b per cycle needs R / b
/// cycles, and the layer takes the longest of those and its compute cycles.
/// </summary>
public sealed class NestBandwidthTests
{
    private static readonly ImmutableHashSet<NestTensor> All = [NestTensor.Weights, NestTensor.Inputs, NestTensor.Outputs];

    /// <summary>
    /// One buffer keeping everything, 4 MACs under it (fan-out 4 x 1, M4 spatial), C8 in time: 8 compute cycles. Each cycle the MACs
    /// read 1 input (multicast) and 4 weights, and update 4 outputs (1 read of an old partial sum each after the first cycle): the
    /// buffer reads 8 x 5 + 7 x 4 = 68 words and takes in 8 x 4 updates plus its fills (4 x 8 weights + 8 inputs = 40).
    /// </summary>
    [TestCase(null, null, 8L)]
    [TestCase(16.0, null, 8L)]
    [TestCase(4.0, null, 17L)]
    [TestCase(null, 4.0, 18L)]
    [TestCase(2.0, 4.0, 34L)]
    public void Cycles_AreTheLongestOfComputeAndEachLevelsNeed(double? read, double? write, long cycles)
    {
        var problem = new NestProblem(1, 4, 8, 1, 1, 1, 1);
        var arch = new NestArchitecture([new NestLevel("DRAM", All), new NestLevel("buf", All, 1024, 4, 1, read, write)]);
        var mapping = new NestMapping([NestLevelLoops.Of([]), NestLevelLoops.Of([new NestLoop(NestDim.C, 8)], [new NestLoop(NestDim.M, 4, NestAxis.X)])]);
        var counts = NestAnalysis.Count(problem, arch, mapping);
        var buf = counts.Levels[1].Values.Aggregate(default(NestAccesses), (a, b) => a + b);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(counts.Cycles, Is.EqualTo(8L));
            Assert.That((buf.Reads, buf.Fills + buf.Updates), Is.EqualTo((68L, 72L)));
            Assert.That(NestBandwidth.Cycles(arch, counts), Is.EqualTo(cycles));
        }
    }

    /// <summary>The exercises' bandwidths (their arch.yaml's: the buffer 16 words per cycle, eyeriss' spads 2) do not bind their own mappings: Timeloop's printed cycles.</summary>
    [TestCase("simple_ws", 903_168L)]
    [TestCase("simple_os", 677_376L)]
    [TestCase("eyeriss_like", 86_016L)]
    public void TheExercisesMappings_RunAtTheirComputeCycles(string design, long cycles)
    {
        var d = NestDesignFile.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", design + ".yaml"));
        Assert.That(d.Architecture.Levels[1].ReadBandwidth, Is.EqualTo(16.0));
        var counts = NestAnalysis.Count(TimeloopNests.Problem, d.Architecture, TimeloopNests.Mapping(design));
        Assert.That((counts.Cycles, NestBandwidth.Cycles(d.Architecture, counts)), Is.EqualTo((cycles, cycles)));
    }

    [TestCase("read_bandwidth: 0", "read_bandwidth")]
    [TestCase("write_bandwidth: -2", "write_bandwidth")]
    [TestCase("read_bandwidth: fast", "read_bandwidth")]
    public void BadBandwidth_NamesTheFileLineAndField(string entry, string field)
    {
        var e = Assert.Throws<InputException>(() => NestDesignFile.Read("version: 1\nname: t\nlevels:\n  - { name: DRAM, class: dram }\n" +
            $"  - {{ name: buf, class: sram, depth: 4, width: 16, {entry} }}\n", "t.yaml"))!;
        Assert.That((e.File, e.Location, e.Field), Is.EqualTo(("t.yaml", "line 5", $"levels[1].{field}")));
        Assert.That(e.Rule, Does.Contain("words per cycle above 0"));
    }
}
