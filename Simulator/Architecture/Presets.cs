using System.Collections.Immutable;
using HwSim.Workloads;
using HwSim.Workloads.Formats;

namespace HwSim.Simulator.Architecture;

/// <summary>
/// Built-in architectures: HwSim's own default and machines shaped after published accelerators.
/// Each factory says what it models and where each number comes from; "approximately" marks a
/// figure that is derived or not confirmed from the paper's text. The "-like" presets reproduce
/// the array shape, precision and memory sizes, not every mechanism (sparsity skipping, dynamic
/// precision trimming, row-stationary multicast are not modelled).
/// </summary>
public static class Presets
{
    /// <summary>The architecture verbs use when none is given.</summary>
    public const string Default = "lowbit-default";

    private static readonly ImmutableArray<Entry> Entries =
    [
        new(Default, "HwSim's default: 16x16 bit-serial array (serial activations, up to 8 bits) + 8x8 fp32 array for first/last layers", LowbitDefault),
        new("stripes-like", "Stripes (Judd et al., MICRO 2016): 4096 SIPs, serial activations, 16-bit weights, DaDianNao's 36 MB on chip; first/last layers must be int (e.g. int16)", StripesLike),
        new("dadn-like", "DaDianNao (Chen et al., MICRO 2014): one node of 16 NFUs x 16 filter lanes x 16 16-bit products per cycle at 606 MHz, 36 MB eDRAM; the baseline of Stripes and Loom; first/last layers must be int (e.g. int16)", DadnLike),
        new("loom-like", "Loom (Sharify et al., DAC 2018): weights and activations both bit-serial, 128 16bx16b MACs/cycle equivalent; first/last layers must be int", LoomLike),
        new("bismo-like", "BISMO (Umuroglu et al., FPL 2018): 8x256x8 bit-serial overlay at 200 MHz on PYNQ-Z1, 6.5 binary TOPS; first/last layers must be int up to 8 bits", BismoLike),
        new("finn-like", "FINN (Umuroglu et al., FPGA 2017) as BNN-PYNQ builds CNV-W1A1: nine MVAUs with the published PE x SIMD folding, layer-pipelined, 100 MHz (PYNQ-Z1); run examples/cnv-w1a1/cnv-w1a1.csv (layers name their units l0..l8)", FinnLike),
        new("eyeriss-like", "Eyeriss (Chen et al., ISSCC 2016; JSSC 2017): 12x14 PEs, 16-bit fixed point, 108 KB global buffer shared by ifmaps and partial sums; row stationary approximated as ws and the per-PE scratchpads not simulated, which the systolic kind cannot express; the built-in nest design eyeriss-rs has both (Simulator/Nest)", EyerissLike),
        new("bitfusion-like", "Bit Fusion (Sharma et al., ISCA 2018): 16x32 = 512 fusion units of 16 BitBricks at 500 MHz, 32/64/16 KiB buffers; first/last layers must be int up to 16 bits", BitFusionLike),
        new("tpu-like", "TPU v1 (Jouppi et al., ISCA 2017): 256x256 int8 weight-stationary array at 700 MHz, 24 MiB unified buffer", TpuLike),
    ];

