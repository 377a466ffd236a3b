using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator.Reference;

/// <summary>
/// The cycle-stepped engine: one global clock; each cycle the DRAM channel moves data (one
/// transfer at a time, in request order, bandwidth bytes per cycle) and the array steps its
/// fold. A fold starts once the previous fold has ended and its operands are on chip; while it
/// runs, the next fold's operands are fetched into the other buffer half. On a unit with
/// overlapped drains a fold that starts its reduction may start while the previous one drains.
/// Compute cycles are the cycles with a fold in the array, stalls the others. For small layers and
/// tests: it is slow by design and computes the layer's real output.
/// </summary>
public static class ReferenceEngine
{
    public sealed record Run(LayerResult Result, long[] Output);

    /// <summary>Steps one layer with the fixed mapping.</summary>
    public static Run Simulate(LayerWorkload layer, ArchitectureSpec arch, IReferenceUnit unit, ReferenceData data) =>
        Simulate(layer, arch, unit, data, FixedMapping.Instance);

    /// <summary>
    /// Steps one layer with <paramref name="mapping"/>: the same folds in the same order as the fast
    /// engine, this engine's own traffic account and fit check, the stepped channel with
    /// block-level prefetch. Units whose mapping ignores buffer sizes run the fixed mapping.
    /// </summary>
    public static Run Simulate(LayerWorkload layer, ArchitectureSpec arch, IReferenceUnit unit, ReferenceData data, LayerMapping mapping)
    {
        var problem = new GemmProblem(layer);
        var effective = MappingRules.Effective(UnitModels.For(unit.Spec), mapping);
        List<Fold> folds;
        List<FoldTraffic> moves;
        List<bool> startsBlock;
        if (effective is LoopNestMapping loopNest)
        {
            var nest = new LoopNest(problem, unit.Grid(problem), loopNest);
            var blocks = nest.BlocksOf(0, problem.Groups).Select(b => (IReadOnlyList<Fold>)[.. nest.FoldsOf(b)]).ToList();
            var traffic = new ReferenceBlockTraffic(problem, arch.Buffers);
            if (traffic.Unfit(blocks) is { } why)
                return new Run(LayerResult.NotRun(layer.Name, layer.Macs, why, unit.Spec.Name), []);
            folds = [.. blocks.SelectMany(b => b)];
            moves = traffic.Moves(blocks);
            startsBlock = [.. blocks.SelectMany(b => b.Select((_, i) => i == 0))];
        }
        else
        {
            // The time chunk is a mapping decision shared with the fast engine; fit is then checked with this engine's own traffic account.
            var (grid, _) = Chunking.Fit(problem, unit.Grid(problem), arch.Buffers);
            folds = [.. grid.Folds(problem)];
            var traffic = new ReferenceTraffic(problem, arch.Buffers);
            foreach (var f in folds)
                if (traffic.Unfit(f) is { } why)
                    return new Run(LayerResult.NotRun(layer.Name, layer.Macs, why, unit.Spec.Name), []);
            moves = [.. folds.Select(traffic.Next)];
            // Every fold its own block.
            startsBlock = [.. folds.Select(_ => true)];
        }
        var run = Step(layer, arch, unit, problem, data, folds, moves, startsBlock);
        return run with { Result = run.Result with { Mapping = effective } };
    }

