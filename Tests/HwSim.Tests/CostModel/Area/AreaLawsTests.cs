using HwSim.CostModel.Area;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Area;

/// <summary>The laws return the published 45 nm points exactly and move the right way in between.</summary>
[TestFixture]
public sealed class AreaLawsTests
{
    private static readonly AreaLaws Laws = AreaTable.Default.Laws;

    // Bit Fusion (Sharma et al., ISCA 2018), results/systolic_array_synth.csv (C): 45 nm PEs.
    [TestCase(2, 81.1)]
    [TestCase(4, 191.6)]
    [TestCase(8, 510.7)]
    [TestCase(16, 1679.4)]
    public void PeInt_ReturnsBitFusionsPoints_Exactly(int bits, double um2)
    {
        var pe = Laws.PeInt(bits, bits);
        Assert.That(pe.Area.Value, Is.EqualTo(um2));
        Assert.That(pe.Source, Does.Contain("Bit Fusion").And.Contain("(C)"));
    }

    [Test]
    public void PeInt_IsMonotonic_InEitherWidth_AndInterpolatesBetweenPoints()
    {
        for (var w = 2; w <= 32; w++)
            for (var a = 2; a <= 32; a++)
            {
                if (a < 32) Assert.That(Laws.PeInt(a + 1, w).Area.Value, Is.GreaterThan(Laws.PeInt(a, w).Area.Value), $"{a + 1}x{w} vs {a}x{w}");
                if (w < 32) Assert.That(Laws.PeInt(a, w + 1).Area.Value, Is.GreaterThan(Laws.PeInt(a, w).Area.Value), $"{a}x{w + 1} vs {a}x{w}");
            }
        // 4x8 has product 32, halfway in log between 4x4 (16) and 8x8 (64): the geometric mean.
        Assert.That(Laws.PeInt(4, 8).Area.Value, Is.EqualTo(Math.Sqrt(191.6 * 510.7)).Within(1e-9).Percent);
        Assert.That(Laws.PeInt(4, 8).Source, Does.StartWith("D: pe_int interpolated"));
        Assert.That(Laws.PeInt(32, 32).Source, Does.StartWith("D: pe_int extrapolated"));
    }

    [Test]
    public void FloatPes_AreHorowitzMultiplierPlusFp32AdderPlusRegisters()
    {
        var fp32 = PeOf(NumberFormat.Fp32);
        var fp16 = PeOf(NumberFormat.Fp16);
        // 7700 + 4184 + (32 + 32 + 32) x 5.98 = 12458.08; 1640 + 4184 + (16 + 16 + 32) x 5.98 = 6206.72 um^2.
        Assert.That(fp32, Is.EqualTo(12458.08).Within(1e-9).Percent);
        Assert.That(fp16, Is.EqualTo(6206.72).Within(1e-9).Percent);
    }

