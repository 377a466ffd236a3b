using HwSim.Analyses.Compare;
using HwSim.Analyses.Datapaths;
using HwSim.CostModel.Evaluation;
using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Zoo;
using HwSim.Workloads.Precision;
using NUnit.Framework;

namespace HwSim.Tests.Analyses.Datapaths;

/// <summary>
/// The datapath study (issue 14 item 4) on ResNet-18, first/last int8, at the default cost
/// setting: figures pinned from docs/datapaths/resnet18.csv, which `hwsim datapaths resnet18 -f csv`
/// wrote (docs/datapaths/README.md). Cycles and layer counts exactly; energy and TOPS/W to a
/// relative 1e-9 (sums of doubles in a fixed order; the tolerance only absorbs a reordering).
/// </summary>
[TestFixture]
public sealed class DatapathStudyTests
{
    private const double Relative = 1e-9;

    private static DatapathStudy Study(params string[] archs) =>
        DatapathStudy.Run(NetworkZoo.Get("resnet18"), [.. archs.Select(a => new ComparedArchitecture(a, null, Presets.Get(a)))],
            [new DatapathPrecision(1, 1), new DatapathPrecision(2, 2), new DatapathPrecision(4, 4), new DatapathPrecision(8, 8)],
            FirstLastFormat.Keep(HwSim.Workloads.Formats.NumberFormat.Int(8)), CostSetting.Default);

    [Test]
    public void PinnedFigures_MatchTheCommittedTable()
    {
        var s = Study("bitfusion-like", "loom-like", "bismo-like", "lowbit-default", "dadn-like");
        var (w1, w2, w4, w8) = (new DatapathPrecision(1, 1), new DatapathPrecision(2, 2), new DatapathPrecision(4, 4), new DatapathPrecision(8, 8));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s.Points, Has.Length.EqualTo(20));
            Assert.That(s["bitfusion-like", w8].Figures.Cycles, Is.EqualTo(8_282_750));
            Assert.That(s["bitfusion-like", w8].Figures.EnergyUj, Is.EqualTo(3735.8869550557984).Within(Relative).Percent);
            Assert.That(s["loom-like", w4].Figures.Cycles, Is.EqualTo(1_694_519));
            Assert.That(s["loom-like", w4].Figures.EnergyUj, Is.EqualTo(1903.6003535671996).Within(Relative).Percent, "HBM2 (2199.457 at LPDDR4)");
            Assert.That(s["lowbit-default", w2].Figures.Cycles, Is.EqualTo(1_384_861));
            Assert.That(s["lowbit-default", w2].Figures.TopsPerWatt, Is.EqualTo(4.1142106115631085).Within(Relative).Percent);
            Assert.That(s["bismo-like", w1].Figures.Cycles, Is.EqualTo(1_431_944), "drain overlapped (1,719,464 with serial drains)");
            Assert.That(s["bismo-like", w1].Figures.EnergyUj, Is.EqualTo(2441.8043192247915).Within(Relative).Percent, "DDR3 (786.605 at LPDDR4)");
            Assert.That(s["dadn-like", w8].Figures.Cycles, Is.EqualTo(978_581), "drain overlapped (1,009,042 with serial drains)");
            Assert.That(s["dadn-like", w8].Figures.EnergyUj, Is.EqualTo(43733.7).Within(0.05), "unchanged by the drain");
        }
    }

    [Test]
    public void LowerPrecision_IsNeverSlowerOnABitSerialUnit()
    {
        // Loom's cycles scale with w x a bits (Sharify et al., DAC 2018); fewer bits never add cycles.
        var s = Study("loom-like");
        var cycles = s.Precisions.Select(p => s["loom-like", p].Figures.Cycles).ToList();
        Assert.That(cycles, Is.Ordered.Ascending);
    }

    [TestCase("W2A4", 2, 4)]
    [TestCase(" w8a1 ", 8, 1)]
    public void Parse_ReadsWeightAndActivationBits(string text, int w, int a) =>
        Assert.That(DatapathPrecision.Parse(text), Is.EqualTo(new DatapathPrecision(w, a)));

    [TestCase("W2", "W<bits>A<bits>")]
    [TestCase("A2W2", "W<bits>A<bits>")]
    [TestCase("W0A2", "1 to 16")]
    [TestCase("W2A17", "1 to 16")]
    [TestCase("W-1A2", "W<bits>A<bits>")]
    public void Parse_RejectsBadText(string text, string rule)
    {
        var e = Assert.Throws<InputException>(() => DatapathPrecision.Parse(text, "--precisions"));
        Assert.That(e!.Field, Is.EqualTo("--precisions"));
        Assert.That(e.Rule, Does.Contain(rule));
    }

    [Test]
    public void ParseList_RejectsRepeats()
    {
        var e = Assert.Throws<InputException>(() => DatapathPrecision.ParseList("W1A1,W2A2,w1a1"));
        Assert.That(e!.Rule, Does.Contain("W1A1 is given twice"));
    }

    [Test]
    public void Run_RejectsTwoArchitecturesWithOneName()
    {
        var arch = new ComparedArchitecture("loom-like", null, Presets.Get("loom-like"));
        var e = Assert.Throws<InputException>(() => DatapathStudy.Run(NetworkZoo.Get("resnet18"), [arch, arch], DatapathPrecision.Default,
            FirstLastFormat.Same, CostSetting.Default));
        Assert.That(e!.Rule, Does.Contain("named 'loom-like'"));
    }

    [Test]
    public void Default_IsIssue14sGrid() =>
        Assert.That(DatapathPrecision.Default.Select(p => p.Label), Is.EqualTo(new[]
        {
            "W1A1", "W1A2", "W1A4", "W1A8", "W2A1", "W2A2", "W2A4", "W2A8",
            "W4A1", "W4A2", "W4A4", "W4A8", "W8A1", "W8A2", "W8A4", "W8A8",
        }));
}
