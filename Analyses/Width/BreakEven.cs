using System.Collections.Immutable;
using MathNet.Numerics.RootFinding;

namespace HwSim.Analyses.Width;

/// <summary>
/// Where a cost ratio crosses 1: the first sign change of ratio - 1 between adjacent grid
/// widths, refined with Brent's bracketing method (MathNet.Numerics) to <see cref="Accuracy"/>.
/// </summary>
/// <param name="Width">The width multiplier where the ratio reaches 1, rounded to 0.01; null when the ratio does not cross 1 in [<paramref name="Low"/>, <paramref name="High"/>].</param>
/// <param name="Low">Smallest width searched.</param>
/// <param name="High">Largest width searched.</param>
/// <param name="Around">
/// The ratio evaluated at <paramref name="Width"/> - 0.01, <paramref name="Width"/> and
/// <paramref name="Width"/> + 0.01 (kept inside the range); empty without a crossing. Channel
/// rounding makes cost a staircase: where one more channel adds a fold of the array the ratio
/// jumps across 1 (say 0.93 to 1.08) instead of passing through it, and these three show which.
/// </param>
public sealed record BreakEven(double? Width, double Low, double High, ImmutableArray<(double K, double Ratio)> Around)
{
    /// <summary>The ratio at <see cref="Width"/> itself, or null without a crossing.</summary>
    public double? Ratio => Width is { } w ? Around.First(a => a.K == w).Ratio : null;

    /// <summary>
    /// Brent's tolerance, in width and in ratio - 1. A tenth of the 0.01 that is reported, so the
    /// rounded width is the crossing's own and not a neighbour's.
    /// </summary>
    public const double Accuracy = 1e-3;

    /// <summary>Enough for Brent and, should it stall, bisection to reach <see cref="Accuracy"/> on any grid interval.</summary>
    private const int MaxIterations = 100;

    /// <summary>
    /// The first crossing of <paramref name="ratio"/>(k) = 1 within the grid's range. The grid
    /// brackets it: only intervals between adjacent grid widths whose ratios lie on either side of
    /// 1 are searched, so a crossing that comes and goes between two grid points is not seen.
    /// </summary>
    /// <param name="grid">Width multipliers, ascending and distinct, with their ratios already evaluated.</param>
    /// <param name="ratio">Cost ratio as a function of a continuous width (channels rounded per layer).</param>
    public static BreakEven Find(IReadOnlyList<(double K, double Ratio)> grid, Func<double, double> ratio)
    {
        ArgumentOutOfRangeException.ThrowIfZero(grid.Count);
        var (low, high) = (grid[0].K, grid[^1].K);
        for (var i = 0; i < grid.Count; i++)
        {
            var (k, r) = grid[i];
            if (r == 1)
                return At(k);
            if (i + 1 == grid.Count || Math.Sign(r - 1) == Math.Sign(grid[i + 1].Ratio - 1))
                continue;
            if (grid[i + 1].Ratio == 1)
                return At(grid[i + 1].K);
            return At(Solve(x => ratio(x) - 1, k, grid[i + 1].K));
        }
        return new BreakEven(null, low, high, []);

        BreakEven At(double root)
        {
            var width = Math.Round(root, 2);
            double[] ks = [Math.Max(low, Math.Round(width - 0.01, 2)), width, Math.Min(high, Math.Round(width + 0.01, 2))];
            return new BreakEven(width, low, high, [.. ks.Distinct().Select(x => (x, ratio(x)))]);
        }
    }

    /// <summary>
    /// Brent on [a, b] where f changes sign. Channel rounding makes f a staircase: Brent then closes
    /// in on the step where the sign flips, which is the crossing to within one channel's worth of
    /// width. Brent gives up when its interval stops shrinking, which a flat step can cause; the
    /// sign change is then still bracketed and plain bisection finishes the job.
    /// </summary>
    private static double Solve(Func<double, double> f, double a, double b)
    {
        if (Brent.TryFindRoot(f, a, b, Accuracy, MaxIterations, out var root))
            return root;
        var fa = f(a);
        for (var i = 0; i < MaxIterations && b - a > Accuracy; i++)
        {
            var mid = 0.5 * (a + b);
            var fm = f(mid);
            if (fm == 0)
                return mid;
            if (Math.Sign(fm) == Math.Sign(fa))
                (a, fa) = (mid, fm);
            else
                b = mid;
        }
        return 0.5 * (a + b);
    }
}
