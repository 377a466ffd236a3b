using HwSim.Simulator.Nest;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// The transcribed Timeloop designs (TimeloopNests) against Timeloop's own printout, before any counting: each
/// mapping fits, its tiles are the sizes Timeloop printed ("Utilized capacity"), and its loops give Timeloop's
/// cycles and computes. A slip in transcribing map.txt shows here first.
/// </summary>
public sealed class TimeloopNestMappingTests
{
    private static IEnumerable<string> Designs => TimeloopNests.Designs;

    private static IEnumerable<TimeloopRow> Rows => TimeloopCounts.Rows;

    [TestCaseSource(nameof(Designs))]
    public void MappingFits(string design)
    {
        var mapping = TimeloopNests.Mapping(design);
        Assert.That(mapping.Unfit(TimeloopNests.Problem, TimeloopNests.Architecture(design)), Is.Null, mapping.Describe(TimeloopNests.Architecture(design)));
    }

    [TestCaseSource(nameof(Designs))]
    public void CyclesAndComputesAreTimeloops(string design)
    {
        var mapping = TimeloopNests.Mapping(design);
        var timeloop = TimeloopCounts.Rows.First(r => r.Design == design);
        var cycles = mapping.Levels.SelectMany(l => l.Temporal).Aggregate(1L, (a, x) => a * x.Bound);
        var macs = mapping.Loops().Aggregate(1L, (a, x) => a * x.Loop.Bound);
        Assert.Multiple(() =>
        {
            Assert.That(cycles, Is.EqualTo(timeloop.Cycles), "cycles: product of the temporal bounds");
            Assert.That(macs, Is.EqualTo(timeloop.Computes), "computes: product of all bounds");
            Assert.That(TimeloopNests.Problem.Macs, Is.EqualTo(timeloop.Computes), "the problem's MACs");
        });
    }

    /// <summary>Every (level, operand) Timeloop printed is a level of the nest that keeps the operand, and none is missing.</summary>
    [TestCaseSource(nameof(Designs))]
    public void LevelsAndKeepsAreTimeloops(string design)
    {
        var arch = TimeloopNests.Architecture(design);
        var ours = arch.Levels.SelectMany(l => l.Keeps.Select(t => (l.Name, t))).OrderBy(x => x.Name).ThenBy(x => x.t);
        var theirs = TimeloopCounts.Rows.Where(r => r.Design == design).Select(r => (Name: r.Level, t: r.Operand)).OrderBy(x => x.Name).ThenBy(x => x.t);
        Assert.That(ours, Is.EqualTo(theirs));
    }

    /// <summary>One instance's tile of the operand at the level: Timeloop's "Utilized capacity", from the same loops.</summary>
    [TestCaseSource(nameof(Rows))]
    public void TileIsTimeloopsUtilizedCapacity(TimeloopRow row)
    {
        var arch = TimeloopNests.Architecture(row.Design);
        var level = TimeloopNestLevel(arch, row.Level);
        Assert.That(TimeloopNests.Mapping(row.Design).TileElements(TimeloopNests.Problem, row.Operand, level), Is.EqualTo(row.Capacity));
    }

    /// <summary>The instances of a level the mapping uses: the product of the spatial bounds of the levels above it.</summary>
    [TestCaseSource(nameof(Rows))]
    public void SpatialLoopsUseTimeloopsInstances(TimeloopRow row)
    {
        var arch = TimeloopNests.Architecture(row.Design);
        var level = TimeloopNestLevel(arch, row.Level);
        var used = TimeloopNests.Mapping(row.Design).Levels.Take(level).SelectMany(l => l.Spatial).Aggregate(1L, (a, x) => a * x.Bound);
        Assert.That(used, Is.EqualTo(row.Instances));
    }

    internal static int TimeloopNestLevel(NestArchitecture arch, string name)
    {
        var index = arch.Levels.IndexOf(arch.Levels.SingleOrDefault(l => l.Name == name)!);
        return index >= 0 ? index : throw new ArgumentException($"no level {name} in the nest architecture", nameof(name));
    }
}
