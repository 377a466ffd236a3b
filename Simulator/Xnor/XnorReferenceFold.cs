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
    private readonly PartialSums _partialSums;
    private readonly bool _endsReduction;
    // Shift-in cycles before the first step: sr when the fold continues a reduction, else 0.
    private readonly long _shiftIn;
    private readonly XnorDatapath _path;
    private readonly XnorPes _pes;
    private readonly int _inputPlanes, _weightPlanes;
    // The feeders' words for one step: a row's input planes and valid mask, a column's weight planes.
    private readonly ulong[] _rowPlanes, _rowValidMask, _columnPlanes;
    private readonly long[] _values;
    private readonly bool[] _valid;
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

    public XnorReferenceFold(XnorUnitSpec spec, GemmOperands operands, Fold fold, PartialSums partialSums)
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
        (_weightPlanes, _inputPlanes) = _path.Binary ? (1, 1) : (_path.WeightPlanes, _path.InputPlanes);
        _pes = new XnorPes(fold.Rows, fold.Cols, _weightPlanes, _inputPlanes, _lanes);
        _rowPlanes = new ulong[_inputPlanes * _pes.Words];
        _rowValidMask = new ulong[_pes.Words];
        _columnPlanes = new ulong[_weightPlanes * _pes.Words];
        (_values, _valid) = (new long[_lanes], new bool[_lanes]);
    }

    private long ComputeEnd => _shiftIn + _steps * _path.CyclesPerStep;

    public bool Draining => _cycle >= ComputeEnd;

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
            if (_path.Binary) XnorStep();
            else PlaneStep(inStep);
            // After the last compute cycle every accumulator holds its result (final or partial): the drain chain is full.
            if (_cycle == ComputeEnd - 1)
                for (var r = 0; r < _fold.Rows; r++)
                    for (var c = 0; c < _fold.Cols; c++)
                    {
                        var pe = _pes.Index(r, c);
                        (_pes.Live[pe], _pes.Pixel[pe]) = (true, _fold.M.Start + r);
                    }
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
        return new FoldCost(cycles, _busy, counts.ToCounts(), _ifmapReadBits, _weightReadBits, _ofmapReadBits, _ofmapWriteBits, _cycle - ComputeEnd);
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
        var (live, accumulator, pixels) = (_pes.Live, _pes.Accumulator, _pes.Pixel);
        for (var c = 0; c < _fold.Cols; c++)
        {
            // Bottom-up, so each value moves exactly one row this cycle.
            for (var r = bottom - 1; r >= 0; r--)
            {
                var (from, to) = (_pes.Index(r, c), _pes.Index(r + 1, c));
                if (!live[from]) continue;
                if (live[to])
                    throw new InvalidOperationException($"shift-in: row {r + 1} of column {c} is still occupied");
                _registerReads += _accBits;
                (accumulator[to], pixels[to], live[to]) = (accumulator[from], pixels[from], true);
                _registerWrites += _accBits;
                live[from] = false;
            }
            var top = _pes.Index(0, c);
            _ofmapReadBits += _accBits;
            (accumulator[top], pixels[top], live[top]) = (_partialSums.Take(_fold.Group, pixel, _fold.N.Start + c), pixel, true);
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
                var pe = _pes.Index(r, c);
                if (_shiftIn == 0)
                    _pes.Accumulator[pe] = 0;
                else if (!_pes.Live[pe] || _pes.Pixel[pe] != _fold.M.Start + r)
                    throw new InvalidOperationException($"PE ({r}, {c}) does not hold pixel {_fold.M.Start + r}'s partial sum after the shift-in");
                _pes.Live[pe] = false;
            }
    }

    /// <summary>
    /// The feeders read the step's words once per row and column and broadcast them; every PE
    /// latches its row's and column's into lanes 0..held-1 (a write per lane and plane, and on
    /// the binary path one per lane of the valid mask).
    /// </summary>
    private void Load(long step)
    {
        var k0 = _fold.K.Start + step * _lanes;
        var held = (int)Math.Min(_lanes, _fold.K.End - k0);
        _pes.SetHeld(held);
        for (var r = 0; r < _fold.Rows; r++)
        {
            _ifmapReadBits += (long)held * _inputBits;
            Array.Clear(_rowPlanes);
            Array.Clear(_rowValidMask);
            var valid = 0;
            var isValid = _valid.AsSpan(0, held);
            _operands.ReadA(_fold.Group, _fold.M.Start + r, k0, _values.AsSpan(0, held), isValid);
            for (var l = 0; l < isValid.Length; l++)
                if (isValid[l])
                {
                    valid++;
                    _rowValidMask[l >> 6] |= 1UL << l;
                }
            Encode(_rowPlanes, _values.AsSpan(0, held));
            for (var c = 0; c < _fold.Cols; c++)
            {
                var pe = _pes.Index(r, c);
                _pes.LatchInput(pe, _rowPlanes);
                _registerWrites += (long)held * _inputPlanes;
                if (!_path.Binary) continue;
                _pes.LatchValid(pe, _rowValidMask);
                _registerWrites += held;
            }
            _rowValid[r] = valid;
        }
        for (var c = 0; c < _fold.Cols; c++)
        {
            _weightReadBits += (long)held * _weightBits;
            Array.Clear(_columnPlanes);
            _operands.ReadB(_fold.Group, k0, _fold.N.Start + c, _values.AsSpan(0, held));
            Encode(_columnPlanes, _values.AsSpan(0, held));
            for (var r = 0; r < _fold.Rows; r++)
            {
                _pes.LatchWeight(_pes.Index(r, c), _columnPlanes);
                _registerWrites += (long)held * _weightPlanes;
            }
        }
    }

    /// <summary>
    /// Lane l of <paramref name="planes"/> (cleared; planes x words) gets <paramref name="values"/>[l]:
    /// binary lanes hold 1 for +1 and 0 for -1 (and 0 on padding, masked); planes hold two's-complement bits.
    /// </summary>
    private void Encode(ulong[] planes, ReadOnlySpan<long> values)
    {
        var words = _pes.Words;
        if (_path.Binary)
        {
            for (var l = 0; l < values.Length; l++)
                if (values[l] == 1)
                    planes[l >> 6] |= 1UL << l;
            return;
        }
        var count = planes.Length / words;
        for (var l = 0; l < values.Length; l++)
            for (var b = 0; b < count; b++)
                planes[b * words + (l >> 6)] |= (ulong)((values[l] >> b) & 1) << l;
    }

    // Every PE: XNOR of its held lanes, the mask gating the XNOR outputs into the popcount (a
    // padding lane adds nothing to pop or to n), dot += 2·pop - n with n its row's valid lanes.
    private void XnorStep()
    {
        long held = _pes.Held;
        for (var r = 0; r < _fold.Rows; r++)
        {
            var valid = _rowValid[r];
            for (var c = 0; c < _fold.Cols; c++)
            {
                var pop = _pes.XnorPopcount(_pes.Index(r, c));
                _xnor += held;
                _popcount += held;
                // The held input, weight and valid bits are wired to the XNOR gates and the mask: no reads (README §5).
                Accumulate(_pes.Index(r, c), 2L * pop - valid);
                _add++;
            }
        }
    }

    // Every PE: weight plane i AND input plane j over its held lanes, popcounted, shifted by i + j.
    private void PlaneStep(int inStep)
    {
        var (i, j) = _path.PlanePair(inStep);
        var negated = _path.Negated(i, j);
        long held = _pes.Held;
        for (var pe = 0; pe < _pes.Count; pe++)
        {
            var pop = _pes.AndPopcount(pe, i, j);
            _and += held;
            _popcount += held;
            _registerReads += 2 * held;
            var term = pop << (i + j);
            Accumulate(pe, negated ? -term : term);
            _shiftAccumulate++;
        }
    }

    // A load of the accumulator; its value feeds the adder by wire, not a read (README §5).
    private void Accumulate(int pe, long value)
    {
        _pes.Accumulator[pe] = _pes.Accumulator[pe] + value;
        _registerWrites += _accBits;
        _busy++;
    }

    /// <summary>One drain cycle: true when the fold's last result has left.</summary>
    private bool Drain()
    {
        var bottom = _fold.Rows - 1;
        var any = false;
        var (live, accumulator, pixels) = (_pes.Live, _pes.Accumulator, _pes.Pixel);
        for (var c = 0; c < _fold.Cols; c++)
        {
            var leaving = _pes.Index(bottom, c);
            if (live[leaving])
            {
                _registerReads += _accBits;
                if (_endsReduction)
                {
                    _operands.Accumulate(_fold.Group, pixels[leaving], _fold.N.Start + c, accumulator[leaving]);
                    _ofmapWriteBits += _outputBits;
                }
                else
                {
                    // A partial sum leaves at accumulator width for the next chunk's shift-in.
                    _partialSums.Put(_fold.Group, pixels[leaving], _fold.N.Start + c, accumulator[leaving]);
                    _ofmapWriteBits += _accBits;
                }
                live[leaving] = false;
            }
            // Bottom-up, so each value moves exactly one row this cycle.
            for (var r = bottom - 1; r >= 0; r--)
            {
                var (from, to) = (_pes.Index(r, c), _pes.Index(r + 1, c));
                if (!live[from]) continue;
                _registerReads += _accBits;
                (accumulator[to], pixels[to], live[to]) = (accumulator[from], pixels[from], true);
                _registerWrites += _accBits;
                live[from] = false;
            }
            for (var r = 0; r <= bottom; r++)
                any |= live[_pes.Index(r, c)];
        }
        return !any;
    }
}
