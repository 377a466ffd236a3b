using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HwSim.Simulator.Nest;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Nest;

/// <summary>
/// NestAnalysis on Timeloop's three exercise designs with Timeloop's own mappings (TimeloopNests) against the counts
/// Timeloop printed (docs/examples/timeloop/nest/timeloop-counts.csv): every (level, operand) row, its reads, fills,
/// updates and used instances. NestCounts are totals over a level's instances; Timeloop prints per instance, so a
/// Timeloop count is compared as per-instance x its "Utilized instances (max)" (every instance of these mappings
/// does the same work, which <see cref="EveryInstanceDoesTheSameWork"/> checks).
/// Where the README's rules are Timeloop's the counts are equal. Where they are not, <see cref="Differences"/> pins
/// both values side by side with what Timeloop does differently; the engine and the rules were not changed for them.
/// docs/validation/timeloop.md's section "Nest engine against Timeloop's own statistics" is the table
/// <see cref="ComparisonTable"/> writes.
/// </summary>
public sealed class TimeloopNestTests
{
    private enum Count
    {
        Reads,
        Fills,
        Updates,
    }

    /// <summary>A count where the nest engine and Timeloop differ: both values, per instance as Timeloop prints them.</summary>
    private sealed record Difference(string Design, string Level, NestTensor Operand, Count Count, long Timeloop, long HwSim, string Why);

    // Timeloop's version. The exercise's reference outputs were regenerated on 2024-05-29 (its commit 67b75f2,
    // "Update Aladdin & regenerate refs"), with a Timeloop older than NVlabs/timeloop a12fff5 ("Translation fix
    // (#297)", 2025-01-21). Timeloop's nest analysis keeps a tile's overlap with the previous one only while the
    // tile moves by the same translation as before (OperationSpace::SaveAndSubtractIfSameStride, after
    // NEW_RESET_ON_STRIDE_CHANGE_APPROACH in nest-analysis.cpp: "Hardware pattern generators may be unable to
    // generate complicated patterns ... discard any residual state if the tile shape changes the magnitude or
    // direction of its stride"). Before #297 (the code as at v3.0.3) a stationary step recorded translation 0 as
    // the stride: in a DRAM nest P, Q, M with M innermost the input tile stays put across M (0), then moves along
    // Q (+Q), a change, so the whole new tile was fetched. #297's message: "we do want to allow patterns such as
    // translation=<N,0,0,0,N,0,0,0,...>. However, this specific case was being detected as a translation vector
    // change, resulting in the old point-set being thrown away and increasing the number of accesses to the next
    // storage level." The nest rules
    // (Simulator/Nest/README.md, Fills) keep whatever the previous tile shares with the new one, whatever loop
    // stepped. simple_ws's DRAM nest is Q alone (always +Q): there Timeloop keeps the halo too and both give 151,875.
    private const string StrideReset =
        "Timeloop (before its fix #297) discarded the previous input tile when the stride changed, and a stationary step of the inner DRAM loop M counted as a change, so every new P/Q tile is fetched whole; the nest rules keep the one-column halo the new tile shares with the previous one";

    // Timeloop's multicast (NestAnalysis::ComputeAccurateMulticastedAccesses, in v3.0.3 and still at
    // NVlabs/timeloop 4cf6d4c) merges two children's requests only when their deltas are equal
    // (delta.CheckEquality(delta_other, pv)); children whose tiles overlap in part are served separately. The nest
    // rules serve the union of the children's new elements (README, Reads[p, o]), so an element two children share
    // is read once.
    private const string PartialMulticast =
        "Timeloop multicasts only identical deltas; eyeriss's PEs (q, s) and (q+1, s-2) share an input column (w = 2q+s) but not their whole 3-element tiles, so Timeloop reads every PE's 3 inputs (126 x 3 per epoch) where the nest rules read the union (3 c x 3 rows x 29 columns = 261)";

