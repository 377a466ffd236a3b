using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;

namespace HwSim.Simulator.Reference;

/// <summary>
/// The reference engine's own account of what the blocks of a loop-nest mapping move, by
/// enumerating the elements each block holds (the (k, n) weights, the (image, row) input rows and
/// channels, the (m, n) outputs) instead of the fast engine's closed forms
/// (<see cref="BlockPlanner"/>); the rules are the same (Simulator/README.md section 4), so the
/// two must agree byte for byte.
/// </summary>
internal sealed class ReferenceBlockTraffic
{
    private readonly GemmProblem _p;
    private readonly BufferSpec _buffers;

    public ReferenceBlockTraffic(GemmProblem problem, BufferSpec buffers)
    {
        _p = problem;
        _buffers = buffers;
    }

    /// <summary>What one block holds, as sets of elements.</summary>
    private sealed class Held
    {
        public required int Group { get; init; }
        public required HashSet<(long K, long N)> Weights { get; init; }
        public required HashSet<long> Pixels { get; init; }
        public required HashSet<long> Terms { get; init; }
        public required HashSet<long> Filters { get; init; }
        public required long StripElements { get; init; }
        public required bool SplitReduction { get; init; }

        public bool SameInputs(Held o) => o.Group == Group && o.Pixels.SetEquals(Pixels) && o.Terms.SetEquals(Terms);

        public bool SameOutputs(Held o) => o.Group == Group && o.Pixels.SetEquals(Pixels) && o.Filters.SetEquals(Filters);
    }

    private static long Bytes(long elements, int bits) => (elements * bits + 7) / 8;

    private Held Hold(IReadOnlyList<Fold> folds)
    {
        var weights = new HashSet<(long, long)>();
        var pixels = new HashSet<long>();
        var terms = new HashSet<long>();
        var filters = new HashSet<long>();
        var split = false;
        foreach (var f in folds)
        {
            for (var k = f.K.Start; k < f.K.End; k++)
            {
                terms.Add(k);
                for (var n = f.N.Start; n < f.N.End; n++)
                    weights.Add((k, n));
            }
            for (var m = f.M.Start; m < f.M.End; m++) pixels.Add(m);
            for (var n = f.N.Start; n < f.N.End; n++) filters.Add(n);
            split |= f.K.Start > 0 || f.K.End < _p.K;
        }
        return new Held
        {
            Group = folds[0].Group, Weights = weights, Pixels = pixels, Terms = terms, Filters = filters,
            StripElements = Strip(pixels, terms), SplitReduction = split,
        };
    }

    /// <summary>Input elements of the strip: per image, rows from the first to the last any pixel reads through any kernel row, all columns, every channel the terms cover.</summary>
    private long Strip(HashSet<long> pixels, HashSet<long> terms)
    {
        var s = _p.Shape;
        var anyColumn = false;
        for (var q = 0; q < s.OutputWidth; q++)
            for (var t = 0; t < s.KernelWidth; t++)
            {
                var w = q * s.StrideW - s.Padding.Left + t * s.DilationW;
                anyColumn |= w >= 0 && w < s.Width;
            }
        if (!anyColumn) return 0;
        var spans = new Dictionary<int, (int First, int Last)>();
        foreach (var m in pixels)
        {
            var (n, p, _) = _p.Pixel(m);
            for (var r = 0; r < s.KernelHeight; r++)
            {
                var h = p * s.StrideH - s.Padding.Top + r * s.DilationH;
                if (h < 0 || h >= s.Height) continue;
                spans[n] = spans.TryGetValue(n, out var span) ? (Math.Min(span.First, h), Math.Max(span.Last, h)) : (h, h);
            }
        }
        var channels = terms.Select(k => _p.Term(k).C).Distinct().Count();
        return spans.Values.Sum(v => (long)(v.Last - v.First + 1)) * s.Width * channels;
    }

    /// <summary>
    /// Why the blocks cannot be held, or null: each level must hold, at once, the largest block's
    /// tile of every operand it holds (weights, input strip, and partial sums when a block splits
    /// the reduction), in half of a double-buffered level or all of a single-buffered one.
    /// </summary>
    public string? Unfit(IReadOnlyList<IReadOnlyList<Fold>> blocks)
    {
        long weights = 0, strip = 0, psums = 0;
        foreach (var block in blocks)
        {
            var held = Hold(block);
            weights = Math.Max(weights, Bytes(held.Weights.Count, _p.WeightFormat.Bits));
            strip = Math.Max(strip, Bytes(held.StripElements, _p.InputFormat.Bits));
            if (held.SplitReduction)
                psums = Math.Max(psums, Bytes((long)held.Pixels.Count * held.Filters.Count, _p.AccumulatorFormat.Bits));
        }
        return _buffers.Overfull(weights, strip, psums) switch
        {
            null => null,
            var (kind, need) when _buffers.LevelOf(kind).Shared => _buffers.SharedOverflow(kind, need),
            (BufferKind.Weight, _) => "block weights larger than half the weight buffer",
            (BufferKind.Ifmap, _) => "block input strip larger than half the input buffer",
            _ => "block partial sums larger than half the output buffer",
        };
    }

    /// <summary>Per fold of every block (blocks in execution order), the DRAM bytes it moves.</summary>
    public List<FoldTraffic> Moves(IReadOnlyList<IReadOnlyList<Fold>> blocks)
    {
        var moves = new List<FoldTraffic>();
        // Only the blocks around the current one are held (a block's sets can be large).
        Held? before = null;
        var current = blocks.Count > 0 ? Hold(blocks[0]) : null;
        for (var b = 0; b < blocks.Count; b++)
        {
            var h = current!;
            var after = b + 1 < blocks.Count ? Hold(blocks[b + 1]) : null;
            var previous = before is not null && before.Group == h.Group ? before : null;
            var next = after is not null && after.Group == h.Group ? after : null;
            (before, current) = (h, after);
            var weights = previous is not null && previous.Weights.SetEquals(h.Weights) ? 0 : Bytes(h.Weights.Count, _p.WeightFormat.Bits);
            var inputs = previous is not null && previous.SameInputs(h) ? 0 : Bytes(h.StripElements, _p.InputFormat.Bits);
            var psums = Bytes((long)h.Pixels.Count * h.Filters.Count, _p.AccumulatorFormat.Bits);
            var read = h.Terms.Min() > 0 && !(previous is not null && previous.SameOutputs(h)) ? psums : 0;
            var write = h.Terms.Max() < _p.K - 1 && !(next is not null && next.SameOutputs(h)) ? psums : 0;
            var folds = blocks[b];
            for (var i = 0; i < folds.Count; i++)
            {
                var f = folds[i];
                var outputs = f.K.End == _p.K ? Bytes(f.M.Length * f.N.Length, _p.OutputFormat.Bits) : 0;
                moves.Add(new FoldTraffic(i == 0 ? weights : 0, i == 0 ? inputs : 0, i == 0 ? read : 0, i == folds.Count - 1 ? write : 0, outputs));
            }
        }
        return moves;
    }
}
