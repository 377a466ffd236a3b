using System.Collections.Immutable;
using HwSim.CostModel.Area;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Nest;
using HwSim.Workloads.Formats;

namespace HwSim.CostModel.Nest;

/// <summary>One level of a nest design in area: its instances, each made of <see cref="Parts"/> (none for DRAM).</summary>
/// <param name="Instances">Copies of the level: the product of the fan-outs of the levels above it.</param>
public sealed record NestLevelArea(string Level, NestStorageClass Class, long Instances, ImmutableArray<AreaPart> Parts)
{
    /// <summary>One instance: the sum of its parts.</summary>
    public AreaUm2 Each => Parts.Aggregate(AreaUm2.Zero, (sum, p) => sum + p.Area);

    /// <summary>All instances.</summary>
    public AreaUm2 Area => Each * Instances;
}

/// <summary>
/// A nest design's area: every level (instances x one instance) and the MACs (one per PE). The total is the sum of the levels and
/// the MACs exactly. DRAM, the DRAM interface, control, the on-chip network and the clock tree are not included, as in
/// <see cref="AreaReport"/>.
/// </summary>
/// <param name="Macs">MACs: the product of every level's fan-out.</param>
/// <param name="Mac">One MAC: a multiplier and an adder for the widest formats the workload's layers use.</param>
/// <param name="Warnings">Levels the CACTI table could not price (their area comes from the fitted SRAM law).</param>
public sealed record NestAreaReport(string Design, TechnologyScaling Scaling, ImmutableArray<NestLevelArea> Levels, long Macs, PeArea Mac, ImmutableArray<string> Warnings)
{
    /// <summary>All the MACs.</summary>
    public AreaUm2 MacArea => Mac.Total * Macs;

    /// <summary>The levels and the MACs, at the report's node.</summary>
    public AreaUm2 Total => Levels.Aggregate(MacArea, (sum, l) => sum + l.Area);

    public double TotalSquareMillimetres => Total.SquareMillimetres;
}

/// <summary>
/// The area of a nest design (Analyses/Nest/NestDesignFile.cs), from the same tables as the array architectures'
/// (<see cref="AreaModel"/>): per level, its instances (the product of the fan-outs above it) x one instance, and one MAC per PE.
/// <list type="bullet">
/// <item>SRAM: the CACTI 7 table's area at the level's capacity, row width and banks, one single array (a Timeloop level's capacity
/// is all of it; no double buffer is implied), as NestEnergy prices its accesses from the same table; a size outside the table
/// takes the fitted SRAM law and is a warning.</item>
/// <item>Register file (a PE's scratchpad): Aladdin's model at its real size, one register per bit (depth x width bits) and one
/// ceil(log2 depth)-bit address comparator per row, from the area table's register and comparator rows (Aladdin's 5.98 um^2 per
/// bit and 71 um^2 per 32-bit comparator, scaled by width / 32 as Aladdin does). Aladdin's own regfile area
/// (accelergy-aladdin-plug-in aladdin_table.py regfile_estimate_area) adds one register's area, not depth x width of them; HwSim
/// counts every bit.</item>
/// <item>Register: the area table's register row per bit, for what it holds: its capacity in words x the widest format of the
/// operands it keeps over the workload's layers (partial sums for outputs). NestEnergy charges a register per bit of the operand
/// it loads, and the level's price (NestLevelCost.Register) keeps no width of its own.</item>
/// <item>DRAM: none (off chip).</item>
/// <item>MACs: the product of every level's fan-out, each a multiplier of the weight and input formats and an adder of the
/// partial sum's (integer: the int_mult and int_add laws; float: Horowitz's float rows, bf16 as fp16), as NestEnergy prices a
/// MAC. One MAC runs every layer, so it is built for the widest formats the layers use (as an array unit is built for its widest
/// format); registers are the design's own levels, not part of the MAC.</item>
/// </list>
/// Everything at 45 nm, then x the scaling's area factor (Stillmaker and Baas), as <see cref="AreaModel"/>.
/// </summary>
public static class NestArea
{
    /// <param name="design">The design's name, for the report.</param>
    /// <param name="precisions">The workload layers' formats (at least one): they size the MACs and the register levels.</param>
    public static NestAreaReport Of(string design, NestArchitecture arch, IReadOnlyList<NestLevelCost> costs, IReadOnlyCollection<OperandPrecision> precisions,
        AreaTable table, TechnologyScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(precisions);
        ArgumentNullException.ThrowIfNull(table);
        if (costs.Count != arch.Levels.Length)
            throw new ArgumentException($"{costs.Count} level prices for {arch.Levels.Length} levels", nameof(costs));
        if (precisions.Count == 0)
            throw new ArgumentException("the MACs and registers are sized for the workload's formats: give at least one", nameof(precisions));
        var factor = AreaModel.CheckedFactor(scaling);
        var laws = table.Laws;
        var warnings = new List<string>();
        var levels = ImmutableArray.CreateBuilder<NestLevelArea>(arch.Levels.Length);
        var instances = 1L;
        for (var l = 0; l < arch.Levels.Length; l++)
        {
            var level = arch.Levels[l];
            levels.Add(new NestLevelArea(level.Name, costs[l].Class, instances, Parts(level, costs[l], precisions, table, factor, warnings)));
            instances = checked(instances * level.FanoutX * level.FanoutY);
        }
        return new NestAreaReport(design, scaling, levels.MoveToImmutable(), instances, Mac(precisions, laws, factor), [.. warnings]);
    }

