using System.Collections.Immutable;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Nest;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Nest;

/// <summary>
/// Array units stated as nest designs (Analyses/Nest/ArrayNestDesign.cs): the presets' translations parse and validate, their spatial
/// constraints allow what the kind's hardware does and forbid the rest (Simulator/README.md §2's table), the kinds the nest engine cannot
/// state are refused with their reasons, the YAML reads back to the same design, and the MACs equal the array engine's.
/// </summary>
public sealed class ArrayNestDesignTests
{
    private static ArrayNestDesign Of(string preset, string unit)
    {
        var arch = Presets.Get(preset);
        return ArrayNest.Translate(arch, ArrayNest.UnitNamed(arch, unit)!);
    }

    private static readonly (string Preset, string Unit)[] Translated =
        [("lowbit-default", "lowbit"), ("lowbit-default", "fp"), ("eyeriss-like", "pe"), ("tpu-like", "mxu"), ("dadn-like", "nfu"), ("finn-like", "l0"), ("finn-like", "l1")];

    [Test]
    public void Presets_Translate_AndValidate()
    {
        foreach (var (preset, unit) in Translated)
        {
            var t = Of(preset, unit);
            Assert.That(t.Refusal, Is.Null, $"{preset}/{unit}");
            var d = t.Design!;
            var arch = Presets.Get(preset);
            var u = ArrayNest.UnitNamed(arch, unit)!;
            var levels = d.Architecture.Levels;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(levels.Length, Is.EqualTo(1 + arch.Buffers.Levels.Length + 2), $"{preset}/{unit}: DRAM, the storage levels, pe, pe_operands");
                Assert.That(levels[0].Name, Is.EqualTo("DRAM"));
                Assert.That(d.Costs[0].Dram, Is.EqualTo(arch.Dram.Type));
                Assert.That(d.ClockMhz, Is.EqualTo(arch.ClockMhz));
                var last = levels[arch.Buffers.Levels.Length];
                Assert.That((last.FanoutX, last.FanoutY), Is.EqualTo((u.Cols, u.Rows)), "cols on X, rows on Y");
                for (var i = 0; i < arch.Buffers.Levels.Length; i++)
                {
                    var s = arch.Buffers.Levels[i];
                    Assert.That(levels[1 + i].Name, Is.EqualTo(s.Name));
                    Assert.That(levels[1 + i].CapacityWords, Is.EqualTo(s.RoomBytes * 8), "1-bit words: the half a block may use, in bits");
                    Assert.That(d.Costs[1 + i].CapacityBytes, Is.EqualTo(s.AccessedArrayBytes), "priced as the half an access goes to, as the array engine prices it");
                    Assert.That(d.Costs[1 + i].RowBits, Is.EqualTo(s.WordBits));
                }
            }
        }
    }

    [Test]
    public void LowbitDefault_Figures()
    {
        var bs = Of("lowbit-default", "lowbit").Design!;
        var fp = Of("lowbit-default", "fp").Design!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(bs.BitSerialInputs, Is.True);
            Assert.That(fp.BitSerialInputs, Is.False);
            Assert.That(bs.Architecture.Levels.Select(l => l.Name), Is.EqualTo(new[] { "DRAM", "ifmap_buffer", "weight_buffer", "ofmap_buffer", "pe", "pe_operands" }));
            // 256/256/128 KiB, double-buffered: 128/128/64 KiB in bits.
            Assert.That(bs.Architecture.Levels.Select(l => l.CapacityWords), Is.EqualTo(new long?[] { null, 1_048_576, 1_048_576, 524_288, 1, 2 }));
            Assert.That(bs.Architecture.Levels[4].FanoutX, Is.EqualTo(16), "16 lanes");
            Assert.That(fp.Architecture.Levels[3].FanoutX * fp.Architecture.Levels[3].FanoutY, Is.EqualTo(64));
            Assert.That(fp.Architecture.Levels[4].FanoutX, Is.EqualTo(1));
        }
    }

    [Test]
    public void SpatialRules_FollowTheGemmTable()
    {
        static (ImmutableHashSet<NestDim>? Rows, ImmutableHashSet<NestDim>? Cols) Grid(NestDesign d)
        {
            var c = d.Constraints[d.Architecture.Levels.Length - 3];
            return (c.SpatialY, c.SpatialX);
        }
        NestDim[] m = [NestDim.N, NestDim.P, NestDim.Q], k = [NestDim.C, NestDim.R, NestDim.S], n = [NestDim.M];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Grid(Of("lowbit-default", "fp").Design!), Is.EqualTo((m, n)).Using<(ImmutableHashSet<NestDim>?, ImmutableHashSet<NestDim>?), (NestDim[], NestDim[])>(Same), "os: rows M, cols N");
            Assert.That(Grid(Of("tpu-like", "mxu").Design!), Is.EqualTo((k, n)).Using<(ImmutableHashSet<NestDim>?, ImmutableHashSet<NestDim>?), (NestDim[], NestDim[])>(Same), "ws: rows K, cols N");
            Assert.That(Grid(Of("lowbit-default", "lowbit").Design!), Is.EqualTo((m, n)).Using<(ImmutableHashSet<NestDim>?, ImmutableHashSet<NestDim>?), (NestDim[], NestDim[])>(Same), "bitserial: rows M, cols N");
            var bs = Of("lowbit-default", "lowbit").Design!;
            Assert.That(bs.Constraints[4].SpatialX, Is.EquivalentTo(k), "lanes take K terms");
            Assert.That(bs.Constraints[5].Temporal, Is.EquivalentTo(new[] { NestDim.B }), "the bit loop at the lane, the weight held");
            Assert.That(bs.Constraints.Take(5).All(c => !(c.Temporal?.Contains(NestDim.B) ?? true)), "B is stepped nowhere else");
            Assert.That(bs.Constraints.All(c => !(c.SpatialX?.Contains(NestDim.B) ?? false) && !(c.SpatialY?.Contains(NestDim.B) ?? false)), "B never spatial");
        }
    }

    private static bool Same((ImmutableHashSet<NestDim>? Rows, ImmutableHashSet<NestDim>? Cols) a, (NestDim[] Rows, NestDim[] Cols) b) =>
        a.Rows!.SetEquals(b.Rows) && a.Cols!.SetEquals(b.Cols);

    /// <summary>A mapping that puts a dimension on the rows the kind does not put there is broken, and the mapper never makes one.</summary>
    [Test]
    public void SpatialRules_ForbidWhatTheKindCannotDo()
    {
        var os = Of("lowbit-default", "fp").Design!;
        var problem = new NestProblem(1, 8, 4, 4, 4, 3, 3);
        // C on the rows of an os array: the reduction is its time dimension (§2 line 39), never spatial.
        var cOnRows = Map(os, problem, grid: [new NestLoop(NestDim.C, 4, NestAxis.Y)], rest: [new(NestDim.M, 8), new(NestDim.P, 4), new(NestDim.Q, 4), new(NestDim.R, 3), new(NestDim.S, 3)]);
        Assert.That(NestLevelConstraint.Broken(cOnRows, os.Constraints), Is.EqualTo("level 3: spatial C4 (Y)"));
        var pOnRows = Map(os, problem, grid: [new NestLoop(NestDim.P, 4, NestAxis.Y), new NestLoop(NestDim.M, 8, NestAxis.X)], rest: [new(NestDim.C, 4), new(NestDim.Q, 4), new(NestDim.R, 3), new(NestDim.S, 3)]);
        Assert.That(NestLevelConstraint.Broken(pOnRows, os.Constraints), Is.Null, "output pixels on rows, filters on cols");
        var ws = Of("tpu-like", "mxu").Design!;
        var pOnWsRows = Map(ws, problem, grid: [new NestLoop(NestDim.P, 4, NestAxis.Y)], rest: [new(NestDim.M, 8), new(NestDim.C, 4), new(NestDim.Q, 4), new(NestDim.R, 3), new(NestDim.S, 3)]);
        Assert.That(NestLevelConstraint.Broken(pOnWsRows, ws.Constraints), Is.EqualTo("level 3: spatial P4 (Y)"), "ws rows take K only (§2 line 40)");
        foreach (var (preset, unit) in Translated.Where(t => t.Preset != "finn-like"))
        {
            var d = Of(preset, unit).Design!;
            var (arch, _) = d.ArchitectureFor(8, 8, 32);
            var pick = NestMapper.Search(problem, arch!, d.Constraints, c => c.Cycles, 300, 7);
            Assert.That(NestLevelConstraint.Broken(pick.Mapping, d.Constraints), Is.Null, $"{preset}/{unit}");
        }
    }

    // Every loop of `rest` temporal at the innermost SRAM level, `grid` spatial there; nothing elsewhere.
    private static NestMapping Map(NestDesign d, NestProblem problem, NestLoop[] grid, NestLoop[] rest)
    {
        var n = d.Architecture.Levels.Length;
        _ = problem;
        return new NestMapping([.. Enumerable.Range(0, n).Select(l => l == n - 3 ? NestLevelLoops.Of(rest, grid) : NestLevelLoops.Of([]))]);
    }

    [Test]
    public void Refusals_CarryTheirReasons()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Of("loom-like", "sip").Refusal, Does.StartWith("serial: both steps the weights' bit-planes too").And.Contain("indexes the inputs only"));
            Assert.That(Of("bismo-like", "dpa").Refusal, Does.StartWith("serial: both"));
            Assert.That(Of("bitfusion-like", "fusion").Refusal, Does.StartWith("a fusion unit (Bit Fusion) puts L = 16 / (pieces_w x pieces_a) terms"));
            Assert.That(Of("stripes-like", "sip").Refusal, Does.StartWith("fc_mode: multiplex deals a one-window fold's steps to the rows in turn"));
            Assert.That(Of("loom-like", "sip").Design, Is.Null);
            Assert.That(Of("loom-like", "sip").Yaml, Is.Null);
            var arch = Presets.Get("lowbit-default");
            var xnor = arch with { Units = [new XnorUnitSpec("x", 4, 4, lanes: 32, maxBits: 4)] };
            Assert.That(ArrayNest.Translate(xnor, xnor.Units[0]).Refusal, Does.StartWith("max_bits 4: an XNOR unit runs operands other than binary x binary as bit-plane pairs"));
            var g2 = arch with { Units = [new BitSerialUnitSpec("b", 4, 4, 8, SerialMode.Activations, 8, bitsPerCycle: 2)] };
            Assert.That(ArrayNest.Translate(g2, g2.Units[0]).Refusal, Does.StartWith("bits_per_cycle: 2 takes 2 bit-planes per cycle"));
        }
    }

    /// <summary>The YAML reads back to the same levels, prices and constraints (what <c>hwsim archs --as-nest</c> prints).</summary>
    [Test]
    public void Yaml_RoundTrips()
    {
        foreach (var (preset, unit) in Translated)
        {
            var t = Of(preset, unit);
            var again = NestDesignFile.Read(t.Yaml!, "again.yaml");
            var d = t.Design!;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(again.Name, Is.EqualTo($"{preset}.{unit}"));
                Assert.That(again.BitSerialInputs, Is.EqualTo(d.BitSerialInputs));
                Assert.That(again.ClockMhz, Is.EqualTo(d.ClockMhz));
                Assert.That(again.Costs, Is.EqualTo(d.Costs));
                Assert.That(again.DataWidths, Is.EqualTo(d.DataWidths));
                for (var i = 0; i < d.Architecture.Levels.Length; i++)
                {
                    var (a, b) = (again.Architecture.Levels[i], d.Architecture.Levels[i]);
                    Assert.That((a.Name, a.CapacityWords, a.FanoutX, a.FanoutY), Is.EqualTo((b.Name, b.CapacityWords, b.FanoutX, b.FanoutY)));
                    Assert.That(a.Keeps.SetEquals(b.Keeps));
                    Assert.That(Dims(again.Constraints[i].Temporal), Is.EqualTo(Dims(d.Constraints[i].Temporal)));
                    Assert.That(Dims(again.Constraints[i].SpatialX), Is.EqualTo(Dims(d.Constraints[i].SpatialX)));
                    Assert.That(Dims(again.Constraints[i].SpatialY), Is.EqualTo(Dims(d.Constraints[i].SpatialY)));
                }
            }
        }
    }

    private static string Dims(ImmutableHashSet<NestDim>? dims) => dims is null ? "any" : string.Join(",", dims.Order());

    /// <summary>
    /// On random small layers, each layer's MACs on the translated design (bit-steps / B for bit-serial PEs) equal the array engine's:
    /// both count every MAC slot, padding included (Simulator/README.md §1; Simulator/Nest/README.md, Problem).
    /// </summary>
    [Test]
    public void Macs_EqualTheArrayEngines_OnRandomLayers()
    {
        var rng = new Random(12);
        var arch = Presets.Get("lowbit-default");
        var layers = new List<LayerWorkload>();
        for (var i = 0; i < 12; i++)
        {
            var kernel = rng.Next(1, 4);
            var shape = LayerShape.Conv(rng.Next(1, 9), rng.Next(kernel, 9), rng.Next(kernel, 9), rng.Next(1, 9), kernel, stride: rng.Next(1, 3), pad: rng.Next(0, kernel));
            var precision = i % 3 == 0 ? OperandPrecision.Fp32
                : OperandPrecision.For(NumberFormat.Int(rng.Next(2, 9)), NumberFormat.UInt(rng.Next(1, 9)), shape.GemmK);
            layers.Add(new LayerWorkload($"l{i}", shape, precision));
        }
        var workload = new Workload("random", layers);
        var array = Simulation.Evaluate(workload, arch);
        var nest = ArrayNestStudy.Run(workload, arch, null, new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 60));
        Assert.That(nest.NotRun, Is.Empty);
        foreach (var l in array.Layers)
        {
            var n = nest.Layer(l.Layer)!;
            Assert.That(n.Ran, Is.True, $"{l.Layer}: {n.NotRunReason}");
            Assert.That(n.Counts!.Macs / n.Problem!.Bits, Is.EqualTo(l.Macs), l.Layer);
            Assert.That(n.Counts.Macs % n.Problem.Bits, Is.Zero);
        }
        Assert.That(nest.Studies.Select(s => s.Design.Name), Is.EqualTo(new[] { "lowbit-default.lowbit", "lowbit-default.fp" }));
    }

    /// <summary>The same on the ws (tpu-like, eyeriss-like's shared level) and dot-product (dadn-like) translations, with integer layers.</summary>
    [TestCase("tpu-like", 8)]
    [TestCase("eyeriss-like", 16)]
    [TestCase("dadn-like", 16)]
    public void Macs_EqualTheArrayEngines_OnOtherKinds(string preset, int bits)
    {
        var rng = new Random(bits * 31 + preset.Length);
        var arch = Presets.Get(preset);
        var layers = new List<LayerWorkload>();
        for (var i = 0; i < 6; i++)
        {
            var kernel = rng.Next(1, 4);
            var shape = LayerShape.Conv(rng.Next(1, 9), rng.Next(kernel, 9), rng.Next(kernel, 9), rng.Next(1, 9), kernel, stride: rng.Next(1, 3), pad: rng.Next(0, kernel));
            layers.Add(new LayerWorkload($"l{i}", shape, OperandPrecision.For(NumberFormat.Int(rng.Next(2, bits + 1)), NumberFormat.Int(rng.Next(2, bits + 1)), shape.GemmK)));
        }
        var workload = new Workload("random", layers);
        var array = Simulation.Evaluate(workload, arch);
        var nest = ArrayNestStudy.Run(workload, arch, null, new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 60));
        Assert.That(nest.NotRun, Is.Empty);
        foreach (var l in array.Layers)
        {
            var n = nest.Layer(l.Layer)!;
            Assert.That(n.Ran, Is.True, $"{l.Layer}: {n.NotRunReason}");
            Assert.That(n.Problem!.Bits, Is.EqualTo(1));
            Assert.That(n.Counts!.Macs, Is.EqualTo(l.Macs), l.Layer);
        }
    }

    /// <summary>An input-stationary array (no preset has one): rows take K, columns the output pixels, the PE keeps its input while filters step.</summary>
    [Test]
    public void InputStationary_RowsK_ColsM()
    {
        var arch = Presets.Get("tpu-like") with { Units = [new SystolicUnitSpec("is", 4, 8, Dataflow.InputStationary, NumberFormat.Int(8))] };
        var d = ArrayNest.Translate(arch, arch.Units[0]).Design!;
        var grid = d.Constraints[d.Architecture.Levels.Length - 3];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(grid.SpatialY, Is.EquivalentTo(new[] { NestDim.C, NestDim.R, NestDim.S }));
            Assert.That(grid.SpatialX, Is.EquivalentTo(new[] { NestDim.N, NestDim.P, NestDim.Q }));
            Assert.That(d.Architecture.Levels[^2].Keeps, Is.EquivalentTo(new[] { NestTensor.Inputs }));
            Assert.That(d.Constraints[^2].Temporal, Is.EquivalentTo(new[] { NestDim.M }));
            Assert.That(d.Architecture.Levels[^1].Keeps, Is.EquivalentTo(new[] { NestTensor.Weights }), "weights stream through; partial sums reduce down the columns in the network");
        }
    }

    /// <summary>Names from a user's file survive the YAML (quoted), whatever characters they hold.</summary>
    [Test]
    public void Names_WithYamlCharacters_RoundTrip()
    {
        var arch = new ArchitectureSpec("my: \"arch\" # 1", 200, new DramSpec(8), new BufferSpec([new StorageLevel("glb: [all]\nlevels: x", 64 * 1024, 64, [BufferKind.Ifmap, BufferKind.Weight, BufferKind.Ofmap])]),
            [new SystolicUnitSpec("u #1", 4, 4, Dataflow.OutputStationary, NumberFormat.Int(8))]);
        var t = ArrayNest.Translate(arch, arch.Units[0]);
        Assert.That(t.Refusal, Is.Null);
        Assert.That(t.Design!.Name, Is.EqualTo("my: \"arch\" # 1.u #1"));
        Assert.That(t.Design.Architecture.Levels[1].Name, Is.EqualTo("glb: [all]\nlevels: x"));
        Assert.That(t.Design.Architecture.Levels[1].Keeps, Has.Count.EqualTo(3), "a shared level keeps all it holds");
    }

    [Test]
    public void Study_UnitChoiceAndForcedUnit()
    {
        var arch = Presets.Get("lowbit-default");
        var shape = LayerShape.Conv(4, 6, 6, 4, 3, pad: 1);
        var workload = new Workload("w", [new LayerWorkload("a", shape, OperandPrecision.Fp32), new LayerWorkload("b", shape, OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), shape.GemmK))]);
        var options = new NestStudyOptions(TechnologyScaling.Identity45nm, Samples: 20);
        var forced = ArrayNestStudy.Run(workload, arch, "lowbit", options);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(forced.NotRun.Single().Layer, Is.EqualTo("a"));
            Assert.That(forced.NotRun.Single().Reason, Does.Contain("computes on integer bit-planes"));
            Assert.That(forced.Studies.Single().Layers.Single().Layer, Is.EqualTo("b"));
            var e = Assert.Throws<InputException>(() => ArrayNestStudy.Run(workload, arch, "nope", options))!;
            Assert.That(e.Message, Does.Contain("lowbit-default has no unit 'nope' (units: lowbit, fp)"));
            // Nothing runs because loom-like's one unit cannot be stated: the architecture's refusal, once, not a row per layer.
            var refused = Assert.Throws<InputException>(() => ArrayNestStudy.Run(workload, Presets.Get("loom-like"), null, options))!;
            Assert.That(refused.Message, Does.Contain("loom-like cannot run on the nest engine: unit sip has no nest statement: serial: both"));
            // A layer no unit takes is still a row with its reason, beside the layers that ran.
            var tpu = ArrayNestStudy.Run(workload, Presets.Get("tpu-like"), null, options);
            Assert.That((tpu.Studies.Length, tpu.NotRun.Length), Is.EqualTo((1, 1)));
        }
    }
}
