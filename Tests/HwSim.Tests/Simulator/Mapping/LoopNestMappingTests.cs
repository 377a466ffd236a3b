using CsCheck;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Reference;
using HwSim.Simulator.Systolic;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Mapping;

/// <summary>
/// How loop-nest mappings relate to the fixed mapping, their legality reasons, scalesim_compat
/// units, and the equal-groups closed form under a loop nest.
/// </summary>
public class LoopNestMappingTests
{
    private static readonly OperandPrecision Int8WithInt32Sums = new(NumberFormat.Int(8), NumberFormat.Int(8), NumberFormat.Int(32), NumberFormat.Int(8));

    /// <summary>The loop nest that walks the fixed grid's folds in the fixed order: column folds, row folds, time chunks; blocks of one fold.</summary>
    private static LoopNestMapping FixedOrder(FoldGrid grid) =>
        new(grid.TimeChunk, [grid.OnCols, grid.OnRows, grid.InTime], 1, 1, 1);

    [Test]
    public void BlocksOfOneFoldInTheFixedOrderWalkTheFixedFolds()
    {
        var checkedCases = 0;
        SeededCases.Check(LoopNestCases.Cases, 300, 12, c =>
        {
            var problem = new GemmProblem(c.Layer);
            var model = UnitModels.For(c.Unit);
            var (grid, _) = Chunking.Fit(problem, model.Grid(problem), c.Arch.Buffers);
            var nest = new LoopNest(problem, model.Grid(problem), FixedOrder(grid));
            Assert.That(nest.Folds(), Is.EqualTo(grid.Folds(problem)), c.ToString);
            Assert.That(nest.FoldsPerGroup, Is.EqualTo(grid.FoldsPerGroup(problem)));
            Interlocked.Increment(ref checkedCases);
        });
        Assert.That(checkedCases, Is.EqualTo(300));
    }

    /// <summary>
    /// Blocks of one fold make the block-level timeline today's fold-level one: wherever the two
    /// traffic accounts give every fold the same bytes (no whole-group residency, no line-buffer
    /// credit, no per-fold partial-sum spill in the fixed run), the results are identical. Where
    /// they differ, the fixed rules are not a loop nest's (whole-group residency, line buffer) and
    /// nothing is claimed.
    /// </summary>
    [Test]
    public void BlocksOfOneFoldEqualFixedWhereverTheTrafficIsTheSame()
    {
        long same = 0, different = 0;
        SeededCases.Check(LoopNestCases.Cases, 600, 12, c =>
        {
            var problem = new GemmProblem(c.Layer);
            var model = UnitModels.For(c.Unit);
            var (grid, unfit) = Chunking.Fit(problem, model.Grid(problem), c.Arch.Buffers);
            var mapping = FixedOrder(grid);
            if (unfit is not null || MappingRules.Unfit(problem, grid, c.Arch.Buffers, mapping) is not null)
                return;
            var fixedSteps = new FixedSchedule(problem, grid, c.Arch.Buffers, true).Steps(0, problem.Groups).ToList();
            var nestSteps = new LoopNestSchedule(new LoopNest(problem, grid, mapping)).Steps(0, problem.Groups).ToList();
            if (!fixedSteps.SequenceEqual(nestSteps))
            {
                Interlocked.Increment(ref different);
                return;
            }
            var fixedRun = Simulation.Run(c.Layer, c.Arch, model);
            var nestRun = Simulation.Run(c.Layer, c.Arch, model, mapping);
            Assert.That(nestRun with { Mapping = FixedMapping.Instance }, Is.EqualTo(fixedRun), c.ToString);
            Interlocked.Increment(ref same);
        });
        TestContext.Out.WriteLine($"same traffic and results {same}, different traffic {different}");
        // Most random buffers hold a whole group's weights or input (with these 600 cases: 28 same, 371 different, the rest cannot run).
        Assert.That(same, Is.GreaterThan(20));
        Assert.That(different, Is.GreaterThan(100));
    }

