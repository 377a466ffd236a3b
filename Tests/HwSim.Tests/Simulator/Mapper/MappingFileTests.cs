using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapper;
using HwSim.Simulator.Mapping;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Mapper;

[TestFixture]
public sealed class MappingFileTests
{
    private static readonly Workload Net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
    private static readonly ArchitectureSpec Arch = Presets.Get(Presets.Default);

    [Test]
    public void EntriesApplyByNameOrGlobFirstMatchWinning()
    {
        var file = MappingFile.Read("""
            version: 1
            layers:
              conv1: fixed
              "layer1.*":
                order: [N, M, K]
                block_k: 2
              "layer*": { order: KMN, time_chunk: 64 }
            """, "m.yaml");
        file.Check(Net, Arch);
        var policy = file.Policy(MappingObjective.Latency);
        Assert.Multiple(() =>
        {
            Assert.That(policy.ConstraintOf("conv1").Fixed, Is.True);
            Assert.That(policy.ConstraintOf("layer1.0.conv1"), Is.EqualTo(new MappingConstraint { Order = [GemmDim.N, GemmDim.M, GemmDim.K], BlockK = 2 }));
            Assert.That(policy.ConstraintOf("layer2.0.conv1"), Is.EqualTo(new MappingConstraint { Order = [GemmDim.K, GemmDim.M, GemmDim.N], TimeChunk = 64 }));
            Assert.That(policy.ConstraintOf("fc"), Is.EqualTo(MappingConstraint.None));
            Assert.That(policy.Objective, Is.EqualTo(MappingObjective.Latency));
            Assert.That(policy.Fingerprint, Does.Contain("sha256"));
        });
    }

    private static InputException Error(string yaml, bool check = true) => Assert.Throws<InputException>(() =>
    {
        var f = MappingFile.Read(yaml, "m.yaml");
        if (check)
            f.Check(Net, Arch);
    })!;

    [TestCase("layers:\n  conv1: fixd\n", "line 2", "must be 'fixed' or a mapping of constraints")]
    [TestCase("layers:\n  conv1:\n    block_q: 2\n", "line 3", "unknown constraint 'block_q'")]
    [TestCase("layers:\n  conv1:\n    order: [M, M, K]\n", "line 3", "must name M, K and N once each")]
    [TestCase("layers:\n  conv1:\n    block_m: 0\n", "line 3", "must be a whole number of at least 1")]
    [TestCase("layers:\n  conv1:\n    rows: Q\n", "line 3", "must be M, K or N")]
    [TestCase("version: 2\nlayers:\n  conv1: fixed\n", "line 1", "unsupported version")]
    [TestCase("lyers:\n  conv1: fixed\n", "line 1", "unknown key 'lyers'")]
    [TestCase("layers: {}\n", "line 1", "has no entries")]
    public void SyntaxErrorsNameFileLineAndRule(string yaml, string line, string rule)
    {
        var e = Error(yaml, check: false);
        Assert.That(e.Message, Does.StartWith("m.yaml, " + line));
        Assert.That(e.Message, Does.Contain(rule));
    }

    [Test]
    public void AnEntryThatNamesNoLayerIsAnErrorAtItsLine()
    {
        var e = Error("layers:\n  conv1: fixed\n  \"block*\": fixed\n");
        Assert.That(e.Message, Does.StartWith("m.yaml, line 3, field 'layers.block*': names no layer of workload 'resnet18'"));
    }

    [Test]
    public void AConstraintThatBreaksACapacityIsAnErrorAtItsLine()
    {
        // 10^6 fold tiles of N per block: the weights cannot fit half of lowbit-default's weight buffer.
        var e = Error("layers:\n  conv1: fixed\n  layer4.1.conv2:\n    block_n: 1000000\n    block_k: 1000000\n");
        Assert.That(e.Message, Does.StartWith("m.yaml, line 3, field 'layers.layer4.1.conv2': breaks a capacity for layer 'layer4.1.conv2'"));
        Assert.That(e.Message, Does.Contain("half the weight buffer"));
    }

    [Test]
    public void ASpatialMappingTheUnitCannotDoIsAnErrorAtItsLine()
    {
        // The bit-serial array holds output pixels (M) on its rows and filters (N) on its columns.
        var e = Error("layers:\n  layer1.0.conv1:\n    rows: K\n");
        Assert.That(e.Message, Does.StartWith("m.yaml, line 2, field 'layers.layer1.0.conv1': layer 'layer1.0.conv1' runs on unit 'lowbit'"));
        Assert.That(e.Message, Does.Contain("cannot map K on rows"));
        Assert.DoesNotThrow(() => MappingFile.Read("layers:\n  layer1.0.conv1: { rows: M, cols: N }\n", "m.yaml").Check(Net, Arch));
    }
}

