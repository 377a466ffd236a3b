using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Xnor;

/// <summary>
/// One fold on the reference XNOR array, one clock per <see cref="Step"/>. A fold that does not
/// start the reduction (a later chunk of K) first shifts the previous chunk's partial sums in:
/// each cycle the values already in every column move down one row and the top accumulator loads
/// the next one from the output buffer, bottom row's first (sr cycles, the mirror of the drain;
/// no PE is busy in them); a fold that starts the reduction starts from cleared accumulators. Compute cycles: at the first
/// cycle of each step the row and column feeders read the step's words from the buffers and every
/// PE latches them; each cycle every PE XNORs (binary) or ANDs one plane pair, popcounts and
/// accumulates. Then the drain: each cycle the bottom accumulator of every column leaves for the
/// output buffer (a final output, or a partial sum at accumulator width when the fold does not
/// end the reduction) and the live ones above it move down one row.
/// </summary>
internal sealed class XnorReferenceFold : IReferenceFold
{
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly XnorPartialSums _partialSums;
    private readonly bool _endsReduction;
    // Shift-in cycles before the first step: sr when the fold continues a reduction, else 0.
    private readonly long _shiftIn;
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
    private long _ifmapReadBits, _weightReadBits, _ofmapReadBits, _ofmapWriteBits;

    public XnorReferenceFold(XnorUnitSpec spec, GemmOperands operands, Fold fold, XnorPartialSums partialSums)
    {
        _operands = operands;
        _fold = fold;
        _partialSums = partialSums;
        var problem = operands.Problem;
        _endsReduction = fold.EndsReduction(problem.K);
        _shiftIn = fold.StartsReduction ? 0 : fold.Rows;
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

    private long ComputeEnd => _shiftIn + _steps * _path.CyclesPerStep;

    public bool Step()
    {
        bool done;
        if (_cycle < _shiftIn)
        {
            ShiftIn(_cycle);
            done = false;
        }
        else if (_cycle < ComputeEnd)
        {
            var computeCycle = _cycle - _shiftIn;
            if (computeCycle == 0)
                BeginReduction();
            var step = computeCycle / _path.CyclesPerStep;
            var inStep = (int)(computeCycle % _path.CyclesPerStep);
            if (inStep == 0)
                Load(step);
            for (var r = 0; r < _fold.Rows; r++)
                for (var c = 0; c < _fold.Cols; c++)
                    if (_path.Binary) XnorStep(_pes[r, c], _rowValid[r]);
                    else PlaneStep(_pes[r, c], inStep);
            // After the last compute cycle every accumulator holds its result (final or partial): the drain chain is full.
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
        return new FoldCost(cycles, _busy, counts.ToCounts(), _ifmapReadBits, _weightReadBits, _ofmapReadBits, _ofmapWriteBits);
    }

    /// <summary>
    /// Shift-in cycle <paramref name="d"/>: in every column the partial sums already on the chain
    /// move down one row (a read and a write each), then the top accumulator loads the partial sum
    /// of row sr-1-d from the output buffer (a write; an accumulator-width read of the buffer).
    /// </summary>
    private void ShiftIn(long d)
    {
        var bottom = _fold.Rows - 1;
        var pixel = _fold.M.Start + bottom - d;
        for (var c = 0; c < _fold.Cols; c++)
        {
            // Bottom-up, so each value moves exactly one row this cycle.
            for (var r = bottom - 1; r >= 0; r--)
            {
                var (from, to) = (_pes[r, c], _pes[r + 1, c]);
                if (!from.Live) continue;
                if (to.Live)
                    throw new InvalidOperationException($"shift-in: row {r + 1} of column {c} is still occupied");
                _registerReads += _accBits;
                (to.Accumulator, to.Pixel, to.Live) = (from.Accumulator, from.Pixel, true);
                _registerWrites += _accBits;
                from.Live = false;
            }
            var top = _pes[0, c];
            _ofmapReadBits += _accBits;
            (top.Accumulator, top.Pixel, top.Live) = (_partialSums.Take(_fold.Group, pixel, _fold.N.Start + c), pixel, true);
            _registerWrites += _accBits;
        }
    }

    /// <summary>
    /// Before the first step: every accumulator holds its own pixel's partial sum (shifted in), or
    /// is cleared when the fold starts the reduction (a reset, not a register load).
    /// </summary>
    private void BeginReduction()
    {
        for (var r = 0; r < _fold.Rows; r++)
            for (var c = 0; c < _fold.Cols; c++)
            {
                var pe = _pes[r, c];
                if (_shiftIn == 0)
                    pe.Accumulator = 0;
                else if (!pe.Live || pe.Pixel != _fold.M.Start + r)
                    throw new InvalidOperationException($"PE ({r}, {c}) does not hold pixel {_fold.M.Start + r}'s partial sum after the shift-in");
                pe.Live = false;
            }
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
                if (_endsReduction)
                {
                    _operands.Accumulate(_fold.Group, leaving.Pixel, _fold.N.Start + c, leaving.Accumulator);
                    _ofmapWriteBits += _outputBits;
                }
                else
                {
                    // A partial sum leaves at accumulator width for the next chunk's shift-in.
                    _partialSums.Put(_fold.Group, leaving.Pixel, _fold.N.Start + c, leaving.Accumulator);
                    _ofmapWriteBits += _accBits;
                }
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
