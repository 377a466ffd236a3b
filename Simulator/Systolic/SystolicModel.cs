using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Units;

namespace HwSim.Simulator.Systolic;

/// <summary>
/// The fast model of a bit-parallel systolic array (os, ws or is): closed forms per fold for
/// the cycles of README §3 (or SCALE-Sim v2's, with <see cref="SystolicUnitSpec.ScaleSimCompat"/>),
/// one b_w x b_a Multiply and one accumulator-width Add per MAC, the register traffic of the
/// reference microarchitecture (<see cref="SystolicRegisterBits"/>) and the operand values the
/// array pulls from and pushes to the buffers. Its cycle-stepped twin is <see cref="SystolicReference"/>.
/// </summary>
public sealed class SystolicModel(SystolicUnitSpec spec) : IUnitModel
{
    public SystolicUnitSpec Spec { get; } = spec ?? throw new ArgumentNullException(nameof(spec));

    UnitSpec IUnitModel.Spec => Spec;

    public FoldGrid Grid(GemmProblem problem) => SystolicLayout.Grid(Spec);

    /// <summary>One MAC per PE per cycle, whatever the formats (the PEs are bit-parallel).</summary>
    public double PeakMacsPerCycle(GemmProblem problem) => Spec.PeCount;

    /// <summary>SCALE-Sim's cycles do not depend on its SRAM sizes, so a compat unit's mapping ignores the buffers.</summary>
    public bool MappingFitsBuffers => !Spec.ScaleSimCompat;

    /// <inheritdoc/>
    public object? ValueDependence(GemmProblem problem) => Spec.Skip == SkipMode.None ? null : ZeroGating.Dependence(problem, Spec);

    public FoldCost Cost(GemmProblem problem, Fold fold)
    {
        long sr = fold.Rows, sc = fold.Cols, t = Grid(problem).Time(fold), ar = Spec.Rows;
        var widths = SystolicWidths.Of(problem);
        var macs = fold.Macs;
        var starts = fold.StartsReduction;
        var (readBits, writeBits) = SystolicRegisterBits.Of(Spec.Dataflow, widths, sr, sc, t, ar, starts);
        // skip: zero_operands gates the expected share of MACs whose input is zero; cycles, busy
        // PE-cycles, register loads and SRAM traffic do not depend on the values (README §8).
        var gated = Spec.Skip == SkipMode.ZeroOperands ? ZeroGating.GatedMacs(macs, ZeroGating.ZeroTermShare(problem, Spec)) : 0;
        var compute = ActivityCounts.From([
            new(ActionKey.Multiply(problem.WeightFormat, problem.InputFormat), macs - gated),
            new(ActionKey.Add(problem.AccumulatorFormat), macs - gated),
            new(ActionKey.GatedMac(problem.WeightFormat, problem.InputFormat), gated),
            new(ActionKey.Simple(PrimitiveAction.RegisterReadBit), readBits),
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), writeBits),
        ]);

        // Values each buffer streams: os pulls an input per row and a weight per column each
        // step and writes its sr x sc results (and, continuing a reduction, preloads its sr x sc
        // partial sums); ws and is load their stationary operand once per fold, stream the other
        // over the rows, and each column returns one sum per step (and reads one back per step at
        // row 0 when continuing a reduction). T is this fold's time range, a chunk or the whole.
        var (inputs, weights, results) = Spec.Dataflow switch
        {
            Dataflow.OutputStationary => (sr * t, sc * t, sr * sc),
            Dataflow.WeightStationary => (sr * t, sr * sc, sc * t),
            _ => (sr * sc, sr * t, sc * t),
        };
        var ends = fold.EndsReduction(problem.K);
        var ifmapRead = inputs * widths.Input;
        var weightRead = weights * widths.Weight;
        var ofmapRead = starts ? 0 : results * widths.Accumulator;
        var ofmapWrite = results * widths.Result(ends);

        if (!Spec.ScaleSimCompat)
            return new FoldCost(SystolicTiming.FoldCycles(Spec, sr, sc, t, starts), macs, compute, ifmapRead, weightRead, ofmapRead, ofmapWrite);

        // SCALE-Sim's timing and SRAM counts; the PEs and their registers do the same work.
        var cycles = ScaleSimCompat.FoldCycles(Spec, fold, t);
        // Its "- 1" can leave a 1x1 array's first fold fewer cycles than MACs; busy PE-cycles
        // are capped there so that idle PE-cycles stay a count.
        var busy = Math.Min(macs, cycles * Spec.PeCount);
        return new FoldCost(cycles, busy, compute, ifmapRead, weightRead, OfmapReadBits: 0,
            ScaleSimCompat.OfmapWriteBits(Spec, results, widths.Output));
    }
}
