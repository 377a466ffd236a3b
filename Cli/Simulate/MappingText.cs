using System.Globalization;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads;

namespace HwSim.Cli.Simulate;

/// <summary>
/// <c>--show-mapping</c>: each layer's loop nest, one line per loop, level by level from DRAM to
/// the PE, as Timeloop prints a mapping.
/// </summary>
internal static class MappingText
{
    /// <summary>The views of the layers that ran, in order (null for a layer that did not).</summary>
    public static IReadOnlyList<MappingView?> Views(Workload workload, ArchitectureSpec arch, NetworkResult result)
    {
        var models = arch.Units.ToDictionary(u => u.Name, UnitModels.For);
        return [.. result.Layers.Select((r, i) => r.Ran && r.Mapping is { } m && r.Unit is { } u && models.TryGetValue(u, out var model)
            ? MappingView.Of(workload.Layers[i], model, arch.Buffers, m) : null)];
    }

    /// <param name="levels">The on-chip storage levels' names (the architecture's buffers), for the DRAM level's heading.</param>
    public static void Write(TextWriter w, NetworkResult result, IReadOnlyList<MappingView?> views, IReadOnlyList<string> levels)
    {
        var buffers = $"buffers ({string.Join(", ", levels)})";
        w.WriteLine("Mappings, outermost loop first (M = output pixels N*P*Q, K = reduction terms C/G*R*S, N = filters per group):");
        for (var i = 0; i < result.Layers.Length; i++)
        {
            var r = result.Layers[i];
            w.WriteLine();
            if (views[i] is not { } v)
            {
                w.WriteLine($"{r.Layer}: not run ({r.NotRunReason})");
                continue;
            }
            w.WriteLine($"{r.Layer} on {r.Unit}: {Describe(v)}; GEMM M {I(v.Extent[0])} x K {I(v.Extent[1])} x N {I(v.Extent[2])}{(v.Groups > 1 ? $", {I(v.Groups)} groups" : "")}");
            var depth = 0;
            if (v.Groups > 1)
                w.WriteLine($"  | for group in [0:{I(v.Groups)})");
            depth += v.Groups > 1 ? 1 : 0;
            LoopLevel? level = null;
            foreach (var loop in v.Loops)
            {
                if (loop.Level != level)
                {
                    level = loop.Level;
                    w.WriteLine($"  {Heading(loop.Level, v, buffers)}");
                }
                var dim = loop.Dim?.ToString() ?? "b";
                var kind = loop.Level == LoopLevel.Spatial ? "parallel-for" : "for";
                var step = loop.Step > 1 ? $" step {I(loop.Step)}" : "";
                var note = loop.Note is null ? "" : $"  ({loop.Note})";
                w.WriteLine($"  | {Pad(depth++)}{kind} {dim} in [0:{I(loop.Trips)}){step}{note}");
            }
        }
        // The same mappings in the form --mapping reads (and --save-mapping writes), to copy, edit and re-run; a workload whose
        // names cannot be written so (a glob character, one name mapped two ways) prints the nests alone.
        string file;
        try
        {
            file = MappingFile.Write(result.Layers.Where(l => l.Mapping is not null).Select(l => (l.Layer, l.Mapping!)));
        }
        catch (InputException)
        {
            return;
        }
        w.WriteLine();
        w.WriteLine("# as a mapping file (--mapping):");
        w.Write(file);
    }

    private static string Heading(LoopLevel level, MappingView v, string buffers) => level switch
    {
        LoopLevel.Dram => v.Mapping is FixedMapping
            ? $"DRAM -> {buffers}, every fold its own block: M {I(v.BlockTile[0])} K {I(v.BlockTile[1])} N {I(v.BlockTile[2])}"
            : $"DRAM -> {buffers}, blocks of M {I(v.BlockTile[0])} K {I(v.BlockTile[1])} N {I(v.BlockTile[2])}",
        LoopLevel.Buffer => $"buffers -> array, folds of M {I(v.FoldTile[0])} K {I(v.FoldTile[1])} N {I(v.FoldTile[2])}",
        LoopLevel.Spatial => "array, spatial",
        _ => "PE, in time",
    };

    /// <summary>The mapping in one line, with the block factors it has on this layer (a factor above the layer's fold tiles is all of them).</summary>
    public static string Describe(MappingView v) => v.Mapping switch
    {
        LoopNestMapping n => $"order {string.Join(" ", n.Order)}, time chunk {I(n.TimeChunk)}, block M {I(v.Blocks[0])} K {I(v.Blocks[1])} N {I(v.Blocks[2])} fold tiles",
        _ => "fixed (column folds, row folds, time chunks)",
    };

    private static string Pad(int depth) => new(' ', 2 * depth);

    private static string I(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
