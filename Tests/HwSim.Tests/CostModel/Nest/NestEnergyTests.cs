using System.Globalization;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Nest;
using HwSim.Tests.Simulator.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Nest;

/// <summary>
/// Timeloop's simple_weight_stationary exercise with its own mapping (NestAnalysisTests.SimpleWs), counted by the nest engine and
/// priced by HwSim's tables at 45 nm: 16-bit words, LPDDR4, the 128 KiB 64-bit 32-bank global buffer, pe_spad as a 192 x 16-bit SRAM,
/// Aladdin registers, a 16 x 16 multiply and 16-bit add per MAC. Against the exercise's printed energies (docs/examples/timeloop/reference.csv).
/// </summary>
public sealed class NestEnergyTests
{
    [Test]
    public void SimpleWs_WithTimeloopsMapping()
    {
        var (problem, arch, mapping) = NestAnalysisTests.SimpleWs();
        var counts = NestAnalysis.Count(problem, arch, mapping);
        NestLevelCost[] costs =
        [
            NestLevelCost.OfDram(DramKind.Lpddr4),
            NestLevelCost.OfSram(128 * 1024, 64, 32),
            NestLevelCost.OfSram(192 * 2, 16),
            NestLevelCost.Register,
            NestLevelCost.Register,
            NestLevelCost.Register,
        ];
        var int16 = NumberFormat.Int(16);
        var report = NestEnergy.Price(problem, arch, costs, counts, int16, int16, int16, int16, EnergyTable.Default, TechnologyScaling.Identity45nm);
        TestContext.Out.WriteLine($"MAC {report.Macs.Microjoules:F3} uJ; " + string.Join("; ", report.Levels.Select(l => $"{l.Level} {l.Reads.Microjoules:F3} + {l.Writes.Microjoules:F3} uJ")) + $"; total {report.Total.Microjoules:F3} uJ; {string.Join(" ", report.Warnings)}");
        var reference = File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "reference.csv"))
            .Single(l => l.StartsWith("simple_ws,", StringComparison.Ordinal)).Split(',').Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var (total, mac, macCorrected, registers, spad, glb, dram) = (reference[0], reference[1], reference[2], reference[3], reference[4], reference[5], reference[6]);
        double Uj(string level) => report.Levels.Single(l => l.Level == level).Total.Microjoules;
        var hwsimRegisters = Uj("weight_reg") + Uj("input_activation_reg") + Uj("output_activation_reg");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Warnings, Is.Empty, "every SRAM inside the CACTI table");
            // Energies: sums of exact counts times table figures; pinned to 1e-6 relative.
            Assert.That(report.Total.Microjoules, Is.EqualTo(132.06999).Within(1e-4).Percent);
            Assert.That(report.Macs.Microjoules, Is.EqualTo(9.075763).Within(1e-4).Percent);
            Assert.That(Uj("DRAM"), Is.EqualTo(70.930816).Within(1e-4).Percent);
            Assert.That(Uj("shared_glb"), Is.EqualTo(47.519).Within(0.01).Percent);
            // Against Timeloop: the same DRAM accesses at the same 8 pJ/bit; the global buffer at CACTI's 32-bank price
            // (0.60x / 0.76x Accelergy's per access, docs/validation/timeloop.md); the MAC against the corrected component.
            Assert.That(Uj("DRAM") / dram, Is.EqualTo(1.000).Within(0.0005), "DRAM");
            Assert.That(Uj("shared_glb") / glb, Is.EqualTo(0.653).Within(0.0005), "global buffer");
            Assert.That(report.Macs.Microjoules / macCorrected, Is.EqualTo(0.930).Within(0.0005), "MAC");
            Assert.That(hwsimRegisters / registers, Is.EqualTo(1.001).Within(0.0005), "registers: loads only (HwSim's convention)");
            Assert.That(Uj("pe_spad") / spad, Is.EqualTo(0.49).Within(0.005), "pe_spad");
            Assert.That(report.Total.Microjoules / total, Is.EqualTo(0.871).Within(0.0005), "total, within 1.25x");
            Assert.That(report.Total.Microjoules / (total - mac + macCorrected), Is.EqualTo(0.836).Within(0.0005), "total against the corrected MAC");
        }
    }

    // HwSim's nest mapper on this design, under its arch.yaml constraints (TimeloopConstraints), is
    // TimeloopNestMapperTests.UnderTheExercisesConstraints' simple_ws case.

    /// <summary>
    /// A register file's access, by hand: a 192 x 16-bit file (8 address bits) costs 16 register bits (0.009 pJ each, Aladdin) plus 192
    /// comparators of 8 bits (0.02947 pJ per 32 bits, Aladdin) = 0.144 + 1.41456 = 1.55856 pJ per row at 45 nm; an 8-bit word is half
    /// a row. A 12-row file compares 4 address bits per row; a 2-row file 1.
    /// </summary>
    [TestCase(192, 16, 16, 0.144 + 192 * 8 * 0.02947 / 32)]
    [TestCase(192, 16, 8, (0.144 + 192 * 8 * 0.02947 / 32) / 2)]
    [TestCase(12, 16, 8, (0.144 + 12 * 4 * 0.02947 / 32) / 2)]
    [TestCase(2, 16, 16, 0.144 + 2 * 1 * 0.02947 / 32)]
    public void RegisterFile_ChargesTheRowsRegistersAndEveryRowsComparator(int depth, int width, int bits, double pj)
    {
        var problem = new NestProblem(1, 1, 1, 1, 1, 1, 1);
        var all = System.Collections.Immutable.ImmutableHashSet.Create(NestTensor.Weights, NestTensor.Inputs, NestTensor.Outputs);
        var arch = new NestArchitecture([new NestLevel("DRAM", all), new NestLevel("rf", all, depth * width / bits)]);
        var word = NumberFormat.Int(bits);
        var sheet = NestEnergy.Sheet(problem, arch, [NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.OfRegisterFile(depth, width)],
            word, word, word, word, EnergyTable.Default, TechnologyScaling.Identity45nm);
        var counts = new NestCounts([System.Collections.Immutable.ImmutableDictionary<NestTensor, NestAccesses>.Empty,
            System.Collections.Immutable.ImmutableDictionary<NestTensor, NestAccesses>.Empty.Add(NestTensor.Weights, new NestAccesses(1000, 0, 0))], 1, 1, [1, 1]);
        var report = sheet.Price(counts);
        Assert.That(report.Levels[1].Reads.Value, Is.EqualTo(1000 * pj).Within(1e-9).Percent);
        Assert.That(report.Levels[1].Writes.Value, Is.Zero);
        Assert.That(report.Warnings, Is.Empty, "a register file is never outside a table");
    }
}
