using HwSim.CostModel.Energy;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Nest;
using HwSim.Workloads.Formats;
using NUnit.Framework;
using static HwSim.Simulator.Nest.NestDim;
using static HwSim.Simulator.Nest.NestTensor;

namespace HwSim.Tests.CostModel.Nest;

/// <summary>
/// A bit-serial nest priced by hand (CostModel/Nest/NestEnergy.cs, remarks): each bit-step is b_w AND gates and b_w adder-tree inputs,
/// each accumulation into the PE's accumulator (the innermost output keeper's updates) one shift-accumulate of the partial sum's width,
/// the actions and table rows of HwSim's bit-serial array kind (Simulator/BitSerial/BitSerialModel.cs); each input access moves one
/// bit. Prices at 45 nm from the built-in table (hwsim table): and_bit_op 0.000375 pJ (QKeras' 0.1 x a 1-bit add of 0.00375 pJ),
/// popcount_input_bit 0.00375 pJ (one full adder, the 8-bit add / 8), shift_accumulate at 16 bits = a 16-bit add, 0.05 pJ (Horowitz);
/// LPDDR4 8 pJ per bit; a register bit 0.009 pJ (Aladdin). Energies are sums of a few products: pinned to 1e-9 relative.
/// </summary>
public sealed class NestBitSerialEnergyTests
{
    /// <summary>
    /// NestBitsTests.BitSerialPe_ByHand's nest (N1 M2 C1 P2 Q1 R1 S1 B4, DRAM [M2, P2], a weight register, an input register [B4]) with
    /// int8 weights, 4-bit inputs, int16 partial sums and outputs. Its counts: DRAM weights 2 reads, inputs 16 reads, outputs 12 reads and
    /// 16 updates (4 of them the finished outputs); weight register 2 fills; input register 16 fills.
    /// - compute: 16 bit-steps x 8 x (0.000375 + 0.00375) = 0.528 pJ, and one PE with no lanes to sum: 16 accumulations (DRAM's output
    ///   updates, the innermost output keeper's) x 0.05 = 0.8 pJ; 1.328 pJ;
    /// - DRAM reads: weights 2 x 8 bits x 8 = 128, inputs 16 x 1 bit x 8 = 128 (not 16 x 4 bits), partial sums 12 x 16 x 8 = 1,536;
    ///   writes 16 x 16 x 8 = 2,048 (partial sums and finished outputs are both 16 bits here);
    /// - registers: reads free (HwSim's register convention), loads 2 x 8 x 0.009 = 0.144 and 16 x 1 x 0.009 = 0.144.
    /// </summary>
    [Test]
    public void BitSerialPe_ByHand()
    {
        var problem = new NestProblem(1, 2, 1, 2, 1, 1, 1, bits: 4);
        var arch = new NestArchitecture([
            new NestLevel("DRAM", [Weights, Inputs, Outputs]),
            new NestLevel("wreg", [Weights], 1),
            new NestLevel("ireg", [Inputs], 1),
        ]);
        var mapping = new NestMapping([NestLevelLoops.Of([new NestLoop(M, 2), new NestLoop(P, 2)]), NestLevelLoops.Of([]), NestLevelLoops.Of([new NestLoop(B, 4)])]);
        var counts = NestAnalysis.Count(problem, arch, mapping);
        NestLevelCost[] costs = [NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.Register, NestLevelCost.Register];
        var (int8, int16) = (NumberFormat.Int(8), NumberFormat.Int(16));
        var report = NestEnergy.Price(problem, arch, costs, counts, int8, NumberFormat.UInt(4), int16, int16, EnergyTable.Default, TechnologyScaling.Identity45nm);
        const double Tolerance = 1e-9;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Macs.Value, Is.EqualTo(16 * 8 * (0.000375 + 0.00375) + 16 * 0.05).Within(Tolerance).Percent, "AND gates and tree inputs per bit-step, a shift-accumulate per accumulation");
            Assert.That(report.Levels[0].Reads.Value, Is.EqualTo(128 + 128 + 1536.0).Within(Tolerance).Percent, "DRAM reads: 1-bit input accesses");
            Assert.That(report.Levels[0].Writes.Value, Is.EqualTo(2048.0).Within(Tolerance).Percent);
            Assert.That(report.Levels[1].Total.Value, Is.EqualTo(2 * 8 * 0.009).Within(Tolerance).Percent, "weight register loads");
            Assert.That(report.Levels[2].Total.Value, Is.EqualTo(16 * 1 * 0.009).Within(Tolerance).Percent, "input register loads: 1 bit each");
            Assert.That(report.Total.Value, Is.EqualTo(1.328 + 3840 + 0.288).Within(Tolerance).Percent);
        }
    }

    /// <summary>
    /// NestBitsTests.LanesIntoOneAccumulator_ByHand's Stripes SIP (C4 over 4 lanes under an accumulator, B2 stepped in each lane: 16
    /// bit-steps, 4 accumulations), int8 weights, 2-bit inputs, int16 partial sums: 16 x 8 x (0.000375 + 0.00375) = 0.528 pJ of AND
    /// gates and tree inputs, and 4 x 0.05 = 0.2 pJ of shift-accumulates, one per cycle after the tree (where one per bit-step would be
    /// 0.8 pJ): 0.728 pJ of compute.
    /// </summary>
    [Test]
    public void LanesShareOneShiftAccumulate()
    {
        var (problem, arch, mapping) = HwSim.Tests.Simulator.Nest.NestBitsTests.Sip();
        var counts = NestAnalysis.Count(problem, arch, mapping);
        NestLevelCost[] costs = [NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.Register, NestLevelCost.Register];
        var int16 = NumberFormat.Int(16);
        var report = NestEnergy.Price(problem, arch, costs, counts, NumberFormat.Int(8), NumberFormat.UInt(2), int16, int16, EnergyTable.Default, TechnologyScaling.Identity45nm);
        Assert.That((counts.Macs, counts.Accumulations(arch)), Is.EqualTo((16L, 4L)));
        Assert.That(report.Macs.Value, Is.EqualTo(16 * 8 * (0.000375 + 0.00375) + 4 * 0.05).Within(1e-9).Percent);
    }

    /// <summary>
    /// One bit-step by hand: b_w AND gates (0.000375 pJ each) and b_w adder-tree inputs (0.00375 pJ each), as BitSerialModel counts
    /// them per term and input bit; binary and ternary weights are 2-bit codes there, so 2 of each.
    /// </summary>
    [TestCase("int8", 8 * (0.000375 + 0.00375))]
    [TestCase("int4", 4 * (0.000375 + 0.00375))]
    [TestCase("ternary", 2 * (0.000375 + 0.00375))]
    public void BitStep_ByHand(string weight, double pj)
    {
        var context = new EnergyContext(BufferSpec.FromKilobytes(1, 1, 1, 8), DramKinds.Default, TechnologyScaling.Identity45nm);
        Assert.That(NestEnergy.BitStep(NumberFormat.Parse(weight), EnergyTable.Default, context).Value, Is.EqualTo(pj).Within(1e-9).Percent);
    }

    /// <summary>
    /// One accumulation by hand: a shift-accumulate of the partial sum's width, an add of that width (16 bits 0.05 pJ, Horowitz; 24 bits
    /// 0.075 pJ, the law's line between 16 and 32 bits).
    /// </summary>
    [TestCase(16, 0.05)]
    [TestCase(24, 0.075)]
    public void Accumulate_ByHand(int accumulator, double pj)
    {
        var context = new EnergyContext(BufferSpec.FromKilobytes(1, 1, 1, 8), DramKinds.Default, TechnologyScaling.Identity45nm);
        Assert.That(NestEnergy.Accumulate(NumberFormat.Int(accumulator), EnergyTable.Default, context).Value, Is.EqualTo(pj).Within(1e-9).Percent);
    }

    [Test]
    public void FloatOperands_AreRefused()
    {
        var problem = new NestProblem(1, 1, 1, 1, 1, 1, 1, bits: 4);
        var arch = new NestArchitecture([new NestLevel("DRAM", [Weights, Inputs, Outputs])]);
        Assert.That(() => NestEnergy.Sheet(problem, arch, [NestLevelCost.OfDram(DramKind.Lpddr4)], NumberFormat.Fp16, NumberFormat.Int(4), NumberFormat.Fp32, NumberFormat.Fp16,
            EnergyTable.Default, TechnologyScaling.Identity45nm), Throws.ArgumentException.With.Message.Contains("needs integer weights and inputs"));
    }
}
