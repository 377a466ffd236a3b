using System.Collections.Immutable;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Nest;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;

namespace HwSim.CostModel.Nest;

/// <summary>What a nest level is built as, for pricing.</summary>
public enum NestStorageClass
{
    /// <summary>Off-chip memory, priced per bit by device type (never scaled by the node).</summary>
    Dram,

    /// <summary>An SRAM array (or register file) priced from the CACTI 7 table at its capacity, row width and banks.</summary>
    Sram,

    /// <summary>A register: Aladdin's per-bit read and write.</summary>
    Register,

    /// <summary>
    /// A register file (a PE's small scratchpad): Aladdin's model, as Accelergy's regfile class builds it (accelergy-aladdin-plug-in;
    /// timeloop-accelergy-exercises _components/regfile.yaml): one register per bit of the row and one address comparator per row.
    /// An access reads or writes one row's registers, and every row compares the address: RowBits register bits plus Depth
    /// comparators of ceil(log2 Depth) bits, at the real size (no CACTI floor of 64 rows and 32 bits, which Accelergy's
    /// smartbuffer_RF applies and which prices the exercises' spads 2-5x higher). Reads are charged: they go through the row select
    /// (HwSim's register convention charges reads through a multiplexer or port).
    /// </summary>
    RegisterFile,
}

/// <summary>How one nest level is priced.</summary>
/// <param name="CapacityBytes">The SRAM array's capacity (one instance), for the CACTI table.</param>
/// <param name="RowBits">Bits one SRAM access moves (the array's width); a scalar of b bits costs b / RowBits of an access, as
/// Timeloop charges a word of a wider block.</param>
/// <param name="Banks">SRAM banks.</param>
/// <param name="Dram">DRAM device type.</param>
/// <param name="Depth">A register file's rows.</param>
public sealed record NestLevelCost(NestStorageClass Class, long CapacityBytes = 0, int RowBits = 0, int Banks = 1, DramKind Dram = DramKind.Lpddr4, long Depth = 0)
{
    public static NestLevelCost OfDram(DramKind kind) => new(NestStorageClass.Dram, Dram: kind);

    public static NestLevelCost OfSram(long capacityBytes, int rowBits, int banks = 1) => new(NestStorageClass.Sram, capacityBytes, rowBits, banks);

    public static NestLevelCost Register { get; } = new(NestStorageClass.Register);

    /// <param name="depth">Rows.</param>
    /// <param name="rowBits">Bits per row.</param>
    public static NestLevelCost OfRegisterFile(long depth, int rowBits) => new(NestStorageClass.RegisterFile, checked(depth * rowBits / 8), rowBits, Depth: depth);
}

/// <summary>One level's energy, reads apart from writes (fills and updates).</summary>
public sealed record NestLevelEnergy(string Level, EnergyPj Reads, EnergyPj Writes)
{
    public EnergyPj Total => Reads + Writes;
}

/// <summary>A nest run priced: the MACs, every level, the total, and the SRAM queries the CACTI table could not answer.</summary>
/// <param name="Macs">The compute: MACs, or for a bit-serial problem its bit-steps (AND gates, adder-tree inputs) and its accumulations.</param>
public sealed record NestEnergyReport(EnergyPj Macs, ImmutableArray<NestLevelEnergy> Levels, ImmutableArray<string> Warnings)
{
    public EnergyPj Total => Levels.Aggregate(Macs, (a, l) => a + l.Total);
}

/// <summary>
/// Prices a nest engine's counts (Simulator/Nest) with HwSim's tables: each MAC as a multiply of the weight and input widths plus an
/// add of the partial sum's, each scalar access of a level at its class's price for the operand's width. Reads are reads; fills and
/// updates are writes. HwSim's register convention (Simulator/README.md §5) applies to register levels: a register that holds an
/// operand for the MAC it feeds is not read again each cycle, so a register level's reads (which serve only the MACs) cost nothing,
/// and its loads (fills, updates) are charged.
/// </summary>
/// <remarks>
/// A bit-serial problem (B = <see cref="NestProblem.Bits"/> above 1, Simulator/Nest/README.md) is priced as HwSim's bit-serial array
/// kind prices its steps (Simulator/BitSerial/BitSerialModel.cs, Counted(), serial activations), with the same actions and table rows
/// (a Stripes SIP: lanes whose products an adder tree sums, and one shift-accumulator after the tree):
/// <list type="bullet">
/// <item>each bit-step (a counted MAC) ANDs the b_w weight bits with one input bit, b_w <c>AndBitOp</c>s, and feeds the b_w product
/// bits into the adder tree, b_w <c>PopcountInputBit</c>s (the array kind counts one tree input per AND);</item>
/// <item>each accumulation into the PE's accumulator (<see cref="NestCounts.Accumulations"/>: the innermost output keeper's updates,
/// one per tree sum, since the MACs that meet on one output in one cycle are reduced first) is one <c>ShiftAccumulate</c> of the
/// partial sum's width (priced as an add of that width unless the table has a row: the shift is wiring). With C, R, S or B spread
/// over L lanes below that level, that is one per L bit-steps, as the array kind's one per PE per compute cycle.</item>
/// </list>
/// A bit-parallel problem keeps Timeloop's convention: each MAC a multiply and an add, the network's reduction of PEs that share an
/// output not priced apart. An input access moves one bit: a level's price per input access is that of a 1-bit scalar (a row access
/// costs 1 / RowBits of a row, DRAM 1/8 of a byte, a register one bit).
/// </remarks>
public static class NestEnergy
{
    // An EnergyContext's buffers price only the GEMM engines' SRAM keys, which nest counts never produce (nest SRAM levels are
    // priced from their own NestLevelCost); the context is needed for its node scaling, and its DRAM type is set per level.
    private static readonly BufferSpec UnusedBuffers = BufferSpec.FromKilobytes(1, 1, 1, 8);

