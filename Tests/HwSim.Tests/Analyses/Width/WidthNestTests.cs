using HwSim.Analyses.Nest;
using HwSim.Analyses.Width;
using HwSim.CostModel.Area;
using HwSim.CostModel.Technology;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Import;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Transforms;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Width;

/// <summary>
/// The width study on a nest design, as a library: the baseline and every widened network are nest studies (200 samples here, to
/// keep the runs short) of docs/examples/nest/tiny_cnn.csv on eyeriss-rs, priced with the design's area for their formats.
/// </summary>
public sealed class WidthNestTests
{
    private static readonly Workload Tiny = WorkloadSource.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv"));

    private static NestSession Session(string design = "eyeriss-rs") => new(
        NestDesigns.Find(design) ?? throw new InvalidOperationException(design), null, new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 200), AreaTable.Default);

    private static readonly PrecisionPolicy W8A8 = PrecisionPolicy.FromBits(8, 8, FirstLastFormat.Keep(NumberFormat.Fp32));

    private static WidthStudy Study(NestSession session, NumberFormat baseline, params double[] widths) =>
        WidthAnalysis.Run(W8A8.Apply(Tiny), new PrecisionPolicy(baseline, baseline, FirstLastFormat.Same).Apply(Tiny), baseline.Name, "int8 x uint8", "fp32",
            session, widths, _ => { });

    [Test]
    public void EveryNetwork_IsItsOwnNestStudy()
    {
        var s = Study(Session(), NumberFormat.Int(8), 1, 2);
        var fresh = Session();
        var int8 = new PrecisionPolicy(NumberFormat.Int(8), NumberFormat.Int(8), FirstLastFormat.Same).Apply(Tiny);
        var baseline = fresh.Run(int8);
        var two = Widening.Widen(W8A8.Apply(Tiny), 2);
        var twoStudy = fresh.Run(two);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s.Architecture, Is.EqualTo("eyeriss-rs"));
            Assert.That(s.BaselineCosts.Cycles, Is.EqualTo(baseline.Cycles));
            Assert.That(s.BaselineCosts.Energy.Value, Is.EqualTo(baseline.Energy.Value).Within(1e-12).Percent);
            Assert.That(s.BaselineCosts.Macs, Is.EqualTo(1_292_800L));
            Assert.That(s.BaselineCosts.LatencySeconds, Is.Null, "eyeriss-rs has no clock_mhz");
            Assert.That(s.Points[1].Costs.Cycles, Is.EqualTo(twoStudy.Cycles));
            Assert.That(s.Points[1].Costs.Macs, Is.EqualTo(two.Macs));
            Assert.That(s.Points[1].Costs.Energy.Value, Is.EqualTo(twoStudy.Energy.Value).Within(1e-12).Percent);
            // Without a clock the latency ratio is the cycle ratio: one design runs both.
            Assert.That(s.Points[1].LatencyRatio, Is.EqualTo((double)twoStudy.Cycles / baseline.Cycles));
            // The int8 baseline's MACs are int8; fp32 first/last layers widen the MACs of every widened network (NestArea).
            Assert.That(s.BaselineCosts.Area.Value, Is.EqualTo(fresh.Area(int8).Total.Value));
            Assert.That(s.Points[1].Costs.Area.Value, Is.GreaterThan(s.BaselineCosts.Area.Value));
        }
    }

    /// <summary>
    /// eyeriss-rs at 45 nm, seed 1, 200 samples, against the fp32 baseline: integers exact, energies and areas to 1e-9 relative.
    /// The widened network's energy stays below the baseline's up to k = 2 (no energy break-even in [1, 2]); its cycles cross the
    /// baseline's at k = 1.03 (the mapper minimises energy, not cycles). Three networks priced: the baseline is not counted.
    /// </summary>
    [Test]
    public void Figures_ArePinned()
    {
        var s = Study(Session(), NumberFormat.Fp32, 1, 2);
        const double Tolerance = 1e-9;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s.BaselineCosts.Cycles, Is.EqualTo(26_272L));
            Assert.That(s.BaselineCosts.Energy.Value, Is.EqualTo(21_185_979.7258).Within(Tolerance * 21_185_979.7258));
            Assert.That(s.Points[0].Costs.Cycles, Is.EqualTo(13_984L));
            Assert.That(s.Points[0].Costs.Energy.Value, Is.EqualTo(6_970_158.69988).Within(Tolerance * 6_970_158.69988));
            Assert.That(s.Points[1].Costs.Macs, Is.EqualTo(4_944_896L));
            Assert.That(s.Points[1].Costs.Cycles, Is.EqualTo(203_072L));
            Assert.That(s.Points[1].Costs.Energy.Value, Is.EqualTo(18_686_297.04996).Within(Tolerance * 18_686_297.04996));
            Assert.That(s.BaselineCosts.Area.Value, Is.EqualTo(6_678_269.8).Within(Tolerance * 6_678_269.8));
            Assert.That(s.Points.Select(p => p.Costs.Area), Has.All.EqualTo(s.BaselineCosts.Area), "fp32 first/last: the same widest formats");
            Assert.That(s.Energy.Width, Is.Null);
            Assert.That(s.Latency.Width, Is.EqualTo(1.03));
            Assert.That(s.Evaluations, Is.EqualTo(3));
        }
    }

    [Test]
    public void ANetworkTheDesignCannotRun_IsTheUsersError()
    {
        // stripes_like's bit-serial PEs take integers; the fp32 baseline's layers do not run.
        var stripes = new NestSession(NestDesignFile.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "stripes_like.yaml")), null,
            new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 200), AreaTable.Default);
        var e = Assert.Throws<InputException>(() => Study(stripes, NumberFormat.Fp32, 1, 2));
        Assert.That(e!.Message, Does.Contain("the fp32 baseline: layer 'conv1' does not run on stripes_like: the design's PEs are bit-serial"));
    }
}