    [Test]
    public void IllegalMappingsAreResultsWithTheRuleAndTheBytes()
    {
        // 16 x 16 int8 weights = 256 B of weights per block; half the 200 B weight buffer is 100 B.
        var layer = new LayerWorkload("fc", LayerShape.Conv(16, 4, 4, 16, 1), Int8WithInt32Sums);
        var unit = new SystolicUnitSpec("array", 4, 4, Dataflow.OutputStationary, NumberFormat.Int(8));
        var arch = new ArchitectureSpec("tiny", 500, new DramSpec(4), new BufferSpec(1 << 20, 200, 1 << 20), [unit]);
        var wholeBlock = new LoopNestMapping(16, [GemmDim.M, GemmDim.K, GemmDim.N], 1, 1, 4);
        var problem = new GemmProblem(layer);
        var grid = new SystolicModel(unit).Grid(problem);

        var reason = MappingRules.Unfit(problem, grid, arch.Buffers, wholeBlock);
        Assert.That(reason, Is.EqualTo("a block's weights (16 x 16 at 8 bits) need 256 B, but a block may use half the weight buffer, 100 B"));
        var fast = Simulation.Run(layer, arch, new SystolicModel(unit), wholeBlock);
        Assert.That((fast.Ran, fast.NotRunReason, fast.Unit), Is.EqualTo((false, $"mapping ({wholeBlock}) is illegal: {reason}", "array")));
        var reference = ReferenceEngine.Simulate(layer, arch, new SystolicReference(unit), ReferenceData.Random(layer, 1), wholeBlock);
        Assert.That(reference.Result.Ran, Is.False);

        // Blocks of one 16 x 4 tile of weights (64 B) fit.
        var small = new LoopNestMapping(16, [GemmDim.M, GemmDim.K, GemmDim.N], 1, 1, 1);
        Assert.That(MappingRules.Unfit(problem, grid, arch.Buffers, small), Is.Null);
        Assert.That(Simulation.Run(layer, arch, new SystolicModel(unit), small).Ran, Is.True);

        // A K split over folds keeps a block's partial sums: 16 x 16 at 32 bits = 1,024 B > 100 B.
        var tightOfmap = arch with { Buffers = new BufferSpec(1 << 20, 1 << 20, 200) };
        var split = new LoopNestMapping(4, [GemmDim.M, GemmDim.N, GemmDim.K], 4, 4, 4);
        Assert.That(MappingRules.Unfit(problem, grid, tightOfmap.Buffers, split), Does.StartWith("a block's partial sums (16 x 16 at 32 bits, the reduction being split over folds) need 1,024 B"));
        // The input strip: 4 rows x 4 columns x 16 channels at 8 bits = 256 B > 100 B.
        var tightIfmap = arch with { Buffers = new BufferSpec(200, 1 << 20, 1 << 20) };
        Assert.That(MappingRules.Unfit(problem, grid, tightIfmap.Buffers, split), Is.EqualTo(
            "a block's input strip (4 rows x 4 columns x 16 channels at 8 bits) needs 256 B, but a block may use half the input buffer, 100 B"));
    }

    [Test]
    public void ScaleSimCompatUnitsAlwaysRunTheFixedMapping()
    {
        var layer = new LayerWorkload("conv", LayerShape.Conv(8, 9, 9, 12, 3, pad: 1), Int8WithInt32Sums);
        var unit = new SystolicUnitSpec("array", 4, 4, Dataflow.WeightStationary, NumberFormat.Int(8), scaleSimCompat: true);
        var arch = new ArchitectureSpec("compat", 500, new DramSpec(8), new BufferSpec(64, 64, 64), [unit]);
        var model = new SystolicModel(unit);
        var asked = Simulation.Run(layer, arch, model, new LoopNestMapping(2, [GemmDim.K, GemmDim.N, GemmDim.M], 3, 1, 2));
        Assert.That(asked, Is.EqualTo(Simulation.Run(layer, arch, model)));
        Assert.That(asked.Mapping, Is.SameAs(FixedMapping.Instance));
        Assert.That(MappingRules.Effective(model, new LoopNestMapping(1, [GemmDim.M, GemmDim.K, GemmDim.N], 1, 1, 1)), Is.SameAs(FixedMapping.Instance));
    }

