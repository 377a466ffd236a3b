using HwSim.CostModel.Energy;
using HwSim.CostModel.Quantities;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Workloads.Formats;

namespace HwSim.Tests.CostModel.Energy;

/// <summary>Contexts and shorthands shared by the energy table tests.</summary>
internal static class EnergyTestContexts
{
    /// <summary>1e-12 pJ: "exactly" for published points (they are returned, not recomputed).</summary>
    public const double Exact = 1e-12;

    /// <summary>45 nm, 0.9 V, LPDDR4, three 16 KB buffers (one half = 8 KB) of 64-bit words.</summary>
    public static EnergyContext At45nm { get; } = EnergyContext.At45nm(new BufferSpec(16384, 16384, 16384, 64));

    /// <summary>A context whose ifmap buffer's half is <paramref name="halfBytes"/>.</summary>
    public static EnergyContext WithIfmapHalf(long halfBytes) => EnergyContext.At45nm(new BufferSpec(2 * halfBytes, 16384, 16384, 64));

    public static double Pj(this EnergyTable table, ActionKey key, EnergyContext? context = null) => table.Energy(key, context ?? At45nm).Value;

    public static double Mult(this EnergyTable table, int bitsW, int bitsA) => table.Pj(new ActionKey(PrimitiveAction.Multiply, bitsW, bitsA, Arithmetic.Integer));

    public static double Add(this EnergyTable table, int bits) => table.Pj(ActionKey.Add(bits));

    /// <summary>An SRAM word read as the pricing answers it (CACTI table; the curve outside it) for an array of <paramref name="capacityBytes"/>.</summary>
    public static double SramRead(this EnergyTable table, long capacityBytes, int wordBits) =>
        table.Pj(ActionKey.Sram(PrimitiveAction.SramReadWord, BufferKind.Ifmap, wordBits), WithIfmapHalf(capacityBytes));

    public static double SramWrite(this EnergyTable table, long capacityBytes, int wordBits) =>
        table.Pj(ActionKey.Sram(PrimitiveAction.SramWriteWord, BufferKind.Ifmap, wordBits), WithIfmapHalf(capacityBytes));

    /// <summary>The per-bit curve's read (the fallback outside the CACTI table), at 45 nm.</summary>
    public static double CurveRead(this EnergyTable table, long capacityBytes, int wordBits) =>
        table.SramCurve(EnergyAction.SramReadWord, capacityBytes, wordBits).Energy.Value;

    public static double CurveWrite(this EnergyTable table, long capacityBytes, int wordBits) =>
        table.SramCurve(EnergyAction.SramWriteWord, capacityBytes, wordBits).Energy.Value;

    /// <summary>One MAC of a layer with reduction length k: the multiply plus an add at the accumulator width HwSim picks.</summary>
    public static EnergyPj Mac(this EnergyTable table, NumberFormat weight, NumberFormat input, long k)
    {
        var accumulator = OperandPrecision.AccumulatorFor(weight, input, k);
        return table.Energy(ActionKey.Multiply(weight, input), At45nm) + table.Energy(ActionKey.Add(accumulator), At45nm);
    }
}
