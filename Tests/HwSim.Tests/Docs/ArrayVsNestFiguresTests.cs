using System.Globalization;
using HwSim.Analyses.Nest;
using HwSim.CostModel.Evaluation;
using HwSim.CostModel.Pricing;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Precision;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// docs/validation/array-vs-nest.md: ResNet-18 W4A2, fp32 first/last, on lowbit-default, per layer, from the array engine
/// (<c>hwsim simulate resnet18 --arch lowbit-default --wbits 4 --abits 2 --first-last fp32</c>, default mapper) and from the nest engine
/// on the translated designs (<c>hwsim nest resnet18 --arch lowbit-default --wbits 4 --abits 2 --first-last fp32</c>). Integers exact;
/// energies to half the doc's last printed digit (0.05 uJ for 0.1 uJ, 0.005 uJ for 0.01 uJ); with --objective latency, two layers' cycles
/// and the bit-serial unit's compute.
/// </summary>
public sealed class ArrayVsNestFiguresTests
{
    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    [Test]
    public void DocTableIsBothEnginesFigures()
    {
        var arch = Presets.Get("lowbit-default");
        var net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var array = Evaluator.Evaluate(net, arch, CostSetting.Default);
        var nest = ArrayNestStudy.Run(net, arch, null, new NestStudyOptions(TechnologyScaling.Identity45nm));
        Assert.That(nest.NotRun, Is.Empty);
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "array-vs-nest.md")).ReplaceLineEndings("\n");
        var rows = new List<string>();
        long arrayDram = 0, nestDramBits = 0, arrayCycles = 0, nestCycles = 0;
        foreach (var a in array.Result.Layers)
        {
            var n = nest.Layer(a.Layer)!;
            var layer = net.Layers.Single(l => l.Name == a.Layer);
            Assert.That(n.Counts!.Macs, Is.EqualTo(a.Macs * n.Problem!.Bits), $"{a.Layer}: the same MACs (bit-steps / B on the bit-serial unit)");
            var dram = a.Counts.Total(PrimitiveAction.DramReadByte) + a.Counts.Total(PrimitiveAction.DramWriteByte);
            var bits = ArrayNestStudy.DramBits(n, layer.Precision);
            Assert.That(bits % 8, Is.Zero, $"{a.Layer}: whole bytes");
            arrayDram += dram;
            nestDramBits += bits;
            arrayCycles += a.TotalCycles;
            nestCycles += n.Cycles;
            rows.Add($"| {a.Layer} | {a.Unit} | {N(a.Macs)} | {N(dram)} | {N(bits / 8)} | {N(a.ComputeCycles)} + {N(a.StallCycles)} | {N(n.Cycles)} |");
        }
        rows.Add($"| total | | {N(array.Result.Layers.Sum(l => l.Macs))} | {N(arrayDram)} | {N(nestDramBits / 8)} | {N(arrayCycles)} | {N(nestCycles)} |");
        TestContext.Out.WriteLine(string.Join("\n", rows));
        var nestUj = nest.Studies.Sum(s => s.EnergyPerInference.Microjoules);
        TestContext.Out.WriteLine($"array {array.Energy.EnergyPerInferenceMicrojoules:R} uJ, nest {nestUj:R} uJ");
        foreach (var row in rows)
            Assert.That(doc, Does.Contain(row));
        Assert.That(array.Energy.EnergyPerInferenceMicrojoules, Is.EqualTo(2553.6).Within(0.05), "the README's figure, unmoved");
        Assert.That(doc, Does.Contain($"array engine {array.Energy.EnergyPerInferenceMicrojoules.ToString("0.0", CultureInfo.InvariantCulture)} uJ"));
        Assert.That(doc, Does.Contain($"nest engine {nestUj.ToString("0.0", CultureInfo.InvariantCulture)} uJ"));
        Assert.That(nestUj, Is.EqualTo(2540.8).Within(0.05));

        // The doc's Energy section, compute on the bit-serial unit: the same AND gates and adder-tree inputs in both engines, and one
        // shift-accumulate per accumulation into a PE's accumulator (the array: per PE per compute cycle).
        var lowbit = nest.Studies.Single(st => st.Design.BitSerialInputs);
        var arrayLowbit = array.Result.Layers.Where(l => l.Unit == "lowbit").ToList();
        long Count(PrimitiveAction action) => arrayLowbit.Sum(l => l.Counts.Total(action));
        var accumulations = lowbit.Layers.Where(l => l.Ran).Sum(l => l.Counts!.Accumulations(lowbit.Design.Architecture));
        var arrayCompute = array.Energy.Layers.Where(l => l.Unit == "lowbit").Sum(l => l[EnergyComponent.Compute].Microjoules);
        TestContext.Out.WriteLine($"bit-serial compute: array {arrayCompute:R} uJ, nest {lowbit.MacEnergy.Microjoules:R} uJ; shift-accumulates {Count(PrimitiveAction.ShiftAccumulate)} vs {accumulations}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lowbit.Macs, Is.EqualTo(3_391_094_784L), "bit-steps");
            Assert.That((Count(PrimitiveAction.AndBitOp), Count(PrimitiveAction.PopcountInputBit)), Is.EqualTo((4 * lowbit.Macs, 4 * lowbit.Macs)), "4 weight bits per bit-step");
            Assert.That((Count(PrimitiveAction.ShiftAccumulate), accumulations), Is.EqualTo((211_943_424L, 281_788_416L)));
            Assert.That(arrayCompute, Is.EqualTo(67.41).Within(0.005));
            Assert.That(lowbit.MacEnergy.Microjoules, Is.EqualTo(71.20).Within(0.005));
            Assert.That(array.Energy[EnergyComponent.Compute].Microjoules, Is.EqualTo(612.6).Within(0.05));
            Assert.That(nest.Studies.Sum(st => st.MacEnergy.Microjoules), Is.EqualTo(616.4).Within(0.05));
        }
        Assert.That(doc, Does.Contain("Compute 612.6 vs 616.4").And.Contain("71.20 uJ").And.Contain("67.41 uJ").And.Contain("211,943,424").And.Contain("281,788,416"));
    }

    /// <summary>The doc's two latency-objective figures: each layer's search depends only on its problem, formats, design and seed.</summary>
    [Test]
    public void LatencyObjectiveFigures()
    {
        var arch = Presets.Get("lowbit-default");
        var net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var two = new HwSim.Workloads.Workload("resnet18", net.Layers.Where(l => l.Name is "layer1.0.conv1" or "layer4.0.conv2"));
        var nest = ArrayNestStudy.Run(two, arch, null, new NestStudyOptions(TechnologyScaling.Identity45nm, HwSim.Simulator.Mapper.MappingObjective.Latency));
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "array-vs-nest.md")).ReplaceLineEndings("\n");
        Assert.That(nest.Layer("layer1.0.conv1")!.Cycles, Is.EqualTo(56_448));
        Assert.That(nest.Layer("layer4.0.conv2")!.Cycles, Is.EqualTo(129_024));
        Assert.That(doc, Does.Contain("layer1.0.conv1 takes 56,448 cycles").And.Contain("layer4.0.conv2 still takes 129,024"));
    }

    /// <summary>
    /// The doc's Energy section: with --objective latency the nest mapper fills all 16 lanes on every bit-serial layer, its
    /// shift-accumulates are the array's 211,943,424 and its bit-serial compute the array's 67.41 uJ
    /// (<c>hwsim nest resnet18 --arch lowbit-default --unit lowbit --wbits 4 --abits 2 --first-last fp32 --objective latency</c>).
    /// </summary>
    [Test]
    public void LatencyObjective_BitSerialComputeIsTheArrays()
    {
        var arch = Presets.Get("lowbit-default");
        var net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var nest = ArrayNestStudy.Run(net, arch, "lowbit", new NestStudyOptions(TechnologyScaling.Identity45nm, HwSim.Simulator.Mapper.MappingObjective.Latency));
        var lowbit = nest.Studies.Single();
        var ran = lowbit.Layers.Where(l => l.Ran).ToList();
        Assert.That(ran, Has.Count.EqualTo(19), "the inner layers; conv1 and fc (fp32) do not run on bit-serial PEs");
        Assert.That(ran.Sum(l => l.Counts!.Accumulations(lowbit.Design.Architecture)), Is.EqualTo(211_943_424L));
        Assert.That(lowbit.MacEnergy.Microjoules, Is.EqualTo(67.41).Within(0.005));
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "array-vs-nest.md")).ReplaceLineEndings("\n");
        Assert.That(doc, Does.Contain("--objective latency").And.Contain("compute is 67.41 uJ"));
    }

    /// <summary>
    /// The doc's Energy section: the nest mapper's layer1.0.conv1 mapping (12 lanes, C4·R3) against the same mapping with C16 on the
    /// lanes and R3 stepped at the ofmap buffer. Both given, so nothing is searched; energies to 0.005 uJ (the doc prints 0.01 uJ).
    /// </summary>
    [Test]
    public void SixteenLanes_CostMoreThanTheMappersTwelveOnLayer1()
    {
        const string Mapper = """
            version: 1
            layers:
              layer1.0.conv1:
                DRAM: { temporal: [Q2] }
                ifmap_buffer: { temporal: [P4, Q7] }
                weight_buffer: { temporal: [M4, Q2] }
                ofmap_buffer: { temporal: [Q2, C8, S3], spatial_x: [M16], spatial_y: [P14] }
                pe: { temporal: [C2], spatial_x: [C4, R3] }
                pe_operands: { temporal: [B2] }
            """;
        var sixteen = Mapper.Replace("temporal: [Q2, C8, S3]", "temporal: [Q2, C4, S3, R3]", StringComparison.Ordinal)
            .Replace("pe: { temporal: [C2], spatial_x: [C4, R3] }", "pe: { spatial_x: [C16] }", StringComparison.Ordinal);
        var arch = Presets.Get("lowbit-default");
        var net = PrecisionPolicy.FromBits(4, 2, FirstLastFormat.Keep(NumberFormat.Fp32)).Apply(NetworkZoo.Get("resnet18"));
        var one = new HwSim.Workloads.Workload("resnet18", net.Layers.Where(l => l.Name == "layer1.0.conv1"));
        (NestLayerResult Layer, long Accumulations) Run(string text)
        {
            var study = ArrayNestStudy.Run(one, arch, null, new NestStudyOptions(TechnologyScaling.Identity45nm),
                design => NestMappingFile.Read(text, "test", design)).Studies.Single();
            var layer = study.Layers.Single();
            return (layer, layer.Counts!.Accumulations(study.Design.Architecture));
        }
        var (twelve, all) = (Run(Mapper), Run(sixteen));
        static double Uj(NestLayerResult r, string level) => r.Energy!.Levels.Single(l => l.Level == level).Total.Microjoules;
        static string F(double uj) => uj.ToString("0.00", CultureInfo.InvariantCulture);
        TestContext.Out.WriteLine($"12 lanes {twelve.Layer.Energy!.Total.Microjoules:R} uJ (compute {twelve.Layer.Energy.Macs.Microjoules:R}, ifmap {Uj(twelve.Layer, "ifmap_buffer"):R}, pe {Uj(twelve.Layer, "pe"):R}); " +
            $"16 lanes {all.Layer.Energy!.Total.Microjoules:R} uJ (compute {all.Layer.Energy.Macs.Microjoules:R}, ifmap {Uj(all.Layer, "ifmap_buffer"):R}, pe {Uj(all.Layer, "pe"):R})");
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "array-vs-nest.md")).ReplaceLineEndings("\n");
        using (Assert.EnterMultipleScope())
        {
            Assert.That((twelve.Layer.Searched, all.Layer.Searched), Is.EqualTo((false, false)), "both given");
            Assert.That((twelve.Layer.Cycles, all.Layer.Cycles), Is.EqualTo((86_016L, 64_512L)));
            Assert.That((twelve.Accumulations, all.Accumulations), Is.EqualTo((231_211_008L / 12, 231_211_008L / 16)));
            Assert.That(twelve.Layer.Energy!.Total.Microjoules, Is.EqualTo(42.53).Within(0.005));
            Assert.That(all.Layer.Energy!.Total.Microjoules, Is.EqualTo(46.20).Within(0.005));
            Assert.That(doc, Does.Contain($"{F(all.Layer.Energy.Total.Microjoules)} uJ against {F(twelve.Layer.Energy.Total.Microjoules)} uJ"));
            Assert.That(doc, Does.Contain($"{F(twelve.Layer.Energy.Macs.Microjoules - all.Layer.Energy.Macs.Microjoules)} uJ less compute"));
            Assert.That(doc, Does.Contain($"{F(Uj(twelve.Layer, "pe") - Uj(all.Layer, "pe"))} uJ less in `pe`"));
            Assert.That(doc, Does.Contain($"{F(Uj(all.Layer, "ifmap_buffer") - Uj(twelve.Layer, "ifmap_buffer"))} uJ more"));
        }
    }
}
