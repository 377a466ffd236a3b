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
/// - temporal "permutation": the level's Permutation, innermost first as Timeloop reads it (NestLevelConstraint.Permutation
///   cites Timeloop's source), copied as written; listed dimensions whose factors are fixed to 1 at the level drop out of the
///   order, as in Timeloop.
/// - Not expressible: the search itself (Timeloop's objective was EDP, HwSim's mapper here minimises energy), and the spatial
///   containers' permutations beyond the split they set (immaterial to the counts: spatial loops run at once).
/// </remarks>
internal static class TimeloopConstraints
{
    private static ImmutableHashSet<NestDim> Dims(params NestDim[] dims) => [.. dims];

    private static ImmutableArray<NestDim> Order(params NestDim[] innermostFirst) => [.. innermostFirst];

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
    /// - pe_spad: temporal permutation [P, Q, R, S] (innermost first; N, M, C outside them).
    /// - weight_reg: R=S=M=C=1; input_activation_reg: P=Q=C=N=1; output_activation_reg: P=Q=M=N=1.
    /// - shared_glb: no dataspace constraint; TimeloopNests keeps all three there, as Timeloop's mapping did, where Timeloop's
    ///   mapper could also have bypassed any of them (HwSim's mapper does not explore keeps).
    /// </summary>
    public static NestLevelConstraint[] SimpleWs() => Simple(Order(NestDim.P, NestDim.Q, NestDim.R, NestDim.S));

    /// <summary>
    /// simple_output_stationary/arch.yaml: the same constraints as simple_ws but pe_spad's permutation, [R, S, P, Q]. Its
    /// shared_glb has no dataspace constraint either: TimeloopNests fixes the bypass of Outputs Timeloop's mapper chose, which
    /// HwSim's mapper cannot revisit.
    /// </summary>
    public static NestLevelConstraint[] SimpleOs() => Simple(Order(NestDim.R, NestDim.S, NestDim.P, NestDim.Q));

    private static NestLevelConstraint[] Simple(ImmutableArray<NestDim> peSpad, bool splitAsWritten = false) =>
    [
        NestLevelConstraint.None,
        splitAsWritten
            ? new(SpatialX: Dims(NestDim.C), SpatialY: Dims(NestDim.M))
            : new(SpatialX: Dims(), SpatialY: Dims(NestDim.C, NestDim.M)),
        new(Permutation: peSpad),
        new(Temporal: Dims(NestDim.N, NestDim.P, NestDim.Q)),
        new(Temporal: Dims(NestDim.M, NestDim.R, NestDim.S)),
        new(Temporal: Dims(NestDim.C, NestDim.R, NestDim.S)),
    ];

    /// <summary>simple_ws's or simple_os's constraints with the PE mesh's split as the file reads: C on X, M on Y (see the remarks).</summary>
    public static NestLevelConstraint[] SplitAsWritten(string design) =>
        design is "simple_ws" or "simple_os" ? Simple(For(design)[2].Permutation!.Value, splitAsWritten: true) : throw new ArgumentOutOfRangeException(nameof(design), design, "only simple_ws and simple_os have a split to read two ways");

    /// <summary>
    /// eyeriss_like/arch.yaml:
    /// - PE_column (meshX 14): split 999 (all X), factors N=C=P=R=S=1: Q and M on X.
    /// - PE (meshY 12): split 0 (all Y), factors N=P=Q=R=1: S, C and M on Y.
    /// - ifmap_spad: every factor 1 (no temporal loops), permutation [N, M, C, P, Q, R, S]; weights_spad: N=M=P=Q=S=1 (C and
    ///   R), permutation [N, M, P, Q, S, C, R] (only C inside R matters); psum_spad: N=C=R=S=P=Q=1 (M), permutation
    ///   [N, C, P, Q, R, S, M].
    /// - Not expressible: the two spatial containers' order (immaterial to the counts: spatial loops run at once).
    /// </summary>
    public static NestLevelConstraint[] EyerissLike() =>
    [
        NestLevelConstraint.None,
        new(SpatialX: Dims(NestDim.Q, NestDim.M), SpatialY: Dims(NestDim.S, NestDim.C, NestDim.M)),
        new(Temporal: Dims(), Permutation: Order(NestDim.N, NestDim.M, NestDim.C, NestDim.P, NestDim.Q, NestDim.R, NestDim.S)),
        new(Temporal: Dims(NestDim.C, NestDim.R), Permutation: Order(NestDim.N, NestDim.M, NestDim.P, NestDim.Q, NestDim.S, NestDim.C, NestDim.R)),
        new(Temporal: Dims(NestDim.M), Permutation: Order(NestDim.N, NestDim.C, NestDim.P, NestDim.Q, NestDim.R, NestDim.S, NestDim.M)),
    ];

    /// <summary>The first loop of <paramref name="mapping"/> (bound above 1) that <paramref name="constraints"/> forbid, or null (NestLevelConstraint.Broken).</summary>
    public static string? Broken(NestMapping mapping, IReadOnlyList<NestLevelConstraint> constraints) => NestLevelConstraint.Broken(mapping, constraints);
}
