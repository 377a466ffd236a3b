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

    /// <summary>
    /// eyeriss_like stores 8-bit words (psum_spad 16-bit ones): for 8-bit layers its capacities are Timeloop's; 16-bit weights and
    /// inputs take two words each, so the buffer (16384 x 64 bits) holds 65,536 of them instead of 131,072, the ifmap and weight
    /// spads 12 and 192 instead of 24 and 384; psum_spad (outputs, 16-bit words) is unchanged for 8- or 16-bit outputs.
    /// </summary>
    [Test]
    public void WiderValuesThanTheLevelsWords_FitFewer()
    {
        var d = NestDesignFileTests.Design("eyeriss_like");
        var eight = d.ArchitectureFor(8, 8, 8).Architecture!;
        var sixteen = d.ArchitectureFor(16, 16, 16).Architecture!;
        var mixed = d.ArchitectureFor(8, 16, 8).Architecture!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ReferenceEquals(eight, d.Architecture), Is.True, "no value wider than its level's words: the design as written");
            Assert.That(sixteen.Levels.Select(l => l.CapacityWords), Is.EqualTo(new long?[] { null, 65_536, 12, 192, 16 }));
            Assert.That(eight.Levels.Select(l => l.CapacityWords), Is.EqualTo(new long?[] { null, 131_072, 24, 384, 16 }));
            // 16-bit inputs, 8-bit weights: the buffer keeps inputs and outputs (the widest, 16), weights_spad only weights (8).
            Assert.That(mixed.Levels.Select(l => l.CapacityWords), Is.EqualTo(new long?[] { null, 65_536, 12, 384, 16 }));
        }
    }

    [Test]
    public void WiderValues_ATileThatFitsEightBitWordsDoesNotFitSixteenBitOnes()
    {
        // A 4 x 16-bit buffer of 8-bit words: 8 weights at 8 bits, 4 at 16. The tile of 6 weights fits the first only.
        var d = NestDesignFile.Read("version: 1\nname: tiny\nlevels:\n  - { name: DRAM, class: dram }\n" +
            "  - { name: buf, class: sram, depth: 4, width: 16, datawidth: 8, keeps: [weights] }\n", "tiny.yaml");
        var problem = new NestProblem(1, 1, 1, 1, 1, 1, 6);
        var mapping = new NestMapping([NestLevelLoops.Of([]), NestLevelLoops.Of([new NestLoop(NestDim.S, 6)])]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mapping.Unfit(problem, d.ArchitectureFor(8, 8, 8).Architecture!), Is.Null);
            Assert.That(mapping.Unfit(problem, d.ArchitectureFor(16, 8, 8).Architecture!), Does.Contain("buf"));
            Assert.That(mapping.Unfit(problem, d.ArchitectureFor(8, 16, 16).Architecture!), Is.Null, "inputs and outputs bypass buf");
        }
    }

    [Test]
    public void ALevelSmallerThanOneValue_TheLayerDoesNotRun()
    {
        // An 8-bit register cannot hold one 16-bit weight: the layer is a result with the reason, not a 16-bit weight in 8 bits.
        var d = NestDesignFile.Read("version: 1\nname: tiny\nlevels:\n  - { name: DRAM, class: dram }\n" +
            "  - { name: wreg, class: register, depth: 1, width: 8, datawidth: 8, keeps: [weights] }\n", "tiny.yaml");
        var (arch, unfit) = d.ArchitectureFor(16, 16, 16);
        Assert.That((arch, unfit), Is.EqualTo(((HwSim.Simulator.Nest.NestArchitecture?)null, "level wreg holds 8 bits, less than one 16-bit value of this layer")));
        using var dir = new TempDir();
        var csv = File.ReadAllText(Example("simple_ws.csv"));
        var study = NestStudy.Run(WorkloadSource.Load(dir.File("w.csv", csv)), d, null, new NestStudyOptions(TechnologyScaling.Identity45nm) { });
        Assert.That(study.Layers.Single().NotRunReason, Is.EqualTo(unfit));
    }

    /// <summary>
    /// Layers of the same problem and formats are searched once per study: each gets the figures it gets searched alone (same seed),
    /// under its own name; a layer that differs only in its formats is searched for itself.
    /// </summary>
    [Test]
    public void IdenticalLayers_GetTheFiguresOfTheirOwnSearch()
    {
        using var dir = new TempDir();
        const string header = "name,c,h,w,k,r,s,stride,weight_format,input_format,accumulator_format,output_format\n";
        const string a = "8,10,10,8,3,3,1,int16,int16,int16,int16\n";
        const string b = "8,10,10,8,3,3,1,int8,int8,int16,int8\n";
        var all = WorkloadSource.Load(dir.File("all.csv", header + "first," + a + "second," + a + "narrow," + b));
        var d = NestDesignFileTests.Design("simple_os");
        var options = new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 300);
        var study = NestStudy.Run(all, d, null, options);
        var alone = new[] { ("first", a), ("second", a), ("narrow", b) }
            .Select(x => NestStudy.Run(WorkloadSource.Load(dir.File(x.Item1 + ".csv", header + x.Item1 + "," + x.Item2)), d, null, options).Layers.Single()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(study.Layers.Select(l => l.Layer), Is.EqualTo(new[] { "first", "second", "narrow" }));
            for (var i = 0; i < 3; i++)
            {
                Assert.That(study.Layers[i].Energy!.Total.Value, Is.EqualTo(alone[i].Energy!.Total.Value), study.Layers[i].Layer);
                // NestMapping holds immutable arrays (reference equality): compared by their printout.
                Assert.That((study.Layers[i].Cycles, study.Layers[i].Mapping!.Describe(d.Architecture)), Is.EqualTo((alone[i].Cycles, alone[i].Mapping!.Describe(d.Architecture))), study.Layers[i].Layer);
            }
            Assert.That(study.Layers[2].Energy!.Total.Value, Is.Not.EqualTo(study.Layers[0].Energy!.Total.Value), "other formats, other prices");
        }
    }

    /// <summary>
    /// Searching layers on several threads gives the serial study's figures layer by layer, in workload order: each search is seeded and
    /// independent, and a problem two layers share is searched once (tiny_cnn: conv2 and conv3).
    /// </summary>
    [Test]
    public void Parallelism_ChangesNothingButTime()
    {
        var workload = WorkloadSource.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv"));
        var d = NestDesignFileTests.Design("eyeriss_like");
        var serial = NestStudy.Run(workload, d, null, new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 200));
        var parallel = NestStudy.Run(workload, d, null, new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 200) { Parallelism = 3 });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parallel.Layers.Select(l => l.Layer), Is.EqualTo(new[] { "conv1", "conv2", "conv3", "fc" }));
            for (var i = 0; i < serial.Layers.Length; i++)
            {
                var (a, b) = (serial.Layers[i], parallel.Layers[i]);
                Assert.That((b.Cycles, b.Counts!.Macs, b.Energy!.Total.Value, b.Mapping!.Describe(d.Architecture)),
                    Is.EqualTo((a.Cycles, a.Counts!.Macs, a.Energy!.Total.Value, a.Mapping!.Describe(d.Architecture))), a.Layer);
            }
            Assert.Throws<HwSim.Workloads.InputException>(() => NestStudy.Run(workload, d, null, new NestStudyOptions(TechnologyScaling.Identity45nm) { Parallelism = 0 }));
        }
    }
}
