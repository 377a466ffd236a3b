using System.Collections.Immutable;
using HwSim.Simulator.Nest;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The three Timeloop+Accelergy exercise designs of docs/validation/timeloop.md as nests: problem, architecture and
/// the mapping Timeloop's mapper printed. Source: github.com/Accelergy-Project/timeloop-accelergy-exercises (MIT
/// licence, Copyright (c) 2019 Joel Emer), commit 2d5510807128e9bd5f1cad0705cdf2ec4612fd4e,
/// workspace/example_designs/example_designs/{simple_weight_stationary,simple_output_stationary,eyeriss_like}/:
/// arch.yaml, ref_outputs/default_problem/parsed-processed-input.yaml (the problem),
/// ref_outputs/default_problem/timeloop-mapper.map.txt (the mapping and which operands each level keeps) and
/// timeloop-mapper.stats.txt (each level's "Size" in words, and the counts in
/// docs/examples/timeloop/nest/timeloop-counts.csv).
/// </summary>
/// <remarks>
/// How Timeloop's files become nests:
/// - Levels are Timeloop's storage levels from DRAM inward, in the order map.txt prints them (for a !Parallel group of
///   registers or scratchpads, Timeloop stacks them in their listed order, outermost first; stats.txt numbers them
///   the same way from the inside).
/// - A Timeloop spatial container (inter_PE_spatial, inter_PE_column_spatial) holds no data. Its mesh and its spatial
///   loops become the fan-out and spatial loops of the storage level above it (shared_glb): in the nest rules a
///   level's spatial loops fan out to the next level, which is where Timeloop's container sits.
/// - Keeps: the operands map.txt lists in the level's brackets. They agree with arch.yaml's dataspace constraints
///   where it has them; where it has none (simple_os's shared_glb) the mapper chose, and it bypassed Outputs there.
/// - Capacities: stats.txt's "Size" per instance, in words of the level's datawidth (registers 1 word).
/// - Loops: map.txt lists, under each level, the temporal loops it owns (outermost first) and, under a container,
///   the spatial loops with their axis ("Spatial-X" / "Spatial-Y"); the nest rules order them the same way.
/// </remarks>
internal static class TimeloopNests
{
    /// <summary>The designs, by the short names docs/examples/timeloop/reference.csv and timeloop-counts.csv use.</summary>
    public static readonly ImmutableArray<string> Designs = ["simple_ws", "simple_os", "eyeriss_like"];

    /// <summary>
    /// The layer of all three designs (parsed-processed-input.yaml, problem.instance): C=3, M=32, R=S=3, P=Q=112,
    /// N=1, stride 2 (224x224 input, pad 1). The nest engine, like Timeloop, takes the padded input,
    /// (P-1)·stride+R = 225 rows and columns: 3 x 225 x 225 = 151,875 inputs, the "Inputs:151875" of map.txt.
    /// </summary>
    public static NestProblem Problem { get; } = new(n: 1, m: 32, c: 3, p: 112, q: 112, r: 3, s: 3, hStride: 2, wStride: 2);

    private static readonly ImmutableHashSet<NestTensor> All = [NestTensor.Weights, NestTensor.Inputs, NestTensor.Outputs];

    private static ImmutableHashSet<NestTensor> Keeps(params NestTensor[] tensors) => [.. tensors];

    private static NestLoop T(NestDim dim, int bound) => new(dim, bound);

    private static NestLoop X(NestDim dim, int bound) => new(dim, bound, NestAxis.X);

    private static NestLoop Y(NestDim dim, int bound) => new(dim, bound, NestAxis.Y);

    private static NestLevelLoops None => NestLevelLoops.Of([]);

