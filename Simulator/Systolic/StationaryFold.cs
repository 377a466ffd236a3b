using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// One ws or is fold stepped cycle by cycle. ws keeps weights B(k_r, n_c) in PE(r, c) and
/// streams inputs A(m, k_r) over time m; is keeps inputs A(m_c, k_r) and streams weights
/// B(k_r, n) over time n.
/// <list type="number">
/// <item>Cycles 0..sr-1: the stationary operands shift in from the top, one row per cycle;
/// the value for row i enters at cycle sr-1-i and is in row i after cycle sr-1.</item>
/// <item>Then the streamed value of step t enters row r at cycle sr + t + r (skew FIFO on the
/// buffer's port) and moves right one PE per cycle, latched only where a neighbour uses it.
/// PE(r, c) adds its product to the sum from the PE above, or at row 0 to zero / the partial
/// sum an earlier fold left in the output buffer, in cycle sr + t + r + c.</item>
/// <item>A column's sum passes the AR-sr unused rows below through their sum registers, one row
/// per cycle, and leaves below row AR-1 to the output buffer.</item>
/// </list>
/// </summary>
internal sealed class StationaryFold : IReferenceFold
{
    private readonly FoldEdge _edge;
    private readonly FoldTally _tally;
    // skip: zero_operands: a MAC on a zero input is gated (README §8).
    private readonly bool _gating;
    private readonly bool _weightsStay;
    private readonly int _sr, _sc, _ar, _stationaryBits, _streamingBits, _sumBits;
    private readonly long _t;
    // PE(r, c)'s registers at [r·sc + c] (flat arrays: a 2-D array of structs is slow to write);
    // _sum has a register in each of the AR physical rows.
    private readonly Token?[] _stationary, _streaming, _sum;
    private long _cycle, _left;

    public StationaryFold(SystolicUnitSpec spec, FoldEdge edge)
    {
        _edge = edge;
        _tally = edge.Tally;
        _weightsStay = spec.Dataflow == Dataflow.WeightStationary;
        _gating = spec.Skip == SkipMode.ZeroOperands;
        var f = edge.Fold;
        (_sr, _sc, _ar) = (f.Rows, f.Cols, spec.Rows);
        _t = _weightsStay ? f.M.Length : f.N.Length;
        (_stationaryBits, _streamingBits) = _weightsStay ? (edge.Widths.Weight, edge.Widths.Input) : (edge.Widths.Input, edge.Widths.Weight);
        _sumBits = edge.Widths.Accumulator;
        _stationary = new Token?[_sr * _sc];
        _streaming = new Token?[_sr * _sc];
        _sum = new Token?[_ar * _sc];
    }

    private int Pe(int r, int c) => r * _sc + c;

    public bool Step()
    {
        var cycle = _cycle++;
        if (cycle < _sr)
        {
            Load(cycle);
            return false;
        }
        Leave();
        Compute(cycle - _sr);
        return _left == _sc * _t;
    }

    public FoldCost Measured(long cycles) =>
        cycles == _cycle ? _tally.Cost(cycles) : throw new InvalidOperationException($"the fold stepped {_cycle} cycles, not {cycles}");

    private void Load(long cycle)
    {
        for (var c = 0; c < _sc; c++)
        {
            for (var r = _sr - 1; r >= 1; r--)
                if (_stationary[Pe(r - 1, c)] is { } v)
                {
                    // The load chain is a wire into the next register: a load, no read (README §5).
                    _stationary[Pe(r, c)] = v;
                    _tally.RegisterWrite(_stationaryBits);
                }
            _stationary[Pe(0, c)] = StationaryPort((int)(_sr - 1 - cycle), c);
            _tally.RegisterWrite(_stationaryBits);
        }
    }

    private void Leave()
    {
        for (var c = 0; c < _sc; c++)
            if (_sum[Pe(_ar - 1, c)] is { } s)
            {
                _tally.RegisterRead(_sumBits);
                _edge.Result(s.M, s.N, s.Value);
                _sum[Pe(_ar - 1, c)] = null;
                _left++;
            }
    }

    // Bottom-right first, so each PE reads its neighbours' registers before they change this cycle.
    private void Compute(long step)
    {
        var f = _edge.Fold;
        for (var r = _ar - 1; r >= 0; r--)
            for (var c = _sc - 1; c >= 0; c--)
            {
                var above = r == 0 ? null : _sum[Pe(r - 1, c)];
                if (r >= _sr)
                {
                    // An unused row only passes the column's sum on.
                    _sum[Pe(r, c)] = above;
                    if (above is not null)
                        _tally.RegisterWrite(_sumBits);
                    continue;
                }
                var x = c == 0 ? StreamingPort(r, step) : _streaming[Pe(r, c - 1)];
                _streaming[Pe(r, c)] = null;
                _sum[Pe(r, c)] = null;
                if (x is not { } streamed)
                {
                    if (above is not null)
                        throw new InvalidOperationException($"PE({r},{c}) at step {step}: a sum arrived without its operand");
                    continue;
                }
                // The forwarded operand and the held stationary one are wired to the multiplier: no reads (README §5).
                var held = _stationary[Pe(r, c)] ?? throw new InvalidOperationException($"PE({r},{c}) holds no stationary operand");
                var (m, n) = _weightsStay ? (streamed.M, held.N) : (held.M, streamed.N);
                if (held.K != streamed.K || held.K != f.K.Start + r)
                    throw new InvalidOperationException($"PE({r},{c}) at step {step}: operands {held} and {streamed} do not belong together");

                long inflow;
                if (r == 0)
                    inflow = _edge.PartialSum(m, n);
                else if (above is { } s && s.M == m && s.N == n && s.K == streamed.K - 1)
                    inflow = s.Value;
                else
                    throw new InvalidOperationException($"PE({r},{c}) at step {step}: sum {above} from above does not belong to ({m}, {n})");

                _sum[Pe(r, c)] = new Token(inflow + streamed.Value * held.Value, m, streamed.K, n);
                _tally.RegisterWrite(_sumBits);
                _tally.Mac(gated: _gating && (_weightsStay ? streamed : held).Value == 0);
                if (c < _sc - 1)
                {
                    _streaming[Pe(r, c)] = streamed;
                    _tally.RegisterWrite(_streamingBits);
                }
            }
    }

    private Token StationaryPort(int row, int c)
    {
        var f = _edge.Fold;
        return _weightsStay ? _edge.Weight(f.K.Start + row, f.N.Start + c) : _edge.Input(f.M.Start + c, f.K.Start + row);
    }

    private Token? StreamingPort(int r, long step)
    {
        var t = step - r;
        if (t < 0 || t >= _t) return null;
        var f = _edge.Fold;
        return _weightsStay ? _edge.Input(f.M.Start + t, f.K.Start + r) : _edge.Weight(f.K.Start + r, f.N.Start + t);
    }
}
