using HwSim.CostModel.Area;
using HwSim.CostModel.Quantities;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Area;

/// <summary>Architecture areas: PEs plus buffers, breakdowns that add up, presets in a plausible range.</summary>
[TestFixture]
public sealed class AreaModelTests
{
    private static readonly TechnologyScaling At45 = TechnologyScaling.Identity45nm;

    private static AreaReport Area(ArchitectureSpec arch, TechnologyScaling? scaling = null) => AreaModel.Area(arch, AreaTable.Default, scaling ?? At45);

    private static ArchitectureSpec With(UnitSpec unit) => new("test", 500, new DramSpec(16), BufferSpec.FromKilobytes(64, 64, 64), [unit]);

    private static double Pe(UnitSpec unit) => Area(With(unit)).Units.Single().Pe.Total.Value;

    [TestCaseSource(typeof(Presets), nameof(Presets.Names))]
    public void Total_EqualsTheSumOfTheBreakdown_AndEachPeTheSumOfItsParts(string preset)
    {
        var report = Area(Presets.Get(preset));
        var sum = AreaUm2.Zero;
        foreach (var item in report.Breakdown)
            sum += item.Area;
        Assert.That(report.Total, Is.EqualTo(sum), "same doubles, same order");
        // One line per storage level: "ifmap SRAM" etc. for the classic three buffers, else the level's name.
        var levels = Presets.Get(preset).Buffers;
        string[] buffers = levels.IsClassic ? ["ifmap SRAM", "weight SRAM", "ofmap SRAM"] : [.. levels.Levels.Select(l => l.Name)];
        Assert.That(report.Breakdown.Select(i => i.Name), Is.EqualTo(report.Units.Select(u => u.Unit).Concat(buffers)));
        Assert.That(report.Buffers.Sum(b => b.Bytes), Is.EqualTo(levels.Levels.Sum(l => l.CapacityBytes)));
        foreach (var unit in report.Units)
        {
            var pe = AreaUm2.Zero;
            foreach (var part in unit.Pe.Parts)
                pe += part.Each * part.Count;
            Assert.That(unit.Pe.Total, Is.EqualTo(pe));
            Assert.That(unit.Area, Is.EqualTo(unit.Pe.Total * unit.PeCount));
        }
    }

    /// <summary>
    /// Every preset is positive and in the range its inventory implies at 45 nm (PE logic and SRAM
    /// arrays only, so below the published chips, which add control, wiring and I/O): SRAM (two
    /// CACTI half arrays per buffer, 0.35 to 0.68 um^2/bit, more for wide words) dominates all but
    /// the bit-serial defaults. stripes-like: 36 MiB of SRAM + 4096 SIPs (130 mm^2); tpu-like:
    /// 24 MiB of 2048-bit-word SRAM (126.5 mm^2) + 65,536 8-bit PEs (33.5 mm^2); finn-like: 96 KiB of buffers + nine small MVAUs (CNV-W1A1's folding);
    /// eyeriss-like: 168 16-bit PEs and 181.5 KiB.
    /// </summary>
    [TestCase("lowbit-default", 2, 6)]
    [TestCase("stripes-like", 100, 160)]
    [TestCase("loom-like", 2, 6)]
    [TestCase("bismo-like", 1, 3)]
    [TestCase("finn-like", 0.3, 0.6)]
    [TestCase("eyeriss-like", 0.5, 2)]
    [TestCase("tpu-like", 140, 180)]
    public void EveryPreset_IsPositiveAndPlausible(string preset, double minMm2, double maxMm2)
    {
        var report = Area(Presets.Get(preset));
        foreach (var line in report.Lines())
            TestContext.Out.WriteLine(line);
        Assert.That(report.Breakdown.Select(i => i.Area.Value), Has.All.GreaterThan(0));
        Assert.That(report.TotalSquareMillimetres, Is.InRange(minMm2, maxMm2));
    }