    /// <summary>The architecture of <paramref name="design"/> (see the class remarks).</summary>
    public static NestArchitecture Architecture(string design) => design switch
    {
        // simple_weight_stationary/arch.yaml: DRAM; shared_glb (depth 16384 x width 64 / datawidth 16 = 65,536
        // words, stats "Size : 65536"; no dataspace constraint, map.txt: it keeps all three); the PE container's
        // mesh 16 x 16; per PE pe_spad (192 words, keep Weights, bypass Inputs and Outputs) and the !Parallel
        // weight_reg, input_activation_reg, output_activation_reg (depth 1, one operand each).
        "simple_ws" => new NestArchitecture(
        [
            new NestLevel("DRAM", All),
            new NestLevel("shared_glb", All, 65536, FanoutX: 16, FanoutY: 16),
            new NestLevel("pe_spad", Keeps(NestTensor.Weights), 192),
            new NestLevel("weight_reg", Keeps(NestTensor.Weights), 1),
            new NestLevel("input_activation_reg", Keeps(NestTensor.Inputs), 1),
            new NestLevel("output_activation_reg", Keeps(NestTensor.Outputs), 1),
        ]),
        // simple_output_stationary/arch.yaml: as simple_ws, but pe_spad keeps Outputs (bypass Inputs, Weights).
        // shared_glb has no dataspace constraint; the mapper bypassed Outputs there (map.txt: "shared_glb [
        // Weights:432 (432) Inputs:9831 (9831) ]").
        "simple_os" => new NestArchitecture(
        [
            new NestLevel("DRAM", All),
            new NestLevel("shared_glb", Keeps(NestTensor.Weights, NestTensor.Inputs), 65536, FanoutX: 16, FanoutY: 16),
            new NestLevel("pe_spad", Keeps(NestTensor.Outputs), 192),
            new NestLevel("weight_reg", Keeps(NestTensor.Weights), 1),
            new NestLevel("input_activation_reg", Keeps(NestTensor.Inputs), 1),
            new NestLevel("output_activation_reg", Keeps(NestTensor.Outputs), 1),
        ]),
        // eyeriss_like/arch.yaml: DRAM; shared_glb (16384 x 64 bit, datawidth 8: 131,072 words, stats "Size :
        // 131072"; keep Inputs and Outputs, bypass Weights); PE_column (meshX 14) and PE (meshY 12): 14 x 12 PEs;
        // per PE the !Parallel ifmap_spad (12 x 16 bit / 8 = 24 words, keeps Inputs), weights_spad (192 x 16 / 8 =
        // 384 words, Weights), psum_spad (16 x 16 / 16 = 16 words, Outputs), stacked in that order (map.txt;
        // stats.txt levels 3, 2, 1).
        "eyeriss_like" => new NestArchitecture(
        [
            new NestLevel("DRAM", All),
            new NestLevel("shared_glb", Keeps(NestTensor.Inputs, NestTensor.Outputs), 131072, FanoutX: 14, FanoutY: 12),
            new NestLevel("ifmap_spad", Keeps(NestTensor.Inputs), 24),
            new NestLevel("weights_spad", Keeps(NestTensor.Weights), 384),
            new NestLevel("psum_spad", Keeps(NestTensor.Outputs), 16),
        ]),
        _ => throw new ArgumentOutOfRangeException(nameof(design), design, "not one of " + string.Join(", ", Designs)),
    };

    /// <summary>
    /// simple_ws's constraints from its arch.yaml: the mesh spreads only C and M; the weight register's loops may step only N, P, Q
    /// (R=S=M=C=1), the input register's only M, R, S (P=Q=C=N=1), the output register's only C, R, S (P=Q=M=N=1). Here rather
    /// than in NestEnergyTests so that Benchmarks/Nest, which compiles this file, searches the same mapspace.
    /// </summary>
    public static NestLevelConstraint[] SimpleWsConstraints()
    {
        static ImmutableHashSet<NestDim> Dims(params NestDim[] d) => [.. d];
        return
        [
            NestLevelConstraint.None,
            new(SpatialX: Dims(NestDim.C, NestDim.M), SpatialY: Dims(NestDim.C, NestDim.M)),
            NestLevelConstraint.None,
            new(Temporal: Dims(NestDim.N, NestDim.P, NestDim.Q)),
            new(Temporal: Dims(NestDim.M, NestDim.R, NestDim.S)),
            new(Temporal: Dims(NestDim.C, NestDim.R, NestDim.S)),
        ];
    }