    [Test]
    public void TwoBit_LessThan_FourBit_LessThan_EightBit_LessThan_Fp32()
    {
        double[] pes = [Laws.PeInt(2, 2).Area.Value, Laws.PeInt(4, 4).Area.Value, Laws.PeInt(8, 8).Area.Value, PeOf(NumberFormat.Fp32)];
        Assert.That(pes, Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void Adder_IsHorowitzAtItsPoints_AndLinearInWidth()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Laws.IntAdder(8).Area.Value, Is.EqualTo(36));
            Assert.That(Laws.IntAdder(32).Area.Value, Is.EqualTo(137));
            Assert.That(Laws.FullAdder.Area.Value, Is.EqualTo(4.5), "36 um^2 / 8 bits");
            Assert.That(Laws.IntAdder(20).Area.Value, Is.EqualTo(36 + 101.0 / 2).Within(1e-9).Percent, "halfway between 8 and 32 bits");
            // ZigZag's NAND2 units: FA 7.8, AND 1, XOR2 2.4.
            Assert.That(Laws.AndGate.Area.Value, Is.EqualTo(4.5 / 7.8).Within(1e-9).Percent);
            Assert.That(Laws.XnorGate.Area.Value, Is.EqualTo(4.5 * 2.4 / 7.8).Within(1e-9).Percent);
            Assert.That(Laws.RegisterBit.Area.Value, Is.EqualTo(5.98));
        }
        for (var b = 1; b < 40; b++)
            Assert.That(Laws.IntAdder(b + 1).Area.Value, Is.GreaterThan(Laws.IntAdder(b).Area.Value));
    }

    [Test]
    public void TimeloopsCorrectedMac_PlusOperandRegisters_AgainstBitFusions8BitPe()
    {
        // Cross-check (D): the Timeloop/Accelergy 45 nm MAC (8-bit multiplier, 16-bit adder) as
        // corrected (536 um^2; the exercise's printed 417 um^2 is two adders: energy-area.md
        // CORRECTION) plus 16 operand register bits (Aladdin 5.98 um^2/bit, C) = 631.68 um^2,
        // against Bit Fusion's synthesised 8x8 PE, 510.7 um^2 (C): 1.237x. The two-adder row had
        // agreed within 0.4 %, by coincidence.
        var mac = AreaTable.Default.Entries.Single(e => e.Component == AreaComponents.IntMac);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(mac.Area.Value, Is.EqualTo(536));
            Assert.That(mac.Source, Does.Contain("two adders").And.Contain("CORRECTION"));
            Assert.That((mac.Area.Value + 16 * Laws.RegisterBit.Area.Value) / Laws.PeInt(8, 8).Area.Value, Is.EqualTo(631.68 / 510.7).Within(1e-9));
        }
    }

    [Test]
    public void Sram_ReturnsTheCactiPointsExactly_AndItsFitGoesThroughBoth()
    {
        var sram = Laws.Sram;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sram.Area(16384L * 64).Area.Value, Is.EqualTo(429746), "128 KB global buffer");
            Assert.That(sram.Area(192L * 16).Area.Value, Is.EqualTo(1420), "192 x 16-bit scratchpad");
            Assert.That(sram.Fit.Points, Has.Length.EqualTo(2));
            Assert.That(sram.Fit.MaxRelativeResidual, Is.LessThan(1e-12));
            // Exponent through two points: ln((429746/1048576) / (1420/3072)) / ln(1048576/3072) = -0.0206.
            var k = Math.Log(429746.0 / 1048576 / (1420.0 / 3072)) / Math.Log(1048576.0 / 3072);
            Assert.That(sram.Fit.Exponent, Is.EqualTo(k).Within(1e-9));
            Assert.That(sram.Fit.Exponent, Is.EqualTo(-0.0206).Within(0.0001));
        }
        TestContext.Out.WriteLine(sram.Fit);
        var previous = 0.0;
        for (var bits = 8L; bits <= 1L << 34; bits *= 2)
        {
            var area = sram.Area(bits).Area.Value;
            Assert.That(area, Is.GreaterThan(previous), $"{bits} bits");
            Assert.That(area / bits, Is.InRange(0.3, 0.6), "per bit stays near the CACTI points");
            previous = area;
        }
    }

    private static double PeOf(NumberFormat format) => PeAreas.Float(format, Laws, 1).Total.Value;

    [Test]
    public void IntMultiplier_ReturnsHorowitzsRows_AndAPowerLawInBetween()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Laws.IntMultiplier(8, 8).Area.Value, Is.EqualTo(282));
            Assert.That(Laws.IntMultiplier(32, 32).Area.Value, Is.EqualTo(3495));
            Assert.That(Laws.IntMultiplier(8, 8).Source, Does.StartWith("Horowitz"));
            // Log-log in a*b between products 64 and 1024: 16x16 = 282 x 4^(ln(3495/282)/ln 16) = 993 um^2.
            Assert.That(Laws.IntMultiplier(16, 16).Area.Value, Is.EqualTo(282 * Math.Pow(4, Math.Log(3495 / 282.0) / Math.Log(16))).Within(1e-9).Percent);
            Assert.That(Laws.IntMultiplier(8, 16).Area.Value, Is.EqualTo(Laws.IntMultiplier(16, 8).Area.Value));
            Assert.That(Laws.IntMultiplier(16, 16).Source, Does.StartWith("D: int_mult interpolated"));
            Assert.That(Laws.IntMultiplier(4, 4).Source, Does.StartWith("D: int_mult extrapolated"));
        }
    }

    [TestCase(32, 71.0)]
    [TestCase(8, 17.75)]
    [TestCase(4, 8.875)]
    public void Comparator_IsAladdinsWidthOver32Law(int bits, double um2)
    {
        Assert.That(Laws.Comparator(bits).Area.Value, Is.EqualTo(um2).Within(1e-9).Percent);
        Assert.That(Laws.Comparator(bits).Source, Does.Contain("Aladdin"));
    }
}
