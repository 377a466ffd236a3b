using System.Collections.Concurrent;
using System.Numerics;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Workloads;
using HwSim.Workloads.Layers;

namespace HwSim.Simulator.BitSerial;

/// <summary>
/// Value-dependent timing of a bit-serial unit (<see cref="SkipMode"/>), the rules both engines
/// share (Simulator/README.md §8). A step's group is the sr x held activations the fold's rows take
/// in that step: every PE of the fold works on them in lockstep (a row's activations are broadcast
/// along it, a column's weights down it), so the step takes as many cycles as the group's slowest
/// lane needs, and never fewer than one.
/// </summary>
internal static class ValueSkipping
{
    /// <summary>
    /// What a lane needs for its activation code's value: its 1 bits (zero_bits)
    /// or its precision (dynamic_precision), <see cref="CodeHistogram.Measure"/>.
    /// </summary>
    public static CodeMeasure MeasureOf(SkipMode skip) => skip switch
    {
        SkipMode.ZeroBits => CodeMeasure.SetBits,
        SkipMode.DynamicPrecision => CodeMeasure.Precision,
        _ => throw new ArgumentOutOfRangeException(nameof(skip), skip, "a unit without skip has no value-dependent timing"),
    };

    /// <summary>
    /// Cycles of one step whose group's largest measure is <paramref name="groupMax"/>. An all-zero
    /// group still takes one cycle, as in the authors' simulator (DNNsim, isakedo/DNNsim:
    /// BitPragmatic's ZERO_COUNT "count zeroes as 1 cycle"; DynamicStripes gives an all-zero group 1 bit).
    /// zero_bits: one 1 bit per lane per cycle. dynamic_precision: the planes 0..p-1 the group needs,
    /// bits_per_cycle at a time, times the weight's plane groups when both operands are serial.
    /// </summary>
    public static int StepCycles(BitSerialUnitSpec spec, int weightPlanes, int groupMax) => spec.Skip switch
    {
        SkipMode.ZeroBits => Math.Max(1, groupMax),
        SkipMode.DynamicPrecision => ActivationDigits(spec, groupMax) * (spec.Serial == SerialMode.Both ? BitSerialModel.Digits(weightPlanes, spec.BitsPerCycle) : 1),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Skip, "no skip"),
    };

    /// <summary>dynamic_precision: cycles of the activation planes a group of precision <paramref name="groupMax"/> (at least 1) takes.</summary>
    public static int ActivationDigits(BitSerialUnitSpec spec, int groupMax) => BitSerialModel.Digits(Math.Max(1, groupMax), spec.BitsPerCycle);

    /// <summary>The histogram the fast engine needs for the unit's skip mode, or an error naming the layer and the missing column.</summary>
    public static CodeHistogram HistogramFor(GemmProblem problem, BitSerialUnitSpec spec)
    {
        var (histogram, column) = spec.Skip == SkipMode.ZeroBits
            ? (problem.Layer.Statistics?.InputPopcountHistogram, "input_popcount_hist")
            : (problem.Layer.Statistics?.InputPrecisionHistogram, "input_precision_hist");
        return histogram ?? throw new InputException(
            $"layer '{problem.Layer.Name}' has no {column}, which unit '{spec.Name}' (skip: {BitSerialKind.SkipName(spec.Skip)}) needs in the fast engine: " +
            "write the workload with the quantizer (it measures the histogram on the real activations), or time the layer on the reference engine with the quantizer's tensors", column);
    }

    /// <summary>
    /// im2col positions of one group GEMM (M x K) that hold real input rather than padding: per
    /// image and channel, the (output row, kernel row) pairs inside the input times the (output
    /// column, kernel column) pairs inside it.
    /// </summary>
    public static long ValidTerms(GemmProblem problem)
    {
        var s = problem.Shape;
        static long Inside(int outputs, int kernel, int stride, int dilation, int before, int extent)
        {
            long count = 0;
            for (var o = 0; o < outputs; o++)
                for (var k = 0; k < kernel; k++)
                {
                    var i = o * stride - before + k * dilation;
                    if (i >= 0 && i < extent) count++;
                }
            return count;
        }
        return (long)s.Batch * problem.ChannelsPerGroup
            * Inside(s.OutputHeight, s.KernelHeight, s.StrideH, s.DilationH, s.Padding.Top, s.Height)
            * Inside(s.OutputWidth, s.KernelWidth, s.StrideW, s.DilationW, s.Padding.Left, s.Width);
    }

    /// <summary>
    /// The expectations the fast engine needs for one step of a group of activations,
    /// each drawn independently from the layer's term distribution: the histogram's codes where the
    /// im2col position is real input, zero where it is padding. With F(b) = P(measure &lt;= b) the
    /// group's largest measure is at most b with probability F(b)^group, so
    /// E[cycles] = sum_b StepCycles(b) (F(b)^group - F(b-1)^group), in exact rationals (in doubles
    /// for groups so large that the exact powers would pass 65,536 bits).
    /// Independence is the model's assumption: real activations in one step are correlated (the same
    /// pixel's neighbouring channels), which is why the fast engine agrees with the reference engine
    /// on real tensors only within a tolerance (Simulator/README.md §8).
    /// </summary>
    public sealed class Expectation
    {
        private static readonly ConcurrentDictionary<(CodeHistogram, long, long, int, int, SkipMode, SerialMode, int, long), Rational> Cache = new();
        private const int MaxCached = 1 << 12;

        private readonly BitSerialUnitSpec _spec;
        private readonly CodeHistogram _histogram;
        private readonly int _weightPlanes;
        private readonly long _valid, _positions;
        private readonly int _zeroBin;
        // Cumulative counts of the term distribution over the common denominator _positions x histogram total.
        private readonly BigInteger[] _cumulative;
        private readonly BigInteger _denominator;

        public Expectation(GemmProblem problem, BitSerialUnitSpec spec, int weightPlanes, int activationPlanes)
        {
            _spec = spec;
            _weightPlanes = weightPlanes;
            _histogram = HistogramFor(problem, spec);
            _valid = ValidTerms(problem);
            _positions = checked(problem.M * problem.K);
            _zeroBin = CodeHistogram.Measure(0, problem.InputFormat, MeasureOf(spec.Skip));
            _cumulative = new BigInteger[activationPlanes + 1];
            for (var b = 0; b <= activationPlanes; b++)
                _cumulative[b] = (BigInteger)_valid * _histogram.AtMost(b) + (b >= _zeroBin ? (BigInteger)(_positions - _valid) * _histogram.Total : 0);
            _denominator = (BigInteger)_positions * _histogram.Total;
        }

        /// <summary>E[cycles] of a step whose group holds <paramref name="group"/> activations.</summary>
        public Rational StepCycles(long group) => Cached(group, 0, () => Sum(b => ValueSkipping.StepCycles(_spec, _weightPlanes, b), group));

        /// <summary>E[planes each lane processes] in a step of <paramref name="group"/> activations (dynamic_precision: the group's precision, at least 1).</summary>
        public Rational StepPlanes(long group) => Cached(group, 1, () => Sum(b => Math.Max(1, b), group));

        /// <summary>E[1 bits] of one activation (zero_bits: the oneffsets a lane processes for it).</summary>
        public Rational SetBits => Cached(1, 2, () => Sum(b => b, 1, maximum: false));

        private Rational Cached(long group, int what, Func<Rational> compute)
        {
            var key = (_histogram, _valid, _positions, _zeroBin, _weightPlanes, _spec.Skip, _spec.Serial, _spec.BitsPerCycle * 4 + what, group);
            if (Cache.TryGetValue(key, out var value))
                return value;
            if (Cache.Count >= MaxCached)
                Cache.Clear();
            return Cache.GetOrAdd(key, _ => compute());
        }

        // sum_b f(b) P(max = b) over the group, or sum_b f(b) P(term = b) for one term's mean. Exact
        // while the group's power of the denominator stays below ExactBits; past that (groups of
        // thousands of activations) in doubles, whose relative error (about group x 1e-16) is far
        // below the one cycle a fold's expectation is rounded to.
        private Rational Sum(Func<int, long> f, long group, bool maximum = true)
        {
            var power = (int)Math.Min(group, int.MaxValue);
            if (maximum && (long)power * (long)_denominator.GetBitLength() > ExactBits)
                return Approximate(f, power);
            var scale = BigInteger.Pow(_denominator, maximum ? power : 1);
            BigInteger numerator = 0, below = 0;
            for (var b = 0; b < _cumulative.Length; b++)
            {
                var atMost = maximum ? BigInteger.Pow(_cumulative[b], power) : _cumulative[b];
                numerator += f(b) * (atMost - below);
                below = atMost;
            }
            return new Rational(numerator, scale);
        }

        private const long ExactBits = 1 << 16;

        private Rational Approximate(Func<int, long> f, int power)
        {
            double sum = 0, below = 0;
            for (var b = 0; b < _cumulative.Length; b++)
            {
                var atMost = Math.Pow((double)_cumulative[b] / (double)_denominator, power);
                sum += f(b) * (atMost - below);
                below = atMost;
            }
            // As a fraction over 2^40: the rounding that follows needs no more.
            var unit = BigInteger.One << 40;
            return new Rational(new BigInteger(Math.Round(sum * (double)unit)), unit);
        }
    }
}

/// <summary>An exact non-negative fraction, for expectations that are rounded once at the end.</summary>
internal readonly record struct Rational(BigInteger Numerator, BigInteger Denominator)
{
    public static Rational operator +(Rational a, Rational b) => a.Denominator == b.Denominator
        ? new(a.Numerator + b.Numerator, a.Denominator)
        : new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator *(Rational a, long k) => new(a.Numerator * k, a.Denominator);

    /// <summary>The nearest whole number (halves round up).</summary>
    public long Round() => (long)((2 * Numerator + Denominator) / (2 * Denominator));

    public double ToDouble() => Math.Exp(BigInteger.Log(Numerator) - BigInteger.Log(Denominator));
}
