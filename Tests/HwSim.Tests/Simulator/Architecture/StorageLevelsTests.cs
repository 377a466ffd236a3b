using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Units;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>
/// Issue 13 item 1: the <c>storage:</c> list (DRAM, then the on-chip levels) parsed and validated
/// once, the classic dram/buffers form as its special case, and the shared-level capacity rule.
/// </summary>
public sealed class StorageLevelsTests
{
    private const string File = "arch.yaml";
    private const string Head = "version: 1\nname: x\n";
    private const string Units = "units:\n  - { name: a, kind: systolic, rows: 4, cols: 4, dataflow: ws }\n";
    private const string Dram = "  - { name: DRAM, class: dram, type: hbm2, bandwidth_bytes_per_cycle: unlimited }\n";

    private static InputException Error(string yaml, int line, string? field, params string[] ruleParts)
    {
        var e = Assert.Throws<InputException>(() => ArchitectureYaml.Parse(yaml, File))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((e.File, e.Location, e.Field), Is.EqualTo((File, $"line {line}", field)), e.Message);
            foreach (var part in ruleParts)
                Assert.That(e.Rule, Does.Contain(part), e.Message);
        }
        return e;
    }

    [Test]
    public void SharedLevels_ParseIntoTheSpec()
    {
        var arch = ArchitectureYaml.Parse(Head + "storage:\n" + Dram
            + "  - { name: glb, entries: 16384, word_bits: 64, banks: 32, double_buffered: false, holds: [ifmap, ofmap] }\n"
            + "  - { name: wbuf, capacity_kb: 8, word_bits: 16, holds: [weight] }\n" + Units, File);
        var glb = arch.Buffers.LevelOf(BufferKind.Ifmap);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(arch.Dram, Is.EqualTo(DramSpec.Unlimited with { Type = DramKind.Hbm2 }));
            Assert.That((glb.Name, glb.CapacityBytes, glb.WordBits, glb.Banks, glb.DoubleBuffered, glb.Shared), Is.EqualTo(("glb", 131072L, 64, 32, false, true)));
            Assert.That(arch.Buffers.LevelOf(BufferKind.Ofmap), Is.SameAs(glb));
            Assert.That(arch.Buffers.LevelOf(BufferKind.Weight).WordBits, Is.EqualTo(16));
            // Single-buffered: a block may use all 128 KiB; the fixed mapping splits it between its two operands.
            Assert.That((arch.Buffers.Room(BufferKind.Ifmap), arch.Buffers.Half(BufferKind.Ifmap), arch.Buffers.Half(BufferKind.Weight)), Is.EqualTo((131072L, 65536L, 4096L)));
            Assert.That(arch.Buffers.IsClassic, Is.False);
            Assert.That(arch.Buffers.UniformWordBits, Is.False);
        }
        Assert.That(ArchitectureYaml.Parse(ArchitectureYaml.ToYaml(arch), "round trip"), Is.EqualTo(arch));
    }

    [Test]
    public void ClassicBuffers_AreThreeSplitLevels_AndUpgradeToAnEqualSpec()
    {
        foreach (var name in Presets.Names)
        {
            var preset = Presets.Get(name);
            var upgraded = ArchitectureYaml.ToStorageYaml(preset);
            Assert.That(upgraded, Does.Contain("storage:\n  - { name: DRAM, class: dram"), name);
            Assert.That(ArchitectureYaml.Parse(upgraded, name), Is.EqualTo(preset), name);
            if (preset.Buffers.IsClassic)
                Assert.That(ArchitectureYaml.ToYaml(preset), Does.Contain("buffers: { ifmap_kb:").And.Not.Contain("storage:"), $"{name}: the classic form is still written as buffers");
        }
    }

    [Test]
    public void StorageAndBuffers_AreExclusive() =>
        Error(Head + "buffers: { ifmap_kb: 1 }\nstorage:\n" + Dram + "  - { name: g, capacity_kb: 1, holds: [ifmap, weight, ofmap] }\n" + Units,
            3, "buffers", "either 'storage' or the older 'buffers'", "--upgrade");

    [Test]
    public void DramComesFirst() =>
        Error(Head + "storage:\n  - { name: g, capacity_kb: 1, holds: [ifmap, weight, ofmap] }\n" + Dram + Units, 4, "storage[0].class", "the first level must be DRAM");

    [Test]
    public void EveryOperandNeedsOneLevel()
    {
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, holds: [ifmap, weight] }\n" + Units, 4, "storage", "no on-chip level holds the outputs");
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, holds: [ifmap, weight, ofmap] }\n  - { name: h, capacity_kb: 1, holds: [weight] }\n" + Units,
            4, "storage", "held by both 'g' and 'h'");
    }

    [Test]
    public void LevelKeys_AreValidated()
    {
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, holds: [ifmap, weights, ofmap] }\n" + Units, 5, "storage[1].holds", "unknown operand 'weights'");
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, entries: 8, holds: [ifmap, weight, ofmap] }\n" + Units, 5, "storage[1].entries", "exactly one of capacity_kb");
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, banks: 0, holds: [ifmap, weight, ofmap] }\n" + Units, 5, "storage[1].banks", "must be 1 to 1024, got 0");
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, word_bits: 12, holds: [ifmap, weight, ofmap] }\n" + Units, 5, "storage[1].word_bits", "multiple of 8");
        Error(Head + "storage:\n" + Dram + "  - { name: DRAM, capacity_kb: 1, holds: [ifmap, weight, ofmap] }\n" + Units, 5, "storage[1].name", "already used by storage[0]");
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, bandwidth: 2, holds: [ifmap, weight, ofmap] }\n" + Units, 5, "storage[1].bandwidth", "unknown key 'bandwidth'");
    }

    [Test]
    public void PerPeStorage_IsRefusedWithItsReason() =>
        Error(Head + "storage:\n" + Dram + "  - { name: g, capacity_kb: 1, holds: [ifmap, weight, ofmap] }\n  - { name: spad, entries: 12, word_bits: 16, holds: [ifmap], instances: per_pe }\n" + Units,
            6, "storage[2].instances", "'per_pe' storage is not simulated", "README.md section 4");

    [Test]
    public void SingleBufferedLevels_NeedAnUnlimitedDram() =>
        Error(Head + "storage:\n  - { name: DRAM, class: dram, bandwidth_bytes_per_cycle: 8 }\n  - { name: g, capacity_kb: 1, double_buffered: false, holds: [ifmap, weight, ofmap] }\n" + Units,
            4, "storage", "level 'g' is single-buffered, which needs an unlimited DRAM channel");

    /// <summary>A layer whose one block holds 144 B of weights (K 18 x N 8) and 128 B of input rows (8 x 8 x 2), no partial sums (the whole reduction per fold).</summary>
    private static (LayerWorkload Layer, UnitSpec Unit) Small()
    {
        var shape = LayerShape.Conv(channels: 2, height: 8, width: 8, filters: 8, kernel: 3);
        var layer = new LayerWorkload("l", shape, OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Int(8), shape.GemmK));
        return (layer, new SystolicUnitSpec("a", 32, 8, Dataflow.WeightStationary, NumberFormat.Int(8)));
    }

    [Test]
    public void SharedLevel_HoldsTheSumOfItsTiles()
    {
        var (layer, unit) = Small();
        var problem = new GemmProblem(layer);
        var grid = UnitModels.For(unit).Grid(problem);
        var whole = new LoopNestMapping(1000, [GemmDim.M, GemmDim.K, GemmDim.N], 1000, 1000, 1000);
        var nest = new LoopNest(problem, grid, whole);
        var weights = GemmProblem.PackedBytes(problem.K * problem.N, problem.WeightFormat);
        // Split levels each just large enough for their own tile: legal.
        var split = new BufferSpec([new StorageLevel("w", 2 * weights, 64, [BufferKind.Weight]), new StorageLevel("i", 2 * 512, 64, [BufferKind.Ifmap]), new StorageLevel("o", 2, 64, [BufferKind.Ofmap])]);
        Assert.That(BlockPlanner.Unfit(nest, split), Is.Null);
        // The same bytes in one level shared by weights and inputs: the sum does not fit.
        var shared = new BufferSpec([new StorageLevel("glb", 2 * (weights + 100), 64, [BufferKind.Weight, BufferKind.Ifmap]), new StorageLevel("o", 2, 64, [BufferKind.Ofmap])]);
        var why = BlockPlanner.Unfit(nest, shared);
        Assert.That(why, Does.StartWith("a block's input + weight tiles need").And.Contain("in the shared level 'glb'"));
        Assert.That(MappingRules.Unfit(problem, grid, shared, whole), Does.Contain("shared level 'glb'"));
        // And the engines refuse it alike.
        var arch = new ArchitectureSpec("s", 500, DramSpec.Unlimited, shared, [unit]);
        Assert.That(Simulation.Run(layer, arch, UnitModels.For(unit), whole).Ran, Is.False);
    }

    /// <summary>The README's storage example is a valid file (with a unit added) and means what it says.</summary>
    [Test]
    public void ReadmeExample_Parses()
    {
        var readme = System.IO.File.ReadAllText(Path.Combine(HwSim.Tests.Support.RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("```yaml\nstorage:\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), "the README has a storage example");
        var block = readme[(start + "```yaml\n".Length)..readme.IndexOf("```", start + 7, StringComparison.Ordinal)];
        var arch = ArchitectureYaml.Parse(Head + block + Units, "README.md");
        Assert.That(arch.Buffers.LevelOf(BufferKind.Ifmap).Name, Is.EqualTo("glb"));
        Assert.That(arch.Buffers.LevelOf(BufferKind.Ofmap).Name, Is.EqualTo("glb"));
        Assert.That(arch.Buffers.WeightBytes, Is.EqualTo((long)(73.5 * 1024)), "eyeriss-like's filter scratchpads");
    }
}