    /// <summary>Preset names in listing order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    /// <summary>Whether <paramref name="name"/> is a preset (case-insensitive).</summary>
    public static bool Contains(string name) => Entries.Any(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The preset's architecture; an <see cref="InputException"/> listing the presets if there is none of that name.</summary>
    public static ArchitectureSpec Get(string name) => Find(name).Build();

    /// <summary>One line: what the preset models and its source.</summary>
    public static string Describe(string name) => Find(name).Description;

    private static Entry Find(string name) =>
        Entries.FirstOrDefault(e => e.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new InputException($"unknown architecture '{name}' (presets: {string.Join(", ", Names)}; or give a .yaml file)");

    private static BufferSpec Kib(double ifmap, double weight, double ofmap, int wordBits) => BufferSpec.FromKilobytes(ifmap, weight, ofmap, wordBits);

    /// <summary>
    /// HwSim's own default machine, not a published design: a 16x16 Stripes-style bit-serial array
    /// (16 lanes per PE, serial activations, operands up to 8 bits) for the quantised inner layers,
    /// and an 8x8 output-stationary fp32 array for the first and last layers, which PACT, DoReFa and
    /// XNOR-Net keep in full precision. 500 MHz is the clock of Bit Fusion's 45 nm PE synthesis
    /// (Sharma et al., ISCA 2018; reference/energy-area.md), whose figures the cost model uses.
    /// DRAM 16 B/cycle = 8 GB/s at 500 MHz, about one LPDDR4-4266 x16 channel (8.5 GB/s).
    /// Buffers 256/256/128 KiB, 64-bit words: a small edge accelerator's SRAM. DRAM type LPDDR4
    /// (HwSim's default, DramKind.cs): the channel above is an LPDDR4 one.
    /// </summary>
    private static ArchitectureSpec LowbitDefault() => new(Default, 500, new DramSpec(16), Kib(256, 256, 128, 64),
    [
        new BitSerialUnitSpec("lowbit", 16, 16, lanes: 16, SerialMode.Activations, maxBits: 8),
        new SystolicUnitSpec("fp", 8, 8, Dataflow.OutputStationary, NumberFormat.Fp32),
    ]);

    /// <summary>
    /// Stripes (Judd, Albericio, Hetherington, Aamodt, Moshovos, MICRO 2016), built on DaDianNao's
    /// 16 tiles. Each tile has 16 windows x 16 filters = 256 serial inner-product units (SIPs) of
    /// 16 lanes (bit-serial activation x 16-bit weight); all tiles see the same 16 windows and
    /// different filters, so HwSim's unit is rows 16 (windows) x cols 256 (16 tiles x 16 filters),
    /// lanes 16. Peak 16 x 256 x 16 / p MACs per cycle at p activation bits: at p = 16 that is 4096,
    /// DaDianNao's 16 tiles x 256 16-bit MACs, which is how Stripes matches the baseline's peak;
    /// below 16 bits it is 16/p times faster (reference/energy-area.md). max_bits 16: Stripes is a
    /// 16-bit fixed-point design with no float unit, so first/last layers must be int (int16).
    /// Memory as DaDianNao: 16 x 2 MB weight eDRAM per tile = 32 MiB, 4 MB central neuron memory
    /// split 2 MiB in / 2 MiB out; the whole network is held on chip, so DRAM is unlimited (off-chip
    /// transfers are not on the critical path in the paper's evaluation). 256-bit words: one row of
    /// 16 activations x 16 bits. Clock approximately 980 MHz: the 65 nm clock the group's
    /// DaDianNao-based designs used (Cnvlutin, ISCA 2016); not confirmed from the Stripes text here.
    /// Drain overlapped (Simulator/README.md §3), approximately: issue 13 counts Stripes among the
    /// designs whose accumulators are double-buffered, and the Stripes tile (Moshovos, Judd,
    /// Albericio et al., US patent 11,610,100, claim 5) has a neuron output buffer "holding output
    /// neurons pending communication to the reducer", so the SIPs go on with the next windows while
    /// the last outputs leave; the paper's own section on it is not confirmed from its text here.
    /// Fully connected layers at batch 1 run in Stripes' fully connected mode (fc_mode: multiplex,
    /// Simulator/README.md §3): as the authors' group's simulator DNNsim (github.com/isakedo/DNNsim)
    /// models it, OutputStationary.cpp's linear mode deals each 16-channel group to the next window
    /// column in turn and Stripes.cpp charges each column p cycles per group while a new group is
    /// issued every cycle, so all 16 rows work on the one window instead of one.
    /// DRAM type LPDDR4, HwSim's default (DramKind.cs): Stripes, like DaDianNao, holds the network
    /// on chip and the paper states no off-chip memory type; the type prices only the bytes
    /// that still cross the channel (a layer's inputs and outputs beyond the buffers, if any).
    /// </summary>
    private static ArchitectureSpec StripesLike() => new("stripes-like", 980, DramSpec.Unlimited, Kib(2048, 32768, 2048, 256),
    [
        new BitSerialUnitSpec("sip", 16, 256, lanes: 16, SerialMode.Activations, maxBits: 16) { Drain = DrainMode.Overlapped, FcMode = FcMode.Multiplex },
    ]);

    /// <summary>
    /// DaDianNao (Chen, Luo, Liu, Zhang, He, Wang, Li, Chen, Xu, Sun, Temam, MICRO 2014), one node:
    /// 16 tiles, each with an NFU that takes 16 input neurons (activations) and 16 x 16 synapses
    /// (weights) per cycle and computes 16 output neurons (filters), each as 16 16-bit fixed-point
    /// products summed by an adder tree into a partial sum; all tiles take the same input neurons
    /// from the central eDRAM and work on different filters. HwSim's unit is dotproduct rows 1 (one
    /// window) x cols 256 (16 tiles x 16 filters), lanes 16, int16: 4096 MACs per cycle, the peak
    /// stripes-like matches at 16 bits. 606 MHz: the node's clock at 28 nm in the paper. Memory as
    /// in the paper and as stripes-like (Stripes keeps DaDianNao's): 16 x 2 MB synapse eDRAM =
    /// 32 MiB of weights, 4 MB central eDRAM split 2 MiB in / 2 MiB out; DRAM unlimited, as
    /// DaDianNao holds the network on chip; 256-bit words: one brick of 16 x 16-bit neurons.
    /// Approximated: the NFU's three pipeline stages (multiply, add, transfer function) are folded
    /// into one cycle per step plus HwSim's drain (a fold's results shift out, one per row: here one
    /// cycle), overlapped with the next window's first step (<c>drain: overlapped</c>): the NFU is a
    /// pipeline whose finished outputs leave through its last stage while the next window's inputs
    /// enter the first, so a new brick enters every cycle. The DaDianNao paper's text was not
    /// available to check how its output registers are buffered; the cycle count follows the Stripes
    /// authors' own model of this baseline (DNNsim, isakedo/DNNsim, core/src/DaDianNao.cpp:
    /// process_tiles advances one cycle per brick step and charges no cycle for a window's outputs,
    /// which the PPU writes meanwhile), against which Stripes' speed-ups were measured. The transfer
    /// function (activation, pooling in the NFU) is not modelled; eDRAM refresh and the inter-tile
    /// fat tree take no cycles. No float unit: first/last layers must be int. DRAM type LPDDR4,
    /// HwSim's default (DramKind.cs): DaDianNao keeps the network in its eDRAM and, as far as
    /// checked here, names no off-chip memory type.
    /// </summary>
    private static ArchitectureSpec DadnLike() => new("dadn-like", 606, DramSpec.Unlimited, Kib(2048, 32768, 2048, 256),
    [
        new DotProduct.DotProductUnitSpec("nfu", 1, 256, lanes: 16, NumberFormat.Int(16)) { Drain = DrainMode.Overlapped },
    ]);

    /// <summary>
    /// Loom (Sharify, Delmas Lascorz, Siu, Judd, Moshovos, DAC 2018): weights and activations both
    /// bit-serial (one bit pair per lane per cycle). The paper's configuration "can perform the
    /// equivalent of 128 16b x 16b multiply-accumulate operations per cycle" (abstract): a 16x16-bit
    /// MAC takes 256 bit-pair cycles, so rows x cols x lanes = 128 x 256 = 32768; HwSim's unit is
    /// 16 windows x 128 filters x 16 lanes, approximately the paper's SIP grid. max_bits 16, no
    /// float unit: first/last layers must be int. Loom targets SoCs that cannot afford
    /// multi-megabyte buffers; its exact buffer sizes are not reproduced here, so the buffers are
    /// HwSim's defaults (256/256/128 KiB), 256-bit words. DRAM HBM2, approximately 256 B/cycle:
    /// the paper's evaluation assumes "weights are supplied via a High Bandwidth Memory v2 (HBM2)
    /// interface" (abstract); one stack 256 GB/s = 261 B per cycle at 980 MHz.
    /// Clock approximately 980 MHz, as for stripes-like (same group, same 65 nm baseline).
    /// </summary>
    private static ArchitectureSpec LoomLike() => new("loom-like", 980, new DramSpec(256, DramKind.Hbm2), Kib(256, 256, 128, 256),
    [
        new BitSerialUnitSpec("sip", 16, 128, lanes: 16, SerialMode.Both, maxBits: 16),
    ]);

    /// <summary>
    /// BISMO (Umuroglu, Rasnayake, Sjalander, FPL 2018) on the PYNQ-Z1 at 200 MHz: a Dm x Dk x Dn =
    /// 8 x 256 x 8 dot-product array; each of the 8 x 8 units ANDs and popcounts Dk = 256 bit pairs
    /// per cycle and shift-accumulates, both operands bit-serial. HwSim: rows Dm = 8, cols Dn = 8,
    /// lanes Dk = 256, serial both. Peak 2 x 8 x 256 x 8 = 32768 binary ops/cycle = 6.5 TOPS at
    /// 200 MHz (reference/energy-area.md; the repository's doc/platforms.md lists the same
    /// "8x256x8@200 MHz: 6.5 binary TOPS"). DRAM 8 B/cycle: the 64-bit AXI HP0 port
    /// (doc/platforms.md); DDR3: the paper's board, the PYNQ-Z1, has 512 MB of DDR3 on a 16-bit
    /// bus at 1050 MT/s behind the Zynq's hard memory controller (Digilent, PYNQ-Z1 Reference
    /// Manual, "Memory"), which the HP ports reach. Buffers from the repository's defaults (Makefile LMEM = RMEM = 1024,
    /// src/main/scala/BISMO.scala): Dm LHS memories of 1024 x Dk bits = 256 KiB (ifmap, the GEMM's
    /// M side) and as much for RHS (weights); results: Dm x Dn memories of 2 x 32-bit entries =
    /// 512 B (ofmap); 256-bit words (Dk bits per tile-memory read). Whether the FPL paper's build
    /// used LMEM = 1024 is not confirmed here; BISMO.scala's BRAM model puts it at 128 of the
    /// Zynq-7020's 140 BRAM36, so approximately the largest that fits. max_bits 8 approximately:
    /// maxShiftSteps = 16 bounds the shift i + j of a bit-plane pair, so 8 x 8 bits is the widest
    /// symmetric pair. No float unit: first/last layers must be int up to 8 bits.
    /// Drain overlapped (Simulator/README.md §3): BISMO's fetch, execute and result stages run
    /// concurrently (FPL 2018, the three-stage decoupled pipeline), and its result stage "write[s]
    /// result data to DRAM from DPA accumulators while the other stages are doing their thing"
    /// from a result memory of 2 entries per dot-product unit (src/main/scala/ResultStage.scala,
    /// resEntriesPerMem = 2): the execute stage accumulates into one entry while the other drains.
    /// </summary>
    private static ArchitectureSpec BismoLike() => new("bismo-like", 200, new DramSpec(8, DramKind.Ddr3), Kib(256, 256, 0.5, 256),
    [
        new BitSerialUnitSpec("dpa", 8, 8, lanes: 256, SerialMode.Both, maxBits: 8) { Drain = DrainMode.Overlapped },
    ]);

    /// <summary>
    /// FINN (Umuroglu, Fraser, Gambardella, Blott, Leong, Jahre, Vissers, FPGA 2017) as Xilinx's
    /// BNN-PYNQ builds the CNV-W1A1 CIFAR-10 network: a layer pipeline (`execution:
    /// layer_pipelined`) of nine matrix-vector-threshold units, one per layer, each with its own
    /// folding: PE output channels (HwSim cols) x SIMD input lanes (HwSim lanes), one output pixel at
    /// a time (rows 1). PE and SIMD per layer from BNN-PYNQ bnn/src/network/cnvW1A1/hw/config.h
    /// (L0..L8: PE 16, 32, 16, 16, 4, 1, 1, 1, 4; SIMD 3, 32, 32, 32, 32, 32, 4, 8, 1), so FINN's
    /// cycles per image, output pixels x (K^2 C / SIMD) x (filters / PE), is HwSim's fold count x
    /// steps (plus the last fold's one-cycle drain: the others overlap the next fold, below).
    /// Layers 1..8 are binary x binary (xnor units); layer 0 takes the 8-bit pixels (ap_fixed&lt;8,1&gt; in top.cpp) against binary weights without
    /// bit-plane splitting, one SIMD word per cycle: a dotproduct unit of int8 lanes, one step per
    /// cycle whatever the operand widths. 100 MHz: the clock of the PYNQ-Z1/Z2 bitstream
    /// (bnn/bitstreams/pynqZ1-Z2/cnvW1A1-pynqZ1-Z2.hwh, FREQ_HZ 100000000; make-vivado-proj.tcl
    /// drives the accelerator from FCLK_CLK0 at 100 MHz); the Ultra96 build of the same folding runs
    /// at 300 MHz. Memory: every weight is in on-chip memory next to its MVAU and activations stream
    /// between stages, so DRAM is unlimited (nothing waits on it); its type is DDR3, the PYNQ-Z1's
    /// 512 MB of DDR3 (Digilent, PYNQ-Z1 Reference Manual, "Memory"), which prices the images in
    /// and the results out. Buffers approximately: each
    /// stage is timed with these buffers as if it were alone; 64 KiB of weights holds the largest
    /// layer's (fc7: 512 x 512 bits = 32 KiB) in half the buffer, the PYNQ-Z1's XC7Z020 has
    /// 140 BRAM36 (630 KB) in all; 16 KiB in and out hold a layer's input and output maps
    /// (conv0's 32 x 32 x 3 bytes = 3 KiB); 32-bit words (SIMD bits per PE read).
    /// Drain overlapped (Simulator/README.md §3): FINN's MVAU (finn-hlslib mvau.hpp,
    /// Matrix_Vector_Activate_Batch) runs all its folds as one loop pipelined at II = 1; the last
    /// synapse fold of a neuron fold writes the thresholded outputs and the next iteration starts
    /// the next neuron fold from fresh accumulators, so a fold's output leaves while the next
    /// computes (the FPGA 2017 paper's cycles per MVAU, (MH/PE)(MW/SIMD) per vector, count no drain).
    /// </summary>
    private static ArchitectureSpec FinnLike() => new("finn-like", 100, DramSpec.Unlimited with { Type = DramKind.Ddr3 }, Kib(16, 64, 16, 32),
    [
        new DotProduct.DotProductUnitSpec("l0", 1, 16, lanes: 3, NumberFormat.Int(8)) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l1", 1, 32, lanes: 32, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l2", 1, 16, lanes: 32, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l3", 1, 16, lanes: 32, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l4", 1, 4, lanes: 32, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l5", 1, 1, lanes: 32, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l6", 1, 1, lanes: 4, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l7", 1, 1, lanes: 8, maxBits: 1) { Drain = DrainMode.Overlapped },
        new XnorUnitSpec("l8", 1, 4, lanes: 1, maxBits: 1) { Drain = DrainMode.Overlapped },
    ])
    { Execution = Execution.LayerPipelined };

    /// <summary>
    /// Eyeriss (Chen, Krishna, Emer, Sze, ISSCC 2016; JSSC 2017): 12 x 14 = 168 PEs, 16-bit fixed
    /// point, 108 KB global buffer, 200 MHz core clock. Eyeriss is row stationary (RS): filter
    /// rows on the PE rows, output rows on the columns, ifmap rows multicast along diagonals, a
    /// filter row, an ifmap window and a partial-sum row in each PE's scratchpads (ifmap 12 x 16 b,
    /// filter 224 x 16 b, psum 24 x 16 b). HwSim can carry neither RS nor per-PE scratchpads
    /// (Simulator/README.md section 4: its arrays put one GEMM dimension on rows and one on
    /// columns, and RS spreads R and P, which the im2col GEMM mixes into K and M; it needs the
    /// seven-dimension loop nest of issue 12), so it approximates RS with weight stationary: RS
    /// keeps a filter row in each PE and accumulates partial sums down PE columns, which is ws's
    /// pattern (weights held, partial sums moving along the reduction on the rows). Storage: the
    /// global buffer is one level shared by ifmaps and partial sums (the paper's GLB, whose split
    /// between them is configured per layer), 108 KB taken as KiB, double-buffered; weights go
    /// from DRAM to the PEs' filter scratchpads, 168 x 224 x 16 bits = 73.5 KiB, which stand in
    /// as the weights' level. 64-bit words (the global buffer's access width, approximately).
    /// DRAM approximately 4 B/cycle: a 64-bit off-chip link at 90 MHz (JSSC 2017) = 720 MB/s =
    /// 3.6 B per core cycle, rounded. DRAM type LPDDR4, HwSim's default (DramKind.cs): the papers
    /// as checked here name the link, not the DRAM device behind it. int16 throughout: first/last
    /// layers int16.
    /// </summary>
    private static ArchitectureSpec EyerissLike() => new("eyeriss-like", 200, new DramSpec(4), new BufferSpec(
    [
        new StorageLevel("glb", 108 * 1024, 64, [BufferKind.Ifmap, BufferKind.Ofmap]),
        new StorageLevel("filter_spads", (long)(73.5 * 1024), 64, [BufferKind.Weight]),
    ]),
    [
        new SystolicUnitSpec("pe", 12, 14, Dataflow.WeightStationary, NumberFormat.Int(16)),
    ]);

    /// <summary>
    /// TPU v1 (Jouppi et al., ISCA 2017): a 256 x 256 int8 weight-stationary systolic matrix unit
    /// at 700 MHz; a 24 MiB unified buffer for activations, split here 12 MiB in (ifmap) / 12 MiB
    /// out (ofmap; the paper's separate 4 MiB of 32-bit accumulators is not modelled apart: half
    /// the ofmap, 6 MiB, holds at least as many partial sums). Weights stream from an 8 GiB DDR3
    /// weight memory through a weight FIFO four tiles deep, 4 x 256 x 256 bytes = 256 KiB (the
    /// weight buffer). DRAM type DDR3: the paper's weight memory is 8 GiB of DDR3-2133, 34 GB/s
    /// peak in its table of the benchmarked servers (2 x 64 bits x 2133 MT/s = 34.1 GB/s).
    /// DRAM 46 B/cycle, kept as the preset's first version set it (commit 49fa640): the paper's
    /// block diagram (Figure 1) gives 30 GiB/s from the DDR3 interfaces to the weight FIFO,
    /// 30 x 2^30 / 700 MHz = 46.0 B/cycle, the path the weights take; the table's 34 GB/s peak
    /// would be 48.6 (activations arriving over PCIe are not a separate channel here). No source
    /// says the diagram's figure is wrong, so it stays. 2048-bit words: the unified buffer
    /// feeds one 256-byte row per cycle. int8 throughout: first/last layers int8.
    /// </summary>
    private static ArchitectureSpec TpuLike() => new("tpu-like", 700, new DramSpec(46, DramKind.Ddr3), Kib(12 * 1024, 256, 12 * 1024, 2048),
    [
        new SystolicUnitSpec("mxu", 256, 256, Dataflow.WeightStationary, NumberFormat.Int(8)),
    ]);

    /// <summary>
    /// Bit Fusion (Sharma, Park, Suda, Lai, Chau, Chandra, Esmaeilzadeh, ISCA 2018): 512 fusion
    /// units of 16 BitBricks each in a systolic array at 500 MHz, 45 nm. Shape, clock and memory
    /// are the authors' simulator configuration for the comparison with Eyeriss
    /// (hsharma35/bitfusion bf_e_conf.ini: a = 16, c = 32, frequency 500 MHz, Act_SRAM 32768,
    /// Wgt_SRAM 65536, Out_SRAM 16384 bytes, if_width 192; C). Its simulator lays input channels
    /// (the reduction) over a = 16 rows and output channels over c = 32 columns, so HwSim's unit is
    /// rows 16 x cols 32 (the 32 x 16 array of the paper, read with the reduction on the rows).
    /// Buffers 32/64/16 KiB: the ifmap (IBUF), weight (WBUF, one bank per unit) and output (OBUF)
    /// buffers, 112 KiB together. DRAM 24 B/cycle: the 192-bit memory interface (if_width) moves
    /// 192 bits per cycle in the simulator's get_mem_read_cycles. max_bits 16: 16-bit operands by
    /// temporal fusion. Approximately: 64-bit SRAM words (the banks' widths are not modelled), and
    /// the simulator's compiler-chosen loop order and tiling are HwSim's mapping (Simulator/README.md
    /// §3: weights held per fold, output pixels streamed). No float unit: first/last layers must
    /// be int (the paper runs them at 8 bits). DRAM type LPDDR4, HwSim's default (DramKind.cs):
    /// neither the paper as checked here nor the simulator's configuration (bf_e_conf.ini gives
    /// only the interface width; its energy model prices no DRAM) names a device type.
    /// </summary>
    private static ArchitectureSpec BitFusionLike() => new("bitfusion-like", 500, new DramSpec(24), Kib(32, 64, 16, 64),
    [
        new FusionUnitSpec("fusion", 16, 32, maxBits: 16),
    ]);

    private sealed record Entry(string Name, string Description, Func<ArchitectureSpec> Build);
}
