using HwSim.Analyses.Nest;
using HwSim.CostModel.Area;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Technology;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Nest;

/// <summary>
/// A nest design's area, computed by hand from the tables: the CACTI grid's area for SRAM levels
/// (CostModel/Memory/Data/sram-cacti-45nm.csv), Aladdin's 5.98 um^2 register bit and 71 um^2 32-bit comparator (x width / 32) for
/// register files and registers, Horowitz's int_mult and int_add rows for the MACs (CostModel/Area/Data/area-45nm.csv).
/// Sums of a few products: equal within 1e-9 relative.
/// </summary>
public sealed class NestAreaTests
{
    private const double Tolerance = 1e-9;

    // Instances: buf 1, spad 2 x 2 = 4, reg 4 x 2 = 8; MACs 8 x 1 x 1 = 8.
    private const string Tiny = """
        version: 1
        name: tiny
        levels:
          - { name: DRAM, class: dram }
          - { name: buf, class: sram, depth: 2048, width: 64, datawidth: 8, fanout: { x: 2, y: 2 } }
          - { name: spad, class: regfile, depth: 16, width: 8, datawidth: 8, fanout: { x: 2 } }
          - { name: reg, class: register, depth: 1, width: 8, datawidth: 8, keeps: [weights] }
        """;

    // Two layers' formats: the MAC and the weight register are sized for the wider (int8 x uint8, 24-bit partial sums).
    private static readonly OperandPrecision[] Formats =
    [
        new(NumberFormat.Int(8), NumberFormat.UInt(8), NumberFormat.Int(24), NumberFormat.UInt(8)),
        new(NumberFormat.Int(4), NumberFormat.UInt(4), NumberFormat.Int(16), NumberFormat.UInt(4)),
    ];

    private static NestAreaReport Area(NestDesign d, IReadOnlyCollection<OperandPrecision> formats, TechnologyScaling? scaling = null) =>
        NestArea.Of(d.Name, d.Architecture, d.Costs, formats, AreaTable.Default, scaling ?? TechnologyScaling.Identity45nm);

