using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;

namespace HwSim.Simulator.Memory;

/// <summary>
/// Decides what each fold moves between DRAM and the double-buffered SRAM (half of each buffer
/// per fold):
/// <list type="bullet">
/// <item>weights: if a group's whole weight matrix fits, it is loaded with the group's first
/// fold and kept; otherwise each fold loads its K x N tile unless the previous fold used the same;</item>
/// <item>inputs: if a group's whole input fits, it is loaded with the group's first fold; otherwise
/// each fold loads its strip of rows (<see cref="InputStrips"/>) unless it equals the previous one;</item>
/// <item>outputs: a fold that finishes its reduction writes its outputs; partial sums stay in the
/// output buffer when the fold's partial tile (accumulator width) fits, else they are written
/// after the fold and read back before the next.</item>
/// </list>
/// Folds are fed in execution order. A tile or strip larger than half its buffer cannot run: the
/// layer's result then says so (unless the unit's mapping ignores buffer sizes, see
/// <see cref="Units.IUnitModel.MappingFitsBuffers"/>; such a unit keeps its partial sums on chip).
/// </summary>
internal sealed class TrafficPlanner
{
    private readonly GemmProblem _p;
    private readonly BufferSpec _buffers;
    private readonly bool _spillPartialSums;
    private readonly InputStrips _strips;
    private readonly long _groupWeightBytes;
    private readonly long _groupInputBytes;
    private int _group = -1;
    private (Span K, Span N) _weightTile;
    private InputStrips.Key _strip;

    public TrafficPlanner(GemmProblem problem, BufferSpec buffers, bool spillPartialSums = true)
    {
        _p = problem;
        _buffers = buffers;
        _spillPartialSums = spillPartialSums;
        _strips = new InputStrips(problem);
        _groupWeightBytes = GemmProblem.PackedBytes(problem.K * problem.N, problem.WeightFormat);
        var s = problem.Shape;
        _groupInputBytes = GemmProblem.PackedBytes((long)s.Batch * problem.ChannelsPerGroup * s.Height * s.Width, problem.InputFormat);
    }

    public bool WeightsResident => _groupWeightBytes <= _buffers.Half(BufferKind.Weight);

    public bool InputResident => _groupInputBytes <= _buffers.Half(BufferKind.Ifmap);

    /// <summary>Why <paramref name="f"/> cannot run with these buffers, or null.</summary>
    public string? Unfit(Fold f)
    {
        if (!WeightsResident)
        {
            var tile = GemmProblem.PackedBytes(f.K.Length * f.N.Length, _p.WeightFormat);
            if (tile > _buffers.Half(BufferKind.Weight))
                return $"a fold needs {tile:N0} B of weights on chip, but half the weight buffer is {_buffers.Half(BufferKind.Weight):N0} B";
        }
        if (!InputResident)
        {
            var strip = GemmProblem.PackedBytes(StripElements(f), _p.InputFormat);
            if (strip > _buffers.Half(BufferKind.Ifmap))
                return $"a fold needs {strip:N0} B of input rows on chip, but half the input buffer is {_buffers.Half(BufferKind.Ifmap):N0} B";
        }
        return null;
    }

    // Many folds read the same strip (every column fold re-reads the row folds' strips): its size is computed once.
    private readonly Dictionary<InputStrips.Key, long> _stripElements = [];

    /// <summary>Strip sizes remembered at most (a few MB); beyond, the cache starts over.</summary>
    internal const int MaxCachedStrips = 1 << 16;

    private long StripElements(Fold f) => StripElements(f, _strips.KeyOf(f));

    private long StripElements(Fold f, InputStrips.Key key)
    {
        if (!_stripElements.TryGetValue(key, out var elements))
        {
            // Bounded: a layer with millions of distinct strips would otherwise hold them all (gigabytes).
            if (_stripElements.Count >= MaxCachedStrips)
                _stripElements.Clear();
            _stripElements[key] = elements = _strips.Elements(f);
        }
        return elements;
    }

    /// <summary>
    /// Rows of the new strip already on chip: the input buffer works as a line buffer, so when
    /// consecutive strips of one image (same group and channels) overlap, the shared rows stay and
    /// only the new rows are fetched. Strips over several images are fetched whole.
    /// </summary>
    private static long RowsKept(InputStrips.Key previous, InputStrips.Key next)
    {
        if (previous.Group != next.Group || previous.FirstChannel != next.FirstChannel || previous.LastChannel != next.LastChannel
            || previous.FirstImage < 0 || next.FirstImage < 0
            || previous.FirstImage != previous.LastImage || next.FirstImage != next.LastImage || previous.FirstImage != next.FirstImage)
            return 0;
        return Math.Max(0, Math.Min(previous.FirstImageBottom, next.FirstImageBottom) - Math.Max(previous.FirstImageTop, next.FirstImageTop) + 1);
    }

    /// <summary>The next fold's traffic; call once per fold, in execution order.</summary>
    public FoldTraffic Next(Fold f)
    {
        var newGroup = f.Group != _group;
        _group = f.Group;

        long weights;
        if (WeightsResident)
            weights = newGroup ? _groupWeightBytes : 0;
        else
        {
            var same = !newGroup && _weightTile == (f.K, f.N);
            weights = same ? 0 : GemmProblem.PackedBytes(f.K.Length * f.N.Length, _p.WeightFormat);
            _weightTile = (f.K, f.N);
        }

        long inputs;
        if (InputResident)
            inputs = newGroup ? _groupInputBytes : 0;
        else
        {
            var key = _strips.KeyOf(f);
            var fresh = StripElements(f, key) - (newGroup ? 0 : RowsKept(_strip, key) * _p.Shape.Width * (key.LastChannel - key.FirstChannel + 1));
            inputs = GemmProblem.PackedBytes(fresh, _p.InputFormat);
            _strip = key;
        }

        var tile = f.M.Length * f.N.Length;
        var psumBytes = GemmProblem.PackedBytes(tile, _p.AccumulatorFormat);
        var spill = _spillPartialSums && psumBytes > _buffers.Half(BufferKind.Ofmap);
        var ends = f.EndsReduction(_p.K);
        return new FoldTraffic(
            weights, inputs,
            PsumReadBytes: spill && !f.StartsReduction ? psumBytes : 0,
            PsumWriteBytes: spill && !ends ? psumBytes : 0,
            OutputWriteBytes: ends ? GemmProblem.PackedBytes(tile, _p.OutputFormat) : 0);
    }
}
