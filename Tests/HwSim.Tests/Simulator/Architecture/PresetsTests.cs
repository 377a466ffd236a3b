using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>
/// The presets are valid, and their shapes reproduce the published figures their comments cite
/// (peak rates, buffer sizes), so an edit that breaks the derivation fails here.
/// </summary>
[TestFixture]
public sealed class PresetsTests
{
    private static readonly OperandPrecision Fp32 = OperandPrecision.Fp32;
    private static readonly OperandPrecision Int4xUInt2 = OperandPrecision.For(NumberFormat.Int(4), NumberFormat.UInt(2), 576);

    [Test]
    public void Names_AreThePresets_DefaultFirst()
    {
        Assert.That(Presets.Names, Is.EqualTo(new[] { "lowbit-default", "stripes-like", "dadn-like", "loom-like", "bismo-like", "finn-like", "eyeriss-like", "bitfusion-like", "tpu-like" }));
        Assert.That(Presets.Names, Is.Unique);
        Assert.That(Presets.Names[0], Is.EqualTo(Presets.Default));
    }

    [TestCaseSource(typeof(Presets), nameof(Presets.Names))]
    public void EveryPreset_IsValid_NamedAfterItself_AndDescribed(string name)
    {
        var arch = Presets.Get(name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(arch.Name, Is.EqualTo(name));
            Assert.That(arch.Units, Is.Not.Empty);
            Assert.That(arch.Units.Select(u => u.Name), Is.Unique);
            Assert.That(Presets.Describe(name), Does.Contain("(").And.Length.GreaterThan(20), "says what it models and the source");
            Assert.That(Presets.Get(name.ToUpperInvariant()), Is.EqualTo(arch), "names are case-insensitive");
        }
    }

    [Test]
    public void UnknownName_ListsThePresets()
    {
        var e = Assert.Throws<InputException>(() => Presets.Get("tpu-v9"))!;

        Assert.That(e.Message, Does.Contain("unknown architecture 'tpu-v9'"));
        foreach (var name in Presets.Names)
            Assert.That(e.Message, Does.Contain(name));
    }

