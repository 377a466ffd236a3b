using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// One fold of one window on the reference bit-serial array in fully connected mode
/// (<see cref="FcMode.Multiplex"/>, Simulator/README.md §3). The rows take the fold's dot steps in
/// turn: at the start of a cycle the weight bus issues the next step, if any, to its row (step s to
/// row s mod R) when that row has finished its last one; the row's PEs latch the window's next
/// lanes activations (one buffer read) and each its own filter's weights, then run their planes,
/// one group per cycle, while other rows run theirs. When every step is done each column's D =
/// min(S, R) rows hold partial sums, which shift down the column's chain one row per cycle and
/// are added, as they leave its bottom PE, into the column's one output (D cycles). A fold that
/// continues a reduction first shifts one partial sum per column into row 0.
/// </summary>
internal sealed class BitSerialMultiplexFold : IReferenceFold
{
    private readonly BitSerialUnitSpec _spec;
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly PartialSums _partialSums;
    private readonly bool _ends;
    private readonly BitPlanes _weight, _activation;
    private readonly int _accumulatorBits;
    private readonly BitSerialTally _tally = new();
    private readonly (int Weight, int Activation)[][] _planes;
    // The rows that take steps, each with its own PEs (one per column of the fold).
    private readonly BitSerialPes[] _rows;
    // Per row: the plane group its current step runs next, or -1 when it is free.
    private readonly int[] _plane;
    private readonly long[] _codes, _values;
    private readonly bool[] _valid;
    // The column's output adder: the sum of the partial sums that have left its bottom PE.
    private readonly long[] _columnSums;
    private readonly long _steps;
    private long _cycles;
    private long _issued;
    private long _finished;
    private bool _shiftedIn;
    private int _drained;

    public BitSerialMultiplexFold(BitSerialUnitSpec spec, GemmOperands operands, Fold fold, PartialSums partialSums)
    {
        var problem = operands.Problem;
        (_spec, _operands, _fold, _partialSums) = (spec, operands, fold, partialSums);
        _ends = fold.EndsReduction(problem.K);
        _shiftedIn = fold.StartsReduction;
        _weight = BitPlanes.Of(problem.WeightFormat);
        _activation = BitPlanes.Of(problem.InputFormat);
        _accumulatorBits = problem.AccumulatorFormat.Bits;
        _planes = BitSerialReferenceFold.PlaneCycles(spec, _weight.Bits, _activation.Bits);
        _steps = (fold.K.Length + spec.Lanes - 1) / spec.Lanes;
        var used = (int)Math.Min(_steps, spec.Rows);
        _rows = [.. Enumerable.Range(0, used).Select(_ => new BitSerialPes(1, fold.Cols, spec.Lanes, _weight, _activation, _accumulatorBits, _tally))];
        _plane = [.. Enumerable.Repeat(-1, used)];
        (_codes, _values, _valid) = (new long[spec.Lanes], new long[spec.Lanes], new bool[spec.Lanes]);
        _columnSums = new long[fold.Cols];
    }

    private bool Computing => _finished < _steps;

    public bool Draining => _shiftedIn && !Computing;

    public bool Step()
    {
        _cycles++;
        if (!_shiftedIn)
        {
            for (var c = 0; c < _fold.Cols; c++)
            {
                _rows[0].ShiftIn(0, c, _partialSums.Take(_fold.Group, _fold.M.Start, _fold.N.Start + c));
                _tally.OfmapReadBits += _accumulatorBits;
            }
            _shiftedIn = true;
            return false;
        }
        if (Computing)
        {
            if (_issued < _steps && _plane[(int)(_issued % _rows.Length)] < 0)
                Issue((int)(_issued % _rows.Length));
            for (var r = 0; r < _rows.Length; r++)
            {
                if (_plane[r] < 0)
                    continue;
                foreach (var (i, j) in _planes[_plane[r]])
                {
                    if (i < 0) _rows[r].ActivationPlane(j);
                    else _rows[r].PlanePair(i, j);
                }
                _rows[r].EndCycle();
                if (++_plane[r] == _planes.Length)
                {
                    _plane[r] = -1;
                    _finished++;
                }
            }
            if (!Computing)
                foreach (var row in _rows)
                    row.EndCompute();
            return false;
        }
        Drain();
        return _drained == _rows.Length;
    }

