using HwSim.Simulator.Architecture;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// One os fold stepped cycle by cycle. PE(r, c) of the sr x sc used PEs accumulates output
/// (m_r, n_c). The input buffer's port for row r starts r cycles late (the usual skew FIFO), so
/// A(m_r, t) enters row r at cycle t + r; B(t, n_c) enters column c at t + c. A PE takes its
/// input from the left neighbour's A register (or the port), its weight from the upper
/// neighbour's B register (or the port), does the MAC, and latches each operand only if a
/// neighbour in the fold will use it.
/// A finished result leaves the accumulator the next cycle and moves down one row per cycle on
/// the column's output chain, leaving below row AR-1. A column's PEs finish one row apart, as
/// fast as the chain drains, so their results travel side by side: below row i the chain has a
/// register lane for each of rows 0..i-1, and the column's results leave together. (A one-lane
/// chain would have to queue them and could not meet README §3's T + AR + sc - 1.)
/// <para>
/// Partial reductions (the fold's K-range is a chunk of K, README §4). A fold that does not start
/// the reduction first preloads: for sr cycles each column's accumulators act as a shift register
/// fed from the output buffer at the top, one row per cycle (cycle j: acc[r] takes acc[r-1] for
/// r = sr-1..1, acc[0] takes the partial sum of row sr-1-j, read at accumulator width), so after
/// cycle sr-1 PE(r, c) holds the sum of terms K.Start-1 and below for (m_r, n_c). The MAC stream
/// then starts sr cycles late (everything above shifted by sr) and the first MAC adds its
/// product to the preloaded sum in the PE's own adder: no extra Add. A fold that does not end the
/// reduction drains exactly as above; its sums go to the output buffer at accumulator width.
/// </para>
/// </summary>
internal sealed class OutputStationaryFold : IReferenceFold
{
    private readonly FoldEdge _edge;
    private readonly FoldTally _tally;
    // skip: zero_operands: a MAC on a zero input is gated (README §8).
    private readonly bool _gating;
    private readonly SystolicWidths _bits;
    private readonly int _sr, _sc, _ar;
    private readonly long _t;
    // The fold's GEMM ranges, read every cycle.
    private readonly long _mStart, _kStart, _kLast, _nStart;
    private readonly bool _startsReduction;
    // Cycles of partial-sum preload before the first MAC: sr when the fold continues a reduction, else 0.
    private readonly int _preload;
    // PE(r, c)'s registers at [r·sc + c] (flat arrays: a 2-D array of structs is slow to write).
    private readonly Token?[] _a, _b, _acc;
    private readonly bool[] _finished;
    // _chain[i][c·lanes(i) + lane]: the output-chain registers of column c in row i, lanes(i) =
    // min(i, sr) of them; lane j carries row j's result (j < i; only the fold's sr rows have results to carry).
    private readonly Token?[][] _chain;
    private readonly int[] _chainLanes;
    private long _cycle, _left;
    // Results on the output chains and PEs whose result is ready to leave: while both are 0 a drain cycle has nothing to move.
    private int _onChains, _finishing;

    public OutputStationaryFold(SystolicUnitSpec spec, FoldEdge edge)
    {
        _edge = edge;
        _tally = edge.Tally;
        _bits = edge.Widths;
        (_sr, _sc, _ar, _t) = (edge.Fold.Rows, edge.Fold.Cols, spec.Rows, edge.Fold.K.Length);
        _gating = spec.Skip == SkipMode.ZeroOperands;
        _preload = edge.Fold.StartsReduction ? 0 : _sr;
        (_mStart, _kStart, _kLast, _nStart) = (edge.Fold.M.Start, edge.Fold.K.Start, edge.Fold.K.End - 1, edge.Fold.N.Start);
        _startsReduction = edge.Fold.StartsReduction;
        _a = new Token?[_sr * _sc];
        _b = new Token?[_sr * _sc];
        _acc = new Token?[_sr * _sc];
        _finished = new bool[_sr * _sc];
        _chainLanes = [.. Enumerable.Range(0, _ar).Select(i => Math.Min(i, _sr))];
        _chain = [.. _chainLanes.Select(lanes => new Token?[_sc * lanes])];
    }

    private int Pe(int r, int c) => r * _sc + c;

    private ref Token? Chain(int row, int c, int lane) => ref _chain[row][c * _chainLanes[row] + lane];

    public bool Step()
    {
        var cycle = _cycle++;
        if (cycle < _preload)
        {
            Preload(cycle);
            return false;
        }
        Drain();
        Compute(cycle - _preload);
        return _left == (long)_sr * _sc;
    }

    public FoldCost Measured(long cycles) =>
        cycles == _cycle ? _tally.Cost(cycles) : throw new InvalidOperationException($"the fold stepped {_cycle} cycles, not {cycles}");

