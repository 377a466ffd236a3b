using System.Collections.Immutable;

namespace HwSim.Simulator.Nest;

/// <summary>The reference engine's counts and the layer's outputs, Outputs[n, g·M + m, p, q] row-major (g the group).</summary>
public sealed record NestReferenceResult(NestCounts Counts, long[] Outputs);

/// <summary>
/// The cycle-stepped reference engine of Simulator/Nest/README.md: it executes every MAC with real operands and
/// keeps every level instance's current tile as a set of element indices, so each count is the README's
/// definition taken literally. It is the independent check of the fast engine (<c>NestAnalysis</c>), not a tool:
/// memory grows with the tiles and time with MACs x levels (a few seconds per ten million MACs).
/// </summary>
/// <remarks>
/// Cycles run in the global order of the temporal loops (outermost first) and, within a cycle, the MACs in the
/// global order of the spatial loops. The global order of all loops interleaves the two kinds, but every epoch is
/// a prefix of the temporal loops and every instance a prefix of the spatial loops: stepping cycle by cycle makes
/// all instances of a level close an epoch at once, which is where the unions over siblings are taken, and visits
/// each instance's epochs and cycles in the same order as the global loop order does. Groups are a dimension like
/// any other (G): a MAC's group g is its G index, which picks group g's filters, input channels and outputs. With B above 1
/// (bit-serial PEs) each MAC is a bit-step: the weight times bit b of the input value, shifted by b and accumulated (subtracted
/// for the sign bit of a signed input), so the outputs are the convolution's once every bit has been stepped.
/// </remarks>
public static class NestReference
{
    /// <summary>
    /// Runs <paramref name="mapping"/> of <paramref name="problem"/> on <paramref name="arch"/>.
    /// </summary>
    /// <param name="weights">Weights[g·M + m, c, r, s], row-major (c within the group, as Reference/ReferenceData's).</param>
    /// <param name="inputs">
    /// Input values Inputs[n, g·C + c, h, w] in padded coordinates (H = (P-1)·Hstride + (R-1)·DilationH + 1 rows), row-major: values,
    /// not bits, also when B is above 1 (the engine takes their bits itself).
    /// </param>
    /// <param name="signedInputs">
    /// With B above 1: whether the inputs are B-bit two's-complement codes (bit B-1 weighs -2^(B-1)) or unsigned (bit b weighs 2^b);
    /// every input must lie in that range. Ignored when B is 1 (bit-parallel: the value is used whole).
    /// </param>
    /// <exception cref="ArgumentException">The mapping does not fit (the reason is <see cref="NestMapping.Unfit"/>'s), an operand has the wrong length, or an input does not fit B bits.</exception>
    public static NestReferenceResult Run(NestProblem problem, NestArchitecture arch, NestMapping mapping, long[] weights, long[] inputs, bool signedInputs = true)
    {
        if (mapping.Unfit(problem, arch) is { } reason)
            throw new ArgumentException(reason, nameof(mapping));
        if (weights.Length != problem.Elements(NestTensor.Weights))
            throw new ArgumentException($"{problem} has {problem.Elements(NestTensor.Weights)} weights, got {weights.Length}", nameof(weights));
        if (inputs.Length != problem.InputValues)
            throw new ArgumentException($"{problem} has {problem.InputValues} input values (padded), got {inputs.Length}", nameof(inputs));
        if (problem.Bits > 1)
        {
            var (low, high) = signedInputs ? (-(1L << (problem.Bits - 1)), (1L << (problem.Bits - 1)) - 1) : (0L, (1L << problem.Bits) - 1);
            var i = Array.FindIndex(inputs, x => x < low || x > high);
            if (i >= 0)
                throw new ArgumentException($"input {i} is {inputs[i]}, outside the {(signedInputs ? "signed" : "unsigned")} {problem.Bits}-bit range [{low}, {high}]", nameof(inputs));
        }
        return new Stepper(problem, arch, mapping).Run(weights, inputs, signedInputs);
    }

