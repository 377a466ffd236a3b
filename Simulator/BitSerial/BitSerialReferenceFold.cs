using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// One fold on the reference bit-serial array. A fold that does not start the reduction (a later
/// time chunk of K) first shifts the earlier chunks' partial sums in: each column reads one from
/// the output buffer per cycle into its top PE while those already in move down one row, sr
/// cycles (row sr-1's value first). Each step, at the start of its first cycle, every row reads
/// its pixel's next lanes activations from the input buffer once (all planes) and broadcasts them
/// into its PEs' lane registers; every column does the same with its filter's weights. Then one
/// plane (pair) per cycle; when the fold's terms are done each column shifts its results down and
/// out of its bottom PE, one per cycle, into the output buffer: final outputs when the fold ends
/// the reduction, else partial sums at accumulator width for the next chunk.
/// </summary>
internal sealed class BitSerialReferenceFold : IReferenceFold
{
    private readonly BitSerialUnitSpec _spec;
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly PartialSums _partialSums;
    private readonly bool _ends;
    private readonly BitPlanes _weight;
    private readonly BitPlanes _activation;
    private readonly BitSerialPes _pes;
    // Per cycle of a step, the plane pairs it processes (bits_per_cycle planes of each serial operand);
    // with skip, the current step's, built when it loads (a zero_bits cycle k is (SetBitCycle, k)).
    private (int Weight, int Activation)[][] _planes;
    private const int SetBitCycle = -2;
    // The feeders' words for one step: a row's activation codes, a column's weight codes.
    private readonly long[] _codes, _values;
    private readonly bool[] _valid;
    private readonly BitSerialTally _tally = new();
    private readonly int _accumulatorBits;
    private long _cycles;
    private long _nextTerm;
    private int _held;
    private int _plane;
    private int _shiftedIn;
    private int _drained;

    public BitSerialReferenceFold(BitSerialUnitSpec spec, GemmOperands operands, Fold fold, PartialSums partialSums)
    {
        var problem = operands.Problem;
        _spec = spec;
        _operands = operands;
        _fold = fold;
        _partialSums = partialSums;
        _ends = fold.EndsReduction(problem.K);
        // A fold that starts the reduction has nothing to shift in.
        _shiftedIn = fold.StartsReduction ? fold.Rows : 0;
        _weight = BitPlanes.Of(problem.WeightFormat);
        _activation = BitPlanes.Of(problem.InputFormat);
        _accumulatorBits = problem.AccumulatorFormat.Bits;
        _pes = new BitSerialPes(fold.Rows, fold.Cols, spec.Lanes, _weight, _activation, _accumulatorBits, _tally);
        (_codes, _values, _valid) = (new long[spec.Lanes], new long[spec.Lanes], new bool[spec.Lanes]);
        // Serial activations walk the activation planes bits_per_cycle at a time (weights
        // bit-parallel, marked -1); both serial walk every pair of plane groups, weight group outer.
        _planes = PlaneCycles(_activation.Bits);
    }

    // The cycles of a step whose activations take their low `activationPlanes` planes.
    private (int Weight, int Activation)[][] PlaneCycles(int activationPlanes) => PlaneCycles(_spec, _weight.Bits, activationPlanes);

    /// <summary>The plane (pair) groups of a step's cycles, in order; a weight of -1 marks a bit-parallel weight.</summary>
    internal static (int Weight, int Activation)[][] PlaneCycles(BitSerialUnitSpec spec, int weightPlanes, int activationPlanes)
    {
        var perCycle = spec.BitsPerCycle;
        int[][] Groups(int planes) => [.. Enumerable.Range(0, BitSerialModel.Digits(planes, perCycle))
            .Select(d => Enumerable.Range(d * perCycle, Math.Min(perCycle, planes - d * perCycle)).ToArray())];
        return spec.Serial == SerialMode.Activations
            ? [.. Groups(activationPlanes).Select(js => js.Select(j => (-1, j)).ToArray())]
            : [.. Groups(weightPlanes).SelectMany(i => Groups(activationPlanes).Select(j => i.SelectMany(wi => j.Select(aj => (wi, aj))).ToArray()))];
    }

    private bool Computing => _nextTerm < _fold.K.Length;

    public bool Draining => _shiftedIn == _fold.Rows && !Computing;

    public bool Step()
    {
        _cycles++;
        if (_shiftedIn < _fold.Rows)
        {
            ShiftIn();
            return false;
        }
        if (Computing)
        {
            if (_plane == 0) LoadStep();
            foreach (var (i, j) in _planes[_plane])
            {
                if (i == SetBitCycle) _pes.SetBit(j);
                else if (i < 0) _pes.ActivationPlane(j);
                else _pes.PlanePair(i, j);
            }
            _pes.EndCycle();
            if (++_plane == _planes.Length)
            {
                _plane = 0;
                _nextTerm += _held;
                if (!Computing)
                    _pes.EndCompute();
            }
            return false;
        }
        Drain();
        return _drained == _fold.Rows;
    }

