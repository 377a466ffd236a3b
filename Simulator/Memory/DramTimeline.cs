using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Memory;

/// <summary>
/// The fold-level timing of one layer on a double-buffered array with one DRAM channel. The
/// channel serves transfers one at a time in the order they are requested, each taking
/// ceil(bytes / bandwidth) whole cycles:
/// <list type="number">
/// <item>fold 0's operands are requested at cycle 0 and fold 0 starts when they have arrived;</item>
/// <item>when fold f starts, fold f+1's operands are requested (the other buffer half is free);</item>
/// <item>when fold f ends, its outputs (or spilled partial sums) are requested for writing, then
/// the partial sums fold f+1 reads back;</item>
/// <item>fold f+1 starts when fold f has ended and all its reads have arrived;</item>
/// <item>the layer ends when the last fold has ended and every write has left.</item>
/// </list>
/// Stall cycles are the layer's cycles minus the sum of the folds' compute cycles. The reference
/// engine steps the same rules cycle by cycle; the two must agree exactly.
/// </summary>
public sealed class DramTimeline(DramSpec dram)
{
    private long _channelFree;
    private long _lastEnd;
    private long _pendingLoadDone;
    private long _nextBlockLoadDone;
    private bool _started;

    /// <summary>Cycles of compute summed over the folds so far.</summary>
    public long ComputeCycles { get; private set; }

    /// <summary>Adds the next fold; <paramref name="next"/> is the fold after it (null for the last). Every fold is its own block (the fixed mapping).</summary>
    public void Add(long computeCycles, FoldTraffic traffic, FoldTraffic? next) =>
        Add(computeCycles, traffic, startsBlock: true, next?.PrefetchBytes, next?.PsumReadBytes);

    /// <summary>
    /// Adds the next fold of a blocked schedule (block-level double buffering): a fold that starts
    /// a block waits for the block's loads and read-back, and when it starts the next block's loads
    /// (<paramref name="nextBlockPrefetch"/>, null when there is no next block) are requested; any
    /// fold's writes are requested when it ends, then <paramref name="nextReadBack"/>, the partial
    /// sums read back by the next fold when that fold starts a block (null otherwise).
    /// With every fold its own block these are the rules above.
    /// </summary>
    public void Add(long computeCycles, FoldTraffic traffic, bool startsBlock, long? nextBlockPrefetch, long? nextReadBack)
    {
        long start;
        if (!_started)
        {
            _started = true;
            var loaded = Serve(0, traffic.PrefetchBytes);
            start = loaded;
        }
        else
        {
            start = startsBlock ? Math.Max(_lastEnd, _pendingLoadDone) : _lastEnd;
        }
        // The next block's loads are requested when this block's first fold starts.
        if (startsBlock)
            _nextBlockLoadDone = nextBlockPrefetch is { } prefetch ? Serve(start, prefetch) : start;
        var end = start + computeCycles;
        Serve(end, traffic.WriteBytes);
        var readBackDone = nextReadBack is { } readBack ? Serve(end, readBack) : end;
        _pendingLoadDone = Math.Max(_nextBlockLoadDone, readBackDone);
        _lastEnd = end;
        ComputeCycles = ComputeCycles + computeCycles;
    }

    /// <summary>
    /// Where the channel and the next fold stand relative to the end of the last fold added.
    /// Every rule above is a max or a sum of these cycles, so two points with equal relative
    /// states behave alike from then on, shifted in time. A channel free (or a load done) before
    /// the last fold ended acts as at its end: requests never come earlier.
    /// </summary>
    internal (long ChannelAhead, long LoadAhead) Relative => (Math.Max(0, _channelFree - _lastEnd), Math.Max(0, _pendingLoadDone - _lastEnd));

    internal long LastEnd => _lastEnd;

    /// <summary>Moves the whole timeline <paramref name="cycles"/> later, as folds that repeat a stretch with that span would.</summary>
    internal void Skip(long cycles, long computeCycles)
    {
        var (channel, load) = Relative;
        _lastEnd = _lastEnd + cycles;
        _channelFree = _lastEnd + channel;
        _pendingLoadDone = _lastEnd + load;
        ComputeCycles = ComputeCycles + computeCycles;
    }

    /// <summary>Cycles from the first request to the last write leaving.</summary>
    public long TotalCycles => Math.Max(_lastEnd, _channelFree);

    public long StallCycles => TotalCycles - ComputeCycles;

    // One transfer at a time, in request order; an empty transfer does not wait for the channel.
    private long Serve(long requestCycle, long bytes)
    {
        if (bytes <= 0)
            return requestCycle;
        var begin = Math.Max(_channelFree, requestCycle);
        _channelFree = begin + dram.TransferCycles(bytes);
        return _channelFree;
    }
}