    /// <summary>One level's tiles of one operand (levels >= 1 that keep it): the current and previous epoch's, per instance.</summary>
    private sealed class Track(int level, NestTensor tensor, int parent, long span, int instances, int perParent)
    {
        public int Level => level;
        public NestTensor Tensor => tensor;

        /// <summary>The parent keeper, which serves this level's fills and takes its write-backs.</summary>
        public int Parent => parent;

        /// <summary>MACs of a cycle under one instance: the product of the spatial bounds of this level and below.</summary>
        public long Span => span;

        public int Instances => instances;

        /// <summary>Instances of this level under one instance of the parent keeper (contiguous, since instances are prefixes).</summary>
        public int PerParent => perParent;

        public HashSet<long>[] Current { get; } = [.. Enumerable.Range(0, instances).Select(_ => new HashSet<long>())];
        public HashSet<long>[] Previous { get; } = [.. Enumerable.Range(0, instances).Select(_ => new HashSet<long>())];

        /// <summary>Outputs only: what each instance touched in the epochs closed so far.</summary>
        public HashSet<long>[]? Touched { get; } = tensor == NestTensor.Outputs ? [.. Enumerable.Range(0, instances).Select(_ => new HashSet<long>())] : null;
    }

    private sealed class Stepper
    {
        private readonly NestProblem _problem;
        private readonly NestArchitecture _arch;
        private readonly int _levels;
        private readonly NestLoop[] _temporal;
        /// <summary>Cycles: the product of the temporal bounds.</summary>
        private readonly long _cycles;
        private readonly int _slots;
        private readonly long[] _temporalStride;
        private readonly long[] _spatialDims;
        private readonly long[] _epochCycles;
        private readonly long[] _instanceSpan;
        private readonly long[,] _reads, _fills, _updates;
        private readonly List<Track> _tracks = [];

        public Stepper(NestProblem problem, NestArchitecture arch, NestMapping mapping)
        {
            (_problem, _arch, _levels) = (problem, arch, arch.Levels.Length);
            var loops = mapping.Loops().ToArray();

            // A loop's weight in its dimension's mixed radix: the product of the bounds of that dimension's loops inside it.
            var stride = new long[loops.Length];
            for (var i = 0; i < loops.Length; i++)
                stride[i] = loops.Skip(i + 1).Where(x => x.Loop.Dim == loops[i].Loop.Dim).Aggregate(1L, (a, x) => checked(a * x.Loop.Bound));
            var temporal = Enumerable.Range(0, loops.Length).Where(i => !loops[i].Loop.Spatial).ToArray();
            var spatial = Enumerable.Range(0, loops.Length).Where(i => loops[i].Loop.Spatial).ToArray();
            _temporal = [.. temporal.Select(i => loops[i].Loop)];
            _temporalStride = [.. temporal.Select(i => stride[i])];
            _cycles = _temporal.Aggregate(1L, (a, x) => checked(a * x.Bound));
            _slots = checked((int)spatial.Aggregate(1L, (a, i) => checked(a * loops[i].Loop.Bound)));

            // Each MAC slot's contribution to the dimension indices, decomposed over the spatial loops (innermost fastest).
            _spatialDims = new long[_slots * NestProblem.DimCount];
            for (var s = 0; s < _slots; s++)
            {
                long rest = s;
                for (var k = spatial.Length - 1; k >= 0; k--)
                {
                    var loop = loops[spatial[k]].Loop;
                    _spatialDims[s * NestProblem.DimCount + (int)loop.Dim] += rest % loop.Bound * stride[spatial[k]];
                    rest /= loop.Bound;
                }
            }

            // Level l's epoch is an iteration of the temporal loops above it: _epochCycles[l] cycles, those of its own
            // loops and below. Its instance is an assignment of the spatial loops above it: _instanceSpan[l] MAC slots.
            _epochCycles = new long[_levels];
            _instanceSpan = new long[_levels];
            for (var l = 0; l < _levels; l++)
            {
                _epochCycles[l] = loops.Where(x => x.Level >= l && !x.Loop.Spatial).Aggregate(1L, (a, x) => checked(a * x.Loop.Bound));
                _instanceSpan[l] = loops.Where(x => x.Level >= l && x.Loop.Spatial).Aggregate(1L, (a, x) => checked(a * x.Loop.Bound));
            }

            _reads = new long[_levels, 3];
            _fills = new long[_levels, 3];
            _updates = new long[_levels, 3];
            for (var l = 1; l < _levels; l++)
                foreach (var t in Enum.GetValues<NestTensor>())
                    if (arch.Levels[l].Holds(t))
                    {
                        var parent = arch.ParentKeeper(l, t);
                        _tracks.Add(new Track(l, t, parent, _instanceSpan[l], Instances(l), checked((int)(_instanceSpan[parent] / _instanceSpan[l]))));
                    }
        }

