using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.BitFusion;

/// <summary>
/// One fold on the reference Bit Fusion array (Simulator/README.md §3). Unit (r, c) holds terms
/// k = K.Start + r·L + l (l &lt; L, fewer in the last row) of filter n_c.
/// <list type="number">
/// <item>Cycle 0: every unit reads its terms' weights from its own weight-buffer bank.</item>
/// <item>From cycle 1 (step s = cycle - 1): unit (r, c) works on pixel m in steps
/// m·cps + r + c to m·cps + r + c + cps - 1, one pass each. At its first pass it latches the
/// pixel's inputs for its terms: column 0 from the input buffer, the others from the unit to their
/// left (which latched them a step earlier). Pass p fuses weight half p / input halves with input
/// half p mod input halves; passes before the last accumulate in the unit; the last adds the
/// unit's dot product to the sum from the unit above (row 0: zero, or the partial sum an earlier
/// fold left in the output buffer) into the unit's sum register, valid for the next step.</item>
/// <item>Rows below the fold's last used row copy the column's sum down, one row per step; the
/// sum leaves below row AR-1 to the output buffer the step after it reaches it.</item>
/// </list>
/// </summary>
internal sealed class FusionReferenceFold : IReferenceFold
{
    private readonly GemmOperands _operands;
    private readonly Fold _fold;
    private readonly PartialSums _partialSums;
    private readonly FusedWidths _widths;
    private readonly int _lanes, _passes, _ar, _ru, _sc, _accumulatorBits;
    private readonly long _t;
    private readonly bool _ends;
    // Unit (r, c) at [r·sc + c]: its terms' weights, the inputs of its current pixel, that pixel,
    // its temporal-pass accumulator. _sum has a register in each of the AR physical rows.
    private readonly long[][] _weights, _inputs;
    private readonly long[] _pixel, _passSum;
    private readonly (long Value, long M)?[] _sum;
    private readonly bool[] _valid;
    private long _cycle, _left, _busy, _registerBits, _ifmapBits, _weightBits, _ofmapReadBits, _ofmapWriteBits;

    public FusionReferenceFold(FusionUnitSpec spec, GemmOperands operands, Fold fold, PartialSums partialSums)
    {
        var problem = operands.Problem;
        _operands = operands;
        _fold = fold;
        _partialSums = partialSums;
        _widths = FusedWidths.Of(problem.WeightFormat, problem.InputFormat);
        (_lanes, _passes) = (_widths.Lanes, _widths.Passes);
        (_ar, _sc, _t) = (spec.Rows, fold.Cols, fold.M.Length);
        _ru = (int)((fold.K.Length + _lanes - 1) / _lanes);
        _accumulatorBits = problem.AccumulatorFormat.Bits;
        _ends = fold.EndsReduction(problem.K);
        _weights = new long[_ru * _sc][];
        _inputs = new long[_ru * _sc][];
        for (var r = 0; r < _ru; r++)
            for (var c = 0; c < _sc; c++)
                (_weights[Unit(r, c)], _inputs[Unit(r, c)]) = (new long[Held(r)], new long[Held(r)]);
        _pixel = new long[_ru * _sc];
        _passSum = new long[_ru * _sc];
        _sum = new (long, long)?[_ar * _sc];
        _valid = new bool[_lanes];
    }

    private int Unit(int r, int c) => r * _sc + c;

    // Terms unit row r holds: L, or what is left in the last row.
    private int Held(int r) => (int)Math.Min(_lanes, _fold.K.Length - r * _lanes);

    public bool Step()
    {
        var cycle = _cycle++;
        if (cycle == 0)
        {
            LoadWeights();
            return false;
        }
        Leave();
        Compute(cycle - 1);
        return _left == _sc * _t;
    }

    private void LoadWeights()
    {
        var problem = _operands.Problem;
        for (var r = 0; r < _ru; r++)
            for (var c = 0; c < _sc; c++)
            {
                var weights = _weights[Unit(r, c)];
                _operands.ReadB(_fold.Group, _fold.K.Start + r * _lanes, _fold.N.Start + c, weights);
                _weightBits += (long)weights.Length * problem.WeightFormat.Bits;
            }
    }