    private static readonly Difference[] Differences =
    [
        // glb input tile 3 x 113 x 29; DRAM nest P2 Q8 M2: 16 tiles x 9,831 = 157,296. The nest rules keep the
        // one-column halo (3 x 113 = 339 inputs) at each of the 2 x 7 Q steps: 157,296 - 14 x 339 = 152,550.
        new("simple_os", "shared_glb", NestTensor.Inputs, Count.Fills, 157296, 152550, StrideReset),
        new("simple_os", "DRAM", NestTensor.Inputs, Count.Reads, 157296, 152550, StrideReset),
        // glb input tile 3 x 29 x 113; DRAM nest P8 Q2 M4: 16 x 9,831 = 157,296. The rules keep one column
        // (3 x 29 = 87) at each of the 8 Q steps and the 3-element corner (one row, one column) at each of the 7
        // P steps (P steps, Q wraps): 157,296 - 696 - 21 = 156,579. (Timeloop after #297 would still discard the
        // corner, its translation changes from +Q to (+P, -Q); this is a derivation from its code, not a run.)
        new("eyeriss_like", "shared_glb", NestTensor.Inputs, Count.Fills, 157296, 156579, StrideReset),
        new("eyeriss_like", "DRAM", NestTensor.Inputs, Count.Reads, 157296, 156579, StrideReset),
        // 3,584 epochs of the ifmap_spads (DRAM 64 x glb 56) x 378 = 1,354,752 (Timeloop); x 261 = 935,424 (rules).
        new("eyeriss_like", "shared_glb", NestTensor.Inputs, Count.Reads, 1354752, 935424, PartialMulticast),
    ];

    private static readonly ConcurrentDictionary<string, NestCounts> Counted = new();

    private static NestCounts Counts(string design) =>
        Counted.GetOrAdd(design, d => NestAnalysis.Count(TimeloopNests.Problem, TimeloopNests.Architecture(d), TimeloopNests.Mapping(d)));

    private static IEnumerable<TimeloopRow> Rows => TimeloopCounts.Rows;

    private static IEnumerable<string> Designs => TimeloopNests.Designs;

    private static long Of(NestAccesses a, Count c) => c switch
    {
        Count.Reads => a.Reads,
        Count.Fills => a.Fills,
        _ => a.Updates,
    };

    private static long Of(TimeloopRow r, Count c) => c switch
    {
        Count.Reads => r.Reads,
        Count.Fills => r.Fills,
        _ => r.Updates,
    };

    /// <summary>HwSim's count of the row's level and operand, per instance (the total over its used instances divided by them).</summary>
    private static (long Instances, long Reads, long Fills, long Updates) PerInstance(TimeloopRow row)
    {
        var counts = Counts(row.Design);
        var level = TimeloopNestMappingTests.TimeloopNestLevel(TimeloopNests.Architecture(row.Design), row.Level);
        var (a, n) = (counts[level, row.Operand], counts.UsedInstances[level]);
        return (n, a.Reads / n, a.Fills / n, a.Updates / n);
    }

    [TestCaseSource(nameof(Designs))]
    public void CyclesAndMacsAreTimeloops(string design)
    {
        var timeloop = TimeloopCounts.Rows.First(r => r.Design == design);
        Assert.That((Counts(design).Cycles, Counts(design).Macs), Is.EqualTo((timeloop.Cycles, timeloop.Computes)));
    }

    /// <summary>Each level's totals are its used instances times one instance's count: the per-instance comparison loses nothing.</summary>
    [TestCaseSource(nameof(Rows))]
    public void EveryInstanceDoesTheSameWork(TimeloopRow row)
    {
        var counts = Counts(row.Design);
        var level = TimeloopNestMappingTests.TimeloopNestLevel(TimeloopNests.Architecture(row.Design), row.Level);
        var (a, n) = (counts[level, row.Operand], counts.UsedInstances[level]);
        Assert.That(new[] { a.Reads % n, a.Fills % n, a.Updates % n }, Is.All.Zero, counts.ToString());
    }

