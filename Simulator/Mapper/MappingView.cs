using System.Collections.Immutable;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Units;
using HwSim.Simulator.Xnor;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator.Mapper;

/// <summary>Where a loop runs, outermost first.</summary>
public enum LoopLevel
{
    /// <summary>Over blocks, each loaded from DRAM into the buffers.</summary>
    Dram,

    /// <summary>Over folds of a block, from the buffers into the array.</summary>
    Buffer,

    /// <summary>Across the array's rows, columns or a PE's lanes, all at once.</summary>
    Spatial,

    /// <summary>In time inside a fold.</summary>
    Time,
}

/// <summary>
/// One loop of a layer's nest: <paramref name="Trips"/> iterations over <paramref name="Dim"/>,
/// each covering <paramref name="Step"/> elements of it (the last may be cut).
/// </summary>
/// <param name="Note">What the loop is in the unit's words ("rows", "lanes", "bit loop: 8 cycles per step").</param>
/// <param name="Axis">The fan-out a <see cref="LoopLevel.Spatial"/> loop runs across; null in time.</param>
public sealed record MappingLoop(LoopLevel Level, GemmDim? Dim, long Trips, long Step, string? Note, ArrayAxis? Axis = null);

/// <summary>What a spatial loop of an array spreads across.</summary>
public enum ArrayAxis
{
    Rows,
    Columns,
    Lanes,
}

/// <summary>
/// A layer's loop nest as Timeloop prints a mapping: level by level from DRAM to the PE, with
/// the tile each level holds. Derived from the mapping, the layer and the unit; nothing is
/// simulated.
/// </summary>
/// <param name="Mapping">The mapping described.</param>
/// <param name="FoldTile">Elements of M, K, N one fold covers (before edge cuts).</param>
/// <param name="BlockTile">Elements of M, K, N one block covers (the buffers' tile; the fixed mapping's is one fold).</param>
/// <param name="Extent">The group GEMM's M, K, N.</param>
/// <param name="Groups">Groups, run one after another (an outermost loop when more than one).</param>
/// <param name="Loops">Every loop, outermost first.</param>
public sealed record MappingView(LayerMapping Mapping, ImmutableArray<long> FoldTile, ImmutableArray<long> BlockTile, ImmutableArray<long> Extent,
    int Groups, ImmutableArray<MappingLoop> Loops)
{
    /// <summary>Fold tiles per block along M, K, N on this layer: the mapping's factors, at most the layer's fold tiles.</summary>
    public ImmutableArray<long> Blocks => [.. Enumerable.Range(0, 3).Select(d => Ceil(BlockTile[d], FoldTile[d]))];

    /// <summary>The nest of <paramref name="mapping"/> for <paramref name="layer"/> on <paramref name="model"/>'s unit (the fixed mapping's time chunk as the buffers cut it).</summary>
    public static MappingView Of(LayerWorkload layer, IUnitModel model, BufferSpec buffers, LayerMapping mapping)
    {
        var problem = new GemmProblem(layer);
        var unit = model.Grid(problem);
        var extent = ImmutableArray.Create(problem.M, problem.K, problem.N);
        var loops = ImmutableArray.CreateBuilder<MappingLoop>();
        long[] fold, block;
        if (mapping is LoopNestMapping nest)
        {
            var grid = unit with { TimeChunk = nest.TimeChunk };
            fold = Tile(grid, problem);
            block = [.. Enumerable.Range(0, 3).Select(d => Math.Min(extent[d], nest.Block((GemmDim)d) * fold[d]))];
            foreach (var d in nest.Order)
                loops.Add(new MappingLoop(LoopLevel.Dram, d, Ceil(extent[(int)d], block[(int)d]), block[(int)d], null));
            foreach (var d in nest.Order)
                loops.Add(new MappingLoop(LoopLevel.Buffer, d, Ceil(block[(int)d], fold[(int)d]), fold[(int)d], null));
            unit = grid;
        }
        else
        {
            // The fixed schedule: column folds outermost, then row folds, then time chunks; every fold its own block.
            var grid = model.MappingFitsBuffers ? Chunking.Fit(problem, unit, buffers).Grid : unit;
            fold = Tile(grid, problem);
            block = fold;
            foreach (var d in new[] { grid.OnCols, grid.OnRows, grid.InTime })
                loops.Add(new MappingLoop(LoopLevel.Dram, d, Ceil(extent[(int)d], fold[(int)d]), fold[(int)d], null));
            unit = grid;
        }
        loops.Add(new MappingLoop(LoopLevel.Spatial, unit.OnRows, fold[(int)unit.OnRows], 1, $"rows ({unit.ArrayRows})", ArrayAxis.Rows));
        loops.Add(new MappingLoop(LoopLevel.Spatial, unit.OnCols, fold[(int)unit.OnCols], 1, $"columns ({unit.ArrayCols})", ArrayAxis.Columns));
        var time = fold[(int)unit.InTime];
        switch (model.Spec)
        {
            case BitSerialUnitSpec b when unit.InTime == GemmDim.K:
                loops.Add(new MappingLoop(LoopLevel.Time, GemmDim.K, Ceil(time, b.Lanes), b.Lanes, "steps"));
                loops.Add(new MappingLoop(LoopLevel.Spatial, GemmDim.K, Math.Min(time, b.Lanes), 1, $"lanes ({b.Lanes})", ArrayAxis.Lanes));
                loops.Add(new MappingLoop(LoopLevel.Time, null, BitSerialModel.CyclesPerStep(b, problem), 1, $"bit loop ({b.Serial.ToString().ToLowerInvariant()} serial)"));
                break;
            case XnorUnitSpec x when unit.InTime == GemmDim.K:
                var datapath = new XnorDatapath(layer.Precision);
                loops.Add(new MappingLoop(LoopLevel.Time, GemmDim.K, Ceil(time, x.Lanes), x.Lanes, "words"));
                loops.Add(new MappingLoop(LoopLevel.Spatial, GemmDim.K, Math.Min(time, x.Lanes), 1, $"lanes of a word ({x.Lanes})", ArrayAxis.Lanes));
                if (datapath.CyclesPerStep > 1)
                    loops.Add(new MappingLoop(LoopLevel.Time, null, datapath.CyclesPerStep, 1, $"bit-plane loop ({datapath.WeightPlanes} x {datapath.InputPlanes} planes)"));
                break;
            default:
                loops.Add(new MappingLoop(LoopLevel.Time, unit.InTime, time, 1, null));
                break;
        }
        return new MappingView(mapping, [.. fold], [.. block], extent, problem.Groups, loops.ToImmutable());
    }

    private static long[] Tile(FoldGrid grid, GemmProblem p)
    {
        var tile = new long[3];
        foreach (var d in new[] { GemmDim.M, GemmDim.K, GemmDim.N })
        {
            var e = FoldGrid.Extent(p, d);
            tile[(int)d] = d == grid.OnRows ? Math.Min(e, grid.ArrayRows) : d == grid.OnCols ? Math.Min(e, grid.ArrayCols) : Math.Min(grid.TimeChunk, Math.Max(1, e));
        }
        return tile;
    }

    private static long Ceil(long a, long b) => (a + b - 1) / Math.Max(1, b);
}