    private void LoadStep()
    {
        _held = (int)Math.Min(_spec.Lanes, _fold.K.Length - _nextTerm);
        var problem = _operands.Problem;
        var k0 = _fold.K.Start + _nextTerm;
        var codes = _codes.AsSpan(0, _held);
        var values = _values.AsSpan(0, _held);
        // With skip, the step's group (every row's activations of this step) sets its length.
        var groupMax = 0;
        for (var r = 0; r < _fold.Rows; r++)
        {
            // Padding terms are part of the stream: their input is 0 and they still occupy a lane.
            _operands.ReadA(_fold.Group, _fold.M.Start + r, k0, values, _valid.AsSpan(0, _held));
            _tally.IfmapReadBits += (long)_held * problem.InputFormat.Bits;
            for (var l = 0; l < values.Length; l++)
            {
                codes[l] = _activation.Encode(values[l]);
                if (_spec.Skip != SkipMode.None)
                    groupMax = Math.Max(groupMax, CodeHistogram.Measure(values[l], problem.InputFormat, ValueSkipping.MeasureOf(_spec.Skip)));
            }
            _pes.LoadActivations(r, codes);
        }
        for (var c = 0; c < _fold.Cols; c++)
        {
            _operands.ReadB(_fold.Group, k0, _fold.N.Start + c, values);
            _tally.WeightReadBits += (long)_held * problem.WeightFormat.Bits;
            for (var l = 0; l < values.Length; l++)
                codes[l] = _weight.Encode(values[l]);
            _pes.LoadWeights(c, codes);
        }
        switch (_spec.Skip)
        {
            case SkipMode.None:
                _pes.BeginStep(_held);
                break;
            case SkipMode.ZeroBits:
                _planes = [.. Enumerable.Range(0, ValueSkipping.StepCycles(_spec, _weight.Bits, groupMax)).Select(k => new[] { (SetBitCycle, k) })];
                _pes.BeginStep(_held);
                break;
            case SkipMode.DynamicPrecision:
                var planes = Math.Max(1, groupMax);
                _planes = PlaneCycles(planes);
                _pes.BeginStep(_held, planes);
                break;
        }
    }

    // Shift-in cycle e, the mirror of the drain: in each column every partial sum already in
    // moves down one row (bottom first), then the one for row sr-1-e enters the top PE. After sr
    // cycles row r holds the partial sum of pixel m_r.
    private void ShiftIn()
    {
        for (var c = 0; c < _fold.Cols; c++)
        {
            for (var r = _fold.Rows - 1; r >= 1; r--)
                if (_pes.HoldsResult(r - 1, c))
                    _pes.TakeFromAbove(r, c);
            var partial = _partialSums.Take(_fold.Group, _fold.M.Start + _fold.Rows - 1 - _shiftedIn, _fold.N.Start + c);
            _tally.OfmapReadBits += _accumulatorBits;
            _pes.ShiftIn(0, c, partial);
        }
        _shiftedIn++;
    }

    // Drain cycle d: each column's bottom PE emits the result of row sr-1-d, and every result
    // above it moves down one row. Only a fold that ends the reduction adds into the layer's
    // output (its accumulators started from the earlier chunks' partial sums); the others leave
    // their partial sums, at accumulator width, for the next chunk.
    private void Drain()
    {
        var bottom = _fold.Rows - 1;
        for (var c = 0; c < _fold.Cols; c++)
        {
            var value = _pes.Emit(bottom, c);
            var (m, n) = (_fold.M.Start + bottom - _drained, _fold.N.Start + c);
            if (_ends)
            {
                _operands.Accumulate(_fold.Group, m, n, value);
                _tally.OfmapWriteBits += _operands.Problem.OutputFormat.Bits;
            }
            else
            {
                _partialSums.Put(_fold.Group, m, n, value);
                _tally.OfmapWriteBits += _accumulatorBits;
            }
            for (var r = bottom; r >= 1; r--)
                if (_pes.HoldsResult(r - 1, c))
                    _pes.TakeFromAbove(r, c);
        }
        _drained++;
    }

    public FoldCost Measured(long cycles)
    {
        if (cycles != _cycles || _drained != _fold.Rows)
            throw new InvalidOperationException($"the engine counted {cycles} cycles for a fold that stepped {_cycles} and drained {_drained} of {_fold.Rows} rows");
        var t = _tally;
        var counts = ActivityCounts.From(
        [
            new(ActionKey.Simple(PrimitiveAction.AndBitOp), t.AndBitOps),
            new(ActionKey.Simple(PrimitiveAction.PopcountInputBit), t.PopcountInputBits),
            new(ActionKey.Simple(PrimitiveAction.ShiftAccumulate, _accumulatorBits), t.ShiftAccumulates),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), t.RegisterReadBits),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), t.RegisterWriteBits),
        ]);
        return new FoldCost(_cycles, t.BusyPeCycles, counts, t.IfmapReadBits, t.WeightReadBits, t.OfmapReadBits, t.OfmapWriteBits, _drained);
    }
}