    /// <summary>
    /// Reads, fills, updates and used instances of the row's level and operand: Timeloop's where the rules are
    /// Timeloop's; where they are not (<see cref="Differences"/>), the measured HwSim value and Timeloop's, both pinned.
    /// </summary>
    [TestCaseSource(nameof(Rows))]
    public void CountsAreTimeloops(TimeloopRow row)
    {
        var hwsim = PerInstance(row);
        var total = Counts(row.Design)[TimeloopNestMappingTests.TimeloopNestLevel(TimeloopNests.Architecture(row.Design), row.Level), row.Operand];
        Assert.Multiple(() =>
        {
            Assert.That(hwsim.Instances, Is.EqualTo(row.Instances), "used instances");
            foreach (var c in Enum.GetValues<Count>())
            {
                var known = Differences.SingleOrDefault(d => d.Design == row.Design && d.Level == row.Level && d.Operand == row.Operand && d.Count == c);
                if (known is null)
                    Assert.That(Of(total, c), Is.EqualTo(checked(Of(row, c) * row.Instances)), $"{c} (total over {row.Instances} instances)");
                else
                {
                    Assert.That(Of(row, c), Is.EqualTo(known.Timeloop), $"{c}: Timeloop's printed count");
                    Assert.That(Of(total, c), Is.EqualTo(checked(known.HwSim * row.Instances)), $"{c}: HwSim's count where it differs from Timeloop's ({known.Timeloop}): {known.Why}");
                }
            }
        });
    }

    /// <summary>Every listed difference names a row of the CSV (a typo there would leave a mismatch unpinned).</summary>
    [Test]
    public void EveryDifferenceIsARow()
    {
        foreach (var d in Differences)
            Assert.That(TimeloopCounts.Rows.Count(r => r.Design == d.Design && r.Level == d.Level && r.Operand == d.Operand), Is.EqualTo(1), d.ToString());
    }

    /// <summary>
    /// The comparison table of docs/validation/timeloop.md (section "Nest engine against Timeloop's own
    /// statistics"), written to the test output from the counts themselves: run with
    /// <c>dotnet test Tests/HwSim.Tests --filter "FullyQualifiedName~TimeloopNestTests.ComparisonTable" --logger "console;verbosity=detailed"</c>
    /// and paste. Per instance, as Timeloop prints; a count that differs is bold, Timeloop's value first. The test
    /// fails if the note's copy is not the table the counts give.
    /// </summary>
    [Test]
    public void ComparisonTable()
    {
        var table = new StringBuilder();
        table.AppendLine("| design | level | operand | instances | reads: Timeloop / HwSim nest | fills: Timeloop / HwSim nest | updates: Timeloop / HwSim nest |");
        table.AppendLine("|---|---|---|---:|---:|---:|---:|");
        var differing = 0;
        string Cell(long timeloop, long hwsim)
        {
            if (timeloop == hwsim)
                return N(timeloop);
            differing++;
            return $"**{N(timeloop)} / {N(hwsim)}**";
        }
        foreach (var design in TimeloopNests.Designs)
        {
            var arch = TimeloopNests.Architecture(design);
            // DRAM inward, as the nest's levels; the CSV is innermost first, as Timeloop prints.
            foreach (var row in TimeloopCounts.Rows.Where(r => r.Design == design).OrderBy(r => TimeloopNestMappingTests.TimeloopNestLevel(arch, r.Level)).ThenBy(r => r.Operand))
            {
                var h = PerInstance(row);
                table.AppendLine($"| {design} | {row.Level} | {row.Operand} | {Cell(row.Instances, h.Instances)} | {Cell(row.Reads, h.Reads)} | {Cell(row.Fills, h.Fills)} | {Cell(row.Updates, h.Updates)} |");
            }
        }
        table.AppendLine();
        table.AppendLine("| design | cycles: Timeloop / HwSim nest | MACs: Timeloop / HwSim nest |");
        table.AppendLine("|---|---:|---:|");
        foreach (var design in TimeloopNests.Designs)
        {
            var timeloop = TimeloopCounts.Rows.First(r => r.Design == design);
            table.AppendLine($"| {design} | {Cell(timeloop.Cycles, Counts(design).Cycles)} | {Cell(timeloop.Computes, Counts(design).Macs)} |");
        }
        TestContext.Out.Write(table.ToString());
        Assert.That(differing, Is.EqualTo(Differences.Length), "every differing count is a listed difference");
        var note = System.IO.File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "timeloop.md")).ReplaceLineEndings("\n");
        Assert.That(note, Does.Contain(table.ToString().ReplaceLineEndings("\n")), "docs/validation/timeloop.md holds this table, unedited");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
