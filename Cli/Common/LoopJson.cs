using HwSim.Simulator.Mapper;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Nest;

namespace HwSim.Cli.Common;

/// <summary>
/// One loop of a layer's mapping in JSON, the same shape for both engines (<c>layers[].mapping.loops</c>, outermost first):
/// the level it belongs to, the dimension it walks in the engine's own name, the convolution dimensions that name stands for
/// (Timeloop's letters: N images, M filters, C channels, P Q output rows and columns, R S kernel rows and columns, B input
/// bits, G groups), its trips, the elements of the dimension one trip covers, and the spatial axis for a loop that fans out.
/// </summary>
/// <param name="Level">The storage level whose tile the loop walks (a nest design's level name; an array's DRAM, buffers, array or PE).</param>
/// <param name="Dim">The engine's name of the dimension (an array's GEMM M, K, N; a nest's N, M, C, P, Q, R, S, B; G for groups).</param>
/// <param name="ConvDims">
/// The convolution dimensions <paramref name="Dim"/> stands for. An array walks a layer as GEMMs in im2col order, so its M is
/// the fused N·P·Q (output pixels, row-major), its K the fused C·R·S of one group, its N the filters M; a nest loop is one dimension.
/// </param>
/// <param name="Trips">Iterations (the last may be cut at the edge of the dimension).</param>
/// <param name="Step">Elements of <paramref name="Dim"/> one iteration covers.</param>
/// <param name="Spatial">The fan-out the loop runs across (an array's rows, columns or lanes; a nest level's x or y), or null in time.</param>
/// <param name="Note">What the loop is in the unit's words, when it says more than the other fields.</param>
public sealed record LoopJson(string Level, string Dim, IReadOnlyList<string> ConvDims, long Trips, long Step, string? Spatial, string? Note)
{
    /// <summary>An array mapping's loops, from its view (groups, when more than one, as an outermost loop at DRAM).</summary>
    public static IReadOnlyList<LoopJson> Of(MappingView view)
    {
        var loops = new List<LoopJson>();
        if (view.Groups > 1)
            loops.Add(new LoopJson("DRAM", "G", ["G"], view.Groups, 1, null, "groups, one after another"));
        foreach (var l in view.Loops)
        {
            var level = l.Level switch
            {
                LoopLevel.Dram => "DRAM",
                LoopLevel.Buffer => "buffers",
                LoopLevel.Spatial => "array",
                _ => "PE",
            };
            var (dim, conv) = l.Dim switch
            {
                GemmDim.M => ("M", new[] { "N", "P", "Q" }),
                GemmDim.K => ("K", new[] { "C", "R", "S" }),
                GemmDim.N => ("N", new[] { "M" }),
                // A loop with no GEMM dimension is a bit-serial unit's bit loop or an xnor unit's bit-plane loop.
                _ => ("B", new[] { "B" }),
            };
            loops.Add(new LoopJson(level, dim, conv, l.Trips, l.Step, l.Axis?.ToString().ToLowerInvariant(), l.Axis is null ? l.Note : null));
        }
        return loops;
    }

    /// <summary>A nest mapping's loops in Timeloop's order: each level's temporal loops, then its spatial ones.</summary>
    public static IReadOnlyList<LoopJson> Of(NestMapping mapping, NestArchitecture arch)
    {
        var all = mapping.Loops().ToList();
        var loops = new List<LoopJson>();
        for (var i = 0; i < all.Count; i++)
        {
            var (loop, level) = all[i];
            // A trip covers what the loops inside it over the same dimension cover.
            var step = 1L;
            for (var j = i + 1; j < all.Count; j++)
                if (all[j].Loop.Dim == loop.Dim)
                    step = checked(step * all[j].Loop.Bound);
            var dim = loop.Dim.ToString();
            var note = NestMapping.Kind(loop);
            loops.Add(new LoopJson(arch.Levels[level].Name, dim, [dim], loop.Bound, step, loop.Axis?.ToString().ToLowerInvariant(), note));
        }
        return loops;
    }
}
