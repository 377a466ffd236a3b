using System.Globalization;
using HwSim.CostModel.Memory;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Memory;

public class SramTableTests
{
    private const string Commit = "1ffd8dfb10303d306ecd8d215320aea07651e878";
    private const string Header = "capacity_bytes,word_bits,banks,status,read_pj,write_pj,leakage_mw,area_um2,access_ns,cycle_ns,reason";

    // A 2 x 2 x 1 grid with round numbers, so the interpolation can be checked by hand; the
    // 8-bit word at 4096 B has read 4, write 8, leakage 16, area 32 (powers of two for exact logs).
    private static SramTable Small(string? extraRow = null) => SramTable.Read(new StringReader(
        $"# CACTI: test grid commit {Commit}\n{Header}\n" +
        "1024,8,1,ok,1,2,4,8,0.1,0.1,\n" +
        "4096,8,1,ok,4,8,16,32,0.1,0.1,\n" +
        "1024,32,1,ok,2,4,8,16,0.1,0.1,\n" +
        "4096,32,1,ok,16,32,64,128,0.1,0.1,\n" + (extraRow ?? "")), "small.csv");

    [Test]
    public void BuiltInTableParsesWithItsCommitAndTheWholeGrid()
    {
        var t = SramTable.Default;
        Assert.Multiple(() =>
        {
            Assert.That(t.CactiCommit, Is.EqualTo(Commit));
            Assert.That(t.Capacities.First(), Is.EqualTo(64));
            Assert.That(t.Capacities.Last(), Is.EqualTo(64L << 20));
            Assert.That(t.WordWidths, Is.EqualTo(new[] { 8, 16, 32, 64, 128, 256, 512, 1024, 2048 }));
            Assert.That(t.BankCounts.First(), Is.EqualTo(1));
            Assert.That(t.Points.Length + t.Skipped.Length, Is.EqualTo(t.Capacities.Length * t.WordWidths.Length * t.BankCounts.Length));
            Assert.That(t.Skipped.All(s => s.Reason.Length > 0), Is.True, "every skipped point carries CACTI's reason");
        });
    }

