using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Systolic;

/// <summary>HwSim's own systolic fold timing (README §3): from the fold's first cycle to its last result leaving the array.</summary>
internal static class SystolicTiming
{
    /// <summary>
    /// os: the bottom-right used PE does its last MAC at T-1 + (sr-1) + (sc-1); its result then
    /// crosses the AR-sr rows below and leaves AR-sr+1 cycles later: T + AR + sc - 1 cycles. A
    /// fold that continues a reduction (K-range not starting at 0) first shifts its partial sums
    /// into the accumulators, sr cycles, and everything after starts that much later:
    /// sr + T + AR + sc - 1.
    /// ws, is: sr cycles of stationary load, then the last streamed value reaches PE(sr-1, sc-1)
    /// at sr + (T-1) + (sr-1) + (sc-1) and its sum leaves AR-sr+1 cycles later: sr + T + sc + AR - 1
    /// (partial sums are added at row 0 as the stream passes: no preload).
    /// T is the fold's own length in time (a chunk's, when the time dimension is chunked).
    /// </summary>
    public static long FoldCycles(SystolicUnitSpec spec, long sr, long sc, long t, bool startsReduction) => spec.Dataflow switch
    {
        Dataflow.OutputStationary => OutputStationaryPreload(sr, startsReduction) + t + spec.Rows + sc - 1,
        _ => sr + t + sc + spec.Rows - 1,
    };

    /// <summary>os preload cycles: sr when the fold reads partial sums back into its accumulators, else 0.</summary>
    public static long OutputStationaryPreload(long sr, bool startsReduction) => startsReduction ? 0 : sr;
}
