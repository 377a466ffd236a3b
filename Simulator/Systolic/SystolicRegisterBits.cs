using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// Register bits one fold reads and writes, in closed form. Each term is what the reference PEs
/// (<see cref="OutputStationaryFold"/>, <see cref="StationaryFold"/>) do, counted under README §5:
/// every register load is a write of its width, every use of a register's value a read. sr, sc
/// are the fold's rows and columns, T its length in time, AR the array's physical rows.
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
    /// os. A PE latches an operand only for the neighbour that uses it next cycle, and that
    /// neighbour's MAC is the one read of it: inputs sr(sc-1)T times at b_a (the last used column
    /// does not forward), weights (sr-1)sc·T times at b_w (the last used row does not forward).
    /// The accumulator is written by each of the sr·sc·T MACs and read by each but the first
    /// (which adds to zero), plus once when the result leaves the PE: sr·sc·T reads. The result of
    /// row r then crosses the AR-1-r output-chain registers below it (lane r of each), each
    /// loaded once and read once when it moves on: sc·Σ_{r&lt;sr}(AR-1-r) = sc·(sr(AR-1) - sr(sr-1)/2)
    /// loads at accumulator width.
    /// A fold that continues a reduction first shifts its partial sums down through the
    /// accumulators (the value for row i is loaded into rows 0..i, i+1 writes, and read i times on
    /// the way: sc·sr(sr+1)/2 writes, sc·sr(sr-1)/2 reads), and its first MACs read the preloaded
    /// sums instead of adding to zero (sr·sc more reads): sc·sr(sr+1)/2 each way at accumulator
    /// width. Reads and writes come out equal.
    /// </summary>
    private static (long, long) OutputStationary(SystolicWidths w, long sr, long sc, long t, long ar, bool startsReduction)
    {
        var inputs = sr * (sc - 1) * t * w.Input;
        var weights = (sr - 1) * sc * t * w.Weight;
        var accumulator = sr * sc * t * w.Accumulator;
        var chain = sc * (sr * (ar - 1) - sr * (sr - 1) / 2) * w.Accumulator;
        var preload = startsReduction ? 0 : sc * (sr * (sr + 1) / 2) * w.Accumulator;
        var bits = inputs + weights + accumulator + chain + preload;
        return (bits, bits);
    }

    /// <summary>
    /// ws and is. Loading the stationary operand shifts it down from the top for sr cycles: the
    /// value for row i is loaded into rows 0..i (i+1 writes) and read i times on the way, so
    /// sc·sr(sr+1)/2 writes and sc·sr(sr-1)/2 reads; then every MAC reads it (sr·sc·T). The
    /// streaming operand is forwarded as os's inputs: sr(sc-1)T reads and writes. Partial sums:
    /// each MAC writes its PE's register (sr·sc·T) and rows 1..sr-1 read the one above
    /// ((sr-1)sc·T; row 0 adds to zero or to a partial sum read back from the output buffer); the
    /// sum of row sr-1 passes the AR-sr unused rows, each a load and a read, and the last register
    /// is read as the sum leaves: AR·sc·T reads and AR·sc·T writes at accumulator width.
    /// </summary>
    private static (long, long) Stationary(int stationaryBits, int streamingBits, int psumBits, long sr, long sc, long t, long ar)
    {
        var loadWrites = sc * (sr * (sr + 1) / 2) * stationaryBits;
        var loadReads = sc * (sr * (sr - 1) / 2) * stationaryBits;
        var stationaryUse = sr * sc * t * stationaryBits;
        var streaming = sr * (sc - 1) * t * streamingBits;
        var psums = ar * sc * t * psumBits;
        return (loadReads + stationaryUse + streaming + psums, loadWrites + streaming + psums);
    }
}
