using HwSim.Analyses.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Nest;
using HwSim.Tests.CostModel.Nest;
using HwSim.Tests.Simulator.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads.Import;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Nest;

/// <summary>The nest study as a library (no CLI): a workload file, a design file and a mapping file give the library's figures.</summary>
public sealed class NestStudyTests
{
    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", file);

    private static NestStudyResult Study(string design, NestStudyOptions options, bool mapping = true)
    {
        var d = NestDesignFileTests.Design(design);
        var m = mapping ? NestMappingFile.Load(Example($"{design}.mapping.yaml"), d) : null;
        return NestStudy.Run(WorkloadSource.Load(Example($"{design}.csv")), d, m, options);
    }

    [TestCaseSource(typeof(TimeloopNests), nameof(TimeloopNests.Designs))]
    public void GivenMapping_EqualsTheLibrarysPricing(string design)
    {
        var scaling = design == "eyeriss_like" ? TechnologyScaling.From45nm(32) : TechnologyScaling.Identity45nm;
        var r = Study(design, new NestStudyOptions(scaling));
        var expected = TimeloopNestEnergyTests.Priced(design);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.Energy.Value, Is.EqualTo(expected.Total.Value));
            Assert.That(r.Layers.Single().Searched, Is.False);
            Assert.That(r.Cycles, Is.EqualTo(NestAnalysis.Count(TimeloopNests.Problem, TimeloopNests.Architecture(design), TimeloopNests.Mapping(design)).Cycles));
            // Levels add up to the total: sums of the same terms.
            var byLevel = Enumerable.Range(0, r.Design.Architecture.Levels.Length).Sum(l => r.LevelEnergy(l).Value) + r.MacEnergy.Value;
            Assert.That(byLevel, Is.EqualTo(r.Energy.Value).Within(1e-9).Percent);
        }
    }

    [Test]
    public void Latency_SearchWithTheGivenMappingAsCandidate_IsNeverSlower()
    {
        var given = Study("simple_ws", new NestStudyOptions(TechnologyScaling.Identity45nm));
        var searched = Study("simple_ws", new NestStudyOptions(TechnologyScaling.Identity45nm, MappingObjective.Latency, Samples: 100, Seed: 2, SearchGiven: true));
        Assert.That(searched.Layers.Single().Searched, Is.True);
        Assert.That(searched.Cycles, Is.LessThanOrEqualTo(given.Cycles));
    }
}
