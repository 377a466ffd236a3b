using NUnit.Framework;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using static HwSim.Tests.CostModel.Energy.EnergyTestContexts;

namespace HwSim.Tests.CostModel.Energy;

/// <summary>The effective table as rows (what <c>hwsim table</c> prints).</summary>
public partial class EnergyTableTests
{
    [Test]
    public void RowsListThePublishedPointsWithTheirSources()
    {
        var published = Table.Rows(At45nm).Where(r => r.Origin == RowOrigin.Published && r.Buffer is null).ToList();
        Assert.Multiple(() =>
        {
            // 9 Horowitz arithmetic + 11 SRAM + 2 register + 1 comparator + 14 DRAM rows + 1 Bit Fusion unit-cycle row in Data/energy-45nm.csv.
            Assert.That(published, Has.Count.EqualTo(38));
            Assert.That(published.Select(r => r.Source), Has.All.Contains("("), "every source carries its status letter");
            Assert.That(published.Single(r => r is { Action: EnergyAction.SramReadWord, CapacityBytes: 8192 }).Energy.Value, Is.EqualTo(10));
            Assert.That(published.Single(r => r is { Action: EnergyAction.SramReadWord, CapacityBytes: 384 }).Source, Does.Contain("not an anchor"));
            Assert.That(published.Single(r => r is { Action: EnergyAction.DramReadBit, Dram: DramKind.Ddr4 }).Energy.Value, Is.EqualTo(20.3125));
            // Bit Fusion's 8/2 fusion unit (systolic_array_synth.csv, C): 3,673,500 nW / 16 units / 500 MHz = 0.459 pJ.
            Assert.That(published.Single(r => r.Action == EnergyAction.FusionUnitCycle).Energy.Value, Is.EqualTo(0.459));
            // Aladdin's 32-bit comparator, 0.02947 pJ, per bit.
            Assert.That(published.Single(r => r.Action == EnergyAction.CompareBit).Energy.Value * 32, Is.EqualTo(0.02947).Within(1e-6));
        });
    }

    [Test]
    public void RowsListTheLawAtEveryWidthOnce()
    {
        var rows = Table.Rows(At45nm);
        var multiply = rows.Where(r => r is { Action: EnergyAction.Multiply, Arithmetic: Arithmetic.Integer }).ToList();
        Assert.Multiple(() =>
        {
            for (var b = 1; b <= 32; b++)
            {
                Assert.That(multiply.Count(r => r.BitsA == b && r.BitsB == b), Is.EqualTo(1), $"{b}x{b} multiply");
                Assert.That(rows.Count(r => r.Action == EnergyAction.Add && r.Arithmetic == Arithmetic.Integer && r.BitsA == b), Is.EqualTo(1), $"{b}-bit add");
                Assert.That(rows.Count(r => r.Action == EnergyAction.ShiftAccumulate && r.BitsA == b), Is.EqualTo(1), $"{b}-bit shift-accumulate");
            }
            foreach (var (w, a) in new[] { (4, 2), (2, 4), (8, 1), (1, 8), (8, 4), (16, 8) })
                Assert.That(multiply.Single(r => r.BitsA == w && r.BitsB == a).Energy.Value, Is.EqualTo(Table.Mult(w, a)).Within(Exact), $"{w}x{a}");
            Assert.That(multiply.Single(r => r.BitsA == 4 && r.BitsB == 4).Source, Does.Contain("proportional to b_w*b_a below 8x8"));
            Assert.That(rows.Count(r => r.Arithmetic == Arithmetic.Bf16), Is.EqualTo(2));
            Assert.That(rows.Count(r => r.Action is EnergyAction.AndBitOp or EnergyAction.XnorBitOp or EnergyAction.PopcountInputBit or EnergyAction.IdlePeCycle), Is.EqualTo(4));
            Assert.That(rows.Select(r => r.Source), Has.None.Empty);
            Assert.That(rows.Select(r => r.Energy.Value), Has.All.GreaterThanOrEqualTo(0));
        });
    }

    [Test]
    public void RowsPriceEachBufferAtOneHalf()
    {
        var context = EnergyContext.At45nm(BufferSpec.FromKilobytes(256, 64, 16, 64));
        var sram = Table.Rows(context).Where(r => r.Buffer is not null).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sram, Has.Count.EqualTo(6));
            // CACTI 7 table rows 131072,64,1 and 8192,64,1 (Horowitz's 8 KB x 64-bit point was 10 pJ).
            Assert.That(sram.Single(r => r is { Buffer: BufferKind.Ifmap, Action: EnergyAction.SramReadWord }).Energy.Value, Is.EqualTo(32.9568).Within(Exact));
            Assert.That(sram.Single(r => r is { Buffer: BufferKind.Ofmap, Action: EnergyAction.SramReadWord }).Energy.Value, Is.EqualTo(5.28833).Within(Exact));
            Assert.That(sram.Single(r => r is { Buffer: BufferKind.Weight, Action: EnergyAction.SramWriteWord }).CapacityBytes, Is.EqualTo(32768));
            foreach (var r in sram)
                Assert.That(r.Energy.Value, Is.EqualTo(Table.Pj(ActionKey.Sram(r.Action == EnergyAction.SramReadWord ? PrimitiveAction.SramReadWord : PrimitiveAction.SramWriteWord, r.Buffer!.Value, 64), context)).Within(Exact));
        });
    }

    [Test]
    public void RowsAreScaledToTheContextsNode_ExceptDram()
    {
        var at7 = At45nm with { Scaling = TechnologyScaling.From45nm(7) };
        var rows45 = Table.Rows(At45nm);
        var rows7 = Table.Rows(at7);
        Assert.That(rows7, Has.Count.EqualTo(rows45.Count));
        for (var i = 0; i < rows45.Count; i++)
        {
            var factor = rows45[i].Action.IsDram() ? 1.0 : at7.Scaling.EnergyFactor;
            Assert.That(rows7[i].Energy.Value, Is.EqualTo(rows45[i].Energy.Value * factor).Within(Exact), rows45[i].Source);
        }
    }
}