    [Test]
    public void LowbitDefault_RunsFp32OnItsFpUnit_AndInt4xUInt2OnItsBitSerialUnit()
    {
        var arch = Presets.Get("lowbit-default");
        var lowbit = arch.Units.Single(u => u.Name == "lowbit");
        var fp = arch.Units.Single(u => u.Name == "fp");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lowbit, Is.EqualTo(new BitSerialUnitSpec("lowbit", 16, 16, 16, SerialMode.Activations, 8)));
            Assert.That(fp, Is.EqualTo(new SystolicUnitSpec("fp", 8, 8, Dataflow.OutputStationary, NumberFormat.Fp32)));
            Assert.That(fp.Unsupported(Fp32), Is.Null);
            Assert.That(lowbit.Unsupported(Int4xUInt2), Is.Null);
            Assert.That(lowbit.Unsupported(Fp32), Does.Contain("float unit"));
            Assert.That(fp.Unsupported(Int4xUInt2), Does.Contain("integer layers"));
            Assert.That(arch.ClockMhz, Is.EqualTo(500));
            Assert.That(arch.Dram, Is.EqualTo(new DramSpec(16)));
            Assert.That(arch.Buffers, Is.EqualTo(new BufferSpec(256 * 1024, 256 * 1024, 128 * 1024, 64)));
        }
    }

    [Test]
    public void StripesLike_MatchesDaDianNaosPeakAt16Bits()
    {
        var sip = (BitSerialUnitSpec)Presets.Get("stripes-like").Units.Single();

        // 16 tiles x 256 16-bit MACs = 4096 per cycle; a p-bit activation takes p cycles per lane.
        Assert.That(sip.PeCount * sip.Lanes / 16, Is.EqualTo(16 * 256));
        Assert.That(sip.Serial, Is.EqualTo(SerialMode.Activations));
        Assert.That(sip.Unsupported(OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(16), 9)), Is.Null);
    }

    [Test]
    public void DadnLike_Is16Nfus_Of16FilterLanes_Of16Products_LikeStripesAt16Bits()
    {
        var arch = Presets.Get("dadn-like");
        var nfu = (HwSim.Simulator.DotProduct.DotProductUnitSpec)arch.Units.Single();
        var stripes = Presets.Get("stripes-like");

        using (Assert.EnterMultipleScope())
        {
            // 16 tiles x 16 filter lanes x 16 products = 4096 16-bit MACs per cycle, all tiles on one window.
            Assert.That((nfu.Rows, nfu.Cols, nfu.Lanes), Is.EqualTo((1, 16 * 16, 16)));
            Assert.That(nfu.PeCount * nfu.Lanes, Is.EqualTo(4096));
            Assert.That(nfu.Format, Is.EqualTo(NumberFormat.Int(16)));
            Assert.That(arch.ClockMhz, Is.EqualTo(606));
            // Stripes keeps DaDianNao's memories: 32 MiB of synapse eDRAM and 4 MiB of neurons.
            Assert.That((arch.Buffers, arch.Dram), Is.EqualTo((stripes.Buffers, stripes.Dram)));
            Assert.That(arch.Buffers.IfmapBytes + arch.Buffers.WeightBytes + arch.Buffers.OfmapBytes, Is.EqualTo(36L << 20));
            Assert.That(nfu.Unsupported(OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(9), 9)), Is.Null);
            Assert.That(nfu.Unsupported(OperandPrecision.Fp32), Does.Contain("float unit"));
        }
    }

    [Test]
    public void LoomLike_Equals128SixteenBitMacsPerCycle()
    {
        var sip = (BitSerialUnitSpec)Presets.Get("loom-like").Units.Single();

        Assert.That(sip.PeCount * sip.Lanes / (16 * 16), Is.EqualTo(128));
        Assert.That(sip.Serial, Is.EqualTo(SerialMode.Both));
    }

    [Test]
    public void BismoLike_Is8x256x8_At200MHz_6Point5BinaryTops()
    {
        var arch = Presets.Get("bismo-like");
        var dpa = (BitSerialUnitSpec)arch.Units.Single();
        var binaryOpsPerSecond = 2.0 * dpa.Rows * dpa.Lanes * dpa.Cols * arch.ClockMhz * 1e6;

        using (Assert.EnterMultipleScope())
        {
            Assert.That((dpa.Rows, dpa.Lanes, dpa.Cols), Is.EqualTo((8, 256, 8)));
            Assert.That(binaryOpsPerSecond / 1e12, Is.EqualTo(6.55).Within(0.01));
            Assert.That(arch.Buffers.IfmapBytes, Is.EqualTo(8 * 1024 * 256 / 8), "Dm LHS memories of 1024 x Dk bits");
            Assert.That(arch.Buffers.OfmapBytes, Is.EqualTo(8 * 8 * 2 * 4), "Dm x Dn result memories of 2 x 32 bits");
        }
    }

    /// <summary>
    /// BNN-PYNQ's CNV-W1A1 (bnn/src/network/cnvW1A1/hw/config.h): one MVAU per layer, PE x SIMD
    /// 16x3, 32x32, 16x32, 16x32, 4x32, 1x32, 1x4, 1x8, 4x1, layer-pipelined at the PYNQ-Z1's 100 MHz;
    /// the first takes int8 pixels against binary weights in one pass (a dotproduct unit), the rest are binary.
    /// </summary>
    [Test]
    public void FinnLike_IsBnnPynqsCnvW1A1Folding()
    {
        var arch = Presets.Get("finn-like");
        var binary = new OperandPrecision(NumberFormat.Binary, NumberFormat.Binary, NumberFormat.Int(16), NumberFormat.Binary);
        var first = (HwSim.Simulator.DotProduct.DotProductUnitSpec)arch.Units[0];
        var rest = arch.Units.Skip(1).Cast<XnorUnitSpec>().ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(arch.Execution, Is.EqualTo(Execution.LayerPipelined));
            Assert.That(arch.ClockMhz, Is.EqualTo(100));
            Assert.That((first.Name, first.Rows, first.Cols, first.Lanes, first.Format), Is.EqualTo(("l0", 1, 16, 3, NumberFormat.Int(8))));
            Assert.That(first.Unsupported(binary with { Input = NumberFormat.Int(8) }), Is.Null, "8-bit pixels x binary weights");
            Assert.That(rest.Select(u => (u.Name, u.Rows, u.Cols, u.Lanes, u.MaxBits)), Is.EqualTo(new[]
            {
                ("l1", 1, 32, 32, 1), ("l2", 1, 16, 32, 1), ("l3", 1, 16, 32, 1), ("l4", 1, 4, 32, 1),
                ("l5", 1, 1, 32, 1), ("l6", 1, 1, 4, 1), ("l7", 1, 1, 8, 1), ("l8", 1, 4, 1, 1),
            }));
            // Binary x binary runs on the XNOR path whatever max_bits says; a 2-bit operand does not fit a 1-bit MVAU.
            Assert.That(rest[0].Unsupported(binary), Is.Null);
            Assert.That(rest[0].Unsupported(binary with { Input = NumberFormat.UInt(2) }), Does.Contain("at most 1-bit"));
        }
    }

    // hsharma35/bitfusion bf_e_conf.ini (C): a = 16, c = 32 (512 fusion units), 500 MHz,
    // Act_SRAM 32768, Wgt_SRAM 65536, Out_SRAM 16384 bytes, if_width 192 bits per cycle.
    // Peak at 2x2 bits: 512 units x 16 products x 2 ops x 500 MHz = 8.19 TOPS; at 8x8: 0.512 TOPS.
    [Test]
    public void BitFusionLike_Is512FusionUnits_At500MHz_WithTheAuthorsBuffers()
    {
        var arch = Presets.Get("bitfusion-like");
        var fusion = (FusionUnitSpec)arch.Units.Single();
        var w2a2 = new HwSim.Simulator.Mapping.GemmProblem(new HwSim.Workloads.Layers.LayerWorkload("l", HwSim.Workloads.Shapes.LayerShape.Gemm(1, 16, 1),
            OperandPrecision.For(NumberFormat.Int(2), NumberFormat.UInt(2), 16)));
        var peak = new HwSim.Simulator.BitFusion.FusionModel(fusion).PeakMacsPerCycle(w2a2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((fusion.Rows, fusion.Cols, fusion.PeCount, fusion.MaxBits), Is.EqualTo((16, 32, 512L, 16)));
            Assert.That(arch.ClockMhz, Is.EqualTo(500));
            Assert.That((arch.Buffers.IfmapBytes, arch.Buffers.WeightBytes, arch.Buffers.OfmapBytes), Is.EqualTo((32768L, 65536L, 16384L)));
            Assert.That(arch.Dram.BandwidthBytesPerCycle, Is.EqualTo(192 / 8));
            Assert.That(2 * peak * arch.ClockMhz * 1e6 / 1e12, Is.EqualTo(8.192).Within(1e-9));
        }
    }

    [Test]
    public void EyerissLike_Has168Int16Pes_And108KbGlobalBuffer()
    {
        var arch = Presets.Get("eyeriss-like");
        var pe = (SystolicUnitSpec)arch.Units.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pe.PeCount, Is.EqualTo(168));
            Assert.That(pe.Format, Is.EqualTo(NumberFormat.Int(16)));
            // One global buffer shared by ifmaps and partial sums (JSSC 2017's GLB), the filter scratchpads as the weights' level.
            Assert.That(arch.Buffers.LevelOf(BufferKind.Ifmap), Is.SameAs(arch.Buffers.LevelOf(BufferKind.Ofmap)));
            Assert.That(arch.Buffers.IfmapBytes, Is.EqualTo(108 * 1024));
            Assert.That(arch.Buffers.WeightBytes, Is.EqualTo(168 * 224 * 2), "the PEs' filter scratchpads");
        }
    }

    [Test]
    public void TpuLike_Is256x256Int8WeightStationary_With24MiBUnifiedBuffer()
    {
        var arch = Presets.Get("tpu-like");
        var mxu = (SystolicUnitSpec)arch.Units.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((mxu.Rows, mxu.Cols, mxu.Dataflow), Is.EqualTo((256, 256, Dataflow.WeightStationary)));
            Assert.That(mxu.Format, Is.EqualTo(NumberFormat.Int(8)));
            Assert.That(arch.ClockMhz, Is.EqualTo(700));
            Assert.That(arch.Buffers.IfmapBytes + arch.Buffers.OfmapBytes, Is.EqualTo(24L * 1024 * 1024));
            Assert.That(arch.Buffers.WeightBytes, Is.EqualTo(4 * 256 * 256), "weight FIFO of four 256x256 int8 tiles");
            Assert.That(arch.Dram, Is.EqualTo(new DramSpec(46, DramKind.Ddr3)), "DDR3-2133 weight memory; Figure 1's 30 GiB/s = 46 B/cycle at 700 MHz");
        }
    }

    /// <summary>
    /// Each preset's DRAM type is the one its source states (Presets.cs cites it): the TPU's DDR3
    /// weight memory, Loom's HBM2, the PYNQ-Z1's DDR3 under BISMO and FINN; the others' sources
    /// state none and keep HwSim's default, LPDDR4.
    /// </summary>
    [TestCase("lowbit-default", DramKind.Lpddr4)]
    [TestCase("stripes-like", DramKind.Lpddr4)]
    [TestCase("dadn-like", DramKind.Lpddr4)]
    [TestCase("loom-like", DramKind.Hbm2)]
    [TestCase("bismo-like", DramKind.Ddr3)]
    [TestCase("finn-like", DramKind.Ddr3)]
    [TestCase("eyeriss-like", DramKind.Lpddr4)]
    [TestCase("bitfusion-like", DramKind.Lpddr4)]
    [TestCase("tpu-like", DramKind.Ddr3)]
    public void DramType_IsTheOneThePresetsSourceStates(string name, DramKind type) =>
        Assert.That(Presets.Get(name).Dram.Type, Is.EqualTo(type));
}