    [Test]
    public void AGridPointReturnsItsRowExactly()
    {
        // The row as the committed file holds it, read here without the library's parser.
        var path = Path.Combine(RepoPaths.Root, "CostModel", "Memory", "Data", "sram-cacti-45nm.csv");
        var row = File.ReadLines(path).Single(l => l.StartsWith("131072,16,1,", StringComparison.Ordinal)).Split(',');
        Assert.That(row[3], Is.EqualTo("ok"));
        var q = SramTable.Default.Query(131072, 16, 1);
        Assert.Multiple(() =>
        {
            Assert.That(q.Outside, Is.False);
            Assert.That(q.Figures!.ReadPj, Is.EqualTo(double.Parse(row[4], CultureInfo.InvariantCulture)));
            Assert.That(q.Figures.WritePj, Is.EqualTo(double.Parse(row[5], CultureInfo.InvariantCulture)));
            Assert.That(q.Figures.LeakageMw, Is.EqualTo(double.Parse(row[6], CultureInfo.InvariantCulture)));
            Assert.That(q.Figures.AreaUm2, Is.EqualTo(double.Parse(row[7], CultureInfo.InvariantCulture)));
            Assert.That(q.GridPoints, Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void BetweenCapacitiesTheFiguresFollowTheLogLogLine()
    {
        // 2048 B is halfway between 1024 and 4096 in ln C: the geometric mean, sqrt(1 x 4) = 2.
        var q = Small().Query(2048, 8, 1);
        Assert.Multiple(() =>
        {
            Assert.That(q.Figures!.ReadPj, Is.EqualTo(2).Within(1e-12));
            Assert.That(q.Figures.WritePj, Is.EqualTo(4).Within(1e-12));
            Assert.That(q.Figures.LeakageMw, Is.EqualTo(8).Within(1e-12));
            Assert.That(q.Figures.AreaUm2, Is.EqualTo(16).Within(1e-12));
            Assert.That(q.GridPoints.Select(p => p.CapacityBytes), Is.EquivalentTo(new long[] { 1024, 4096 }));
        });
    }

    [Test]
    public void BetweenWidthsTheFiguresAreLinear()
    {
        // 16 bits is a third of the way from 8 to 32: 1 + (2 - 1) / 3.
        var q = Small().Query(1024, 16, 1);
        Assert.That(q.Figures!.ReadPj, Is.EqualTo(4.0 / 3).Within(1e-12));
        Assert.That(q.GridPoints, Has.Length.EqualTo(2));
    }

    [Test]
    public void InsideACellCapacityIsLogLogThenWidthLinear()
    {
        // At 2048 B: 8-bit sqrt(1 x 4) = 2, 32-bit sqrt(2 x 16) = sqrt(32); 16 bits is a third of the way.
        var q = Small().Query(2048, 16, 1);
        Assert.That(q.Figures!.ReadPj, Is.EqualTo(2 + (Math.Sqrt(32) - 2) / 3).Within(1e-12));
        Assert.That(q.GridPoints, Has.Length.EqualTo(4));
    }

    [Test]
    public void OnTheBuiltInTableAnOffGridQueryMatchesTheFormulaOverItsRows()
    {
        var t = SramTable.Default;
        double Read(long c, int w) => t.Points.Single(p => p.CapacityBytes == c && p.WordBits == w && p.Banks == 1).Figures.ReadPj;
        // 96 KiB x 48 bits: between 64 and 128 KiB, 32 and 64 bits.
        var tc = (Math.Log(96 * 1024) - Math.Log(65536)) / (Math.Log(131072) - Math.Log(65536));
        double At(int w) => Math.Exp(Math.Log(Read(65536, w)) + tc * (Math.Log(Read(131072, w)) - Math.Log(Read(65536, w))));
        var expected = At(32) + (48 - 32) / 32.0 * (At(64) - At(32));
        Assert.That(t.Query(96 * 1024, 48, 1).Figures!.ReadPj, Is.EqualTo(expected).Within(1e-9).Percent);
    }

    [TestCase(512, 16, 1, "capacity 512 B is outside")]
    [TestCase(8192, 16, 1, "capacity 8,192 B is outside")]
    [TestCase(2048, 4, 1, "word width 4 bits is outside")]
    [TestCase(2048, 64, 1, "word width 64 bits is outside")]
    [TestCase(2048, 16, 2, "2 banks is not tabled")]
    public void OutsideTheGridIsFlaggedNotExtrapolated(double capacity, int bits, int banks, string reason)
    {
        var q = Small().Query(capacity, bits, banks);
        Assert.Multiple(() =>
        {
            Assert.That(q.Outside, Is.True);
            Assert.That(q.Figures, Is.Null);
            Assert.That(q.GridPoints, Is.Empty);
            Assert.That(q.Reason, Does.Contain(reason));
        });
    }

    [Test]
    public void ACellWithASkippedCornerIsFlaggedWithCactisReason()
    {
        var t = SramTable.Read(new StringReader(
            $"# CACTI: commit {Commit}\n{Header}\n" +
            "64,8,1,ok,1,1,1,1,0.1,0.1,\n128,8,1,ok,2,2,2,2,0.1,0.1,\n" +
            "64,2048,1,skipped,,,,,,,\"Number of sets is too small\"\n128,2048,1,ok,3,3,3,3,0.1,0.1,\n"), "t.csv");
        var q = t.Query(96, 1024, 1);
        Assert.That(q.Outside, Is.True);
        Assert.That(q.Reason, Does.Contain("64 B x 2048 bits x 1 banks").And.Contain("Number of sets is too small"));
        Assert.That(t.Query(128, 1024, 1).Outside, Is.False, "the column at 128 B is whole");
    }

    [Test]
    public void TheBuiltInTableHasNoCellFlaggedInsideTheBankOneGridAbove64KiB()
    {
        // Every 1-bank point from 64 KiB up was formed, so realistic global buffers are answered.
        var t = SramTable.Default;
        Assert.That(t.Skipped.Where(s => s.Banks == 1 && s.CapacityBytes >= 65536), Is.Empty);
    }

    [Test]
    public void CactiFormsExactlyTheArraysWithAtLeast64BytesAnd32WordsPerBank()
    {
        // The boundary the README states: below it HwSim needs a cited register-file figure.
        var t = SramTable.Default;
        static bool Formable(long c, int w, int b) => c / b >= 64 && c * 8 / w / b >= 32;
        Assert.Multiple(() =>
        {
            Assert.That(t.Points.Where(p => !Formable(p.CapacityBytes, p.WordBits, p.Banks)), Is.Empty);
            Assert.That(t.Skipped.Where(s => Formable(s.CapacityBytes, s.WordBits, s.Banks)), Is.Empty);
        });
    }

    [TestCase("# CACTI: no commit here\n" + Header + "\n", "CACTI commit")]
    [TestCase("# CACTI: commit " + Commit + "\ncapacity,bits\n", "header")]
    [TestCase("# CACTI: commit " + Commit + "\n" + Header + "\n64,8,1,maybe,,,,,,,\n", "field 'status'")]
    [TestCase("# CACTI: commit " + Commit + "\n" + Header + "\n64,8,1,ok,0,1,1,1,0.1,0.1,\n", "field 'read_pj'")]
    [TestCase("# CACTI: commit " + Commit + "\n" + Header + "\n64,8,1,skipped,,,,,,,\n", "field 'reason'")]
    [TestCase("# CACTI: commit " + Commit + "\n" + Header + "\n64,8,1,ok,1,1,1,1,0.1,0.1,\n64,8,1,ok,1,1,1,1,0.1,0.1,\n", "appears twice")]
    [TestCase("# CACTI: commit " + Commit + "\n" + Header + "\n64,8,1,ok,1,1,1,1,0.1,0.1,\n128,16,1,ok,1,1,1,1,0.1,0.1,\n", "every capacity x width x banks")]
    public void ABadTableNamesFileLineAndRule(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => SramTable.Read(new StringReader(text), "bad.csv"));
        Assert.That(e!.Message, Does.StartWith("bad.csv").And.Contain(message));
    }
}
