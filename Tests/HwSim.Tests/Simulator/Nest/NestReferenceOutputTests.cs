using HwSim.Simulator.Nest;
using HwSim.Simulator.Reference;
using HwSim.Workloads.Layers;
using HwSim.Workloads.Shapes;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The reference engine computes the layer: over random problems, architectures and mappings (<see cref="NestRandom"/>),
/// its outputs equal the direct convolution's bit for bit, whatever the loop order, split or spatial assignment, with 2 to
/// 4 groups (each group's filters over its own channels), with dilated kernels, and with bit-serial inputs (B = 2..8 bits).
/// </summary>
[TestFixture]
public sealed class NestReferenceOutputTests
{
    /// <summary>Random cases checked; the seeds are 1 .. Count.</summary>
    private const int Count = 1000;

    /// <summary>Random grouped cases checked; the seeds are Count + 1 .. Count + GroupedCount.</summary>
    private const int GroupedCount = 250;

    [Test]
    public void OutputsEqualTheDirectConvolution_OnRandomMappings()
    {
        int spatial = 0, multiLevel = 0, bypassing = 0, strided = 0, split = 0;
        SeedLoop(NestRandom.Cases(Count, 1), c =>
        {
            var p = c.Problem;
            var result = RunAndCompare(c);
            var loops = c.Mapping.Loops().ToList();
            if (loops.Any(x => x.Loop.Spatial && x.Loop.Bound > 1)) Interlocked.Increment(ref spatial);
            if (c.Arch.Levels.Length > 2) Interlocked.Increment(ref multiLevel);
            if (c.Arch.Levels.Skip(1).Any(l => l.Keeps.Count < 3)) Interlocked.Increment(ref bypassing);
            if (p.HStride > 1 || p.WStride > 1) Interlocked.Increment(ref strided);
            if (Enum.GetValues<NestDim>().Any(d => loops.Count(x => x.Loop.Dim == d && x.Loop.Bound > 1) > 1)) Interlocked.Increment(ref split);
        });
        TestContext.Out.WriteLine($"{Count} cases: {spatial} with spatial loops, {multiLevel} with 3-4 levels, {bypassing} with bypassing levels, {strided} strided, {split} with a dimension split over loops");
        // The generator must reach what the rules are about, not only trivial nests.
        Assert.That(new[] { spatial, multiLevel, bypassing, strided, split }, Has.All.GreaterThan(Count / 5));
    }

    /// <summary>Random dilated cases checked; the seeds are Count + GroupedCount + 1 .. Count + GroupedCount + DilatedCount.</summary>
    private const int DilatedCount = 250;

    [Test]
    public void DilatedOutputsEqualTheDirectConvolution_OnRandomMappings()
    {
        int dilatedKernel = 0, grouped = 0, strided = 0, asymmetric = 0;
        SeedLoop(NestRandom.DilatedCases(DilatedCount, Count + GroupedCount + 1), c =>
        {
            var p = c.Problem;
            RunAndCompare(c);
            if ((p.R > 1 && p.DilationH > 1) || (p.S > 1 && p.DilationW > 1)) Interlocked.Increment(ref dilatedKernel);
            if (p.Groups > 1) Interlocked.Increment(ref grouped);
            if (p.HStride > 1 || p.WStride > 1) Interlocked.Increment(ref strided);
            if (p.DilationH != p.DilationW) Interlocked.Increment(ref asymmetric);
        });
        TestContext.Out.WriteLine($"{DilatedCount} dilated cases: {dilatedKernel} with a dilated kernel over 1, {grouped} grouped, {strided} strided, {asymmetric} with different dilations on H and W");
        Assert.That(new[] { dilatedKernel, grouped, strided, asymmetric }, Has.All.GreaterThan(DilatedCount / 4));
    }

    /// <summary>Random bit-serial cases checked; the seeds follow the dilated ones.</summary>
    private const int BitCount = 250;