    [Test]
    public void BitFusionLike_Is512SynthesisedFusionUnits_PlusTheTemporalPassAccumulator()
    {
        var fusion = Area(Presets.Get("bitfusion-like")).Units.Single();
        using (Assert.EnterMultipleScope())
        {
            // The 8/2 fusion unit (systolic_array_synth.csv, C) + a 32-bit adder (137, Horowitz, S) + 32 register bits (5.98 each, Aladdin, C).
            Assert.That(fusion.Pe.Total.Value, Is.EqualTo(1734.6 + 137 + 32 * 5.98).Within(1e-9));
            Assert.That(fusion.Area.Value, Is.EqualTo(512 * (1734.6 + 137 + 32 * 5.98)).Within(1e-6));
        }
    }

    [Test]
    public void TpuLike_Is65536BitFusion8BitPes_Plus24MiBOfSram()
    {
        var report = Area(Presets.Get("tpu-like"));
        var mxu = report.Units.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mxu.Pe.Total.Value, Is.EqualTo(510.7), "Bit Fusion 8x8 PE, published point");
            Assert.That(mxu.Area.Value, Is.EqualTo(65536 * 510.7), "33.5 mm^2");
            // 24 MiB + 256 KiB of 2048-bit words, two CACTI half arrays each: 4 x 31.28 mm^2 (6 MiB
            // halves, 0.62 um^2/bit) + 2 x 0.712 mm^2 (128 KiB halves) = 126.5 mm^2.
            var sram = report.Buffers.Sum(b => b.Area.Value);
            Assert.That(sram * 1e-6, Is.InRange(120, 135));
        }
    }

    /// <summary>
    /// lowbit-default at 45 nm, by hand from the table (um^2):
    /// lowbit PE (16 lanes, 8-bit weights, serial activations): AND 16 x 8 x 4.5/7.8 = 73.846;
    /// adder tree 15 x 36 = 540; accumulator adder 137; registers (128 + 16 + 32) x 5.98 = 1052.48;
    /// PE 1803.326, x 256 = 461,651.5. fp PE (fp32): 7700 + 4184 + 96 x 5.98 = 12,458.08, x 64 =
    /// 797,317.1. SRAM, two CACTI 7 half arrays per buffer (64-bit words, 1 bank; table rows
    /// 131072,64,1 = 387,428 and 65536,64,1 = 183,662 um^2): ifmap and weight 774,856 each, ofmap
    /// 367,324. Total 461,651.50 + 797,317.12 + 2 x 774,856 + 367,324 = 3,176,004.62 um^2 =
    /// 3.18 mm^2 (the fp array is a quarter of it, the SRAM three fifths). With the fitted law of
    /// the two Timeloop points it was 3,383,294.68 um^2.
    /// </summary>
    [Test]
    public void LowbitDefault_Total_IsPinned()
    {
        var report = Area(Presets.Get(Presets.Default));
        var lowbit = report.Units.Single(u => u.Unit == "lowbit");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lowbit.Pe.Total.Value, Is.EqualTo(16 * 8 * 4.5 / 7.8 + 15 * 36 + 137 + 176 * 5.98).Within(1e-9).Percent);
            Assert.That(report.Units.Single(u => u.Unit == "fp").Pe.Total.Value, Is.EqualTo(7700 + 4184 + 96 * 5.98).Within(1e-9).Percent);
            Assert.That(report.Buffers.Select(b => b.Area.Value), Is.EqualTo(new[] { 2 * 387428.0, 2 * 387428.0, 2 * 183662.0 }).Within(1e-9).Percent);
            Assert.That(report.Total.Value, Is.EqualTo(PinnedLowbitDefaultUm2).Within(1e-9 * PinnedLowbitDefaultUm2));
        }
    }

    private const double PinnedLowbitDefaultUm2 = 3_176_004.6153846;

    [TestCaseSource(typeof(Presets), nameof(Presets.Names))]
    public void At7nm_EveryAreaIs0059OfIts45nmArea(string preset)
    {
        var at45 = Area(Presets.Get(preset));
        var at7 = Area(Presets.Get(preset), TechnologyScaling.From45nm(7));
        Assert.That(at7.Total.Value, Is.EqualTo(0.059 * at45.Total.Value).Within(1e-12).Percent);
        Assert.That(at7.Breakdown.Select(i => i.Area.Value), Is.EqualTo(at45.Breakdown.Select(i => 0.059 * i.Area.Value)).Within(1e-12).Percent);
    }

    [Test]
    public void ANodeWithoutAreaFactor_IsAnInputError()
    {
        var scaling = TechnologyScaling.From45nm(90);
        var e = Assert.Throws<InputException>(() => Area(Presets.Get(Presets.Default), scaling))!;
        Assert.That(e.Message, Does.Contain("no area factor"));
    }

    [Test]
    public void SystolicPe_GrowsWithItsFormat()
    {
        NumberFormat[] formats = [NumberFormat.Int(2), NumberFormat.Int(4), NumberFormat.Int(6), NumberFormat.Int(8), NumberFormat.Int(16), NumberFormat.Int(32), NumberFormat.Fp16, NumberFormat.Fp32];
        var pes = formats.Select(f => Pe(new SystolicUnitSpec("s", 4, 4, Dataflow.OutputStationary, f))).ToArray();
        Assert.That(pes, Is.Ordered.Ascending.And.Unique);
        Assert.That(pes[0], Is.EqualTo(81.1));
        Assert.That(pes[3], Is.EqualTo(510.7));
        Assert.That(Pe(new SystolicUnitSpec("s", 4, 4, Dataflow.OutputStationary, NumberFormat.Bf16)), Is.EqualTo(pes[6]), "bf16 priced as fp16");
    }

    [Test]
    public void BitSerialPe_GrowsWithLanesAndWeightBits()
    {
        foreach (var serial in new[] { SerialMode.Activations, SerialMode.Both })
            for (var lanes = 1; lanes < 300; lanes++)
                Assert.That(Pe(new BitSerialUnitSpec("b", 2, 2, lanes + 1, serial, 8)), Is.GreaterThan(Pe(new BitSerialUnitSpec("b", 2, 2, lanes, serial, 8))), $"{serial} {lanes} lanes");
        for (var bits = 2; bits < 32; bits++)
            Assert.That(Pe(new BitSerialUnitSpec("b", 2, 2, 16, SerialMode.Activations, bits + 1)), Is.GreaterThan(Pe(new BitSerialUnitSpec("b", 2, 2, 16, SerialMode.Activations, bits))), $"{bits} bits");
        Assert.That(Pe(new BitSerialUnitSpec("b", 2, 2, 16, SerialMode.Both, 8)), Is.LessThan(Pe(new BitSerialUnitSpec("b", 2, 2, 16, SerialMode.Activations, 8))), "1-bit lanes are smaller");
    }

    [Test]
    public void XnorPe_GrowsWithLanes_AndTheBitPlanePathAddsAndGates()
    {
        for (var lanes = 1; lanes < 300; lanes++)
            Assert.That(Pe(new XnorUnitSpec("x", 2, 2, lanes + 1, 1)), Is.GreaterThan(Pe(new XnorUnitSpec("x", 2, 2, lanes, 1))), $"{lanes} lanes");
        var binary = Pe(new XnorUnitSpec("x", 2, 2, 32, 1));
        Assert.That(Pe(new XnorUnitSpec("x", 2, 2, 32, 4)) - binary, Is.EqualTo(32 * 4.5 / 7.8).Within(1e-9).Percent);
        // 32 XNOR (1.385) + 31 full adders (4.5) + 32-bit adder (137) + 96 register bits (5.98) = 888.89 um^2.
        Assert.That(binary, Is.EqualTo(32 * 4.5 * 2.4 / 7.8 + 31 * 4.5 + 137 + 96 * 5.98).Within(1e-9).Percent);
    }
}
