using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.DotProduct;

/// <summary>
/// One fold on the reference dot-product array. Phases, one clock each step: shift-in (a fold
/// over a later time chunk of K: each column takes one partial sum from the output buffer per
/// cycle into its top PE while those already in move down one row, sr cycles), compute (each
/// cycle every row reads its pixel's next lanes activations from the input buffer and broadcasts
/// them along the row, every column its filter's next lanes weights down the column, and every PE
/// multiplies, sums and accumulates), drain (each column's bottom PE hands its value to the output
/// buffer and the others move down one row, sr cycles): final outputs when the fold ends the
/// reduction, else partial sums at accumulator width for the next chunk.
/// </summary>
internal sealed class DotProductReferenceFold : IReferenceFold
{
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly PartialSums _partialSums;
    private readonly int _lanes, _rows, _cols;
    private readonly int _weightBits, _inputBits, _accumulatorBits;
    private readonly bool _ends;
    // PE (r, c) is index r·cols + c; its lane l registers at index·lanes + l.
    private readonly long[] _inputs, _weights, _accumulators;
    private readonly bool[] _live;
    private readonly long[] _feed;
    private readonly bool[] _valid;
    private long _cycles, _nextTerm, _busy, _products, _registerReads, _registerWrites;
    // skip: zero_operands: lanes gated on a zero input term (README §8).
    private readonly bool _gating;
    private long _gatedProducts;
    private long _ifmapBits, _weightReadBits, _ofmapReadBits, _ofmapWriteBits;
    private int _shiftedIn, _drained;

    public DotProductReferenceFold(DotProductUnitSpec spec, GemmOperands operands, Fold fold, PartialSums partialSums)
    {
        var problem = operands.Problem;
        (_operands, _fold, _partialSums) = (operands, fold, partialSums);
        (_lanes, _rows, _cols) = (spec.Lanes, fold.Rows, fold.Cols);
        _gating = spec.Skip == SkipMode.ZeroOperands;
        (_weightBits, _inputBits, _accumulatorBits) = (problem.WeightFormat.Bits, problem.InputFormat.Bits, problem.AccumulatorFormat.Bits);
        _ends = fold.EndsReduction(problem.K);
        // A fold that starts the reduction starts from cleared accumulators: nothing to shift in.
        _shiftedIn = fold.StartsReduction ? _rows : 0;
        var pes = _rows * _cols;
        (_inputs, _weights, _accumulators, _live) = (new long[pes * _lanes], new long[pes * _lanes], new long[pes], new bool[pes]);
        (_feed, _valid) = (new long[_lanes], new bool[_lanes]);
    }

    public bool Draining => _shiftedIn == _rows && _nextTerm >= _fold.K.Length;

    public bool Step()
    {
        _cycles++;
        if (_shiftedIn < _rows)
        {
            ShiftIn();
            return false;
        }
        if (_nextTerm < _fold.K.Length)
        {
            DotStep();
            return false;
        }
        Drain();
        return _drained == _rows;
    }

    private void DotStep()
    {
        var held = (int)Math.Min(_lanes, _fold.K.Length - _nextTerm);
        var k0 = _fold.K.Start + _nextTerm;
        var feed = _feed.AsSpan(0, held);
        for (var r = 0; r < _rows; r++)
        {
            // Padding terms are part of the stream: their input is 0 and they still occupy a lane.
            _operands.ReadA(_fold.Group, _fold.M.Start + r, k0, feed, _valid.AsSpan(0, held));
            _ifmapBits += (long)held * _inputBits;
            for (var c = 0; c < _cols; c++)
                Latch(_inputs, r * _cols + c, feed, _inputBits);
        }
        for (var c = 0; c < _cols; c++)
        {
            _operands.ReadB(_fold.Group, k0, _fold.N.Start + c, feed);
            _weightReadBits += (long)held * _weightBits;
            for (var r = 0; r < _rows; r++)
                Latch(_weights, r * _cols + c, feed, _weightBits);
        }
        for (var pe = 0; pe < _accumulators.Length; pe++)
        {
            // Lanes 0..held-1 multiply; the adder tree sums their products within the cycle.
            var inputs = _inputs.AsSpan(pe * _lanes, held);
            var weights = _weights.AsSpan(pe * _lanes, held);
            long sum = 0;
            for (var l = 0; l < held; l++)
            {
                sum += inputs[l] * weights[l];
                if (_gating && inputs[l] == 0) _gatedProducts++;
            }
            // No register read (Simulator/README.md §5): the operand registers are wired to their
            // multipliers and the accumulator feeds its own adder; only the new sum is loaded.
            _accumulators[pe] += sum;
            _registerWrites += _accumulatorBits;
        }
        _products += (long)_accumulators.Length * held;
        _busy += _accumulators.Length;
        _nextTerm += held;
        if (_nextTerm == _fold.K.Length)
            Array.Fill(_live, true);
    }