    /// <summary>Timeloop's mapping of <paramref name="design"/>, transcribed loop by loop from its timeloop-mapper.map.txt.</summary>
    public static NestMapping Mapping(string design) => design switch
    {
        // simple_weight_stationary/ref_outputs/default_problem/timeloop-mapper.map.txt:
        //   DRAM: for Q in [0:14)
        //   shared_glb: for S in [0:3), for P in [0:2), for M in [0:8)
        //   inter_PE_spatial: for M in [0:4) (Spatial-Y), for C in [0:3) (Spatial-Y)
        //   pe_spad: for R in [0:3), for Q in [0:2), for P in [0:2)
        //   weight_reg: for P in [0:28), for Q in [0:4)
        //   input_activation_reg, output_activation_reg: no loops.
        "simple_ws" => new NestMapping(
        [
            NestLevelLoops.Of([T(NestDim.Q, 14)]),
            NestLevelLoops.Of([T(NestDim.S, 3), T(NestDim.P, 2), T(NestDim.M, 8)], [Y(NestDim.M, 4), Y(NestDim.C, 3)]),
            NestLevelLoops.Of([T(NestDim.R, 3), T(NestDim.Q, 2), T(NestDim.P, 2)]),
            NestLevelLoops.Of([T(NestDim.P, 28), T(NestDim.Q, 4)]),
            None,
            None,
        ]),
        // simple_output_stationary/ref_outputs/default_problem/timeloop-mapper.map.txt:
        //   DRAM: for P in [0:2), for Q in [0:8), for M in [0:2)
        //   shared_glb: for Q in [0:14), for R in [0:3)
        //   inter_PE_spatial: for M in [0:16) (Spatial-Y)
        //   pe_spad: for C in [0:3), for P in [0:4), for S in [0:3)
        //   weight_reg: for P in [0:14)
        //   input_activation_reg, output_activation_reg: no loops.
        "simple_os" => new NestMapping(
        [
            NestLevelLoops.Of([T(NestDim.P, 2), T(NestDim.Q, 8), T(NestDim.M, 2)]),
            NestLevelLoops.Of([T(NestDim.Q, 14), T(NestDim.R, 3)], [Y(NestDim.M, 16)]),
            NestLevelLoops.Of([T(NestDim.C, 3), T(NestDim.P, 4), T(NestDim.S, 3)]),
            NestLevelLoops.Of([T(NestDim.P, 14)]),
            None,
            None,
        ]),
        // eyeriss_like/ref_outputs/default_problem/timeloop-mapper.map.txt:
        //   DRAM: for P in [0:8), for Q in [0:2), for M in [0:4)
        //   shared_glb: for P in [0:14), for Q in [0:4)
        //   inter_PE_column_spatial: for Q in [0:14) (Spatial-X)
        //   inter_PE_spatial: for C in [0:3) (Spatial-Y), for S in [0:3) (Spatial-Y)
        //   ifmap_spad: no loops; weights_spad: for R in [0:3); psum_spad: for M in [0:8).
        "eyeriss_like" => new NestMapping(
        [
            NestLevelLoops.Of([T(NestDim.P, 8), T(NestDim.Q, 2), T(NestDim.M, 4)]),
            NestLevelLoops.Of([T(NestDim.P, 14), T(NestDim.Q, 4)], [X(NestDim.Q, 14), Y(NestDim.C, 3), Y(NestDim.S, 3)]),
            None,
            NestLevelLoops.Of([T(NestDim.R, 3)]),
            NestLevelLoops.Of([T(NestDim.M, 8)]),
        ]),
        _ => throw new ArgumentOutOfRangeException(nameof(design), design, "not one of " + string.Join(", ", Designs)),
    };
}
