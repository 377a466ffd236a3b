using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Mapping;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using HwSim.Workloads.Zoo;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// Stripes (Judd et al., MICRO 2016): execution time scales with the activation precision p,
/// ideally 16/p faster than at 16 bits. Checked on AlexNet's convolutions.
/// </summary>
[TestFixture]
public sealed class StripesTests
{
    // Stripes keeps DaDianNao's 16 tiles; each tile's 16 x 16 serial inner-product units take 16
    // windows x 16 filters, every unit ANDing 16 activation bits with 16 bit-parallel weights. All
    // tiles share the windows, so the chip is 16 windows (rows) x 256 filters (columns) x 16 lanes.
    private static readonly BitSerialUnitSpec Stripes = new("stripes", 16, 256, 16, SerialMode.Activations, 16);

    // Unlimited DRAM and buffers that hold every layer: the compute cycles alone are compared.
    private static readonly ArchitectureSpec Chip = new("stripes", 980, DramSpec.Unlimited,
        new BufferSpec(64L << 20, 64L << 20, 64L << 20), [Stripes]);

    private static List<LayerWorkload> AlexNetConvs(int activationBits) =>
        [.. NetworkZoo.Get("alexnet").Layers.Where(l => l.Kind == LayerKind.Convolution)
            .Select(l => l with { Precision = OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(activationBits), l.Shape.GemmK) })];

    private static (long Cycles, long Stalls) Run(int activationBits)
    {
        var model = new BitSerialModel(Stripes);
        var results = AlexNetConvs(activationBits).Select(l => Simulation.Run(l, Chip, model)).ToList();
        Assert.That(results.All(r => r.Ran), Is.True);
        return (results.Sum(r => r.ComputeCycles), results.Sum(r => r.StallCycles));
    }

    [Test]
    public void AlexNetConvs_RunSixteenOverPTimesFaster_WithinTheDrain()
    {
        // S = dot steps and D = drain cycles over every fold: neither depends on p.
        long steps = 0, drain = 0;
        foreach (var layer in AlexNetConvs(16))
        {
            var problem = new GemmProblem(layer);
            foreach (var fold in new BitSerialModel(Stripes).Grid(problem).Folds(problem))
            {
                steps += (fold.K.Length + Stripes.Lanes - 1) / Stripes.Lanes;
                drain += fold.Rows;
            }
        }
        Assert.That(AlexNetConvs(16), Has.Count.EqualTo(5));
        var (at16, stalls16) = Run(16);
        Assert.That((at16, stalls16), Is.EqualTo((16 * steps + drain, 0L)));

        for (var p = 1; p <= 16; p++)
        {
            var (cycles, stalls) = Run(p);
            var ratio = (double)at16 / cycles;
            // (16S + D) / (pS + D) lies between 16S / (pS + D) and 16/p because p <= 16.
            var lower = 16.0 * steps / (p * steps + drain);
            var ideal = 16.0 / p;
            TestContext.Out.WriteLine($"p = {p,2}: {cycles,12:N0} cycles, {ratio:F4}x faster than 16-bit (ideal {ideal:F4}, bound {lower:F4})");
            using (Assert.EnterMultipleScope())
            {
                Assert.That((cycles, stalls), Is.EqualTo((p * steps + drain, 0L)), $"p = {p}");
                Assert.That(ratio, Is.InRange(lower, ideal), $"p = {p}");
            }
        }
    }
}
