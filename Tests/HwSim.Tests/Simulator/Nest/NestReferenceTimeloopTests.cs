using HwSim.Simulator.Nest;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;
using static HwSim.Simulator.Nest.NestDim;
using static HwSim.Simulator.Nest.NestTensor;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// Timeloop's simple_weight_stationary exercise as a nest: the rules of Simulator/Nest/README.md against the
/// statistics Timeloop printed for the same layer and mapping.
/// </summary>
/// <remarks>
/// Source: Accelergy-Project/timeloop-accelergy-exercises (MIT), commit 2d5510807128e9bd5f1cad0705cdf2ec4612fd4e
/// (docs/validation/timeloop.md), workspace/example_designs/example_designs/simple_weight_stationary:
/// arch.yaml, and ref_outputs/default_problem/timeloop-mapper.map.txt (the mapping) and timeloop-mapper.stats.txt
/// (the counts, "Scalar reads/fills/updates (per-instance)" times "Utilized instances (max)").
/// </remarks>
[TestFixture]
public sealed class NestReferenceTimeloopTests
{
    /// <summary>
    /// The layer (C3 M32 R=S=3, 224x224 input padded by 1 to 225x225, stride 2, P=Q=112): 10,838,016 MACs, stepped
    /// one by one (12 s, 0.2 GB). Levels outermost first: DRAM; shared_glb (65,536 16-bit words, all operands; the 16x16 PE mesh,
    /// the map's "inter_PE_spatial", is its fan-out); pe_spad (192 words, weights); weight_reg, input_activation_reg,
    /// output_activation_reg (1 word each, one operand each).
    /// </summary>
    [Test]
    public void SimpleWeightStationary_MatchesTimeloopsStatistics()
    {
        var problem = new NestProblem(1, 32, 3, 112, 112, 3, 3, 2, 2);
        var arch = new NestArchitecture(
        [
            new NestLevel("DRAM", [Weights, Inputs, Outputs]),
            new NestLevel("shared_glb", [Weights, Inputs, Outputs], 65_536, 16, 16),
            new NestLevel("pe_spad", [Weights], 192),
            new NestLevel("weight_reg", [Weights], 1),
            new NestLevel("input_activation_reg", [Inputs], 1),
            new NestLevel("output_activation_reg", [Outputs], 1),
        ]);
        // timeloop-mapper.map.txt: both spatial loops on the mesh's Y axis (4 x 3 = 12 <= 16).
        var mapping = new NestMapping(
        [
            NestLevelLoops.Of([new NestLoop(Q, 14)]),
            NestLevelLoops.Of([new NestLoop(S, 3), new NestLoop(P, 2), new NestLoop(M, 8)], [new NestLoop(M, 4, NestAxis.Y), new NestLoop(C, 3, NestAxis.Y)]),
            NestLevelLoops.Of([new NestLoop(R, 3), new NestLoop(Q, 2), new NestLoop(P, 2)]),
            NestLevelLoops.Of([new NestLoop(P, 28), new NestLoop(Q, 4)]),
            NestLevelLoops.Of([]),
            NestLevelLoops.Of([]),
        ]);
        var (weights, inputs) = NestRandom.Operands(problem, 13);
        var result = NestReference.Run(problem, arch, mapping, weights, inputs);
        var counts = result.Counts;
        TestContext.Out.WriteLine(counts);
        var shape = new LayerShape(LayerKind.Convolution, 1, 3, 225, 225, 32, 3, 3, 2, 2);
        Assert.That(result.Outputs, Is.EqualTo(ReferenceConvolution.Compute(new ReferenceData(new LayerWorkload("simple_ws", shape), inputs, weights))));

        // Timeloop's "Utilized instances (max)": 12 below the mesh, 1 above.
        const long pes = 12;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((10_838_016L, 903_168L)));
            Assert.That(counts.UsedInstances, Is.EqualTo(new[] { 1L, 1, pes, pes, pes, pes }));
            Expect(counts, 5, Outputs, pes * 802_816, pes * 802_816, pes * 903_168);
            Expect(counts, 4, Inputs, pes * 903_168, pes * 903_168, 0);
            Expect(counts, 3, Weights, pes * 903_168, pes * 2_016, 0);
            Expect(counts, 2, Weights, pes * 2_016, pes * 2_016, 0);
            Expect(counts, 1, Weights, 24_192, 864, 0);
            Expect(counts, 1, Inputs, 2_709_504, 151_875, 0);
            Expect(counts, 1, Outputs, 3_211_264, 0, 3_612_672);
            Expect(counts, 0, Weights, 864, 0, 0);
            Expect(counts, 0, Inputs, 151_875, 0, 0);
            Expect(counts, 0, Outputs, 0, 0, 401_408);
        }
    }

    /// <summary>
    /// simple_output_stationary, same layer: DRAM; shared_glb (weights and inputs, outputs bypass it; the mesh's
    /// fan-out); pe_spad (192 words, outputs); the three registers. Mapping (timeloop-mapper.map.txt): DRAM P2 Q8 M2;
    /// shared_glb Q14 R3, then M16 spatial (Y); pe_spad C3 P4 S3; weight_reg P14.
    /// Timeloop's statistics equal the README's rules except two counts, pinned here at the README's values:
    /// - DRAM output updates: the rules give 1,204,224, Timeloop printed 401,408. pe_spad's output tile (56 outputs
    ///   of one filter) stays across shared_glb's R3 loop, an irrelevant loop above it. The README writes a child's
    ///   tile back at the end of each of its epochs (16 PEs x 56 outputs x 1,344 epochs); Timeloop counts a parent's
    ///   updates as the child's tile deltas (nest-analysis.cpp ComputeDeltas; tiling.cpp, read-write data spaces:
    ///   updates = content accesses), so an unchanged tile is not written back: each output once, 401,408.
    /// - shared_glb input fills and DRAM input reads: the rules give 152,550, Timeloop printed 157,296 = 16 x 9,831,
    ///   every DRAM epoch (P2 x Q8; M2 innermost keeps the tile) filling the whole tile. Consecutive Q8 tiles share
    ///   one input column (29 columns, 28 new; 3 channels x 113 rows), which the rules keep:
    ///   2 x (9,831 + 7 x 3 x 113 x 28) = 152,550; the difference is 2 x 7 x 3 x 113 = 4,746.
    /// </summary>
    [Test]
    public void SimpleOutputStationary_MatchesTimeloopExceptTwoCounts()
    {
        var problem = new NestProblem(1, 32, 3, 112, 112, 3, 3, 2, 2);
        var arch = new NestArchitecture(
        [
            new NestLevel("DRAM", [Weights, Inputs, Outputs]),
            new NestLevel("shared_glb", [Weights, Inputs], 65_536, 16, 16),
            new NestLevel("pe_spad", [Outputs], 192),
            new NestLevel("weight_reg", [Weights], 1),
            new NestLevel("input_activation_reg", [Inputs], 1),
            new NestLevel("output_activation_reg", [Outputs], 1),
        ]);
        var mapping = new NestMapping(
        [
            NestLevelLoops.Of([new NestLoop(P, 2), new NestLoop(Q, 8), new NestLoop(M, 2)]),
            NestLevelLoops.Of([new NestLoop(Q, 14), new NestLoop(R, 3)], [new NestLoop(M, 16, NestAxis.Y)]),
            NestLevelLoops.Of([new NestLoop(C, 3), new NestLoop(P, 4), new NestLoop(S, 3)]),
            NestLevelLoops.Of([new NestLoop(P, 14)]),
            NestLevelLoops.Of([]),
            NestLevelLoops.Of([]),
        ]);
        var (weights, inputs) = NestRandom.Operands(problem, 17);
        var counts = NestReference.Run(problem, arch, mapping, weights, inputs).Counts;
        TestContext.Out.WriteLine(counts);

        const long pes = 16;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((counts.Macs, counts.Cycles), Is.EqualTo((10_838_016L, 677_376L)));
            Assert.That(counts.UsedInstances, Is.EqualTo(new[] { 1L, 1, pes, pes, pes, pes }));
            Expect(counts, 5, Outputs, pes * 652_288, pes * 652_288, pes * 677_376);
            Expect(counts, 4, Inputs, pes * 677_376, pes * 677_376, 0);
            Expect(counts, 3, Weights, pes * 677_376, pes * 48_384, 0);
            Expect(counts, 2, Outputs, pes * 652_288, 0, pes * 677_376);
            Expect(counts, 1, Weights, 774_144, 13_824, 0);
            Expect(counts, 1, Inputs, 677_376, 152_550, 0); // Timeloop: fills 157,296
            Expect(counts, 0, Weights, 13_824, 0, 0);
            Expect(counts, 0, Inputs, 152_550, 0, 0); // Timeloop: reads 157,296
            Expect(counts, 0, Outputs, 0, 0, 1_204_224); // Timeloop: updates 401,408
        }
    }

    private static void Expect(NestCounts counts, int level, NestTensor tensor, long reads, long fills, long updates) =>
        Assert.That(counts[level, tensor], Is.EqualTo(new NestAccesses(reads, fills, updates)), () => $"level {level} {tensor} (reads, fills, updates)");
}