        private int Instances(int level) => checked((int)(_slots / _instanceSpan[level]));

        public NestReferenceResult Run(long[] weights, long[] inputs, bool signedInputs)
        {
            var p = _problem;
            var outputs = new long[p.Elements(NestTensor.Outputs)];
            var innermost = Enum.GetValues<NestTensor>().Select(_arch.InnermostKeeper).ToArray();
            var macSpan = innermost.Select(k => _instanceSpan[k]).ToArray();
            // Per operand: the distinct elements the MACs under the current innermost-keeper instance use this cycle.
            var used = new[] { new HashSet<long>(), new HashSet<long>(), new HashSet<long>() };
            // Outputs the innermost keeper's instances touched in earlier cycles (its MAC reads of old partial sums).
            var touchedBefore = Enumerable.Range(0, Instances(innermost[(int)NestTensor.Outputs])).Select(_ => new HashSet<long>()).ToArray();
            var dims = new long[NestProblem.DimCount];
            var element = new long[3];
            var (groupFilters, groupChannels) = ((long)p.Groups * p.M, (long)p.Groups * p.C);
            for (long cycle = 0; cycle < _cycles; cycle++)
            {
                if (cycle > 0)
                    foreach (var track in _tracks)
                        if (cycle % _epochCycles[track.Level] == 0)
                            Close(track);
                // The temporal loops' indices at this cycle: the cycle in their mixed radix, the innermost fastest.
                var rest = cycle;
                Array.Clear(dims);
                for (var k = _temporal.Length - 1; k >= 0; k--)
                {
                    dims[(int)_temporal[k].Dim] += rest % _temporal[k].Bound * _temporalStride[k];
                    rest /= _temporal[k].Bound;
                }
                for (var s = 0; s < _slots; s++)
                {
                    long D(NestDim d) => dims[(int)d] + _spatialDims[s * NestProblem.DimCount + (int)d];
                    var (n, m, c, pp, q0, r, s0, b) = (D(NestDim.N), D(NestDim.M), D(NestDim.C), D(NestDim.P), D(NestDim.Q), D(NestDim.R), D(NestDim.S), D(NestDim.B));
                    var g = D(NestDim.G);
                    // Group g's filters are g·M + m of all G·M, its channels g·C + c of all G·C; a weight's channel is within its group.
                    // Input row h = p·Hstride + r·DilationH and column w = q·Wstride + s·DilationW, padded coordinates; bit b innermost.
                    element[(int)NestTensor.Weights] = (((g * p.M + m) * p.C + c) * p.R + r) * p.S + s0;
                    var value = ((n * groupChannels + g * p.C + c) * p.H + pp * p.HStride + r * p.DilationH) * p.W + q0 * p.WStride + s0 * p.DilationW;
                    element[(int)NestTensor.Inputs] = value * p.Bits + b;
                    element[(int)NestTensor.Outputs] = ((n * groupFilters + g * p.M + m) * p.P + pp) * p.Q + q0;
                    var o = element[(int)NestTensor.Outputs];
                    outputs[o] = checked(outputs[o] + Step(weights[element[(int)NestTensor.Weights]], inputs[value], (int)b, signedInputs));
                    foreach (var track in _tracks)
                        track.Current[s / track.Span].Add(element[(int)track.Tensor]);
                    for (var x = 0; x < 3; x++)
                    {
                        used[x].Add(element[x]);
                        if ((s + 1) % macSpan[x] == 0)
                        {
                            MacAccess((NestTensor)x, innermost[x], used[x], touchedBefore, s / macSpan[x]);
                            used[x].Clear();
                        }
                    }
                }
            }
            foreach (var track in _tracks)
                Close(track, last: true);
            return new NestReferenceResult(Counts(), outputs);
        }