[TestFixture]
public sealed class MappingFileWriteTests
{
    [Test]
    public void Write_ReadsBackAsTheSameMappings()
    {
        var nest = new LoopNestMapping(147, [GemmDim.M, GemmDim.N, GemmDim.K], 262, 1, 8);
        var text = MappingFile.Write([("conv1", nest), ("odd name: \"x\"", FixedMapping.Instance), ("fc", nest)], ["made by a test"]);
        var file = MappingFile.Read(text, "w.yaml");
        var c = file.EntryFor("conv1")!.Constraint;
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("# made by a test\nversion: 1\nlayers:\n"));
            Assert.That(text, Does.Contain("  conv1: { order: [M, N, K], time_chunk: 147, block_m: 262, block_k: 1, block_n: 8 }\n"));
            Assert.That(new LoopNestMapping(c.TimeChunk!.Value, c.Order!.Value, c.BlockM!.Value, c.BlockK!.Value, c.BlockN!.Value), Is.EqualTo(nest));
            Assert.That(file.EntryFor("odd name: \"x\"")!.Constraint.Fixed, Is.True, "a name YAML would misread is quoted");
            Assert.That(file.Entries.Select(e => e.Pattern), Is.EqualTo(new[] { "conv1", "odd name: \"x\"", "fc" }));
        });
    }

    [Test]
    public void Write_OneEntryPerName_RefusesNamesThatReadBackOtherwise()
    {
        var a = new LoopNestMapping(16, [GemmDim.N, GemmDim.M, GemmDim.K], 4, 1, 1);
        Assert.That(MappingFile.Write([("x", a), ("x", new LoopNestMapping(16, [GemmDim.N, GemmDim.M, GemmDim.K], 4, 1, 1))]).Split('\n').Count(l => l.StartsWith("  x:", StringComparison.Ordinal)), Is.EqualTo(1));
        var twice = Assert.Throws<InputException>(() => MappingFile.Write([("x", a), ("x", FixedMapping.Instance)]))!;
        Assert.That(twice.Message, Does.Contain("two layers are named 'x'"));
        var glob = Assert.Throws<InputException>(() => MappingFile.Write([("conv*", a)]))!;
        Assert.That(glob.Message, Does.Contain("read back as a glob"));
    }
}

[TestFixture]
public sealed class MappingFileRuleTests
{
    private static readonly Workload Net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
    private static readonly ArchitectureSpec Arch = Presets.Get(Presets.Default);

    private static string Refused(string yaml, ArchitectureSpec? arch = null, Workload? net = null)
    {
        var e = Assert.Throws<InputException>(() => MappingFile.Read(yaml, "m.yaml").Check(net ?? Net, arch ?? Arch))!;
        return e.Message;
    }

    [TestCase("rows: 0", "field 'layers.conv1.rows': must be M, K or N, got '0'")]
    [TestCase("cols: 2", "field 'layers.conv1.cols': must be M, K or N, got '2'")]
    [TestCase("order: [2, 0, 1]", "field 'layers.conv1.order': must name M, K and N once each")]
    [TestCase("order: '201'", "field 'layers.conv1.order': must name M, K and N once each")]
    public void DimensionsAreLettersOnly(string constraint, string message) =>
        Assert.That(Assert.Throws<InputException>(() => MappingFile.Read($"layers:\n  conv1: {{ {constraint} }}\n", "m.yaml"))!.Message,
            Does.StartWith("m.yaml, line 2, ").And.Contain(message));

    [Test]
    public void AnEntryEveryLayerOfWhichAnEarlierEntryTakes_IsRefusedAtItsLine() =>
        Assert.That(Refused("layers:\n  \"layer1.*\": { order: [K, N, M] }\n  \"layer1.0.*\": fixed\n"),
            Is.EqualTo("m.yaml, line 3, field 'layers.layer1.0.*': applies to no layer: the first entry that matches a layer applies, and every layer this one matches is taken by 'layer1.*' at line 2; put the narrower entry first"));

    [Test]
    public void ANarrowerEntryFirst_Applies()
    {
        var file = MappingFile.Read("layers:\n  \"layer1.0.*\": fixed\n  \"layer1.*\": { order: [K, N, M] }\n", "m.yaml");
        file.Check(Net, Arch);
        Assert.That((file.EntryFor("layer1.0.conv1")!.Line, file.EntryFor("layer1.1.conv1")!.Line), Is.EqualTo((2, 3)));
    }

    [Test]
    public void ALoopNestForScaleSimCompatUnitsOnly_IsRefused_FixedIsTaken()
    {
        var compat = ArchitectureYaml.Parse("""
            version: 1
            name: compat
            dram: { type: lpddr4, bandwidth_bytes_per_cycle: 16 }
            buffers: { ifmap_kb: 256, weight_kb: 256, ofmap_kb: 256 }
            units:
              - { name: mxu, kind: systolic, rows: 16, cols: 16, dataflow: ws, format: int8, scalesim_compat: true }
            """, "compat.yaml");
        var int8 = PrecisionPolicy.FromBits(8, 8, FirstLastFormat.Keep(NumberFormat.Int(8))).Apply(NetworkZoo.Get("resnet18"));
        Assert.That(Refused("layers:\n  conv1: { order: [N, M, K] }\n", compat, int8),
            Does.StartWith("m.yaml, line 2, field 'layers.conv1': constrains a loop nest, but every layer it applies to runs on a scalesim_compat unit ('mxu' runs 'conv1')"));
        Assert.DoesNotThrow(() => MappingFile.Read("layers:\n  conv1: fixed\n", "m.yaml").Check(int8, compat));
    }
}
