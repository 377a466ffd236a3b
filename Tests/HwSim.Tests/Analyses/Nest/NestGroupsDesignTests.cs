using HwSim.Analyses.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Nest;

/// <summary>
/// Groups in design and mapping files (Simulator/Nest/README.md, Groups): G in constraints' lists and G loops in mapping files, an
/// entry without G running the groups outermost at the top, and a study whose design lets G spread over PEs.
/// </summary>
public sealed class NestGroupsDesignTests
{
    private const string Levels = "levels:\n  - { name: D, class: dram, fanout: { x: 2 }, spatial: { x: [G] } }\n  - { name: r, class: register, depth: 8, width: 16, keeps: [inputs], temporal: [G, P] }\n";

    [Test]
    public void Constraints_AndMappings_TakeG()
    {
        var design = NestDesignFile.Read("version: 1\nname: t\n" + Levels, "t.yaml");
        Assert.That(design.Constraints[1].Temporal, Is.EquivalentTo(new[] { NestDim.G, NestDim.P }));
        Assert.That(design.Constraints[0].SpatialX, Is.EquivalentTo(new[] { NestDim.G }));
        var file = NestMappingFile.Read("version: 1\nlayers:\n  c:\n    D: { spatial_x: [G2] }\n    r: { temporal: [G2, P3] }\n", "m.yaml", design);
        var problem = new NestProblem(1, 1, 1, 3, 1, 1, 1, groups: 4);
        var mapping = file.For("c", problem, design.Architecture)!;
        Assert.That(mapping.Loops().Select(x => x.Loop.ToString()), Is.EqualTo(new[] { "G2 (X)", "G2", "P3" }));
        Assert.That(mapping.Describe(design.Architecture), Does.Contain("for G in [0:2) (spatial X, groups side by side)").And.Contain("for G in [0:2) (groups, one after another)"));
        var written = NestMappingFile.Write([("c", mapping)], design.Architecture);
        Assert.That(written, Does.Contain("D: { spatial_x: [G2] }").And.Contain("r: { temporal: [G2, P3] }"));
        Assert.That(NestMappingFile.Read(written, "w.yaml", design).For("c", problem, design.Architecture)!.Loops(), Is.EqualTo(mapping.Loops()));
        var wrong = Assert.Throws<InputException>(() => file.For("c", new NestProblem(1, 1, 1, 3, 1, 1, 1, groups: 8), design.Architecture))!;
        Assert.That(wrong.Message, Is.EqualTo("m.yaml, line 3, field 'layers.c': does not fit layer 'c' (G8 N1 M1 C1 P3 Q1 R1 S1): the bounds of G multiply to 4, the problem has G = 8"));
    }

    /// <summary>An entry without G serves a layer of any groups: they run one after another, a G loop outermost at the top level.</summary>
    [Test]
    public void AnEntryWithoutG_RunsTheGroupsOutermostAtTheTop()
    {
        var design = NestDesignFile.Read("version: 1\nname: t\n" + Levels, "t.yaml");
        var file = NestMappingFile.Read("version: 1\nlayers:\n  \"*\":\n    r: { temporal: [P3] }\n", "m.yaml", design);
        Assert.That(file.For("dw", new NestProblem(1, 1, 1, 3, 1, 1, 1, groups: 6), design.Architecture)!.Loops().Select(x => (x.Loop.ToString(), x.Level)),
            Is.EqualTo(new[] { ("G6", 0), ("P3", 1) }));
        Assert.That(file.For("dense", new NestProblem(1, 1, 1, 3, 1, 1, 1), design.Architecture)!.Loops().Select(x => x.Loop.ToString()), Is.EqualTo(new[] { "P3" }));
    }

    /// <summary>
    /// A depthwise layer of 32 channels of 14 x 14 (3 x 3, pad 1) on eyeriss_like, searched for latency (200 samples): its PE array
    /// takes no G (x: [Q, M], y: [S, C, M]), so one group fills at most 14 x 3 of its 14 x 12 PEs and the groups run one after
    /// another. The same design with G allowed on y (y: [S, C, M, G], a what-if, not Eyeriss) stacks groups on the rows and takes
    /// fewer cycles; on both the MACs are the layer's.
    /// </summary>
    [Test]
    public void GOnThePeRows_TakesFewerCycles_ThanGroupsOneAfterAnother()
    {
        using var dir = new TempDir();
        var workload = WorkloadSource.Load(dir.File("dw.csv", "name,c,h,w,k,r,s,stride,pad,groups\ndw,32,14,14,32,3,3,1,1,32\n"));
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "eyeriss_like.yaml"));
        var eyeriss = NestDesignFile.Read(text, "eyeriss_like.yaml");
        var withG = NestDesignFile.Read(text.Replace("y: [S, C, M] }", "y: [S, C, M, G] }", StringComparison.Ordinal), "eyeriss_g.yaml");
        var options = new NestStudyOptions(TechnologyScaling.Identity45nm, MappingObjective.Latency, Samples: 200);
        var (blind, spread) = (NestStudy.Run(workload, eyeriss, null, options), NestStudy.Run(workload, withG, null, options));
        TestContext.Out.WriteLine($"eyeriss_like: {blind.Cycles} cycles\n{blind.Layers[0].Mapping!.Describe(eyeriss.Architecture)}\nwith G on y: {spread.Cycles} cycles\n{spread.Layers[0].Mapping!.Describe(withG.Architecture)}");
        Assert.That(blind.Layers[0].Mapping!.Loops().Where(x => x.Loop.Dim == NestDim.G && x.Loop.Bound > 1).Select(x => (x.Loop.ToString(), x.Level)),
            Is.EqualTo(new[] { ("G32", 0) }), "groups one after another, outermost at DRAM");
        Assert.That(spread.Layers[0].Mapping!.Loops().Any(x => x.Loop.Dim == NestDim.G && x.Loop.Spatial && x.Loop.Bound > 1));
        Assert.That(spread.Cycles, Is.LessThan(blind.Cycles));
        Assert.That((blind.Macs, spread.Macs), Is.EqualTo((32L * 14 * 14 * 9, 32L * 14 * 14 * 9)));
    }
}
