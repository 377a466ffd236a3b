using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// One fold on the reference XNOR array, one clock per <see cref="Step"/>. Compute cycles: at
/// the first cycle of each step the row and column feeders read the step's words from the
/// buffers and every PE latches them; each cycle every PE XNORs (binary) or ANDs one plane pair,
/// popcounts and accumulates. Then the drain: each cycle the bottom accumulator of every column
/// leaves for the output buffer and the live ones above it move down one row.
/// </summary>
internal sealed class XnorReferenceFold : IReferenceFold
{
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly XnorDatapath _path;
    private readonly XnorPe[,] _pes;
    private readonly int _lanes;
    private readonly long _steps;
    private readonly int _accBits;
    private readonly int _inputBits;
    private readonly int _weightBits;
    private readonly int _outputBits;
    // n_valid of each row's current step: the row feeder knows which lanes it filled with padding
    // and sends the count along the row with the mask.
    private readonly int[] _rowValid;
    private long _cycle;

    private long _busy, _xnor, _and, _popcount, _add, _shiftAccumulate, _registerReads, _registerWrites;
    private long _ifmapReadBits, _weightReadBits, _ofmapWriteBits;

    public XnorReferenceFold(XnorUnitSpec spec, GemmOperands operands, Fold fold)
    {
        _operands = operands;
        _fold = fold;
        var problem = operands.Problem;
        _path = new XnorDatapath(problem.Layer.Precision);
        _lanes = spec.Lanes;
        _steps = (fold.K.Length + _lanes - 1) / _lanes;
        _accBits = problem.AccumulatorFormat.Bits;
        _inputBits = problem.InputFormat.Bits;
        _weightBits = problem.WeightFormat.Bits;
        _outputBits = problem.OutputFormat.Bits;
        _rowValid = new int[fold.Rows];
        var (wPlanes, aPlanes) = _path.Binary ? (1, 1) : (_path.WeightPlanes, _path.InputPlanes);
        _pes = new XnorPe[fold.Rows, fold.Cols];
        for (var r = 0; r < fold.Rows; r++)
            for (var c = 0; c < fold.Cols; c++)
                _pes[r, c] = new XnorPe(wPlanes, aPlanes, _lanes);
    }

    private long ComputeEnd => _steps * _path.CyclesPerStep;

    public bool Step()
    {
        bool done;
        if (_cycle < ComputeEnd)
        {
            var step = _cycle / _path.CyclesPerStep;
            var inStep = (int)(_cycle % _path.CyclesPerStep);
            if (inStep == 0)
                Load(step);
            for (var r = 0; r < _fold.Rows; r++)
                for (var c = 0; c < _fold.Cols; c++)
                    if (_path.Binary) XnorStep(_pes[r, c], _rowValid[r]);
                    else PlaneStep(_pes[r, c], inStep);
            // After the last compute cycle every accumulator holds a final result: the drain chain is full.
            if (_cycle == ComputeEnd - 1)
                for (var r = 0; r < _fold.Rows; r++)
                    for (var c = 0; c < _fold.Cols; c++)
                        (_pes[r, c].Live, _pes[r, c].Pixel) = (true, _fold.M.Start + r);
            done = false;
        }
        else
        {
            done = Drain();
        }
        _cycle++;
        return done;
    }