    // One preload cycle: each column's accumulators shift down one row (bottom first, so nothing
    // moves twice) and row 0 takes the partial sum of row sr-1-cycle from the output buffer. The
    // value for row i enters at cycle sr-1-i: i+1 loads and i reads on its way.
    private void Preload(long cycle)
    {
        var f = _edge.Fold;
        var row = _sr - 1 - (int)cycle;
        for (var c = 0; c < _sc; c++)
        {
            for (var r = _sr - 1; r >= 1; r--)
                if (_acc[Pe(r - 1, c)] is { } v)
                {
                    _tally.RegisterRead(_bits.Accumulator);
                    _acc[Pe(r, c)] = v;
                    _tally.RegisterWrite(_bits.Accumulator);
                }
            long m = f.M.Start + row, n = f.N.Start + c;
            _acc[Pe(0, c)] = new Token(_edge.PartialSum(m, n), m, f.K.Start - 1, n);
            _tally.RegisterWrite(_bits.Accumulator);
        }
    }

    // Moves every result on the output chains down one row (bottom lanes leave first, so nothing
    // moves twice), then lets the PEs that finished last cycle put theirs on the chain.
    private void Drain()
    {
        if (_onChains == 0 && _finishing == 0)
            return;
        var (bottom, bottomLanes) = (_chain[_ar - 1], _chainLanes[_ar - 1]);
        for (var c = 0; c < _sc; c++)
        {
            for (var lane = 0; lane < bottomLanes; lane++)
                if (bottom[c * bottomLanes + lane] is { } v)
                {
                    _tally.RegisterRead(_bits.Accumulator);
                    Leave(v);
                    bottom[c * bottomLanes + lane] = null;
                    _onChains--;
                }
            // Chain registers and the step onto the chain are wires into the next register: loads, no reads (README §5).
            for (var i = _ar - 2; i >= 1; i--)
                for (var lane = 0; lane < _chainLanes[i]; lane++)
                    if (Chain(i, c, lane) is { } v)
                    {
                        Chain(i + 1, c, lane) = v;
                        _tally.RegisterWrite(_bits.Accumulator);
                        Chain(i, c, lane) = null;
                    }
            for (var r = 0; r < _sr; r++)
            {
                if (!_finished[Pe(r, c)]) continue;
                var result = _acc[Pe(r, c)]!.Value;
                if (r == _ar - 1)
                {
                    _tally.RegisterRead(_bits.Accumulator);
                    Leave(result);
                }
                else
                {
                    Chain(r + 1, c, r) = result;
                    _onChains++;
                    _tally.RegisterWrite(_bits.Accumulator);
                }
                _acc[Pe(r, c)] = null;
                _finished[Pe(r, c)] = false;
                _finishing--;
            }
        }
    }

    private void Leave(Token result)
    {
        _edge.Result(result.M, result.N, result.Value);
        _left++;
    }

    // PEs are visited bottom-right first, so each reads its neighbours' registers before they
    // are overwritten this cycle: every operand moves exactly one PE per cycle.
    private void Compute(long cycle)
    {
        for (var r = _sr - 1; r >= 0; r--)
            for (var c = _sc - 1; c >= 0; c--)
            {
                var pe = Pe(r, c);
                var a = c == 0 ? InputPort(r, cycle) : _a[pe - 1];
                var b = r == 0 ? WeightPort(c, cycle) : _b[pe - _sc];
                _a[pe] = null;
                _b[pe] = null;
                if (a is null && b is null) continue;
                if (a is not { } x || b is not { } y || x.K != y.K || x.M != _mStart + r || y.N != _nStart + c)
                    throw new InvalidOperationException($"os PE({r},{c}) at cycle {cycle}: operands {a} and {b} do not belong together");
                // Forwarded operands and the accumulator's feedback are wired to the multiplier and adder: no reads (README §5).

                var sum = x.Value * y.Value;
                ref var accumulator = ref _acc[pe];
                if (accumulator is { } acc)
                {
                    // A preloaded partial sum carries K.Start-1, so the first MAC is checked like any other.
                    if (acc.K != x.K - 1 || acc.M != x.M || acc.N != y.N)
                        throw new InvalidOperationException($"os PE({r},{c}) at cycle {cycle}: term {x.K} of ({x.M}, {y.N}) after {acc}");
                    sum = sum + acc.Value;
                }
                else if (x.K != _kStart || !_startsReduction)
                    throw new InvalidOperationException($"os PE({r},{c}) at cycle {cycle}: first term is {x.K} with no partial sum before it (the reduction starts at {_kStart})");
                accumulator = new Token(sum, x.M, x.K, y.N);
                _tally.RegisterWrite(_bits.Accumulator);
                _tally.Mac(gated: _gating && x.Value == 0);
                if (x.K == _kLast)
                {
                    _finished[pe] = true;
                    _finishing++;
                }

                if (c < _sc - 1)
                {
                    _a[pe] = x;
                    _tally.RegisterWrite(_bits.Input);
                }
                if (r < _sr - 1)
                {
                    _b[pe] = y;
                    _tally.RegisterWrite(_bits.Weight);
                }
            }
    }

    private Token? InputPort(int r, long cycle)
    {
        var t = cycle - r;
        return t >= 0 && t < _t ? _edge.Input(_mStart + r, _kStart + t) : null;
    }

    private Token? WeightPort(int c, long cycle)
    {
        var t = cycle - c;
        return t >= 0 && t < _t ? _edge.Weight(_kStart + t, _nStart + c) : null;
    }
}
