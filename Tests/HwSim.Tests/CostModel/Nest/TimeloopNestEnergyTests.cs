using System.Globalization;
using HwSim.CostModel.Energy;
using HwSim.CostModel.Nest;
using HwSim.CostModel.Technology;
using HwSim.Simulator.Architecture;
using HwSim.Simulator.Nest;
using HwSim.Tests.Simulator.Nest;
using HwSim.Tests.Support;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Nest;

/// <summary>
/// Timeloop's three exercises (TimeloopNests: their problem, levels and printed mappings) counted by the nest engine and priced by
/// HwSim's tables, level by level against the exercises' printed energies (docs/examples/timeloop/reference.csv). The level prices
/// are the exercises' arch.yaml: LPDDR4; shared_glb 16384 x 64 bit, 32 banks; the spads (simple_{ws,os}'s pe_spad 192 x 16 bits,
/// eyeriss_like's 12, 192 and 16 x 16 bits) register files, as the exercises' smartbuffer_RF class (regfile.yaml), priced by
/// Aladdin's model at their real size (NestStorageClass.RegisterFile); Aladdin registers. simple_* at 45 nm with 16-bit words,
/// eyeriss_like at 32 nm (its reference ran there) with 8-bit inputs and weights and 16-bit partial sums. Energies are sums of exact
/// counts times table figures, pinned to 1e-4 relative; ratios to 3 digits.
/// </summary>
public sealed class TimeloopNestEnergyTests
{
    /// <summary>The level prices of <paramref name="design"/> (the class summary), shared with TimeloopNestMapperTests.</summary>
    internal static NestLevelCost[] Costs(string design) => design switch
    {
        "eyeriss_like" =>
        [
            NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.OfSram(128 * 1024, 64, 32),
            NestLevelCost.OfRegisterFile(12, 16), NestLevelCost.OfRegisterFile(192, 16), NestLevelCost.OfRegisterFile(16, 16),
        ],
        _ =>
        [
            NestLevelCost.OfDram(DramKind.Lpddr4), NestLevelCost.OfSram(128 * 1024, 64, 32), NestLevelCost.OfRegisterFile(192, 16),
            NestLevelCost.Register, NestLevelCost.Register, NestLevelCost.Register,
        ],
    };

    internal static NestEnergyReport Priced(string design) =>
        Priced(design, NestAnalysis.Count(TimeloopNests.Problem, TimeloopNests.Architecture(design), TimeloopNests.Mapping(design)));

    /// <summary><paramref name="counts"/> (of any mapping of <paramref name="design"/>) priced as the class summary says.</summary>
    internal static NestEnergyReport Priced(string design, NestCounts counts)
    {
        var arch = TimeloopNests.Architecture(design);
        var (word, psum) = design == "eyeriss_like" ? (NumberFormat.Int(8), NumberFormat.Int(16)) : (NumberFormat.Int(16), NumberFormat.Int(16));
        var scaling = design == "eyeriss_like" ? TechnologyScaling.From45nm(32) : TechnologyScaling.Identity45nm;
        return NestEnergy.Price(TimeloopNests.Problem, arch, Costs(design), counts, word, word, psum, word, EnergyTable.Default, scaling);
    }

    /// <summary>reference.csv's row for <paramref name="design"/>: total, MAC, corrected MAC, registers, spads, buffer, DRAM (uJ).</summary>
    internal static double[] Reference(string design) =>
        [.. File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "examples", "timeloop", "reference.csv"))
            .Single(l => l.StartsWith(design + ",", StringComparison.Ordinal)).Split(',').Skip(1).Take(7).Select(x => double.Parse(x, CultureInfo.InvariantCulture))];

    // HwSim nest total (uJ), global buffer (uJ), per-PE storage (spads and registers, uJ), total / Timeloop's printed total.
    [TestCase("simple_ws", 132.11230, 47.51821, 4.58751, 0.871)]
    [TestCase("simple_os", 127.49933, 7.85400, 37.89347, 1.076)]
    [TestCase("eyeriss_like", 50.18274, 3.042745, 8.77173, 0.847)]
    public void WithTheExercisesMapping(string design, double total, double glb, double pe, double ratio)
    {
        var report = Priced(design);
        var r = Reference(design);
        double Uj(string level) => report.Levels.Single(l => l.Level == level).Total.Microjoules;
        var pes = report.Levels.Skip(2).Sum(l => l.Total.Microjoules);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {design} | {report.Macs.Microjoules:F3} | {r[1]:F3} ({r[2]:F3}) | {pes:F3} | {r[3] + r[4]:F3} | {Uj("shared_glb"):F3} | {r[5]:F3} | {Uj("DRAM"):F3} | {r[6]:F3} | **{report.Total.Microjoules:F2}** | {r[0]:F2} | {report.Total.Microjoules / r[0]:F3}x |"));
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pins: {report.Total.Microjoules:F5} {Uj("shared_glb"):F5} {pes:F5}"));
        TestContext.Out.WriteLine(string.Join("; ", report.Levels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Level} {l.Reads.Microjoules:F3} + {l.Writes.Microjoules:F3}"))) + " " + string.Join(" ", report.Warnings));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Total.Microjoules, Is.EqualTo(total).Within(1e-4).Percent);
            Assert.That(Uj("shared_glb"), Is.EqualTo(glb).Within(1e-4).Percent);
            Assert.That(pes, Is.EqualTo(pe).Within(1e-4).Percent);
            Assert.That(report.Total.Microjoules / r[0], Is.EqualTo(ratio).Within(0.0005), "within 1.25x of Timeloop's total");
        }
    }

    /// <summary>The README's nest table and docs/validation/timeloop.md quote these totals and ratios.</summary>
    [Test]
    public void Readme_QuotesTheseFigures()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var note = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "timeloop.md"));
        foreach (var design in TimeloopNests.Designs)
        {
            var (total, timeloop) = (Priced(design).Total.Microjoules, Reference(design)[0]);
            var name = design == "eyeriss_like" ? "eyeriss_like (32 nm)" : design;
            // The whole row: total, ratio and each part against Timeloop's (MAC with its corrected figure in brackets).
            var report = Priced(design);
            var r = Reference(design);
            double Uj(string level) => report.Levels.Single(l => l.Level == level).Total.Microjoules;
            var pes = report.Levels.Skip(2).Sum(l => l.Total.Microjoules);
            Assert.That(readme, Does.Contain(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {timeloop:F2} | {total:F2} | {total / timeloop:F3}x | {report.Macs.Microjoules:F2} / {r[1]:F2} ({r[2]:F2}) | {pes:F2} / {r[3] + r[4]:F2} | {Uj("shared_glb"):F2} / {r[5]:F2} | {Uj("DRAM"):F2} / {r[6]:F2} |")), design);
            Assert.That(note, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"**{total:F2}** / {timeloop:F2} | **{total / timeloop:F3}x** |")), design);
        }
    }
}
