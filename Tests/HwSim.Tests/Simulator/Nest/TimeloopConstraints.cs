using System.Collections.Immutable;
using HwSim.Simulator.Nest;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The mapspace constraints of Timeloop's three exercises (TimeloopNests: same source, commit and licence) as one
/// NestLevelConstraint per TimeloopNests level, for NestMapper. Source: each design's arch.yaml "constraints" blocks; the
/// exercises have no other constraints file (workspace/example_designs/example_designs/_include/mapper.yaml only sets the search:
/// random, objective EDP, victory_condition 100, timeout 10000, 4 threads). Dataspace keep/bypass constraints are already the
/// levels' Keeps in TimeloopNests.Architecture.
/// </summary>
/// <remarks>
/// How Timeloop's constraints become NestLevelConstraints:
/// - temporal "factors: [X=1, ...]" at a level: X is not in the level's Temporal set (only "=1" factors appear in the three files).
/// - A spatial container's "factors: [X=1, ...]" and "split": the dimensions left, on the axis the split puts them, in the spatial
///   sets of shared_glb (the container's fan-out is shared_glb's, TimeloopNests' remarks).
/// - "split" as Timeloop applies it, not as it reads: the split is a position in the level's whole permutation, and Timeloop's
///   mapspace puts every dimension whose factor is 1 at the front of that permutation, before the user's (subspaces.cpp,
///   PermutationSpace::InitLevel: "&lt;unit-factors&gt;&lt;user-specified-non-unit-prefix&gt;..."; ruby.cpp,
///   AssignSpatialTilingDirections_Level_Expand: position &lt; split is X; NVlabs/timeloop 4cf6d4c). simple_* fix R=S=P=Q=1 and
///   the problem has N=1, so at least 5 unit factors come first and "split: 1" puts every non-unit loop on Y: their X axis is
///   never used. Timeloop's own mappings agree (C3 x M4 on Y for simple_ws, M16 on Y for simple_os, split 0 in map.yaml).
///   <see cref="SplitAsWritten"/> gives the reading the file suggests (permutation [C, M] innermost first, split 1: C on X, M on
///   Y), which Timeloop's own simple_ws mapping breaks (it puts C on Y).
/// - Not expressible: loop permutations (NestMapper orders each level's temporal loops at random), and the search itself
///   (Timeloop's objective was EDP, HwSim's mapper here minimises energy).
/// </remarks>
internal static class TimeloopConstraints
{
    private static ImmutableHashSet<NestDim> Dims(params NestDim[] dims) => [.. dims];

    /// <summary>The constraints of <paramref name="design"/> (TimeloopNests.Designs) as Timeloop applies them.</summary>
    public static NestLevelConstraint[] For(string design) => design switch
    {
        "simple_ws" => SimpleWs(),
        "simple_os" => SimpleOs(),
        "eyeriss_like" => EyerissLike(),
        _ => throw new ArgumentOutOfRangeException(nameof(design), design, "not one of " + string.Join(", ", TimeloopNests.Designs)),
    };

    /// <summary>
    /// simple_weight_stationary/arch.yaml:
    /// - PE container: spatial permutation [C, M], split 1, factors R=S=P=Q=1: C and M on Y (the split as Timeloop applies it).
    /// - pe_spad: temporal permutation [P, Q, R, S] (not expressible: HwSim may order pe_spad's loops any way).
    /// - weight_reg: R=S=M=C=1; input_activation_reg: P=Q=C=N=1; output_activation_reg: P=Q=M=N=1.
    /// - shared_glb: no dataspace constraint; TimeloopNests keeps all three there, as Timeloop's mapping did, where Timeloop's
    ///   mapper could also have bypassed any of them (HwSim's mapper does not explore keeps).
    /// </summary>
    public static NestLevelConstraint[] SimpleWs() => Simple();

    /// <summary>
    /// simple_output_stationary/arch.yaml: the same constraints as simple_ws (pe_spad's permutation is [R, S, P, Q], not
    /// expressible). Its shared_glb has no dataspace constraint either: TimeloopNests fixes the bypass of Outputs Timeloop's mapper
    /// chose, which HwSim's mapper cannot revisit.
    /// </summary>
    public static NestLevelConstraint[] SimpleOs() => Simple();

    private static NestLevelConstraint[] Simple(bool splitAsWritten = false) =>
    [
        NestLevelConstraint.None,
        splitAsWritten
            ? new(SpatialX: Dims(NestDim.C), SpatialY: Dims(NestDim.M))
            : new(SpatialX: Dims(), SpatialY: Dims(NestDim.C, NestDim.M)),
        NestLevelConstraint.None,
        new(Temporal: Dims(NestDim.N, NestDim.P, NestDim.Q)),
        new(Temporal: Dims(NestDim.M, NestDim.R, NestDim.S)),
        new(Temporal: Dims(NestDim.C, NestDim.R, NestDim.S)),
    ];

    /// <summary>simple_ws's or simple_os's constraints with the PE mesh's split as the file reads: C on X, M on Y (see the remarks).</summary>
    public static NestLevelConstraint[] SplitAsWritten(string design) =>
        design is "simple_ws" or "simple_os" ? Simple(splitAsWritten: true) : throw new ArgumentOutOfRangeException(nameof(design), design, "only simple_ws and simple_os have a split to read two ways");

    /// <summary>
    /// eyeriss_like/arch.yaml:
    /// - PE_column (meshX 14): split 999 (all X), factors N=C=P=R=S=1: Q and M on X.
    /// - PE (meshY 12): split 0 (all Y), factors N=P=Q=R=1: S, C and M on Y.
    /// - ifmap_spad: every factor 1 (no temporal loops); weights_spad: N=M=P=Q=S=1 (C and R); psum_spad: N=C=R=S=P=Q=1 (M).
    /// - Not expressible: the spads' permutations (only weights_spad's matters: [.., C, R], C inside R), and the two spatial
    ///   containers' order (immaterial to the counts: spatial loops run at once).
    /// </summary>
    public static NestLevelConstraint[] EyerissLike() =>
    [
        NestLevelConstraint.None,
        new(SpatialX: Dims(NestDim.Q, NestDim.M), SpatialY: Dims(NestDim.S, NestDim.C, NestDim.M)),
        new(Temporal: Dims()),
        new(Temporal: Dims(NestDim.C, NestDim.R)),
        new(Temporal: Dims(NestDim.M)),
    ];

    /// <summary>The first loop of <paramref name="mapping"/> (bound above 1) that <paramref name="constraints"/> forbid, or null.</summary>
    public static string? Broken(NestMapping mapping, IReadOnlyList<NestLevelConstraint> constraints)
    {
        for (var l = 0; l < mapping.Levels.Length; l++)
        {
            var c = constraints[l];
            foreach (var loop in mapping.Levels[l].Temporal.Where(x => x.Bound > 1))
                if (!(c.Temporal?.Contains(loop.Dim) ?? true))
                    return $"level {l}: temporal {loop}";
            foreach (var loop in mapping.Levels[l].Spatial.Where(x => x.Bound > 1))
                if (!((loop.Axis == NestAxis.X ? c.SpatialX : c.SpatialY)?.Contains(loop.Dim) ?? true))
                    return $"level {l}: spatial {loop}";
        }
        return null;
    }
}
