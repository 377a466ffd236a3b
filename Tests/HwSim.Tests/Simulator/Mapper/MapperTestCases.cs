using CsCheck;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Systolic;
using HwSim.Simulator.Units;
using HwSim.Simulator.Xnor;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.Mapper;

/// <summary>
/// Random layers on random units (systolic os/ws/is, bit-serial, xnor), buffers and DRAM channels
/// for the mapper's property tests: small enough to simulate hundreds, varied enough that blocks
/// cut at edges, strips cross images, K splits over blocks and partial sums spill.
/// </summary>
internal static class MapperTestCases
{
    public sealed record Case(LayerWorkload Layer, UnitSpec Unit, ArchitectureSpec Arch)
    {
        public IUnitModel Model => UnitModels.For(Unit);

        public override string ToString() =>
            $"{Layer.Shape} {Layer.Precision.Weight}x{Layer.Precision.Input} | {Unit} | storage {string.Join("; ", Arch.Buffers.Levels.Select(l => $"{l.Name} {l.CapacityBytes} B {string.Join("+", l.Holds)} word {l.WordBits} banks {l.Banks}{(l.DoubleBuffered ? "" : " single")}"))} | " +
            $"DRAM {Arch.Dram.BandwidthBytesPerCycle?.ToString() ?? "unlimited"}";
    }

    private static readonly Gen<LayerShape> Shapes =
        from groups in Gen.Int[1, 2]
        from channelsPerGroup in Gen.Int[1, 6]
        from filtersPerGroup in Gen.Int[1, 9]
        from batch in Gen.Int[1, 2]
        from h in Gen.Int[1, 12]
        from w in Gen.Int[1, 12]
        from r in Gen.Int[1, 3]
        from s in Gen.Int[1, 3]
        from stride in Gen.Int[1, 2]
        from pad in Gen.Int[0, 1]
        where r <= h + 2 * pad && s <= w + 2 * pad
        select new LayerShape(LayerKind.Convolution, batch, groups * channelsPerGroup, h, w, groups * filtersPerGroup, r, s,
            stride, stride, new Padding(pad, pad, pad, pad), 1, 1, groups);

    private static readonly long[] BufferBytes = [16, 48, 128, 512, 4096, 1 << 20];

    private static readonly int[] WordBits = [8, 64, 256];

    /// <summary>A unit of each kind, with the formats it runs.</summary>
    private static Gen<(UnitSpec Unit, NumberFormat Weight, NumberFormat Input)> Units =>
        from kind in Gen.Int[0, 4]
        from rows in Gen.Int[1, 5]
        from cols in Gen.Int[1, 5]
        from lanes in Gen.Int[1, 8]
        from bits in Gen.Int[2, 8]
        from serial in Gen.Int[0, 1]
        from drain in Gen.Int[0, 1]
        select kind switch
        {
            0 => ((UnitSpec)new SystolicUnitSpec("sys", rows, cols, Dataflow.OutputStationary, NumberFormat.Int(8)), NumberFormat.Int(8), NumberFormat.Int(8)),
            1 => (new SystolicUnitSpec("sys", rows, cols, Dataflow.WeightStationary, NumberFormat.Int(8)), NumberFormat.Int(8), NumberFormat.Int(8)),
            2 => (new SystolicUnitSpec("sys", rows, cols, Dataflow.InputStationary, NumberFormat.Int(8)), NumberFormat.Int(8), NumberFormat.Int(8)),
            3 => (new BitSerialUnitSpec("bs", rows, cols, lanes, (SerialMode)serial, maxBits: 8) { Drain = (DrainMode)drain }, NumberFormat.Int(bits), NumberFormat.UInt(bits)),
            _ => (new XnorUnitSpec("xnor", rows, cols, lanes, maxBits: 1) { Drain = (DrainMode)drain }, NumberFormat.Binary, NumberFormat.Binary),
        };

    public static readonly Gen<Case> Cases =
        from shape in Shapes
        from unit in Units
        from buffers in Gen.Int[0, BufferBytes.Length - 1].Array[3]
        from word in Gen.Int[0, WordBits.Length - 1]
        from bandwidth in Gen.Int[0, 8]
        let arch = new ArchitectureSpec("random", 500, bandwidth == 0 ? DramSpec.Unlimited : new DramSpec(bandwidth),
            new BufferSpec(BufferBytes[buffers[0]], BufferBytes[buffers[1]], BufferBytes[buffers[2]], WordBits[word]), [unit.Unit])
        select new Case(new LayerWorkload("random", shape, OperandPrecision.For(unit.Weight, unit.Input, shape.GemmK)), unit.Unit, arch);

    /// <summary>The cases on random storage levels (shared or split, own widths and banks, some single-buffered).</summary>
    public static readonly Gen<Case> StorageCases =
        from c in Cases
        from storage in Architecture.StorageLevelCases.Levels
        select c with { Arch = new ArchitectureSpec("storage", 500, storage.Single ? DramSpec.Unlimited : c.Arch.Dram, storage.Buffers, [c.Unit]) };

    /// <summary>A random loop nest for a case (legal or not): time chunk, order and block factors up to a little past the fold counts.</summary>
    public static Gen<LoopNestMapping> Mappings(Case c)
    {
        var e = new MappingEstimator(c.Layer, c.Arch, c.Model);
        var time = Math.Max(1, e.Extent(e.Grid.InTime));
        return from chunk in Gen.Long[1, time]
               from order in Gen.Int[0, 5]
               from bm in Gen.Long[1, e.FoldsAlong(GemmDim.M, chunk) + 1]
               from bk in Gen.Long[1, e.FoldsAlong(GemmDim.K, chunk) + 1]
               from bn in Gen.Long[1, e.FoldsAlong(GemmDim.N, chunk) + 1]
               select new LoopNestMapping(chunk, Orders[order], bm, bk, bn);
    }

    public static readonly GemmDim[][] Orders =
    [
        [GemmDim.M, GemmDim.K, GemmDim.N], [GemmDim.M, GemmDim.N, GemmDim.K], [GemmDim.K, GemmDim.M, GemmDim.N],
        [GemmDim.K, GemmDim.N, GemmDim.M], [GemmDim.N, GemmDim.M, GemmDim.K], [GemmDim.N, GemmDim.K, GemmDim.M],
    ];

    /// <summary>The built-in 45 nm prices for a case's buffers, as the cost model hands them to the mapper.</summary>
    public static ActionPrice Prices(ArchitectureSpec arch) => Mappers.Prices(EnergyTable.Default, EnergyContext.At45nm(arch.Buffers));
}
