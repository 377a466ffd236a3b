using NUnit.Framework;
using HwSim.Simulator;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.BitSerial;
using HwSim.Simulator.Mapping;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Formats;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;

namespace HwSim.Tests.Simulator.BitSerial;

/// <summary>
/// BISMO (Umuroglu et al., FPL 2018): a Dm x Dn array of dot-product units, each ANDing and
/// popcounting Dk-bit slices of one weight and one activation bit-plane per cycle. A GEMM of
/// M x K x N at w x a bits takes ceil(M/Dm) ceil(N/Dn) ceil(K/Dk) w a execute cycles; HwSim adds
/// each fold's drain (sr cycles, M per column fold).
/// </summary>
[TestFixture]
public sealed class BismoTests
{
    private static BitSerialUnitSpec Bismo(int dm, int dk, int dn) => new("bismo", dm, dn, dk, SerialMode.Both, 8);

    private static ArchitectureSpec Chip(BitSerialUnitSpec unit) =>
        new("bismo", 200, DramSpec.Unlimited, new BufferSpec(16L << 20, 16L << 20, 16L << 20), [unit]);

    private static long Ceil(long a, long b) => (a + b - 1) / b;

    // 8 x 256 x 8 (Dm x Dk x Dn), BISMO's published instance. Pinned figures, worked by hand:
    //   64 x 1024 x 64, int2 x uint3: 8*8 folds * 4 steps * 6 = 1536 execute + 8 col folds * 64 = 512 drain;
    //   10 x 300 x 17, int4 x int4:   2*3 folds * 2 steps * 16 = 192 + 3 * 10 = 30;
    //   1 x 1 x 1, uint1 x uint1:     1 + 1;
    //   100 x 512 x 9, uint8 x uint8: 13*2 folds * 2 steps * 64 = 3328 + 2 * 100 = 200;
    //   16 x 256 x 16, binary x binary (2-bit codes): 2*2 folds * 1 step * 4 = 16 + 2 * 16 = 32.
    [TestCase(64, 1024, 64, "int2", "uint3", 1536, 512)]
    [TestCase(10, 300, 17, "int4", "int4", 192, 30)]
    [TestCase(1, 1, 1, "uint1", "uint1", 1, 1)]
    [TestCase(100, 512, 9, "uint8", "uint8", 3328, 200)]
    [TestCase(16, 256, 16, "binary", "binary", 16, 32)]
    public void Gemm_TakesFoldsTimesStepsTimesPlanePairs_PlusDrain(int m, int k, int n, string weight, string input, long execute, long drain)
    {
        const int dm = 8, dk = 256, dn = 8;
        var (w, a) = (NumberFormat.Parse(weight), NumberFormat.Parse(input));
        var layer = new LayerWorkload("gemm", LayerShape.Gemm(m, k, n), OperandPrecision.For(w, a, k));
        var unit = Bismo(dm, dk, dn);
        var (wb, ab) = (w.Kind == NumberKind.Binary ? 2 : w.Bits, a.Kind == NumberKind.Binary ? 2 : a.Bits);

        var result = Simulation.Run(layer, Chip(unit), new BitSerialModel(unit));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(execute, Is.EqualTo(Ceil(m, dm) * Ceil(n, dn) * Ceil(k, dk) * wb * ab));
            Assert.That(drain, Is.EqualTo(Ceil(n, dn) * m));
            Assert.That(result.Folds, Is.EqualTo(Ceil(m, dm) * Ceil(n, dn)));
            Assert.That((result.ComputeCycles, result.StallCycles), Is.EqualTo((execute + drain, 0L)));
        }
        // The small ones also step through the reference, which computes the real product.
        if (m * k * n <= 100_000)
        {
            var data = ReferenceData.Random(layer, 11);
            var reference = ReferenceEngine.Simulate(layer, Chip(unit), new BitSerialReference(unit), data);
            Assert.That(reference.Result.ComputeCycles, Is.EqualTo(execute + drain));
            Assert.That(reference.Output, Is.EqualTo(ReferenceConvolution.Compute(data)));
        }
    }

    // Peak: Dm*Dn*Dk / (w*a) MACs per cycle, and a w x a-bit MAC is 2*w*a binary ops (one AND and
    // one popcount-add per bit pair), so 2*Dm*Dn*Dk binary ops per cycle at any precision.
    // Published: 8x256x8 at 200 MHz = 6.5 TOPS, 10x256x10 at 300 MHz = 15.4 TOPS.
    [TestCase(8, 256, 8, 200.0, 6.5)]
    [TestCase(10, 256, 10, 300.0, 15.4)]
    public void PeakBinaryOpsPerCycle_IsTwiceDmDnDk(int dm, int dk, int dn, double mhz, double publishedTops)
    {
        var unit = Bismo(dm, dk, dn);
        foreach (var (w, a) in new[] { (1, 1), (2, 3), (8, 8), (4, 1) })
        {
            var problem = new GemmProblem(new LayerWorkload("gemm", LayerShape.Gemm(64, 1024, 64),
                OperandPrecision.For(NumberFormat.UInt(w), NumberFormat.UInt(a), 1024)));
            var binaryOpsPerCycle = new BitSerialModel(unit).PeakMacsPerCycle(problem) * 2 * w * a;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(binaryOpsPerCycle, Is.EqualTo(2.0 * dm * dn * dk).Within(1e-9), $"{w}x{a}");
                Assert.That(binaryOpsPerCycle * mhz * 1e6 / 1e12, Is.EqualTo(publishedTops).Within(0.06), $"{w}x{a}");
            }
        }
    }
}
