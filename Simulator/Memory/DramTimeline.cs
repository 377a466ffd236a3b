using HwSim.Simulator.Architecture;

namespace HwSim.Simulator.Memory;

/// <summary>
/// The fold-level timing of one layer on a double-buffered array with one DRAM channel. The
/// channel serves transfers one at a time in the order they are requested (at equal cycles a
/// fold's writes and read-back before the next fold's loads), each taking ceil(bytes / bandwidth)
/// whole cycles:
/// <list type="number">
/// <item>fold 0's operands are requested at cycle 0 and fold 0 starts when they have arrived;</item>
/// <item>when fold f starts, fold f+1's operands are requested (the other buffer half is free);</item>
/// <item>when fold f ends, its outputs (or spilled partial sums) are requested for writing, then
/// the partial sums fold f+1 reads back;</item>
/// <item>fold f+1 starts when fold f has ended and all its reads have arrived; with overlapped
/// drains (<see cref="DrainMode.Overlapped"/>) a fold that starts its reduction may instead start
/// when fold f's drain begins, and its own drain then begins no earlier than fold f's ends;</item>
/// <item>the layer ends when the last fold has ended and every write has left.</item>
/// </list>
/// Compute cycles are the cycles in which some fold is in the array; stall cycles the rest of the
/// layer's. The reference engine steps the same rules cycle by cycle; the two must agree exactly.
/// </summary>
public sealed class DramTimeline(DramSpec dram)
{
    private long _channelFree;
    private long _lastEnd;
    // Drain cycles of the last fold added when the next may overlap them (0 on serial units).
    private long _lastDrain;
    private long _nextBlockLoadDone;
    // The last fold's writes and the next fold's read-back, requested at _lastEnd and not yet served:
    // an overlapping next fold's loads are requested before them.
    private long _pendingWrite;
    private long? _pendingReadBack;
    private bool _started;

    /// <summary>Cycles in which at least one fold was in the array, over the folds so far.</summary>
    public long ComputeCycles { get; private set; }

    /// <summary>Adds the next fold; <paramref name="next"/> is the fold after it (null for the last). Every fold is its own block (the fixed mapping), drains serial.</summary>
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
    /// <param name="drainCycles">The fold's last cycles that only move results out (<see cref="Units.FoldCost.DrainCycles"/>) when the fold after it may overlap them; 0 for serial drains.</param>
    /// <param name="overlaps">The fold may start while the previous fold drains (an overlapped unit, a fold that starts its reduction): it starts when the previous drain begins and its loads are in, and its own drain waits for the previous one to end.</param>
    public void Add(long computeCycles, FoldTraffic traffic, bool startsBlock, long? nextBlockPrefetch, long? nextReadBack, long drainCycles = 0, bool overlaps = false)
    {
        long start;
        if (!_started)
        {
            _started = true;
            start = Serve(0, traffic.PrefetchBytes);
            overlaps = false;
        }
        else if (!overlaps)
        {
            var readBackDone = ServePending();
            start = startsBlock ? Math.Max(_lastEnd, Math.Max(_nextBlockLoadDone, readBackDone)) : _lastEnd;
        }
        else
        {
            if (_pendingReadBack is > 0)
                throw new InvalidOperationException("a fold that reads partial sums back cannot overlap the previous fold's drain");
            var drainBegins = _lastEnd - _lastDrain;
            start = startsBlock ? Math.Max(drainBegins, _nextBlockLoadDone) : drainBegins;
            // Requests at equal cycles: the previous fold's writes before this fold's loads.
            if (start >= _lastEnd)
                ServePending();
        }
        // The next block's loads are requested when this block's first fold starts.
        if (startsBlock)
            _nextBlockLoadDone = nextBlockPrefetch is { } prefetch ? Serve(start, prefetch) : start;
        ServePending();
        // An overlapping fold computes until its drain, which begins when the previous drain has ended.
        var end = overlaps ? Math.Max(start + computeCycles - drainCycles, _lastEnd) + drainCycles : start + computeCycles;
        ComputeCycles = ComputeCycles + (end - Math.Max(start, _lastEnd));
        _lastEnd = end;
        _lastDrain = drainCycles;
        _pendingWrite = traffic.WriteBytes;
        _pendingReadBack = nextReadBack;
    }

    // Serves the last fold's writes, then the next fold's read-back, both requested when it ended; the read-back's arrival.
    private long ServePending()
    {
        Serve(_lastEnd, _pendingWrite);
        var done = _pendingReadBack is { } readBack ? Serve(_lastEnd, readBack) : _lastEnd;
        (_pendingWrite, _pendingReadBack) = (0, null);
        return done;
    }

    /// <summary>
    /// Where the channel and the next fold stand relative to the end of the last fold added, and
    /// what is still to be requested. Every rule above is a max or a sum of these, so two points
    /// with equal relative states behave alike from then on, shifted in time. A channel free (or a
    /// load done) before the last fold's drain began acts as at that cycle: nothing later is
    /// requested or starts earlier.
    /// </summary>
    internal (long ChannelAhead, long LoadAhead, long Drain, long PendingWrite, long PendingReadBack) Relative =>
        (Math.Max(-_lastDrain, _channelFree - _lastEnd), Math.Max(-_lastDrain, _nextBlockLoadDone - _lastEnd), _lastDrain, _pendingWrite, _pendingReadBack ?? -1);

    internal long LastEnd => _lastEnd;

    /// <summary>Moves the whole timeline <paramref name="cycles"/> later, as folds that repeat a stretch with that span would.</summary>
    internal void Skip(long cycles, long computeCycles)
    {
        var (channel, load, _, _, _) = Relative;
        _lastEnd = _lastEnd + cycles;
        _channelFree = _lastEnd + channel;
        _nextBlockLoadDone = _lastEnd + load;
        ComputeCycles = ComputeCycles + computeCycles;
    }

    /// <summary>Cycles from the first request to the last write leaving.</summary>
    public long TotalCycles => Math.Max(_lastEnd, _pendingWrite > 0 ? Math.Max(_channelFree, _lastEnd) + dram.TransferCycles(_pendingWrite) : _channelFree);

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