        /// <summary>
        /// One MAC: with B = 1 the weight times the input value; with B above 1 one bit-step, the weight ANDed with bit
        /// <paramref name="bit"/> of the input's code (two's complement: an arithmetic shift keeps the sign bits), shifted left by
        /// <paramref name="bit"/>, and negated for the top bit of a signed input, whose weight is -2^(B-1).
        /// </summary>
        private long Step(long weight, long input, int bit, bool signedInputs)
        {
            if (_problem.Bits == 1)
                return checked(weight * input);
            var term = ((input >> bit) & 1) == 1 ? weight : 0;
            var shifted = checked(term * (1L << bit));
            return signedInputs && bit == _problem.Bits - 1 ? -shifted : shifted;
        }

        /// <summary>The MACs under one instance of the innermost keeper in one cycle: one read per distinct element; outputs also an update, and a read of the old partial sum if the instance touched it before.</summary>
        private void MacAccess(NestTensor tensor, int keeper, HashSet<long> used, HashSet<long>[] touchedBefore, long instance)
        {
            var x = (int)tensor;
            if (tensor != NestTensor.Outputs)
            {
                _reads[keeper, x] = checked(_reads[keeper, x] + used.Count);
                return;
            }
            var before = touchedBefore[instance];
            _updates[keeper, x] = checked(_updates[keeper, x] + used.Count);
            _reads[keeper, x] = checked(_reads[keeper, x] + used.Count(before.Contains));
            before.UnionWith(used);
        }

        /// <summary>
        /// The end of an epoch of the track's level, for all its instances at once: fills (new elements; for outputs only
        /// those touched before), the parent's multicast reads (their union under each parent instance) and, for outputs,
        /// the parent's updates: the outputs that left each instance's tile between its previous epoch and this one (known
        /// only now that this epoch's tile is), and after the last epoch the last tile, each a union over the instances under
        /// one parent instance (they write back at the same boundary).
        /// </summary>
        private void Close(Track track, bool last = false)
        {
            var x = (int)track.Tensor;
            var served = new HashSet<long>();
            var written = new HashSet<long>();
            var writtenAtEnd = new HashSet<long>();
            for (var i = 0; i < track.Instances; i++)
            {
                var current = track.Current[i];
                var previous = track.Previous[i];
                foreach (var e in current)
                    if (!previous.Contains(e) && (track.Touched is null || track.Touched[i].Contains(e)))
                    {
                        _fills[track.Level, x] = checked(_fills[track.Level, x] + 1);
                        served.Add(e);
                    }
                if (track.Touched is not null)
                {
                    track.Touched[i].UnionWith(current);
                    foreach (var e in previous)
                        if (!current.Contains(e))
                            written.Add(e);
                    if (last)
                        writtenAtEnd.UnionWith(current);
                }
                if ((i + 1) % track.PerParent == 0)
                {
                    _reads[track.Parent, x] = checked(_reads[track.Parent, x] + served.Count);
                    _updates[track.Parent, x] = checked(_updates[track.Parent, x] + written.Count + writtenAtEnd.Count);
                    served.Clear();
                    written.Clear();
                    writtenAtEnd.Clear();
                }
                // The current tile becomes the previous one; the old previous set is reused, emptied, as the next current.
                previous.Clear();
                track.Previous[i] = current;
                track.Current[i] = previous;
            }
        }

        private NestCounts Counts()
        {
            var levels = Enumerable.Range(0, _levels).Select(l => _arch.Levels[l].Keeps.ToImmutableDictionary(
                t => t, t => new NestAccesses(_reads[l, (int)t], _fills[l, (int)t], _updates[l, (int)t]))).ToImmutableArray();
            return new NestCounts(levels, checked(_cycles * _slots), _cycles, [.. Enumerable.Range(0, _levels).Select(l => (long)Instances(l))]);
        }
    }
}