    [Test]
    public void Tiny_IsTheSumOfItsLevelsAndMacs_ByHand()
    {
        var r = Area(NestDesignFile.Read(Tiny, "tiny.yaml"), Formats);
        // buf: 2048 x 64 bits = 16384 B, 64-bit rows, 1 bank: the CACTI grid point 16384,64,1 (area 50753.3 um^2), one array.
        const double buf = 50753.3;
        // spad: 16 x 8 register bits at 5.98 + 16 comparators of ceil(log2 16) = 4 bits at 71 x 4/32 = 8.875; 4 instances.
        const double spad = 4 * (16 * 8 * 5.98 + 16 * 8.875);
        // reg: 1 word of the widest weights (8 bits) at 5.98; 8 instances.
        const double reg = 8 * (8 * 5.98);
        // MAC: int_mult 8x8 = 282 (Horowitz's row) + a 24-bit adder, linear between int_add 8 (36) and 32 (137): 36 + 101 x 16/24.
        const double mac = 282 + (36 + 101.0 * 16 / 24);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.Levels.Select(l => l.Instances), Is.EqualTo(new long[] { 1, 1, 4, 8 }));
            Assert.That(r.Macs, Is.EqualTo(8));
            Assert.That(r.Levels[0].Area.Value, Is.Zero, "DRAM is off chip");
            Assert.That(r.Levels[1].Area.Value, Is.EqualTo(buf).Within(Tolerance).Percent);
            Assert.That(r.Levels[2].Area.Value, Is.EqualTo(spad).Within(Tolerance).Percent);
            Assert.That(r.Levels[3].Area.Value, Is.EqualTo(reg).Within(Tolerance).Percent);
            Assert.That(r.Mac.Total.Value, Is.EqualTo(mac).Within(Tolerance).Percent);
            Assert.That(r.Total.Value, Is.EqualTo(buf + spad + reg + 8 * mac).Within(Tolerance).Percent);
            Assert.That(r.Warnings, Is.Empty);
        }
    }

    [Test]
    public void AFloatLayer_SizesTheMacAsAFloatMac()
    {
        var r = Area(NestDesignFile.Read(Tiny, "tiny.yaml"), [.. Formats, OperandPrecision.Fp32]);
        // Horowitz fp32 multiplier 7700 + fp32 adder 4184 um^2; the register now holds a 32-bit weight.
        Assert.That(r.Mac.Total.Value, Is.EqualTo(7700 + 4184).Within(Tolerance).Percent);
        Assert.That(r.Levels[3].Area.Value, Is.EqualTo(8 * 32 * 5.98).Within(Tolerance).Percent);
    }

    [Test]
    public void TheMac_IsBuiltForTheWidestWeightAndTheWidestInput_EvenFromDifferentLayers()
    {
        // 16-bit weights with 4-bit inputs in one layer, 4-bit weights with 16-bit inputs in another: one MAC runs both, 16 x 16.
        OperandPrecision[] crossed =
        [
            new(NumberFormat.Int(16), NumberFormat.UInt(4), NumberFormat.Int(24), NumberFormat.UInt(4)),
            new(NumberFormat.Int(4), NumberFormat.UInt(16), NumberFormat.Int(32), NumberFormat.UInt(16)),
        ];
        var r = Area(NestDesignFile.Read(Tiny, "tiny.yaml"), crossed);
        var multiplier = 282 * Math.Pow(4, Math.Log(3495 / 282.0) / Math.Log(16));
        Assert.That(r.Mac.Total.Value, Is.EqualTo(multiplier + 137).Within(Tolerance).Percent);
    }

    [Test]
    public void AtAnotherNode_EveryPartScalesByTheAreaFactor()
    {
        var d = NestDesignFile.Read(Tiny, "tiny.yaml");
        var at45 = Area(d, Formats);
        var at7 = Area(d, Formats, TechnologyScaling.From45nm(7));
        Assert.That(at7.Total.Value, Is.EqualTo(0.059 * at45.Total.Value).Within(Tolerance).Percent);
    }

    [Test]
    public void AnSramOutsideTheCactiTable_IsAWarning()
    {
        // 4 rows x 8 bits = 4 B, below the table's 64 B: the fitted SRAM law, flagged.
        var d = NestDesignFile.Read(Tiny.Replace("depth: 2048, width: 64", "depth: 4, width: 8", StringComparison.Ordinal), "tiny.yaml");
        var r = Area(d, Formats);
        Assert.That(r.Warnings, Has.Length.EqualTo(1));
        Assert.That(r.Warnings[0], Does.StartWith("buf: 4 B x 8-bit words is outside the CACTI table"));
        Assert.That(r.Levels[1].Parts[0].Source, Does.StartWith("OUTSIDE THE CACTI TABLE"));
    }

    [Test]
    public void EyerissLike_Levels_ByHand()
    {
        var d = NestDesignFile.Load(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "eyeriss_like.yaml"));
        var r = Area(d, [new(NumberFormat.Int(16), NumberFormat.UInt(16), NumberFormat.Int(32), NumberFormat.UInt(16))]);
        // 14 x 12 = 168 PEs; each register file: rows x 16 bits at 5.98 um^2 + one ceil(log2 rows)-bit comparator per row (71 x bits/32).
        double Spad(int rows, int addressBits) => 168 * (rows * 16 * 5.98 + rows * 71.0 * addressBits / 32);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.Levels.Select(l => l.Instances), Is.EqualTo(new long[] { 1, 1, 168, 168, 168 }));
            Assert.That(r.Macs, Is.EqualTo(168));
            // shared_glb: 16384 x 64 bits = 131072 B, 64-bit rows, 32 banks: the CACTI grid point 131072,64,32, 531133 um^2.
            Assert.That(r.Levels[1].Area.Value, Is.EqualTo(531133).Within(Tolerance).Percent);
            Assert.That(r.Levels[2].Area.Value, Is.EqualTo(Spad(12, 4)).Within(Tolerance).Percent, "ifmap_spad: 210,782.88 um^2");
            Assert.That(r.Levels[3].Area.Value, Is.EqualTo(Spad(192, 8)).Within(Tolerance).Percent, "weights_spad: 3,658,798.08 um^2");
            Assert.That(r.Levels[4].Area.Value, Is.EqualTo(Spad(16, 4)).Within(Tolerance).Percent, "psum_spad: 281,043.84 um^2");
            // 16 x 16 multiplier: the int_mult power law through 8x8 (282) and 32x32 (3495) at product 256; a 32-bit adder, 137.
            var multiplier = 282 * Math.Pow(256 / 64.0, Math.Log(3495 / 282.0) / Math.Log(1024 / 64.0));
            Assert.That(r.Mac.Total.Value, Is.EqualTo(multiplier + 137).Within(Tolerance).Percent);
            Assert.That(r.TotalSquareMillimetres, Is.EqualTo(4.872).Within(0.001), "as hwsim compare prints it for int16 ResNet-18");
        }
    }
}