    private void Leave()
    {
        for (var c = 0; c < _sc; c++)
            if (_sum[(_ar - 1) * _sc + c] is { } s)
            {
                var (m, n) = (_fold.M.Start + s.M, _fold.N.Start + c);
                if (_ends)
                {
                    _operands.Accumulate(_fold.Group, m, n, s.Value);
                    _ofmapWriteBits += _operands.Problem.OutputFormat.Bits;
                }
                else
                {
                    _partialSums.Put(_fold.Group, m, n, s.Value);
                    _ofmapWriteBits += _accumulatorBits;
                }
                _sum[(_ar - 1) * _sc + c] = null;
                _left++;
            }
    }

    // Bottom-right first, so each unit reads its neighbours' registers before they change this step.
    private void Compute(long step)
    {
        for (var r = _ar - 1; r >= 0; r--)
            for (var c = _sc - 1; c >= 0; c--)
            {
                var above = r == 0 ? null : _sum[(r - 1) * _sc + c];
                if (r >= _ru)
                {
                    // An idle unit only copies the column's sum down.
                    _sum[r * _sc + c] = above;
                    if (above is not null)
                        _registerBits += _accumulatorBits;
                    continue;
                }
                _sum[r * _sc + c] = null;
                var offset = step - r - c;
                if (offset < 0 || offset >= _t * _passes)
                    continue;
                var (m, pass) = (offset / _passes, (int)(offset % _passes));
                var u = Unit(r, c);
                if (pass == 0)
                    Latch(r, c, m);
                else if (_pixel[u] != m)
                    throw new InvalidOperationException($"unit ({r},{c}) at step {step}: pass {pass} of pixel {m} but it holds pixel {_pixel[u]}");
                var part = FusionUnit.Pass(_weights[u], _inputs[u], _widths, pass / _widths.InputHalves, pass % _widths.InputHalves);
                _busy++;
                if (pass < _passes - 1)
                {
                    _passSum[u] = pass == 0 ? part : _passSum[u] + part;
                    continue;
                }
                var dot = pass == 0 ? part : _passSum[u] + part;
                long inflow;
                if (r == 0)
                {
                    inflow = 0;
                    if (!_fold.StartsReduction)
                    {
                        inflow = _partialSums.Take(_fold.Group, _fold.M.Start + m, _fold.N.Start + c);
                        _ofmapReadBits += _accumulatorBits;
                    }
                }
                else if (above is { } s && s.M == m)
                    inflow = s.Value;
                else
                    throw new InvalidOperationException($"unit ({r},{c}) at step {step}: the sum from above {above} does not belong to pixel {m}");
                _sum[r * _sc + c] = (inflow + dot, m);
            }
    }

    // The unit's first pass of pixel m: its terms' inputs from the input buffer (column 0) or from the unit to its left.
    private void Latch(int r, int c, long m)
    {
        var u = Unit(r, c);
        var inputs = _inputs[u];
        if (c == 0)
        {
            _operands.ReadA(_fold.Group, _fold.M.Start + m, _fold.K.Start + r * _lanes, inputs, _valid.AsSpan(0, inputs.Length));
            _ifmapBits += (long)inputs.Length * _operands.Problem.InputFormat.Bits;
        }
        else
        {
            var left = Unit(r, c - 1);
            if (_pixel[left] != m)
                throw new InvalidOperationException($"unit ({r},{c}): pixel {m} expected from the left, which holds pixel {_pixel[left]}");
            _inputs[left].CopyTo(inputs, 0);
        }
        _pixel[u] = m;
    }

    public FoldCost Measured(long cycles)
    {
        if (cycles != _cycle || _left != _sc * _t)
            throw new InvalidOperationException($"the engine counted {cycles} cycles for a fold that stepped {_cycle} and emitted {_left} of {_sc * _t} sums");
        var counts = ActivityCounts.From(
        [
            new(ActionKey.Simple(PrimitiveAction.FusionUnitCycle), _busy),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), _registerBits),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), _registerBits),
        ]);
        return new FoldCost(_cycle, _busy, counts, _ifmapBits, _weightBits, _ofmapReadBits, _ofmapWriteBits);
    }
}
