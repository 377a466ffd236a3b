using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// One fold on the reference bit-serial array. Each step, at the start of its first cycle, every
/// row reads its pixel's next lanes activations from the input buffer once (all planes) and
/// broadcasts them into its PEs' lane registers; every column does the same with its filter's
/// weights. Then one plane (pair) per cycle; when the reduction is done each column shifts its
/// results down and out of its bottom PE, one per cycle, into the output buffer.
/// </summary>
internal sealed class BitSerialReferenceFold : IReferenceFold
{
    private readonly BitSerialUnitSpec _spec;
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly BitPlanes _weight;
    private readonly BitPlanes _activation;
    private readonly BitSerialPe[,] _pes;
    private readonly (int Weight, int Activation)[] _planes;
    private readonly BitSerialTally _tally = new();
    private readonly int _accumulatorBits;
    private long _cycles;
    private long _nextTerm;
    private int _held;
    private int _plane;
    private int _drained;

    public BitSerialReferenceFold(BitSerialUnitSpec spec, GemmOperands operands, Fold fold)
    {
        var problem = operands.Problem;
        if (fold.K.Start != 0 || fold.K.End != problem.K)
            throw new InvalidOperationException("a bit-serial fold spans the whole reduction (K is in time)");
        _spec = spec;
        _operands = operands;
        _fold = fold;
        _weight = BitPlanes.Of(problem.WeightFormat);
        _activation = BitPlanes.Of(problem.InputFormat);
        _accumulatorBits = problem.AccumulatorFormat.Bits;
        _pes = new BitSerialPe[fold.Rows, fold.Cols];
        for (var r = 0; r < fold.Rows; r++)
            for (var c = 0; c < fold.Cols; c++)
                _pes[r, c] = new BitSerialPe(spec.Lanes, _weight, _activation, _accumulatorBits, _tally);
        // Serial activations walk the activation planes (weights bit-parallel, marked -1);
        // both serial walk every pair, weight plane outer.
        _planes = spec.Serial == SerialMode.Activations
            ? [.. Enumerable.Range(0, _activation.Bits).Select(j => (-1, j))]
            : [.. Enumerable.Range(0, _weight.Bits).SelectMany(i => Enumerable.Range(0, _activation.Bits).Select(j => (i, j)))];
    }

    private bool Computing => _nextTerm < _fold.K.Length;

    public bool Step()
    {
        _cycles++;
        if (Computing)
        {
            if (_plane == 0) LoadStep();
            var (i, j) = _planes[_plane];
            foreach (var pe in _pes)
                if (i < 0) pe.ActivationPlane(j);
                else pe.PlanePair(i, j);
            if (++_plane == _planes.Length)
            {
                _plane = 0;
                _nextTerm += _held;
                if (!Computing)
                    foreach (var pe in _pes) pe.EndCompute();
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
        for (var r = 0; r < _fold.Rows; r++)
            for (var l = 0; l < _held; l++)
            {
                // Padding terms are part of the stream: their input is 0 and they still occupy a lane.
                var (value, _) = _operands.A(_fold.Group, _fold.M.Start + r, k0 + l);
                _tally.IfmapReadBits += problem.InputFormat.Bits;
                var code = _activation.Encode(value);
                for (var c = 0; c < _fold.Cols; c++) _pes[r, c].LoadActivation(l, code);
            }
        for (var c = 0; c < _fold.Cols; c++)
            for (var l = 0; l < _held; l++)
            {
                var value = _operands.B(_fold.Group, k0 + l, _fold.N.Start + c);
                _tally.WeightReadBits += problem.WeightFormat.Bits;
                var code = _weight.Encode(value);
                for (var r = 0; r < _fold.Rows; r++) _pes[r, c].LoadWeight(l, code);
            }
        foreach (var pe in _pes) pe.BeginStep(_held);
    }

    // Drain cycle d: each column's bottom PE emits the result of row sr-1-d, and every result
    // above it moves down one row.
    private void Drain()
    {
        var bottom = _fold.Rows - 1;
        for (var c = 0; c < _fold.Cols; c++)
        {
            var value = _pes[bottom, c].Emit();
            _operands.Accumulate(_fold.Group, _fold.M.Start + bottom - _drained, _fold.N.Start + c, value);
            _tally.OfmapWriteBits += _operands.Problem.OutputFormat.Bits;
            for (var r = bottom; r >= 1; r--)
                if (_pes[r - 1, c].HoldsResult)
                    _pes[r, c].TakeFrom(_pes[r - 1, c]);
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
        return new FoldCost(_cycles, t.BusyPeCycles, counts, t.IfmapReadBits, t.WeightReadBits, 0, t.OfmapWriteBits);
    }
}
