using System.Collections.Immutable;
using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The fast nest engine on Timeloop's simple_weight_stationary exercise (Accelergy-Project/timeloop-accelergy-exercises
/// at 2d5510807128e9bd5f1cad0705cdf2ec4612fd4e, MIT; workspace/example_designs/example_designs/simple_weight_stationary:
/// arch.yaml and ref_outputs/default_problem/timeloop-mapper.map.txt for the mapping, timeloop-mapper.stats.txt for the
/// figures pinned here, per instance as printed there, times the 12 instances used).
/// </summary>
public sealed class NestAnalysisTests
{
    private static ImmutableHashSet<NestTensor> Keeps(params NestTensor[] t) => [.. t];

    private static NestLoop T(NestDim d, int b) => new(d, b);

    private static NestLoop Y(NestDim d, int b) => new(d, b, NestAxis.Y);

    internal static (NestProblem, NestArchitecture, NestMapping) SimpleWs()
    {
        var problem = new NestProblem(1, 32, 3, 112, 112, 3, 3, 2, 2);
        var arch = new NestArchitecture([
            new NestLevel("DRAM", Keeps(NestTensor.Weights, NestTensor.Inputs, NestTensor.Outputs)),
            new NestLevel("shared_glb", Keeps(NestTensor.Weights, NestTensor.Inputs, NestTensor.Outputs), 65_536, 16, 16),
            new NestLevel("pe_spad", Keeps(NestTensor.Weights), 192),
            new NestLevel("weight_reg", Keeps(NestTensor.Weights), 1),
            new NestLevel("input_activation_reg", Keeps(NestTensor.Inputs), 1),
            new NestLevel("output_activation_reg", Keeps(NestTensor.Outputs), 1),
        ]);
        var mapping = new NestMapping([
            NestLevelLoops.Of([T(NestDim.Q, 14)]),
            NestLevelLoops.Of([T(NestDim.S, 3), T(NestDim.P, 2), T(NestDim.M, 8)], [Y(NestDim.M, 4), Y(NestDim.C, 3)]),
            NestLevelLoops.Of([T(NestDim.R, 3), T(NestDim.Q, 2), T(NestDim.P, 2)]),
            NestLevelLoops.Of([T(NestDim.P, 28), T(NestDim.Q, 4)]),
            NestLevelLoops.Of([]),
            NestLevelLoops.Of([]),
        ]);
        return (problem, arch, mapping);
    }

    [Test]
    public void SimpleWs_TimeloopsStatistics()
    {
        var (problem, arch, mapping) = SimpleWs();
        Assert.That(mapping.Unfit(problem, arch), Is.Null);
        var c = NestAnalysis.Count(problem, arch, mapping);
        TestContext.Out.WriteLine(c);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((c.Macs, c.Cycles, c.UsedInstances[5]), Is.EqualTo((10_838_016L, 903_168L, 12L)));
            Assert.That(c[5, NestTensor.Outputs], Is.EqualTo(new NestAccesses(12 * 802_816L, 12 * 802_816L, 12 * 903_168L)), "output_activation_reg");
            Assert.That(c[4, NestTensor.Inputs], Is.EqualTo(new NestAccesses(12 * 903_168L, 12 * 903_168L, 0)), "input_activation_reg");
            Assert.That(c[3, NestTensor.Weights].Reads, Is.EqualTo(12 * 903_168L), "weight_reg reads");
            Assert.That(c[1, NestTensor.Weights], Is.EqualTo(new NestAccesses(24_192, 864, 0)), "shared_glb weights");
            Assert.That(c[1, NestTensor.Inputs], Is.EqualTo(new NestAccesses(2_709_504, 151_875, 0)), "shared_glb inputs");
            Assert.That(c[1, NestTensor.Outputs], Is.EqualTo(new NestAccesses(3_211_264, 0, 3_612_672)), "shared_glb outputs");
        }
    }
}