    public FoldCost Measured(long cycles)
    {
        if (cycles != _cycle)
            throw new InvalidOperationException($"the engine counted {cycles} cycles for a fold that stepped {_cycle}");
        var counts = new ActivityCountsBuilder();
        var problem = _operands.Problem;
        counts.Add(ActionKey.Simple(PrimitiveAction.XnorBitOp), _xnor);
        counts.Add(ActionKey.Simple(PrimitiveAction.AndBitOp), _and);
        counts.Add(ActionKey.Simple(PrimitiveAction.PopcountInputBit), _popcount);
        counts.Add(ActionKey.Add(problem.AccumulatorFormat), _add);
        counts.Add(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, _accBits), _shiftAccumulate);
        counts.Add(ActionKey.Simple(PrimitiveAction.RegisterReadBit), _registerReads);
        counts.Add(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), _registerWrites);
        return new FoldCost(cycles, _busy, counts.ToCounts(), _ifmapReadBits, _weightReadBits, 0, _ofmapWriteBits);
    }

    /// <summary>The feeders read the step's words once per row and column and broadcast them; every PE latches its row's and column's.</summary>
    private void Load(long step)
    {
        var k0 = _fold.K.Start + step * _lanes;
        var held = (int)Math.Min(_lanes, _fold.K.End - k0);
        foreach (var pe in _pes)
            pe.Held = held;
        for (var r = 0; r < _fold.Rows; r++)
        {
            _ifmapReadBits += (long)held * _inputBits;
            var valid = 0;
            for (var l = 0; l < held; l++)
            {
                var (value, isValid) = _operands.A(_fold.Group, _fold.M.Start + r, k0 + l);
                if (isValid) valid++;
                for (var c = 0; c < _fold.Cols; c++)
                {
                    Latch(_pes[r, c].Input, l, value);
                    if (!_path.Binary) continue;
                    _pes[r, c].Valid[l] = isValid;
                    _registerWrites++;
                }
            }
            _rowValid[r] = valid;
        }
        for (var c = 0; c < _fold.Cols; c++)
        {
            _weightReadBits += (long)held * _weightBits;
            for (var l = 0; l < held; l++)
            {
                var value = _operands.B(_fold.Group, k0 + l, _fold.N.Start + c);
                for (var r = 0; r < _fold.Rows; r++)
                    Latch(_pes[r, c].Weight, l, value);
            }
        }
    }

    /// <summary>Binary lanes hold 1 for +1 and 0 for -1 (and 0 on padding, masked); planes hold two's-complement bits.</summary>
    private void Latch(bool[][] planes, int lane, long value)
    {
        if (_path.Binary)
            planes[0][lane] = value == 1;
        else
            for (var b = 0; b < planes.Length; b++)
                planes[b][lane] = ((value >> b) & 1) == 1;
        _registerWrites += planes.Length;
    }

    private void XnorStep(XnorPe pe, int valid)
    {
        var pop = 0;
        for (var l = 0; l < pe.Held; l++)
        {
            var match = pe.Input[0][l] == pe.Weight[0][l];
            _xnor++;
            // The mask gates the XNOR output into the popcount: a padding lane adds nothing to pop or to n.
            if (pe.Valid[l] && match) pop++;
            _popcount++;
        }
        _registerReads += 3L * pe.Held;
        Accumulate(pe, 2L * pop - valid);
        _add++;
    }

    private void PlaneStep(XnorPe pe, int inStep)
    {
        var (i, j) = _path.PlanePair(inStep);
        var pop = 0L;
        for (var l = 0; l < pe.Held; l++)
        {
            if (pe.Weight[i][l] & pe.Input[j][l]) pop++;
            _and++;
            _popcount++;
        }
        _registerReads += 2L * pe.Held;
        var term = pop << (i + j);
        Accumulate(pe, _path.Negated(i, j) ? -term : term);
        _shiftAccumulate++;
    }

    private void Accumulate(XnorPe pe, long value)
    {
        _registerReads += _accBits;
        pe.Accumulator = checked(pe.Accumulator + value);
        _registerWrites += _accBits;
        _busy++;
    }

    /// <summary>One drain cycle: true when the fold's last result has left.</summary>
    private bool Drain()
    {
        var bottom = _fold.Rows - 1;
        var any = false;
        for (var c = 0; c < _fold.Cols; c++)
        {
            var leaving = _pes[bottom, c];
            if (leaving.Live)
            {
                _registerReads += _accBits;
                _operands.Accumulate(_fold.Group, leaving.Pixel, _fold.N.Start + c, leaving.Accumulator);
                _ofmapWriteBits += _outputBits;
                leaving.Live = false;
            }
            // Bottom-up, so each value moves exactly one row this cycle.
            for (var r = bottom - 1; r >= 0; r--)
            {
                var (from, to) = (_pes[r, c], _pes[r + 1, c]);
                if (!from.Live) continue;
                _registerReads += _accBits;
                (to.Accumulator, to.Pixel, to.Live) = (from.Accumulator, from.Pixel, true);
                _registerWrites += _accBits;
                from.Live = false;
            }
            for (var r = 0; r <= bottom; r++)
                any |= _pes[r, c].Live;
        }
        return !any;
    }
}