    [Test]
    public void EqualGroupsClosedFormAgreesWithTheFullWalkUnderLoopNests()
    {
        // The agreement cases with 4 to 9 times their groups: the fast engine adds interior groups in
        // closed form, the reference steps every one.
        var cases =
            from c in LoopNestCases.Cases
            from factor in Gen.Int[4, 9]
            select c with { Layer = MoreGroups(c.Layer, factor) };
        var ran = 0;
        SeededCases.Check(cases, 160, 12, c =>
        {
            if (LoopNestAgreementTests.Legal(c) is not { } mapping)
                return;
            var fast = Simulation.Run(c.Layer, c.Arch, UnitModels.For(c.Unit), mapping);
            var reference = ReferenceEngine.Simulate(c.Layer, c.Arch, ReferenceUnits.For(c.Unit), ReferenceData.Random(c.Layer, c.Seed), mapping).Result;
            Assert.That((reference.Ran, fast.Ran), Is.EqualTo((true, true)), () => $"{c}\nfast: {fast.NotRunReason}; reference: {reference.NotRunReason}");
            Assert.That((reference.ComputeCycles, reference.StallCycles, reference.Folds), Is.EqualTo((fast.ComputeCycles, fast.StallCycles, fast.Folds)), c.ToString);
            Assert.That(reference.Counts, Is.EqualTo(fast.Counts), () => $"{c}\nreference: {reference.Counts}\nfast:      {fast.Counts}");
            Interlocked.Increment(ref ran);
        });
        Assert.That(ran, Is.GreaterThan(80));
    }

    [Test]
    public void TenMillionDepthwiseGroupsRunInClosedFormUnderALoopNest()
    {
        // 10^7 groups: a walk of every group is far above the fold cap; only the closed form runs it.
        const int groups = 10_000_000;
        var arch = Presets.Get("lowbit-default");
        // fp32, so on the fp unit.
        var model = UnitModels.For(arch.Units[1]);
        var mapping = new LoopNestMapping(3, [GemmDim.N, GemmDim.K, GemmDim.M], 1, 2, 1);
        var result = Simulation.Run(new LayerWorkload("dw", LayerShape.Depthwise(groups, 4, 4, 3, pad: 1)), arch, model, mapping);
        Assert.That(result.Ran, Is.True, result.NotRunReason);
        var one = Simulation.Run(new LayerWorkload("dw", LayerShape.Depthwise(1, 4, 4, 3, pad: 1)), arch, model, mapping);
        Assert.That(result.Folds, Is.EqualTo(groups * one.Folds));
        Assert.That(result.ComputeCycles, Is.EqualTo(groups * one.ComputeCycles));
        Assert.That(result.Counts.Total(HwSim.Simulator.Counting.PrimitiveAction.DramReadByte),
            Is.EqualTo(groups * one.Counts.Total(HwSim.Simulator.Counting.PrimitiveAction.DramReadByte)));
    }

    [Test]
    public void ALoopNestWithMoreFoldsThanTheCapIsAResult()
    {
        // 4,096 x 4,096 x 4,096 on the 8x8 fp unit: 512 x 512 tiles, and time chunks of one make
        // 4,096 times as many folds (2^30), above the 2^24 the fast engine walks.
        var layer = new LayerWorkload("gemm", LayerShape.Gemm(4096, 4096, 4096));
        var arch = Presets.Get("lowbit-default");
        var model = UnitModels.For(arch.Units[1]);
        var result = Simulation.Run(layer, arch, model, new LoopNestMapping(1, [GemmDim.M, GemmDim.N, GemmDim.K], 1, 1, 1));
        Assert.That(result.Ran, Is.False);
        Assert.That(result.NotRunReason, Does.StartWith("it needs 1,073,741,824 folds on this unit, more than the 16,777,216"));
    }

    private static LayerWorkload MoreGroups(LayerWorkload layer, int factor)
    {
        var s = layer.Shape;
        var shape = new LayerShape(s.Kind, s.Batch, s.Channels * factor, s.Height, s.Width, s.Filters * factor, s.KernelHeight, s.KernelWidth,
            s.StrideH, s.StrideW, s.Padding, s.DilationH, s.DilationW, s.Groups * factor);
        return new LayerWorkload(layer.Name, shape, layer.Precision);
    }
}