    private static ImmutableArray<AreaPart> Parts(NestLevel level, NestLevelCost cost, IReadOnlyCollection<OperandPrecision> precisions, AreaTable table, double factor, List<string> warnings)
    {
        var laws = table.Laws;
        switch (cost.Class)
        {
            case NestStorageClass.Dram:
                return [];
            case NestStorageClass.Register:
            {
                var words = level.CapacityWords ?? throw new ArgumentException($"register level {level.Name} has no capacity", nameof(level));
                var widest = precisions.Max(p => level.Keeps.Max(t => Bits(t, p)));
                var bit = laws.RegisterBit;
                return [new AreaPart($"registers (bits: {words} words x {widest} bits)", checked(words * widest), bit.Area * factor, bit.Source)];
            }
            case NestStorageClass.RegisterFile:
            {
                var bit = laws.RegisterBit;
                var addressBits = NestEnergy.AddressBits(cost.Depth);
                var comparator = laws.Comparator(addressBits);
                return
                [
                    new AreaPart($"registers (bits: {cost.Depth} rows x {cost.RowBits} bits)", checked(cost.Depth * cost.RowBits), bit.Area * factor, bit.Source),
                    new AreaPart($"address comparators ({addressBits} bits, one per row)", cost.Depth, comparator.Area * factor, comparator.Source),
                ];
            }
            default:
            {
                var (sram, outside) = AreaModel.Sram(table, cost.CapacityBytes, cost.RowBits, cost.Banks, doubleBuffered: false);
                if (outside is not null)
                    warnings.Add($"{level.Name}: {outside}; its area comes from the fitted SRAM law instead");
                return [new AreaPart($"SRAM array ({cost.CapacityBytes} B, {cost.RowBits}-bit rows, {cost.Banks} bank{(cost.Banks == 1 ? "" : "s")})", 1, sram.Area * factor, sram.Source)];
            }
        }
    }

    // What one word of an operand takes in a level, as NestEnergy prices it: outputs move as partial sums.
    private static int Bits(NestTensor tensor, OperandPrecision p) => tensor switch
    {
        NestTensor.Weights => p.Weight.Bits,
        NestTensor.Inputs => p.Input.Bits,
        _ => p.Accumulator.Bits,
    };

    /// <summary>
    /// One MAC that runs every layer: a multiplier for the widest weight and the widest input format, an adder for the widest
    /// partial sum. A float operand anywhere makes the multiplier a float one of the widest float format (bf16 priced as fp16), and a
    /// float partial sum the adder a float one; otherwise integer laws at the widest widths.
    /// </summary>
    private static PeArea Mac(IReadOnlyCollection<OperandPrecision> precisions, AreaLaws laws, double factor)
    {
        var operands = precisions.SelectMany(p => new[] { p.Weight, p.Input }).ToList();
        var floatOperand = operands.Where(f => f.IsFloat).MaxBy(f => f.Bits);
        var (w, i) = (precisions.Max(p => p.Weight.Bits), precisions.Max(p => p.Input.Bits));
        var floatSum = precisions.Select(p => p.Accumulator).Where(f => f.IsFloat).MaxBy(f => f.Bits);
        var sumBits = precisions.Max(p => p.Accumulator.Bits);
        var multiplier = floatOperand is { } f ? laws.FpMult(f) : laws.IntMultiplier(w, i);
        var adder = floatSum is { } s ? laws.FpAdd(s) : laws.IntAdder(sumBits);
        var multiplierName = floatOperand is { } g ? $"{g} multiplier" : $"{w} x {i}-bit multiplier";
        var adderName = floatSum is { } t ? $"{t} adder" : $"{sumBits}-bit adder";
        return new PeArea($"{multiplierName}, {adderName} (the widest formats of the workload's layers)",
        [
            new AreaPart(multiplierName, 1, multiplier.Area * factor, multiplier.Source),
            new AreaPart(adderName, 1, adder.Area * factor, adder.Source),
        ]);
    }
}