    // Step `_issued` to row r: the window's activations from the input buffer, each column's weights
    // from the weight buffer into that row's PE.
    private void Issue(int r)
    {
        var k0 = _issued * _spec.Lanes;
        var held = (int)Math.Min(_spec.Lanes, _fold.K.Length - k0);
        var problem = _operands.Problem;
        var codes = _codes.AsSpan(0, held);
        var values = _values.AsSpan(0, held);
        _operands.ReadA(_fold.Group, _fold.M.Start, _fold.K.Start + k0, values, _valid.AsSpan(0, held));
        _tally.IfmapReadBits += (long)held * problem.InputFormat.Bits;
        for (var l = 0; l < held; l++)
            codes[l] = _activation.Encode(values[l]);
        _rows[r].LoadActivations(0, codes);
        for (var c = 0; c < _fold.Cols; c++)
        {
            _operands.ReadB(_fold.Group, _fold.K.Start + k0, _fold.N.Start + c, values);
            _tally.WeightReadBits += (long)held * problem.WeightFormat.Bits;
            for (var l = 0; l < held; l++)
                codes[l] = _weight.Encode(values[l]);
            _rows[r].LoadWeights(c, codes);
        }
        _rows[r].BeginStep(held);
        _plane[r] = 0;
        _issued++;
    }

    // Drain cycle d: each column's bottom row emits its partial sum into the column's adder (an
    // accumulator-width Add from the second on) and every value above moves down one row; after D
    // cycles the column's sum leaves as the output (or, mid-reduction, as a partial sum).
    private void Drain()
    {
        var bottom = _rows.Length - 1;
        for (var c = 0; c < _fold.Cols; c++)
        {
            var value = _rows[bottom].Emit(0, c);
            if (_drained > 0)
                _tally.Adds++;
            _columnSums[c] += value;
            // A move down the chain: the row above's value is read and loaded into the row below.
            for (var r = bottom; r >= 1; r--)
                if (_rows[r - 1].HoldsResult(0, c))
                    _rows[r].ShiftIn(0, c, _rows[r - 1].Emit(0, c));
        }
        if (++_drained < _rows.Length)
            return;
        for (var c = 0; c < _fold.Cols; c++)
        {
            var (m, n) = (_fold.M.Start, _fold.N.Start + c);
            if (_ends)
            {
                _operands.Accumulate(_fold.Group, m, n, _columnSums[c]);
                _tally.OfmapWriteBits += _operands.Problem.OutputFormat.Bits;
            }
            else
            {
                _partialSums.Put(_fold.Group, m, n, _columnSums[c]);
                _tally.OfmapWriteBits += _accumulatorBits;
            }
        }
    }

    public FoldCost Measured(long cycles)
    {
        if (cycles != _cycles || _drained != _rows.Length)
            throw new InvalidOperationException($"the engine counted {cycles} cycles for a fold that stepped {_cycles} and drained {_drained} of {_rows.Length} rows");
        var t = _tally;
        var counts = ActivityCounts.From(
        [
            new(ActionKey.Simple(PrimitiveAction.AndBitOp), t.AndBitOps),
            new(ActionKey.Simple(PrimitiveAction.PopcountInputBit), t.PopcountInputBits),
            new(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, _accumulatorBits), t.ShiftAccumulates),
            new(ActionKey.Add(_operands.Problem.AccumulatorFormat), t.Adds),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), t.RegisterReadBits),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), t.RegisterWriteBits),
        ]);
        return new FoldCost(_cycles, t.BusyPeCycles, counts, t.IfmapReadBits, t.WeightReadBits, t.OfmapReadBits, t.OfmapWriteBits, _drained);
    }
}