    private static Run Step(LayerWorkload layer, ArchitectureSpec arch, IReferenceUnit unit, GemmProblem problem, ReferenceData data,
        List<Fold> folds, List<FoldTraffic> moves, List<bool> startsBlock)
    {
        // Per block-starting fold, the index of the next block's first fold (folds.Count when none).
        var nextBlock = new int[folds.Count];
        for (int i = folds.Count - 1, following = folds.Count; i >= 0; i--)
        {
            nextBlock[i] = following;
            if (startsBlock[i]) following = i;
        }
        var operands = new GemmOperands(problem, data);
        var channel = new SteppedChannel(arch.Dram);
        var counts = new ActivityCountsBuilder();
        var memory = new MemoryCounter(arch.Buffers);

        // Per fold: the transfers it waits for before it may start.
        var waits = folds.Select(_ => new List<SteppedChannel.Transfer>()).ToList();
        waits[0].Add(channel.Request(0, moves[0].PrefetchBytes));

        // Double-buffered accumulators: a fold that starts its reduction may enter the array while the
        // fold before it drains; it computes into the other bank, and its own drain waits for the chain.
        var overlapped = unit.Spec.Drain == DrainMode.Overlapped;
        long now = 0, compute = 0, busy = 0, usedPes = 0;
        var next = 0;
        // The folds in the array, oldest first: at most two, the older draining.
        var inArray = new List<InArray>(2);
        var pendingWrites = new List<SteppedChannel.Transfer>();
        while (true)
        {
            channel.Advance(now);
            var mayEnter = inArray.Count == 0
                || overlapped && inArray.Count == 1 && inArray[0].Fold.Draining && next < folds.Count && folds[next].StartsReduction;
            if (mayEnter && next < folds.Count && waits[next].All(t => t.Done))
            {
                inArray.Add(new InArray(unit.Start(operands, folds[next]), next));
                // The next block's loads are requested when this block's first fold starts.
                if (startsBlock[next] && nextBlock[next] < folds.Count)
                    waits[nextBlock[next]].Add(channel.Request(now, moves[nextBlock[next]].PrefetchBytes));
                channel.Advance(now);
                next++;
            }
            if (inArray.Count == 0 && next >= folds.Count && pendingWrites.All(t => t.Done))
                break;
            if (inArray.Count > 0)
                compute++;
            // Oldest first. A newer fold whose compute is over holds its results while an older one was
            // still in the array at this cycle's start: each column has one drain chain.
            var older = false;
            for (var i = 0; i < inArray.Count; i++)
            {
                var f = inArray[i];
                var held = older && f.Fold.Draining;
                older = true;
                if (held)
                    continue;
                f.Steps++;
                if (!f.Fold.Step())
                    continue;
                var index = f.Index;
                var cost = f.Fold.Measured(f.Steps);
                busy += cost.BusyPeCycles;
                usedPes += (long)folds[index].Rows * folds[index].Cols;
                counts.Add(cost.Compute);
                memory.Add(cost, moves[index]);
                // The fold's outputs leave, then the partial sums the next block needs come back.
                pendingWrites.Add(channel.Request(now + 1, moves[index].WriteBytes));
                if (index + 1 < folds.Count && startsBlock[index + 1])
                    waits[index + 1].Add(channel.Request(now + 1, moves[index + 1].PsumReadBytes));
                inArray.RemoveAt(i);
                i--;
            }
            channel.Tick();
            now++;
        }

        memory.AddTo(counts);
        var total = now;
        counts.Add(ActionKey.Simple(PrimitiveAction.IdlePeCycle), total * unit.Spec.PeCount - busy);
        var result = new LayerResult
        {
            Layer = layer.Name,
            Unit = unit.Spec.Name,
            Macs = layer.Macs,
            ComputeCycles = compute,
            StallCycles = total - compute,
            Folds = folds.Count,
            PeCount = unit.Spec.PeCount,
            Utilisation = total == 0 ? 0 : layer.Macs / UnitModels.For(unit.Spec).PeakMacsPerCycle(problem) / total,
            MappingEfficiency = (double)usedPes / (folds.Count * (double)unit.Spec.PeCount),
            Counts = counts.ToCounts(),
        };
        return new Run(result, operands.Output);
    }

    /// <summary>A fold in the array and the cycles it has stepped (a held cycle is not a step).</summary>
    private sealed class InArray(IReferenceFold fold, int index)
    {
        public IReferenceFold Fold { get; } = fold;
        public int Index { get; } = index;
        public long Steps { get; set; }
    }

    /// <summary>
    /// The DRAM channel stepped one cycle at a time: transfers are served one at a time in
    /// request order, each busy for ceil(bytes / bandwidth) whole cycles.
    /// </summary>
    private sealed class SteppedChannel(DramSpec dram)
    {
        private readonly Queue<Transfer> _queue = new();
        private Transfer? _active;
        private long _remaining;

        public sealed class Transfer(long request, long bytes)
        {
            public long RequestCycle { get; } = request;
            public long Bytes { get; } = bytes;
            public bool Done { get; set; }
        }

        public Transfer Request(long cycle, long bytes)
        {
            var t = new Transfer(cycle, bytes);
            // Nothing to move: done at once, without waiting for the channel.
            if (bytes <= 0) t.Done = true;
            else _queue.Enqueue(t);
            return t;
        }

        /// <summary>Brings the channel to the start of cycle <paramref name="now"/>.</summary>
        public void Advance(long now)
        {
            while (true)
            {
                if (_active is not null)
                {
                    if (_remaining > 0) return;
                    _active.Done = true;
                    _active = null;
                }
                if (_queue.Count == 0 || _queue.Peek().RequestCycle > now) return;
                _active = _queue.Dequeue();
                _remaining = dram.TransferCycles(_active.Bytes);
            }
        }

        /// <summary>Consumes one cycle of the active transfer (called once per cycle, after <see cref="Advance"/>).</summary>
        public void Tick()
        {
            if (_active is not null && _remaining > 0) _remaining--;
        }
    }
}
