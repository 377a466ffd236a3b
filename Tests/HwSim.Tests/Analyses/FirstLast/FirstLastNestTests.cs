using HwSim.Analyses.FirstLast;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Technology;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using HwSim.Workloads.Precision;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.FirstLast;

/// <summary>
/// The first/last study on a nest design, as a library: each row is the nest study of the network at one first/last format, the
/// kept layers' cycles, energy and MAC energy beside the network's, the design's whole area. The network is docs/examples/nest/tiny_cnn.csv
/// (conv1 first, conv2 and conv3 inner and of one shape, fc last), the mapper at 200 samples to keep the runs short.
/// </summary>
public sealed class FirstLastNestTests
{
    private static readonly Workload Tiny = WorkloadSource.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv"));

    private static readonly PrecisionPolicy W8A8 = PrecisionPolicy.FromBits(8, 8, FirstLastFormat.Same);

    private static readonly FirstLastFormat[] Keep = [FirstLastFormat.Parse("fp32"), FirstLastFormat.Parse("int8"), FirstLastFormat.Same];

    private static NestSession Session(string design = "eyeriss-rs") => new(
        NestDesigns.Find(design) ?? throw new InvalidOperationException(design),
        null, new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 200), AreaTable.Default);

    [Test]
    public void KeptShares_AreKeptOverTotalOfTheSameNestStudy()
    {
        var rows = FirstLastAnalysis.Analyse([Tiny], W8A8, Keep, Session());
        Assert.That(rows.Select(r => r.Keep), Is.EqualTo(new[] { "fp32", "int8", "same" }));
        foreach (var row in rows)
        {
            // The same study run on its own, with a fresh session: the search is the seed's, so the figures are identical.
            var fresh = Session();
            var study = fresh.Run((W8A8 with { FirstLast = FirstLastFormat.Parse(row.Keep) }).Apply(Tiny));
            var kept = study.Layers.Where(l => l.Layer is "conv1" or "fc").ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(row.NotRun, Is.Null, row.Keep);
                Assert.That(row.KeptLayers, Is.EqualTo(new[] { "conv1", "fc" }));
                Assert.That(row.KeptUnits, Is.EqualTo(new[] { "eyeriss-rs" }), "the kept layers run on the whole design");
                Assert.That(row.TotalCost!.Cycles, Is.EqualTo(study.Cycles), row.Keep);
                Assert.That(row.KeptCost!.Cycles, Is.EqualTo(kept.Sum(l => l.Cycles)), row.Keep);
                Assert.That(row.CyclesShare, Is.EqualTo((double)kept.Sum(l => l.Cycles) / study.Cycles), row.Keep);
                Assert.That(row.TotalCost.Energy.Value, Is.EqualTo(study.Energy.Value).Within(1e-12).Percent, row.Keep);
                Assert.That(row.EnergyShare, Is.EqualTo(kept.Sum(l => l.Energy!.Total.Value) / study.Energy.Value).Within(1e-12).Percent, row.Keep);
                Assert.That(row.TotalCost.ComputeEnergy.Value, Is.EqualTo(study.MacEnergy.Value).Within(1e-12).Percent, "compute energy is the MACs' energy");
                Assert.That(row.ComputeEnergyShare, Is.EqualTo(kept.Sum(l => l.Energy!.Macs.Value) / study.MacEnergy.Value).Within(1e-12).Percent, row.Keep);
                Assert.That(row.KeptCost.Area, Is.EqualTo(row.TotalCost.Area), "the whole design's area, kept and total");
                Assert.That(row.TotalCost.Area.Value, Is.EqualTo(fresh.Area((W8A8 with { FirstLast = FirstLastFormat.Parse(row.Keep) }).Apply(Tiny)).Total.Value));
                Assert.That(row.KeptUnitAreaShare, Is.EqualTo(1.0));
                Assert.That(row.Total.Macs, Is.EqualTo(1_292_800L));
                Assert.That(row.Kept.Macs, Is.EqualTo(110_592L + 2_560L));
            }
        }
    }

    /// <summary>
    /// eyeriss-rs at 45 nm, seed 1, 200 samples. Integers exact; energies to 1e-9 relative (sums of the same doubles in the same
    /// order; the tolerance only allows for another runtime's last bit). fp32 layers take two of eyeriss' 16-bit words (and four of
    /// its 8-bit ones), so the kept layers' energy share rises to 46 %; int8 and "same" price alike (signedness costs nothing here).
    /// </summary>
    [TestCase("fp32", 1_696L, 13_984L, 3_211_187.91524, 6_970_158.69988, 520_499.2, 844_902.4, 6_678_269.8)]
    [TestCase("int8", 4_928L, 17_216L, 756_444.25007, 4_515_415.03471, 30_080.0, 354_483.2, 4_746_493.8)]
    [TestCase("same", 4_928L, 17_216L, 756_444.25007, 4_515_415.03471, 30_080.0, 354_483.2, 4_746_493.8)]
    public void Figures_ArePinned(string keep, long keptCycles, long cycles, double keptPj, double pj, double keptMacPj, double macPj, double areaUm2)
    {
        var r = FirstLastAnalysis.Row(Tiny, W8A8 with { FirstLast = FirstLastFormat.Parse(keep) }, Session());
        const double Tolerance = 1e-9;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.KeptCost!.Cycles, Is.EqualTo(keptCycles));
            Assert.That(r.TotalCost!.Cycles, Is.EqualTo(cycles));
            Assert.That(r.KeptCost.Energy.Value, Is.EqualTo(keptPj).Within(Tolerance * keptPj));
            Assert.That(r.TotalCost.Energy.Value, Is.EqualTo(pj).Within(Tolerance * pj));
            Assert.That(r.KeptCost.ComputeEnergy.Value, Is.EqualTo(keptMacPj).Within(Tolerance * keptMacPj));
            Assert.That(r.TotalCost.ComputeEnergy.Value, Is.EqualTo(macPj).Within(Tolerance * macPj));
            Assert.That(r.TotalCost.Area.Value, Is.EqualTo(areaUm2).Within(Tolerance * areaUm2));
        }
    }

    [Test]
    public void InnerLayers_AreSearchedOncePerSession()
    {
        // conv2 and conv3 (one shape, int8 x uint8 in every row) are one search; conv1 and fc are searched once per distinct format:
        // fp32 and int8 rows, and "same" (int8 weights, uint8 inputs) differs from int8 (int8 inputs).
        var session = Session();
        FirstLastAnalysis.Analyse([Tiny], W8A8, Keep, session);
        Assert.That(session.Searches.Count, Is.EqualTo(1 + 2 * 3));
    }

    [Test]
    public void AFormatTheDesignCannotRun_IsARowWithItsReason()
    {
        // stripes_like's PEs are bit-serial and take integers: fp32 first/last layers do not run; int8 ones do.
        var rows = FirstLastAnalysis.Analyse([Tiny], PrecisionPolicy.FromBits(16, 8, FirstLastFormat.Same), [FirstLastFormat.Parse("fp32"), FirstLastFormat.Parse("int8")],
            new NestSession(NestDesignFile.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "stripes_like.yaml")), null,
                new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 200), AreaTable.Default));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows[0].NotRun, Does.StartWith("first/last not run on stripes_like (2 layers, e.g. conv1): the design's PEs are bit-serial"));
            Assert.That(rows[0].KeptCost, Is.Null);
            Assert.That(rows[0].CyclesShare, Is.Null);
            Assert.That(rows[0].MacsShare, Is.EqualTo(113_152.0 / 1_292_800), "operation counts need no simulation");
            Assert.That(rows[1].NotRun, Is.Null);
            Assert.That(rows[1].KeptUnitAreaShare, Is.EqualTo(1.0));
        }
    }

    [Test]
    public void ACacheOfAnotherDesign_IsRefused()
    {
        var session = Session();
        var other = NestDesignFile.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "simple_ws.yaml"));
        Assert.Throws<ArgumentException>(() => NestStudy.Run(Tiny, other, null, session.Options, session.Searches));
    }
}