    /// <param name="output">The finished outputs' format: each output's last write-back into level 0 is a finished output (what a
    /// layer writes to DRAM), every other output access a partial sum of <paramref name="partialSum"/>'s width.</param>
    public static NestEnergyReport Price(NestProblem problem, NestArchitecture arch, IReadOnlyList<NestLevelCost> costs, NestCounts counts,
        NumberFormat weight, NumberFormat input, NumberFormat partialSum, NumberFormat output, EnergyTable table, TechnologyScaling scaling) =>
        Sheet(problem, arch, costs, weight, input, partialSum, output, table, scaling).Price(counts);

    /// <summary>
    /// The prices of one layer on one design, looked up once (each level's read and write per operand width, the MAC), for pricing
    /// many mappings' counts: the mapper costs every sample it keeps.
    /// </summary>
    public static NestPriceSheet Sheet(NestProblem problem, NestArchitecture arch, IReadOnlyList<NestLevelCost> costs,
        NumberFormat weight, NumberFormat input, NumberFormat partialSum, NumberFormat output, EnergyTable table, TechnologyScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(scaling);
        var context = new EnergyContext(UnusedBuffers, DramKinds.Default, scaling);
        if (costs.Count != arch.Levels.Length)
            throw new ArgumentException($"{costs.Count} level prices for {arch.Levels.Length} levels", nameof(costs));
        if (problem.Bits > 1 && (weight.IsFloat || input.IsFloat))
            throw new ArgumentException($"a bit-serial problem ({problem}) needs integer weights and inputs, got {weight} and {input}", nameof(weight));
        var mac = problem.Bits == 1
            ? table.Energy(ActionKey.Multiply(weight, input), context) + table.Energy(ActionKey.Add(partialSum), context)
            : BitStep(weight, table, context);
        // A bit-parallel MAC's add is in its price; a bit-serial PE's shift-accumulate is per accumulation, not per bit-step.
        var accumulate = problem.Bits == 1 ? EnergyPj.Zero : Accumulate(partialSum, table, context);
        var warnings = new List<string>();
        var perTensor = new (EnergyPj Read, EnergyPj Write)[arch.Levels.Length, 3];
        for (var l = 0; l < arch.Levels.Length; l++)
            foreach (var tensor in arch.Levels[l].Keeps)
            {
                // A bit-serial problem's input element is one bit (its accesses move one bit each).
                var bits = tensor switch { NestTensor.Weights => weight.Bits, NestTensor.Inputs => problem.Bits == 1 ? input.Bits : 1, _ => partialSum.Bits };
                perTensor[l, (int)tensor] = Scalar(costs[l], bits, table, context, warnings, arch.Levels[l].Name);
            }
        var finishedWrite = arch.Levels[0].Holds(NestTensor.Outputs) ? Scalar(costs[0], output.Bits, table, context, warnings, arch.Levels[0].Name).Write : EnergyPj.Zero;
        return new NestPriceSheet(problem, arch, mac, accumulate, perTensor, finishedWrite, [.. warnings.Distinct()]);
    }

    /// <summary>
    /// One bit-step of a bit-serial PE, BitSerialModel's serial-activation step for one term: the weight's b_w bit-planes ANDed with the
    /// input bit (b_w <c>AndBitOp</c>; binary and ternary weights as 2-bit codes, as the array kind's lane registers hold them), and
    /// the b_w product bits into the lanes' adder tree (b_w <c>PopcountInputBit</c>, as BitSerialModel counts one per bit op).
    /// </summary>
    internal static EnergyPj BitStep(NumberFormat weight, EnergyTable table, EnergyContext context) =>
        (table.Energy(ActionKey.Simple(PrimitiveAction.AndBitOp), context) + table.Energy(ActionKey.Simple(PrimitiveAction.PopcountInputBit), context))
        * CodeHistogram.Planes(weight);

