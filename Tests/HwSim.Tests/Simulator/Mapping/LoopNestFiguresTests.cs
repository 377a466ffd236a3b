using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Memory;
using HwSim.Simulator.Results;
using HwSim.Simulator.Units;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Mapping;

/// <summary>
/// Issue 12's motivating case: ResNet-18's fp32 conv1 on <c>lowbit-default</c> (8x8 fp32 os array,
/// 256/256/128 KiB buffers, 16 B/cycle). The fixed mapping re-reads the input strips for each of
/// the 8 column folds; a hand-picked loop nest (16 output rows x all 64 filters per block, the
/// whole reduction per fold, filters innermost) reads weights once and the input 1.13 times.
/// Figures pinned from this run of the fast engine.
/// </summary>
public class LoopNestFiguresTests
{
    [Test]
    public void ResNet18Conv1OnLowbitDefault_FixedAgainstAHandPickedLoopNest()
    {
        var network = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var conv1 = network.Layers[0];
        var arch = Presets.Get("lowbit-default");
        var (model, _) = Simulation.Choose(conv1, [.. arch.Units.Select(UnitModels.For)]);
        Assert.That(model!.Spec.Name, Is.EqualTo("fp"));
        var problem = new GemmProblem(conv1);
        Assert.That((problem.M, problem.K, problem.N), Is.EqualTo((12544L, 147L, 64L)));

        // 224 row tiles of 8 pixels = 16 output rows; 8 column tiles of 8 filters = all 64.
        var picked = new LoopNestMapping(147, [GemmDim.M, GemmDim.K, GemmDim.N], blockM: 224, blockK: 1, blockN: 8);
        Assert.That(MappingRules.Unfit(problem, model.Grid(problem), arch.Buffers, picked), Is.Null);
        var fixedRun = Simulation.Run(conv1, arch, model);
        var nestRun = Simulation.Run(conv1, arch, model, picked);
        TestContext.Out.WriteLine($"fixed: {Line(fixedRun)}");
        TestContext.Out.WriteLine($"loop nest ({picked}): {Line(nestRun)}");
        Assert.That(BlockPlanner.DramBytes(new LoopNest(problem, model.Grid(problem), picked)),
            Is.EqualTo((nestRun.Counts.Total(PrimitiveAction.DramReadByte), nestRun.Counts.Total(PrimitiveAction.DramWriteByte))));
        // Fixed: the 602,112 B input 8 times over (once per column fold) plus 37,632 B of weights.
        Assert.That(Figures(fixedRun), Is.EqualTo((4_854_528L, 3_211_264L, 2_206_050L, 173_922L, 12_544L)));
        // Loop nest: 7 strips of up to 37 input rows, 254 rows in all (1.13 x the input), plus the weights once; same outputs.
        Assert.That(Figures(nestRun), Is.EqualTo((720_384L, 3_211_264L, 2_040_208L, 8_080L, 12_544L)));
        Assert.That(nestRun.Mapping, Is.EqualTo(picked));
    }

    private static (long Read, long Write, long Cycles, long Stalls, long Folds) Figures(LayerResult r) =>
        (r.Counts.Total(PrimitiveAction.DramReadByte), r.Counts.Total(PrimitiveAction.DramWriteByte), r.TotalCycles, r.StallCycles, r.Folds);

    private static string Line(LayerResult r) =>
        $"DRAM read {r.Counts.Total(PrimitiveAction.DramReadByte):N0} B, written {r.Counts.Total(PrimitiveAction.DramWriteByte):N0} B, cycles {r.TotalCycles:N0} (stalls {r.StallCycles:N0}), folds {r.Folds:N0}";
}