    /// <summary>
    /// Bit-serial cases (B = 2..8, signed and unsigned inputs, some grouped or dilated): the reference steps every bit of every input
    /// value, the weight times the bit shifted into place (the sign bit subtracted), and the sums are the direct convolution's.
    /// </summary>
    [Test]
    public void BitSerialOutputsEqualTheDirectConvolution_OnRandomMappings()
    {
        var cases = NestRandom.BitCases(BitCount, Count + GroupedCount + DilatedCount + 1).ToList();
        SeedLoop(cases, c => RunAndCompare(c));
        var coverage = NestBitsTests.Coverage(cases);
        TestContext.Out.WriteLine($"{BitCount} bit-serial cases: {coverage}");
        Assert.That(coverage.Minimum, Is.GreaterThan(BitCount / 10), coverage.ToString());
    }

    [Test]
    public void GroupedOutputsEqualTheDirectConvolution_OnRandomMappings()
    {
        var groups = new int[5];
        SeedLoop(NestRandom.GroupedCases(GroupedCount, Count + 1), c =>
        {
            RunAndCompare(c);
            Interlocked.Increment(ref groups[c.Problem.Groups]);
        });
        TestContext.Out.WriteLine($"{GroupedCount} grouped cases: {groups[2]} with G = 2, {groups[3]} with G = 3, {groups[4]} with G = 4");
        Assert.That(groups[2..], Has.All.GreaterThan(GroupedCount / 5));
    }

    /// <summary>Random group-loop cases checked; the seeds follow the bit-serial ones.</summary>
    private const int GroupLoopCount = 250;

    /// <summary>
    /// G = 2..6 with G's factors dealt to random levels, temporal and spatial (NestRandom.GroupLoopCase): whatever loops carry the
    /// groups, each MAC takes its group's filters, channels and outputs, and the outputs are the direct grouped convolution's.
    /// </summary>
    [Test]
    public void GroupLoopOutputsEqualTheDirectConvolution_OnRandomMappings()
    {
        var cases = NestRandom.GroupLoopCases(GroupLoopCount, Count + GroupedCount + DilatedCount + BitCount + 1).ToList();
        SeedLoop(cases, c => RunAndCompare(c));
        var coverage = NestAgreementTests.GroupCoverage(cases);
        TestContext.Out.WriteLine($"{GroupLoopCount} group-loop cases: {coverage}");
        Assert.That(coverage.Minimum, Is.GreaterThan(GroupLoopCount / 10), coverage.ToString());
    }

    /// <summary>
    /// The reference's outputs against the direct convolution's on the same numbers (an unpadded layer over the padded input,
    /// NestRandom.DirectShape), and its MACs and cycles against the problem's and the mapping's (the temporal bounds' product, G's
    /// included; instances the spatial bounds' above each level, G's included).
    /// </summary>
    private static NestReferenceResult RunAndCompare(NestCase c)
    {
        var p = c.Problem;
        var (weights, inputs) = NestRandom.Operands(p, c.Seed, c.SignedInputs);
        var result = NestReference.Run(p, c.Arch, c.Mapping, weights, inputs, c.SignedInputs);
        var expected = ReferenceConvolution.Compute(new ReferenceData(new LayerWorkload("nest", NestRandom.DirectShape(p)), inputs, weights));
        Assert.That(result.Outputs, Is.EqualTo(expected), () => $"{c}\noutputs differ from the direct convolution");
        var loops = c.Mapping.Loops().ToList();
        Assert.That(result.Counts.Macs, Is.EqualTo(p.Macs), c.ToString);
        Assert.That(result.Counts.Cycles, Is.EqualTo(loops.Where(x => !x.Loop.Spatial).Aggregate(1L, (a, x) => a * x.Loop.Bound)), c.ToString);
        Assert.That(result.Counts.UsedInstances, Is.EqualTo(Enumerable.Range(0, c.Arch.Levels.Length)
            .Select(l => loops.Where(x => x.Loop.Spatial && x.Level < l).Aggregate(1L, (a, x) => a * x.Loop.Bound))), c.ToString);
        return result;
    }

    /// <summary>Runs <paramref name="check"/> on <paramref name="cases"/> on both cores; the first failure fails the test with its message.</summary>
    private static void SeedLoop(IEnumerable<NestCase> cases, Action<NestCase> check)
    {
        try
        {
            Parallel.ForEach(cases, check);
        }
        catch (AggregateException e)
        {
            Assert.Fail(e.InnerExceptions[0].Message);
        }
    }
}