    // A PE latches the broadcast values into lanes 0..values.Length-1 of one operand register.
    private void Latch(long[] registers, int pe, ReadOnlySpan<long> values, int bits)
    {
        values.CopyTo(registers.AsSpan(pe * _lanes));
        _registerWrites += (long)values.Length * bits;
    }

    // Shift-in cycle e, the drain's mirror: in each column the partial sums already in move down
    // one row (bottom first), then the one of row sr-1-e enters the top PE.
    private void ShiftIn()
    {
        for (var c = 0; c < _cols; c++)
        {
            MoveDown(c);
            _accumulators[c] = _partialSums.Take(_fold.Group, _fold.M.Start + _rows - 1 - _shiftedIn, _fold.N.Start + c);
            _live[c] = true;
            _ofmapReadBits += _accumulatorBits;
            _registerWrites += _accumulatorBits;
        }
        _shiftedIn++;
    }

    // Drain cycle d: each column's bottom PE hands the result of row sr-1-d to the output buffer,
    // then every value above it moves down one row. Only a fold that ends the reduction adds into
    // the layer's output; the others leave partial sums for the next chunk.
    private void Drain()
    {
        var bottom = _rows - 1;
        for (var c = 0; c < _cols; c++)
        {
            var pe = bottom * _cols + c;
            var value = _accumulators[pe];
            _live[pe] = false;
            _registerReads += _accumulatorBits;
            var (m, n) = (_fold.M.Start + bottom - _drained, _fold.N.Start + c);
            if (_ends)
            {
                _operands.Accumulate(_fold.Group, m, n, value);
                _ofmapWriteBits += _operands.Problem.OutputFormat.Bits;
            }
            else
            {
                _partialSums.Put(_fold.Group, m, n, value);
                _ofmapWriteBits += _accumulatorBits;
            }
            MoveDown(c);
        }
        _drained++;
    }

    // Column c's chain moves one row down, bottom first: each live value reads out of its PE and
    // writes into the one below, which must have emptied.
    private void MoveDown(int c)
    {
        for (var r = _rows - 1; r >= 1; r--)
        {
            var (pe, above) = (r * _cols + c, (r - 1) * _cols + c);
            if (!_live[above])
                continue;
            if (_live[pe])
                throw new InvalidOperationException($"chain move into a PE still holding a value (row {r}, column {c})");
            _accumulators[pe] = _accumulators[above];
            (_live[pe], _live[above]) = (true, false);
            _registerReads += _accumulatorBits;
            _registerWrites += _accumulatorBits;
        }
    }

    public FoldCost Measured(long cycles)
    {
        if (cycles != _cycles || _drained != _rows)
            throw new InvalidOperationException($"the engine counted {cycles} cycles for a fold that stepped {_cycles} and drained {_drained} of {_rows} rows");
        var problem = _operands.Problem;
        var counts = ActivityCounts.From(
        [
            new(ActionKey.Multiply(problem.WeightFormat, problem.InputFormat), _products - _gatedProducts),
            new(ActionKey.Add(problem.AccumulatorFormat), _products - _gatedProducts),
            new(ActionKey.GatedMac(problem.WeightFormat, problem.InputFormat), _gatedProducts),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), _registerReads),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), _registerWrites),
        ]);
        return new FoldCost(_cycles, _busy, counts, _ifmapBits, _weightReadBits, _ofmapReadBits, _ofmapWriteBits, _drained);
    }
}
