using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// Register bits one fold reads and writes, in closed form. Each term is what the reference PEs
/// (<see cref="OutputStationaryFold"/>, <see cref="StationaryFold"/>) do, counted under README §5's
/// register convention: every register load is a write of its width; a read is counted only when
/// the value goes through a multiplexer (an accumulator taking the chain instead of its adder) or
/// leaves the array through its port, never for a register wired to the gates it feeds (an operand
/// forwarded to the neighbour's multiplier and register, a stationary operand, an accumulator
/// feeding its own adder). sr, sc are the fold's rows and columns, T its length in time, AR the
/// array's physical rows.
/// </summary>
internal static class SystolicRegisterBits
{
    public static (long Read, long Write) Of(Dataflow dataflow, SystolicWidths w, long sr, long sc, long t, long ar, bool startsReduction) => dataflow switch
    {
        Dataflow.OutputStationary => OutputStationary(w, sr, sc, t, ar, startsReduction),
        Dataflow.WeightStationary => Stationary(stationaryBits: w.Weight, streamingBits: w.Input, w.Accumulator, sr, sc, t, ar),
        Dataflow.InputStationary => Stationary(stationaryBits: w.Input, streamingBits: w.Weight, w.Accumulator, sr, sc, t, ar),
        _ => throw new ArgumentOutOfRangeException(nameof(dataflow), dataflow, "unknown dataflow"),
    };

    /// <summary>
    /// os. Writes: a PE latches an operand only for the neighbour that uses it next cycle, inputs
    /// sr(sc-1)T times at b_a (the last used column does not forward), weights (sr-1)sc·T times at
    /// b_w; every one of the sr·sc·T MACs loads the accumulator; the result of row r then crosses
    /// the AR-1-r output-chain registers below it (lane r of each), each loaded once:
    /// sc·Σ_{r&lt;sr}(AR-1-r) = sc·(sr(AR-1) - sr(sr-1)/2) loads at accumulator width. A fold that
    /// continues a reduction first shifts its partial sums down through the accumulators (the value
    /// for row i is loaded into rows 0..i: sc·sr(sr+1)/2 loads).
    /// Reads: each of the sr·sc results once, as it leaves below the array; and the preload's
    /// moves, sc·sr(sr-1)/2, which reach an accumulator through the multiplexer in front of it.
    /// The forwarded operands and the accumulator's feedback into its adder are wires, not reads.
    /// </summary>
    private static (long, long) OutputStationary(SystolicWidths w, long sr, long sc, long t, long ar, bool startsReduction)
    {
        var inputs = sr * (sc - 1) * t * w.Input;
        var weights = (sr - 1) * sc * t * w.Weight;
        var accumulator = sr * sc * t * w.Accumulator;
        var chain = sc * (sr * (ar - 1) - sr * (sr - 1) / 2) * w.Accumulator;
        var preloadWrites = startsReduction ? 0 : sc * (sr * (sr + 1) / 2) * w.Accumulator;
        var preloadReads = startsReduction ? 0 : sc * (sr * (sr - 1) / 2) * w.Accumulator;
        var leaving = sr * sc * w.Accumulator;
        return (leaving + preloadReads, inputs + weights + accumulator + chain + preloadWrites);
    }

    /// <summary>
    /// ws and is. Writes: loading the stationary operand shifts it down from the top for sr
    /// cycles, the value for row i loaded into rows 0..i (sc·sr(sr+1)/2 loads); the streaming
    /// operand is forwarded as os's inputs (sr(sc-1)T loads); every MAC loads its PE's sum
    /// register (sr·sc·T) and the sum of row sr-1 passes the AR-sr unused rows, a load each:
    /// AR·sc·T loads at accumulator width.
    /// Reads: each column's T sums once, as they leave below the array (sc·T). The stationary
    /// operand feeds its multiplier for the whole fold without being read again, and the load
    /// chain, the forwarded operand and the sum from the PE above are wires into the next
    /// register or adder.
    /// </summary>
    private static (long, long) Stationary(int stationaryBits, int streamingBits, int psumBits, long sr, long sc, long t, long ar)
    {
        var loadWrites = sc * (sr * (sr + 1) / 2) * stationaryBits;
        var streaming = sr * (sc - 1) * t * streamingBits;
        var psums = ar * sc * t * psumBits;
        var leaving = sc * t * psumBits;
        return (leaving, loadWrites + streaming + psums);
    }
}
