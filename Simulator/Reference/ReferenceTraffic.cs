using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;

namespace HwSim.Simulator.Reference;

/// <summary>
/// The reference engine's own account of what each fold moves, by enumerating the elements the
/// fold touches instead of the fast engine's closed forms (<see cref="TrafficPlanner"/>); the
/// rules are the same (Simulator/README.md), so the two must agree byte for byte.
/// </summary>
internal sealed class ReferenceTraffic
{
    private readonly GemmProblem _p;
    private readonly BufferSpec _buffers;
    private readonly bool _weightsResident;
    private readonly bool _inputResident;
    private readonly bool _anyColumn;
    private readonly HashSet<(long, long)> _residentWeights = [];
    private HashSet<(int Image, long Row)> _stripRows = [];
    private (int Group, int First, int Last) _stripOwner = (-1, -1, -1);
    private int _group = -1;

    public ReferenceTraffic(GemmProblem problem, BufferSpec buffers)
    {
        _p = problem;
        _buffers = buffers;
        var s = problem.Shape;
        _weightsResident = Bytes(problem.K * problem.N, problem.WeightFormat.Bits) <= buffers.Half(BufferKind.Weight);
        _inputResident = Bytes((long)s.Batch * problem.ChannelsPerGroup * s.Height * s.Width, problem.InputFormat.Bits) <= buffers.Half(BufferKind.Ifmap);
        for (var q = 0; q < s.OutputWidth; q++)
            for (var t = 0; t < s.KernelWidth; t++)
            {
                var w = q * s.StrideW - s.Padding.Left + t * s.DilationW;
                if (w >= 0 && w < s.Width) _anyColumn = true;
            }
    }

    private static long Bytes(long elements, int bits) => (elements * bits + 7) / 8;

    /// <summary>Rows per image this fold's output pixels read through any kernel row, as (image -> first, last).</summary>
    private SortedDictionary<int, (int First, int Last)> RowSpans(Fold f)
    {
        var s = _p.Shape;
        var spans = new SortedDictionary<int, (int, int)>();
        if (!_anyColumn) return spans;
        var lastRow = (-1, -1);
        for (var m = f.M.Start; m < f.M.End; m++)
        {
            var (n, p, _) = _p.Pixel(m);
            if ((n, p) == lastRow) continue;
            lastRow = (n, p);
            for (var r = 0; r < s.KernelHeight; r++)
            {
                var h = p * s.StrideH - s.Padding.Top + r * s.DilationH;
                if (h < 0 || h >= s.Height) continue;
                spans[n] = spans.TryGetValue(n, out var span) ? (Math.Min(span.Item1, h), Math.Max(span.Item2, h)) : (h, h);
            }
        }
        return spans;
    }

    private (int First, int Last) Channels(Fold f) => (_p.Term(f.K.Start).C, _p.Term(f.K.End - 1).C);

    private long StripElements(Fold f)
    {
        var (c0, c1) = Channels(f);
        return RowSpans(f).Values.Sum(v => (long)(v.Last - v.First + 1)) * _p.Shape.Width * (c1 - c0 + 1);
    }

    public string? Unfit(Fold f)
    {
        if (!_weightsResident && Bytes(f.K.Length * f.N.Length, _p.WeightFormat.Bits) > _buffers.Half(BufferKind.Weight))
            return "weight tile larger than half the weight buffer";
        if (!_inputResident && Bytes(StripElements(f), _p.InputFormat.Bits) > _buffers.Half(BufferKind.Ifmap))
            return "input strip larger than half the input buffer";
        return null;
    }

    public FoldTraffic Next(Fold f)
    {
        var s = _p.Shape;
        var newGroup = f.Group != _group;
        _group = f.Group;

        long weights = 0;
        if (_weightsResident)
        {
            if (newGroup) weights = Bytes(_p.K * _p.N, _p.WeightFormat.Bits);
        }
        else
        {
            // The tile is the set of (k, n) this fold multiplies; reload unless it is exactly the one on chip.
            var tile = new HashSet<(long, long)>();
            for (var k = f.K.Start; k < f.K.End; k++)
                for (var n = f.N.Start; n < f.N.End; n++)
                    tile.Add((k, n));
            if (newGroup || !tile.SetEquals(_residentWeights))
                weights = Bytes(tile.Count, _p.WeightFormat.Bits);
            _residentWeights.Clear();
            _residentWeights.UnionWith(tile);
        }

        long inputs = 0;
        if (_inputResident)
        {
            if (newGroup) inputs = Bytes((long)s.Batch * _p.ChannelsPerGroup * s.Height * s.Width, _p.InputFormat.Bits);
        }
        else
        {
            var spans = RowSpans(f);
            var (c0, c1) = Channels(f);
            // The buffer is a line buffer: rows (of the same group, channels and single image) that
            // the previous strip brought are still on chip; only the others are fetched.
            var rows = new HashSet<(int Image, long Row)>(spans.SelectMany(kv => Enumerable.Range(kv.Value.First, kv.Value.Last - kv.Value.First + 1).Select(r => (kv.Key, (long)r))));
            var kept = !newGroup && (f.Group, c0, c1) == _stripOwner && spans.Count == 1 && _stripRows.Select(r => r.Image).Distinct().Count() == 1
                ? rows.Count(_stripRows.Contains) : 0;
            inputs = Bytes(StripElements(f) - (long)kept * s.Width * (c1 - c0 + 1), _p.InputFormat.Bits);
            _stripRows = rows;
            _stripOwner = (f.Group, c0, c1);
        }

        var outputs = f.M.Length * f.N.Length;
        var psum = Bytes(outputs, _p.AccumulatorFormat.Bits);
        var spill = psum > _buffers.Half(BufferKind.Ofmap);
        var last = f.K.End == _p.K;
        return new FoldTraffic(weights, inputs,
            spill && f.K.Start > 0 ? psum : 0,
            spill && !last ? psum : 0,
            last ? Bytes(outputs, _p.OutputFormat.Bits) : 0);
    }
}
