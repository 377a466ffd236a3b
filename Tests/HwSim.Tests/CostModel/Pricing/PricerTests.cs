using HwSim.CostModel.Energy;
using HwSim.CostModel.Pricing;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Counting;
using HwSim.Simulator.Results;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Pricing;

public class PricerTests
{
    private static readonly BufferSpec Buffers = new(256 * 1024, 256 * 1024, 128 * 1024);

    [Test]
    public void PricesEachCountWithTheTableAndSortsItIntoItsComponent()
    {
        var counts = ActivityCounts.From(
        [
            new(ActionKey.Multiply(NumberFormat.Int(8), NumberFormat.Int(8)), 10), // 10 x 0.2 pJ (Horowitz)
            new(ActionKey.Add(32), 10),                                            // 10 x 0.1 pJ
            new(ActionKey.Simple(PrimitiveAction.RegisterWriteBit), 100),          // 100 x 0.009 pJ (Aladdin)
            new(ActionKey.Simple(PrimitiveAction.DramReadByte), 3),                // 3 x 8 bits x 8 pJ/bit (LPDDR4)
        ]);
        var layer = new LayerResult { Layer = "l", Unit = "u", Macs = 10, ComputeCycles = 5, StallCycles = 1, Counts = counts };
        var priced = Pricer.Price(layer, EnergyTable.Default, EnergyContext.At45nm(Buffers));
        Assert.Multiple(() =>
        {
            Assert.That(priced[EnergyComponent.Compute].Value, Is.EqualTo(10 * 0.2 + 10 * 0.1).Within(1e-12));
            Assert.That(priced[EnergyComponent.Register].Value, Is.EqualTo(0.9).Within(1e-12));
            Assert.That(priced[EnergyComponent.Dram].Value, Is.EqualTo(3 * 8 * 8.0).Within(1e-12));
            Assert.That(priced.Total.Value, Is.EqualTo(3.0 + 0.9 + 192).Within(1e-12));
            Assert.That(priced.Cycles, Is.EqualTo(6));
        });
    }

    [Test]
    public void FusionUnitCycles_ArePricedAsBitFusionsSynthesisedUnit_InCompute()
    {
        // 0.459 pJ per busy cycle: the 8/2 fusion unit, 3,673,500 nW / 16 / 500 MHz
        // (hsharma35/bitfusion results/systolic_array_synth.csv, C).
        var counts = ActivityCounts.From([new(ActionKey.Simple(PrimitiveAction.FusionUnitCycle), 1000)]);
        var layer = new LayerResult { Layer = "l", Unit = "fusion", Macs = 16000, ComputeCycles = 1000, Counts = counts };
        var priced = Pricer.Price(layer, EnergyTable.Default, EnergyContext.At45nm(Buffers));
        Assert.Multiple(() =>
        {
            Assert.That(priced[EnergyComponent.Compute].Value, Is.EqualTo(459).Within(1e-9));
            Assert.That(priced.Total.Value, Is.EqualTo(459).Within(1e-9));
        });
    }

    [Test]
    public void LayersThatDidNotRunCostNothingAndKeepTheirReason()
    {
        var layer = LayerResult.NotRun("big", 1000, "no unit runs fp32 x fp32");
        var priced = Pricer.Price(layer, EnergyTable.Default, EnergyContext.At45nm(Buffers));
        Assert.That(priced.Total.Value, Is.Zero);
        Assert.That(priced.NotRunReason, Is.EqualTo("no unit runs fp32 x fp32"));
    }

    [Test]
    public void DerivedFiguresFollowFromEnergyAndCycles()
    {
        var counts = ActivityCounts.From([new(ActionKey.Multiply(NumberFormat.Int(8), NumberFormat.Int(8)), 1000)]);
        var layer = new LayerResult { Layer = "l", Unit = "u", Macs = 1000, ComputeCycles = 500, Counts = counts };
        var arch = Presets.Get("lowbit-default"); // 500 MHz
        var report = Pricer.Price(new NetworkResult("w", arch.Name, [layer]), arch, EnergyTable.Default, EnergyContext.At45nm(arch.Buffers));
        Assert.Multiple(() =>
        {
            Assert.That(report.Total.Value, Is.EqualTo(200).Within(1e-9));                   // 1000 x 0.2 pJ
            Assert.That(report.LatencySeconds, Is.EqualTo(1e-6).Within(1e-18));              // 500 cycles at 500 MHz
            Assert.That(report.AveragePowerWatts, Is.EqualTo(200e-12 / 1e-6).Within(1e-12)); // 0.2 mW
            Assert.That(report.TopsPerWatt, Is.EqualTo(2000 / 200e-12 / 1e12).Within(1e-9));  // 10 TOPS/W
            Assert.That(report.EnergyDelayProduct, Is.EqualTo(200e-12 * 1e-6).Within(1e-27));
            Assert.That(report.InferencesPerSecond, Is.EqualTo(1e6).Within(1e-3));
        });
    }
}
