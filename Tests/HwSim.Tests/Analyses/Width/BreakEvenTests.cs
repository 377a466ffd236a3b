using HwSim.Analyses.Width;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Width;

/// <summary>The break-even root finding on its own, on curves whose crossing is known.</summary>
public class BreakEvenTests
{
    [Test]
    public void BreakEven_SmoothCurve_FindsTheRootToAHundredth()
    {
        static double Ratio(double k) => k * k / 3;
        var be = BreakEven.Find([(1, Ratio(1)), (2, Ratio(2)), (4, Ratio(4))], Ratio);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(be.Width, Is.EqualTo(1.73));
            Assert.That(be.Ratio, Is.EqualTo(Ratio(1.73)));
            Assert.That(be.Around.Select(a => a.K), Is.EqualTo(new[] { 1.72, 1.73, 1.74 }));
        }
    }

    [Test]
    public void BreakEven_Staircase_FindsTheStepThatCrossesOne()
    {
        // Quarter steps: the ratio jumps from 5/5.5 to 6/5.5 at k = 1.5, as cycles jump when one more channel adds a fold.
        static double Ratio(double k) => Math.Floor(k * 4) / 5.5;
        var be = BreakEven.Find([(1, Ratio(1)), (2, Ratio(2))], Ratio);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(be.Width, Is.EqualTo(1.5));
            Assert.That(be.Around.Select(a => a.Ratio), Is.EqualTo(new[] { 5 / 5.5, 6 / 5.5, 6 / 5.5 }));
        }
    }

    [Test]
    public void BreakEven_NoSignChange_IsNoneInTheRange()
    {
        var be = BreakEven.Find([(1, 0.2), (2, 0.4), (3, 0.7)], _ => throw new AssertionException("no search without a bracket"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(be.Width, Is.Null);
            Assert.That(be.Ratio, Is.Null);
            Assert.That((be.Low, be.High), Is.EqualTo((1.0, 3.0)));
        }
    }

    [Test]
    public void BreakEven_ExactlyOneOnTheGrid_IsThatWidth()
    {
        var be = BreakEven.Find([(1, 0.5), (2, 1.0), (3, 1.5)], k => k / 2);

        Assert.That(be.Width, Is.EqualTo(2));
    }
}
