using HwSim.Analyses.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads;
using HwSim.Workloads.Import;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Nest;

/// <summary>
/// Bit-serial nest designs in files: the top-level key <c>bit_serial: inputs</c>, B loops in mapping files and design constraints, and
/// the study building each layer's problem with B = its input bits (docs/examples/nest/stripes_like.*).
/// </summary>
public sealed class NestBitSerialDesignTests
{
    private static string Example(string file) => Path.Combine(RepoPaths.Root, "docs", "examples", "nest", file);

    private const string Levels = "levels:\n  - { name: D, class: dram, fanout: { x: 2 }, spatial: { x: [B] } }\n  - { name: r, class: register, depth: 2, width: 16, keeps: [inputs], temporal: [B, P] }\n";

    [Test]
    public void BitSerialKey_ReadsInputs_AndIsOffWithoutIt()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(NestDesignFile.Read("version: 1\nname: t\nbit_serial: inputs\n" + Levels, "t.yaml").BitSerialInputs, Is.True);
            Assert.That(NestDesignFile.Read("version: 1\nname: t\nbit_serial: Inputs\n" + Levels, "t.yaml").BitSerialInputs, Is.True, "case-insensitive, as keeps is");
            Assert.That(NestDesignFile.Read("version: 1\nname: t\n" + Levels, "t.yaml").BitSerialInputs, Is.False);
            Assert.That(NestDesignFile.Load(Example("stripes_like.yaml")).BitSerialInputs, Is.True);
            Assert.That(NestDesigns.Find("eyeriss-rs")!.BitSerialInputs, Is.False);
        }
    }

    [Test]
    public void BitSerialKey_OtherOperands_AreAnErrorAtTheirLine()
    {
        var e = Assert.Throws<InputException>(() => NestDesignFile.Read("version: 1\nname: t\nbit_serial: weights\n" + Levels, "t.yaml"))!;
        Assert.That(e.Message, Is.EqualTo("t.yaml, line 3, field 'bit_serial': unknown bit-serial operand 'weights' (allowed: inputs; leave the key out for bit-parallel PEs)"));
    }

    [Test]
    public void Constraints_AndMappings_TakeB()
    {
        var design = NestDesignFile.Read("version: 1\nname: t\nbit_serial: inputs\n" + Levels, "t.yaml");
        Assert.That(design.Constraints[1].Temporal, Is.EquivalentTo(new[] { NestDim.B, NestDim.P }));
        Assert.That(design.Constraints[0].SpatialX, Is.EquivalentTo(new[] { NestDim.B }));
        var file = NestMappingFile.Read("version: 1\nlayers:\n  c:\n    D: { spatial_x: [B2] }\n    r: { temporal: [B4, P3] }\n", "m.yaml", design);
        var problem = new NestProblem(1, 1, 1, 3, 1, 1, 1, bits: 8);
        var mapping = file.For("c", problem, design.Architecture)!;
        Assert.That(mapping.Loops().Select(x => x.Loop.ToString()), Is.EqualTo(new[] { "B2 (X)", "B4", "P3" }));
        var written = NestMappingFile.Write([("c", mapping)], design.Architecture);
        Assert.That(written, Does.Contain("D: { spatial_x: [B2] }").And.Contain("r: { temporal: [B4, P3] }"));
        Assert.That(NestMappingFile.Read(written, "w.yaml", design).For("c", problem, design.Architecture)!.Loops(), Is.EqualTo(mapping.Loops()));
        var wrong = Assert.Throws<InputException>(() => file.For("c", new NestProblem(1, 1, 1, 3, 1, 1, 1, bits: 4), design.Architecture))!;
        Assert.That(wrong.Message, Does.Contain("the bounds of B multiply to 8, the problem has B = 4"));
        var letter = Assert.Throws<InputException>(() => NestMappingFile.Read("version: 1\nlayers:\n  c:\n    r: { temporal: [X4] }\n", "m.yaml", design))!;
        Assert.That(letter.Message, Does.Contain("(allowed: N, M, C, P, Q, R, S, B, G)"));
    }

    /// <summary>
    /// The study gives each layer B = its input bits on a bit-serial design (uint8 and uint5 in the example's workload), and B = 1 on
    /// the same levels without the key: the same convolution, 8 and 5 times fewer MACs.
    /// </summary>
    [Test]
    public void Study_TakesBFromEachLayersInputBits()
    {
        var workload = WorkloadSource.Load(Example("stripes_like.csv"));
        var design = NestDesignFile.Load(Example("stripes_like.yaml"));
        var options = new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 20);
        var serial = NestStudy.Run(workload, design, NestMappingFile.Load(Example("stripes_like.mapping.yaml"), design), options);
        var parallel = NestStudy.Run(workload, design with { BitSerialInputs = false }, null, options);
        Assert.That(serial.Layers.Select(l => l.Problem!.Bits), Is.EqualTo(new[] { 8, 5 }));
        Assert.That(parallel.Layers.Select(l => l.Problem!.Bits), Is.EqualTo(new[] { 1, 1 }));
        Assert.That(serial.Layers.Select(l => l.Counts!.Macs), Is.EqualTo(parallel.Layers.Select((l, i) => l.Counts!.Macs * new[] { 8, 5 }[i])));
    }
}