    /// <summary>One accumulation of a bit-serial PE: a <c>ShiftAccumulate</c> of the partial sum's width (BitSerialModel's, per PE per compute cycle).</summary>
    internal static EnergyPj Accumulate(NumberFormat partialSum, EnergyTable table, EnergyContext context) =>
        table.Energy(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, partialSum.Bits), context);

    /// <summary>Bits of a row address: ceil(log2 depth), at least 1.</summary>
    internal static int AddressBits(long depth) => depth <= 2 ? 1 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(depth - 1));

    private static (EnergyPj Read, EnergyPj Write) Scalar(NestLevelCost cost, int bits, EnergyTable table, EnergyContext context, List<string> warnings, string level)
    {
        switch (cost.Class)
        {
            case NestStorageClass.Dram:
                var dram = context with { Dram = cost.Dram };
                return (table.Energy(ActionKey.Simple(PrimitiveAction.DramReadByte), dram) * (bits / 8.0),
                        table.Energy(ActionKey.Simple(PrimitiveAction.DramWriteByte), dram) * (bits / 8.0));
            case NestStorageClass.Register:
                return (EnergyPj.Zero, table.Energy(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), context) * bits);
            case NestStorageClass.RegisterFile:
            {
                // A word of b bits costs b / RowBits of a row access, as for SRAM rows (Timeloop's block).
                var rowShare = (double)bits / cost.RowBits;
                var compare = table.Energy(ActionKey.Simple(PrimitiveAction.CompareBit), context) * ((double)cost.Depth * AddressBits(cost.Depth));
                return ((table.Energy(ActionKey.Simple(PrimitiveAction.RegisterReadBit), context) * cost.RowBits + compare) * rowShare,
                        (table.Energy(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), context) * cost.RowBits + compare) * rowShare);
            }
            default:
                var share = (double)bits / cost.RowBits;
                var factor = EnergyTable.NodeFactor(PrimitiveAction.SramReadWord, context);
                var (read, outsideRead) = table.SramWord(EnergyAction.SramReadWord, cost.CapacityBytes, cost.RowBits, cost.Banks);
                var (write, _) = table.SramWord(EnergyAction.SramWriteWord, cost.CapacityBytes, cost.RowBits, cost.Banks);
                if (outsideRead is not null)
                    warnings.Add($"{level}: {outsideRead}");
                return (read.Energy * (share * factor), write.Energy * (share * factor));
        }
    }
}

/// <summary>One layer's prices on one design (<see cref="NestEnergy.Sheet"/>): counts in, energy per level out.</summary>
public sealed class NestPriceSheet
{
    private readonly NestProblem _problem;
    private readonly NestArchitecture _arch;
    private readonly EnergyPj _mac;
    private readonly EnergyPj _accumulate;
    private readonly (EnergyPj Read, EnergyPj Write)[,] _perTensor;
    private readonly EnergyPj _finishedWrite;

    /// <param name="mac">Per counted MAC (a bit-step when B is above 1).</param>
    /// <param name="accumulate">Per accumulation into the PEs' accumulators (<see cref="NestCounts.Accumulations"/>): zero for a
    /// bit-parallel problem, whose MAC price has its add.</param>
    internal NestPriceSheet(NestProblem problem, NestArchitecture arch, EnergyPj mac, EnergyPj accumulate, (EnergyPj Read, EnergyPj Write)[,] perTensor,
        EnergyPj finishedWrite, ImmutableArray<string> warnings) =>
        (_problem, _arch, _mac, _accumulate, _perTensor, _finishedWrite, Warnings) = (problem, arch, mac, accumulate, perTensor, finishedWrite, warnings);

    /// <summary>The SRAM queries the CACTI table could not answer.</summary>
    public ImmutableArray<string> Warnings { get; }

    /// <summary>Prices <paramref name="counts"/> (of this layer on this design).</summary>
    public NestEnergyReport Price(NestCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var levels = ImmutableArray.CreateBuilder<NestLevelEnergy>(_arch.Levels.Length);
        for (var l = 0; l < _arch.Levels.Length; l++)
        {
            var (reads, writes) = (EnergyPj.Zero, EnergyPj.Zero);
            foreach (var (tensor, a) in counts.Levels[l])
            {
                var (read, write) = _perTensor[l, (int)tensor];
                reads += read * a.Reads;
                if (l == 0 && tensor == NestTensor.Outputs)
                {
                    // Level 0 receives every output's last write-back once: finished, in the output format.
                    var finished = Math.Min(a.Updates, _problem.Elements(NestTensor.Outputs));
                    writes += write * (a.Fills + a.Updates - finished) + _finishedWrite * finished;
                }
                else
                    writes += write * (a.Fills + a.Updates);
            }
            levels.Add(new NestLevelEnergy(_arch.Levels[l].Name, reads, writes));
        }
        var compute = _mac * counts.Macs;
        if (_problem.Bits > 1)
            compute += _accumulate * counts.Accumulations(_arch);
        return new NestEnergyReport(compute, levels.MoveToImmutable(), Warnings);
    }
}
