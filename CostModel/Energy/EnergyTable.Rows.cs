using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;

namespace HwSim.CostModel.Energy;

/// <summary>The effective table as rows, for <c>hwsim table</c>: every number the pricing can use, with its source.</summary>
public sealed partial class EnergyTable
{
    // Mixed-precision pairs the law rows list beside the square b x b ones (W4A2, W1A8, ...).
    private static readonly int[] PairWidths = [1, 2, 4, 8, 16, 32];
    private const int MaxListedBits = 32;

    /// <summary>
    /// The effective table at the context's node (DRAM rows unscaled: <see cref="NodeFactor(PrimitiveAction, EnergyContext)"/>): the published and user rows (SRAM points as
    /// published, with a note when the capacity law does not pass through them), the law's values
    /// for integer multiply (b x b for b = 1..32 and mixed pairs of 1/2/4/8/16/32 bits), integer
    /// add and shift-accumulate (1..32 bits), bf16, gates and popcount, and one SRAM read and write
    /// row per buffer of the context (an access to one half of the buffer).
    /// </summary>
    public IReadOnlyList<EnergyTableRow> Rows(EnergyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var factor = context.Scaling.EnergyFactor;
        var rows = new List<EnergyTableRow>();

        foreach (var p in _rowOrder)
        {
            var source = p.Source;
            var law = p.Key.Action switch
            {
                EnergyAction.SramReadWord => _sramRead,
                EnergyAction.SramWriteWord => _sramWrite,
                _ => null,
            };
            if (law is not null && !law.IsAnchor(p))
                source += $" [not an anchor of the capacity law: it would make energy per bit fall with capacity; the law gives {law.Energy(p.Key.CapacityBytes, p.Key.BitsA).Energy.Value:G4} pJ here]";
            rows.Add(new EnergyTableRow(p.Key.Action, p.Key.Arithmetic, p.Key.BitsA, p.Key.BitsB, p.Energy * NodeFactor(p.Key.Action, context), source, p.Origin)
            {
                CapacityBytes = p.Key.CapacityBytes > 0 ? p.Key.CapacityBytes : null,
                Dram = p.Key.Dram,
            });
        }

        void Law(EnergyAction action, Arithmetic arithmetic, int bitsA, int bitsB, Priced priced)
        {
            if (priced.Origin == RowOrigin.Law)
                rows.Add(new EnergyTableRow(action, arithmetic, bitsA, bitsB, priced.Energy * factor, priced.Source, RowOrigin.Law));
        }

        var multiplyWidths = Enumerable.Range(1, MaxListedBits).Select(b => (W: b, A: b))
            .Concat(PairWidths.SelectMany(w => PairWidths.Where(a => a != w).Select(a => (W: w, A: a))));
        foreach (var (w, a) in multiplyWidths)
            Law(EnergyAction.Multiply, Arithmetic.Integer, w, a, IntegerMultiply(w, a));
        for (var b = 1; b <= MaxListedBits; b++)
            Law(EnergyAction.Add, Arithmetic.Integer, b, 0, IntegerAdd(b));
        for (var b = 1; b <= MaxListedBits; b++)
            Law(EnergyAction.ShiftAccumulate, Arithmetic.None, b, 0, ShiftAccumulate(b));
        Law(EnergyAction.Multiply, Arithmetic.Bf16, 16, 16, Float(EnergyAction.Multiply, Arithmetic.Bf16));
        Law(EnergyAction.Add, Arithmetic.Bf16, 16, 0, Float(EnergyAction.Add, Arithmetic.Bf16));
        Law(EnergyAction.AndBitOp, Arithmetic.None, 1, 0, Price(ActionKey.Simple(PrimitiveAction.AndBitOp), context));
        Law(EnergyAction.XnorBitOp, Arithmetic.None, 1, 0, Price(ActionKey.Simple(PrimitiveAction.XnorBitOp), context));
        Law(EnergyAction.PopcountInputBit, Arithmetic.None, 1, 0, PopcountInputBit());
        Law(EnergyAction.IdlePeCycle, Arithmetic.None, 0, 0, Price(ActionKey.Simple(PrimitiveAction.IdlePeCycle), context));

        foreach (var buffer in Enum.GetValues<BufferKind>())
        {
            var level = context.Buffers.LevelOf(buffer);
            var accessed = level.AccessedArrayBytes;
            var word = level.WordBits;
            foreach (var action in new[] { EnergyAction.SramReadWord, EnergyAction.SramWriteWord })
            {
                var priced = SramWord(action, accessed, word, level.Banks).Priced;
                rows.Add(new EnergyTableRow(action, Arithmetic.None, word, 0, priced.Energy * factor, $"{Describe(context.Buffers, buffer)}: {priced.Source}", priced.Origin)
                {
                    CapacityBytes = accessed,
                    Buffer = buffer,
                });
            }
        }
        return rows;
    }

    /// <summary>"ifmap buffer, one half (131072 B) of the double-buffered 262144 B": the array an access to <paramref name="buffer"/>'s operand goes to.</summary>
    private static string Describe(BufferSpec buffers, BufferKind buffer)
    {
        var level = buffers.LevelOf(buffer);
        var name = buffer.ToString().ToLowerInvariant();
        if (buffers.IsClassic)
            return $"{name} buffer, one half ({level.AccessedArrayBytes} B) of the double-buffered {level.CapacityBytes} B";
        var part = level.DoubleBuffered ? $"one half ({level.AccessedArrayBytes} B) of the double-buffered {level.CapacityBytes} B" : $"the single-buffered {level.CapacityBytes} B";
        var holds = level.Shared ? $", shared with the {string.Join(" and ", level.Holds.Where(k => k != buffer).Select(k => k.ToString().ToLowerInvariant()))}s" : "";
        return $"{name}s in level '{level.Name}'{holds}, {part}, {level.Banks} bank{(level.Banks == 1 ? "" : "s")}";
    }

    /// <summary>Where an access to <paramref name="buffer"/>'s operand goes, for warnings.</summary>
    private static string Where(BufferSpec buffers, BufferKind buffer)
    {
        var level = buffers.LevelOf(buffer);
        return buffers.IsClassic ? $"{buffer.ToString().ToLowerInvariant()} buffer (one half of {level.CapacityBytes} B)"
            : $"level '{level.Name}' ({level.AccessedArrayBytes} B array, {level.Banks} bank{(level.Banks == 1 ? "" : "s")})";
    }
}
