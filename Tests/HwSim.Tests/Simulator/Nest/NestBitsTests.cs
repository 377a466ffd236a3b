using HwSim.Simulator.Nest;
using NUnit.Framework;
using static HwSim.Simulator.Nest.NestDim;
using static HwSim.Simulator.Nest.NestTensor;

using static HwSim.Tests.Simulator.Nest.NestHand;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The input's bits as an eighth dimension B (Simulator/Nest/README.md, Bits): B indexes the inputs only, so it is a reduction
/// dimension for outputs and weights stay put while it steps. Hand cases with exact counts for a bit-serial PE (B temporal, innermost)
/// and a bit-plane array (B spatial), the bit-step arithmetic on signed and unsigned inputs, capacities in packed words, the problem's
/// sizes and printout. The random agreement and output tests (NestAgreementTests, NestReferenceOutputTests) run 250 bit-serial cases each.
/// </summary>
[TestFixture]
public sealed class NestBitsTests
{
    /// <summary>
    /// A bit-serial PE: N1 M2 C1 P2 Q1 R1 S1, B4 (16 bit-steps); DRAM steps M2 then P2, a one-word weight register, then a one-word
    /// input register stepping B4 innermost. 16 cycles.
    /// - Weights: the register's tile is one weight (B does not index weights), held for the 4 bit-steps; its 4 epochs (M, P) = (0,0),
    ///   (0,1), (1,0), (1,1) need w0, w0, w1, w1: 2 fills, 2 DRAM reads; the MACs read it every cycle, 16.
    /// - Inputs: the register's tile is the 4 bits of one value (1 word of 4 bits: it fits); its epochs need values p0, p1, p0, p1:
    ///   4 bits each, 16 fills, 16 DRAM reads; 16 MAC reads.
    /// - Outputs at DRAM: 16 updates (one per bit-step); the 4 outputs' first bit-steps read no old partial sum, the other 12 do.
    ///   One PE, no tree: 16 accumulations, one per bit-step.
    /// </summary>
    [Test]
    public void BitSerialPe_ByHand()
    {
        var problem = new NestProblem(1, 2, 1, 2, 1, 1, 1, bits: 4);
        var arch = new NestArchitecture([Level("DRAM", null, Weights, Inputs, Outputs), Level("wreg", 1, Weights), Level("ireg", 1, Inputs)]);
        var mapping = Map(NestLevelLoops.Of([T(M, 2), T(P, 2)]), NestLevelLoops.Of([]), NestLevelLoops.Of([T(B, 4)]));
        Assert.That(mapping.TileElements(problem, Inputs, 2), Is.EqualTo(4), "bits");
        Assert.That(mapping.TileWords(problem, Inputs, 2), Is.EqualTo(1), "4 bits in one 4-bit word");
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Weights, 16, 2, 0, engine);
            Expect(counts, 0, Weights, 2, 0, 0, engine);
            Expect(counts, 2, Inputs, 16, 16, 0, engine);
            Expect(counts, 0, Inputs, 16, 0, 0, engine);
            Expect(counts, 0, Outputs, 12, 0, 16, engine);
            Assert.That((counts.Macs, counts.Cycles, counts.Accumulations(arch)), Is.EqualTo((16L, 16L, 16L)), engine);
        }
    }

    /// <summary>
    /// A bit-plane array: the same problem with B4 spatial on X under DRAM, four PEs each keeping one bit of the input in a one-word
    /// register; DRAM steps M2, P2. 4 cycles, 16 bit-steps.
    /// - Inputs: each PE's tile is one bit; its 4 epochs need a new bit each, 16 fills; DRAM serves the 4 PEs 4 distinct bits per epoch, 16.
    /// - Weights: the 4 PEs use the same weight each cycle, read once (multicast): 4 reads.
    /// - Outputs: the 4 PEs update the same output each cycle, reduced in the network: 4 updates, none of an output touched before;
    ///   4 accumulations, one per 4 bit-planes' sum.
    /// </summary>
    [Test]
    public void BitPlaneArray_ByHand()
    {
        var problem = new NestProblem(1, 2, 1, 2, 1, 1, 1, bits: 4);
        var arch = new NestArchitecture([new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 4, 1), Level("pe", 1, Inputs)]);
        var mapping = Map(NestLevelLoops.Of([T(M, 2), T(P, 2)], [new NestLoop(B, 4, NestAxis.X)]), NestLevelLoops.Of([]));
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Inputs, 16, 16, 0, engine);
            Expect(counts, 0, Inputs, 16, 0, 0, engine);
            Expect(counts, 0, Weights, 4, 0, 0, engine);
            Expect(counts, 0, Outputs, 0, 0, 4, engine);
            Assert.That((counts.Macs, counts.Cycles, counts.UsedInstances[1]), Is.EqualTo((16L, 4L, 4L)), engine);
            Assert.That(counts.Accumulations(arch), Is.EqualTo(4L), engine);
        }
    }

    /// <summary>
    /// A Stripes SIP: N1 M1 C4 P2 Q1 R1 S1, B2 (16 bit-steps). DRAM steps P2; an accumulator keeps the outputs and fans out to 4 lanes
    /// over C; each lane keeps its weight and input bits and steps B2. 4 cycles.
    /// - Outputs: the 4 lanes' products meet on one output each cycle, reduced in the network (the SIP's adder tree): 1 update per
    ///   cycle, 4 accumulations for 16 bit-steps; each output's second bit-step reads its partial sum back (2 reads). The accumulator
    ///   writes each output back to DRAM once (2).
    /// - Weights: each lane's weight stays over P: 4 fills, 4 DRAM reads, 16 MAC reads. Inputs: each lane's 2 bits of a new value per
    ///   DRAM step: 16 fills, 16 DRAM reads, 16 MAC reads.
    /// </summary>
    [Test]
    public void LanesIntoOneAccumulator_ByHand()
    {
        var (problem, arch, mapping) = Sip();
        foreach (var (engine, counts) in BothEngines(problem, arch, mapping))
        {
            Expect(counts, 1, Outputs, 2, 0, 4, engine);
            Expect(counts, 0, Outputs, 0, 0, 2, engine);
            Expect(counts, 2, Weights, 16, 4, 0, engine);
            Expect(counts, 0, Weights, 4, 0, 0, engine);
            Expect(counts, 2, Inputs, 16, 16, 0, engine);
            Expect(counts, 0, Inputs, 16, 0, 0, engine);
            Assert.That((counts.Macs, counts.Cycles, counts.Accumulations(arch)), Is.EqualTo((16L, 4L, 4L)), engine);
        }
    }

    /// <summary>LanesIntoOneAccumulator_ByHand's case (NestBitSerialEnergyTests prices it).</summary>
    internal static (NestProblem Problem, NestArchitecture Arch, NestMapping Mapping) Sip() =>
        (new NestProblem(1, 1, 4, 2, 1, 1, 1, bits: 2),
         new NestArchitecture([Level("DRAM", null, Weights, Inputs, Outputs), new NestLevel("acc", [Outputs], 1, 4, 1), Level("lane", 2, Weights, Inputs)]),
         Map(NestLevelLoops.Of([T(P, 2)]), NestLevelLoops.Of([], [X(C, 4)]), NestLevelLoops.Of([T(B, 2)])));

    /// <summary>
    /// B outside the input register: DRAM steps B4 then P2, the register keeps the inputs and steps nothing. Its tile is one bit of one
    /// value, and the order B, P makes each epoch a new bit: 8 fills of 1 bit; with P, B (B inside the DRAM's P) the same 8. A register
    /// holding B inside keeps the value: N1 M4 C1 P2, DRAM [P2, M4], register [B4]: 2 epochs x 4 bits = 8 fills for 32 bit-steps, a
    /// value's bits fetched once and used by 4 filters each.
    /// </summary>
    [Test]
    public void WhereTheBitLoopSits_DecidesTheInputFills()
    {
        var problem = new NestProblem(1, 1, 1, 2, 1, 1, 1, bits: 4);
        var arch = new NestArchitecture([Level("DRAM", null, Weights, Inputs, Outputs), Level("ireg", 1, Inputs)]);
        foreach (var outer in new[] { NestLevelLoops.Of([T(B, 4), T(P, 2)]), NestLevelLoops.Of([T(P, 2), T(B, 4)]) })
            foreach (var (engine, counts) in BothEngines(problem, arch, Map(outer, NestLevelLoops.Of([]))))
                Expect(counts, 1, Inputs, 8, 8, 0, $"{engine}, DRAM [{string.Join(", ", outer.Temporal)}]");

        var four = new NestProblem(1, 4, 1, 2, 1, 1, 1, bits: 4);
        var inside = Map(NestLevelLoops.Of([T(P, 2), T(M, 4)]), NestLevelLoops.Of([T(B, 4)]));
        foreach (var (engine, counts) in BothEngines(four, arch, inside))
        {
            // The register's epochs are DRAM's 8 iterations; its tile, one value's 4 bits, changes only when P does: 2 x 4 fills.
            Expect(counts, 1, Inputs, 32, 8, 0, engine);
            Assert.That(counts.Macs, Is.EqualTo(32L), engine);
        }
    }

    /// <summary>
    /// The bit-step arithmetic on one weight and one input (N = M = C = P = Q = R = S = 1): 5 x -3 with 3 signed bits is
    /// 5·1 + 0 − 5·4 = −15 (code 101: the top bit weighs −4); 5 x 5 unsigned is 5·1 + 5·4 = 25; 7 x −128 with 8 signed bits is
    /// −896; the largest unsigned 8-bit input 255 times −128 is −32,640.
    /// </summary>
    [TestCase(3, true, 5, -3, -15)]
    [TestCase(3, false, 5, 5, 25)]
    [TestCase(8, true, 7, -128, -896)]
    [TestCase(8, false, -128, 255, -32_640)]
    [TestCase(2, true, -9, -1, 9)]
    public void OneBitStepAtATime_GivesTheProduct(int bits, bool signedInputs, long weight, long input, long product)
    {
        var problem = new NestProblem(1, 1, 1, 1, 1, 1, 1, bits: bits);
        var arch = new NestArchitecture([Level("DRAM", null, Weights, Inputs, Outputs)]);
        var result = NestReference.Run(problem, arch, Map(NestLevelLoops.Of([T(B, bits)])), [weight], [input], signedInputs);
        Assert.That(result.Outputs, Is.EqualTo(new[] { product }));
        Assert.That(result.Counts.Macs, Is.EqualTo((long)bits));
    }

    [Test]
    public void InputsOutsideTheirBits_AreRefused()
    {
        var problem = new NestProblem(1, 1, 1, 1, 1, 1, 1, bits: 3);
        var arch = new NestArchitecture([Level("DRAM", null, Weights, Inputs, Outputs)]);
        var mapping = Map(NestLevelLoops.Of([T(B, 3)]));
        Assert.That(() => NestReference.Run(problem, arch, mapping, [1], [4], signedInputs: true),
            Throws.ArgumentException.With.Message.Contains("outside the signed 3-bit range [-4, 3]"));
        Assert.That(() => NestReference.Run(problem, arch, mapping, [1], [-1], signedInputs: false),
            Throws.ArgumentException.With.Message.Contains("outside the unsigned 3-bit range [0, 7]"));
        Assert.That(() => NestReference.Run(problem, arch, mapping, [1], [1, 2]), Throws.ArgumentException.With.Message.Contains("1 input values"));
    }

    /// <summary>
    /// A bit-serial problem's sizes: MACs are bit-steps (B x the convolution's MACs), input elements bits, input values as many as at
    /// B = 1; B prints after S; B is at least 1 and at most 32 (NumberFormat.MaxIntegerBits).
    /// </summary>
    [Test]
    public void Problem_SizesAndPrintout()
    {
        var dense = new NestProblem(1, 32, 3, 112, 112, 3, 3, 2, 2);
        var serial = new NestProblem(1, 32, 3, 112, 112, 3, 3, 2, 2, bits: 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(serial.Macs, Is.EqualTo(8 * 10_838_016L));
            Assert.That(serial.Elements(Inputs), Is.EqualTo(8 * 151_875L));
            Assert.That(serial.InputValues, Is.EqualTo(dense.Elements(Inputs)));
            Assert.That((serial.Elements(Weights), serial.Elements(Outputs)), Is.EqualTo((dense.Elements(Weights), dense.Elements(Outputs))));
            Assert.That(serial.Size(B), Is.EqualTo(8));
            Assert.That(dense.Size(B), Is.EqualTo(1));
            Assert.That(serial.ToString(), Is.EqualTo("N1 M32 C3 P112 Q112 R3 S3 B8 stride 2x2"));
            Assert.That(dense.ToString(), Is.EqualTo("N1 M32 C3 P112 Q112 R3 S3 stride 2x2"), "no B when B = 1");
            Assert.That(NestProblem.Indexes(Inputs, B) && !NestProblem.Indexes(Weights, B) && !NestProblem.Indexes(Outputs, B), "B indexes the inputs only");
            Assert.That((int)B, Is.EqualTo(7), "appended after S");
        }
        Assert.That(() => new NestProblem(1, 1, 1, 1, 1, 1, 1, bits: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("B must be at least 1"));
        Assert.That(() => new NestProblem(1, 1, 1, 1, 1, 1, 1, bits: 33), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("B must be at most 32"));
    }

    /// <summary>
    /// Capacities count words: a bit-serial input tile packs its bits into words of B bits. A register of one word holds one value's
    /// 8 bits, or 8 single bits of 8 values; 9 bits of 9 values need 2 words.
    /// </summary>
    [Test]
    public void Capacity_PacksBitsIntoWords()
    {
        var problem = new NestProblem(1, 1, 1, 9, 1, 1, 1, bits: 8);
        var arch = new NestArchitecture([Level("DRAM", null, Weights, Inputs, Outputs), Level("ireg", 1, Inputs)]);
        var whole = Map(NestLevelLoops.Of([T(P, 9)]), NestLevelLoops.Of([T(B, 8)]));
        var eight = Map(NestLevelLoops.Of([T(B, 8)]), NestLevelLoops.Of([T(P, 9)]));
        Assert.That(whole.Unfit(problem, arch), Is.Null);
        Assert.That(eight.TileElements(problem, Inputs, 1), Is.EqualTo(9));
        Assert.That(eight.Unfit(problem, arch), Is.EqualTo("level ireg: its tiles need 2 words (Inputs 2), it holds 1"));
    }

    /// <summary>Describe says what a B loop is: temporal, bits one after another; spatial, bit-planes side by side.</summary>
    [Test]
    public void Describe_NamesTheBitLoops()
    {
        var arch = new NestArchitecture([new NestLevel("DRAM", [Weights, Inputs, Outputs], null, 2, 1), Level("pe", 1, Inputs)]);
        var mapping = Map(NestLevelLoops.Of([T(P, 2)], [new NestLoop(B, 2, NestAxis.X)]), NestLevelLoops.Of([T(B, 4)]));
        Assert.That(mapping.Describe(arch), Is.EqualTo(
            "DRAM [Weights, Inputs, Outputs]\n  for P in [0:2)\n    for B in [0:2) (spatial X, input bit-planes side by side)\n    pe [Inputs]\n      for B in [0:4) (input bits, serial)"));
    }

    /// <summary>What a stream of bit-serial cases reaches, for the random tests' printout and their floor on each kind.</summary>
    internal sealed record BitCoverage(int Signed, int Unsigned, int SpatialB, int TemporalInnermostB, int SplitB, int Grouped, int Dilated, int Strided)
    {
        public int Minimum => new[] { Signed, Unsigned, SpatialB, TemporalInnermostB, SplitB, Grouped, Dilated, Strided }.Min();

        public override string ToString() =>
            $"{Signed} signed, {Unsigned} unsigned inputs; {SpatialB} with a spatial B loop (bit-planes side by side), {TemporalInnermostB} with a temporal B loop " +
            $"at the innermost level (bit-serial PE), {SplitB} with B split over several loops; {Grouped} grouped, {Dilated} dilated, {Strided} strided";
    }

    internal static BitCoverage Coverage(IReadOnlyList<NestCase> cases)
    {
        static IEnumerable<(NestLoop Loop, int Level)> Bits(NestCase c) => c.Mapping.Loops().Where(x => x.Loop.Dim == B && x.Loop.Bound > 1);
        return new BitCoverage(
            cases.Count(c => c.SignedInputs),
            cases.Count(c => !c.SignedInputs),
            cases.Count(c => Bits(c).Any(x => x.Loop.Spatial)),
            cases.Count(c => Bits(c).Any(x => !x.Loop.Spatial && x.Level == c.Arch.Levels.Length - 1)),
            cases.Count(c => Bits(c).Count() > 1),
            cases.Count(c => c.Problem.Groups > 1),
            cases.Count(c => c.Problem.DilationH > 1 || c.Problem.DilationW > 1),
            cases.Count(c => c.Problem.HStride > 1 || c.Problem.WStride > 1));
    }

    private static NestLevel Level(string name, long? capacity, params NestTensor[] keeps) => new(name, [.. keeps], capacity, 1, 1);
}
