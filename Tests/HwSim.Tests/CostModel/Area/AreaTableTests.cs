using HwSim.CostModel.Area;
using HwSim.CostModel.Technology;
using HwSim.Tests.Support;
using HwSim.Workloads;
using NUnit.Framework;

namespace HwSim.Tests.CostModel.Area;

/// <summary>The built-in table holds the published points with their sources; user files override it.</summary>
[TestFixture]
public sealed class AreaTableTests
{
    private const string Header = "component,bits_a,bits_b,area_um2,source\n";

    [Test]
    public void Default_HoldsThePublishedPoints_EachWithASourceAndStatus()
    {
        var entries = AreaTable.Default.Entries;
        Assert.That(entries, Has.Length.EqualTo(19));
        Assert.That(entries.Select(e => e.Key), Is.Unique);
        foreach (var e in entries)
            Assert.That(e.Source, Does.Match(@"\((C|P|S)[;)]"), $"{e.Component} {e.BitsA}/{e.BitsB} cites a status letter");
        var horowitz = entries.Where(e => e.Source.StartsWith("Horowitz", StringComparison.Ordinal)).ToArray();
        Assert.That(horowitz, Has.Length.EqualTo(8));
        Assert.That(horowitz.Select(e => e.Source), Has.All.Contain("not confirmed"));
        Assert.That(entries.Single(e => e.Component == "fusion_unit").Area.Value, Is.EqualTo(1734.6));
        Assert.That(entries.Single(e => e.Component == "pe_fusible").Area.Value, Is.EqualTo(354.4));
    }

    [Test]
    public void Rows_At45nm_AreTheEntries_ThenDerivedRows_And7nmScalesEveryRowBy0059()
    {
        var at45 = AreaTable.Default.Rows(TechnologyScaling.Identity45nm);
        var at7 = AreaTable.Default.Rows(TechnologyScaling.From45nm(7));
        Assert.That(at45.Take(19), Is.EqualTo(AreaTable.Default.Entries));
        Assert.That(at45.Skip(19).Select(r => r.Component), Is.EqualTo(new[] { "full_adder", "and_gate", "xnor_gate", "pe_fp16", "pe_fp32" }));
        Assert.That(at45.Skip(19).Select(r => r.Source), Has.All.StartWith("D: "));
        for (var i = 0; i < at45.Count; i++)
        {
            Assert.That(at7[i].Area.Value, Is.EqualTo(0.059 * at45[i].Area.Value).Within(1e-12).Percent, at45[i].Component);
            Assert.That(at7[i].Source, Does.Contain("7nm HP"));
        }
        foreach (var row in at45)
            TestContext.Out.WriteLine($"{row.Component},{row.BitsA},{row.BitsB},{row.Area.Value:G6},{row.Source}");
    }

    [Test]
    public void Fits_ReportTheSramPowerLaw()
    {
        var fit = AreaTable.Default.Fits.Single();
        Assert.That(fit.Name, Is.EqualTo("sram area per bit"));
        Assert.That(fit.Points.Select(p => p.X), Is.EqualTo(new[] { 3072.0, 1048576.0 }));
        Assert.That(fit.ToString(), Does.Contain("max relative residual"));
    }

    [Test]
    public void Load_ReplacesARowWithTheSameKey_AndAddsNewOnes()
    {
        using var dir = new TempDir();
        var file = dir.File("mine.csv", Header
            + "# my own synthesis\n"
            + "pe_int,8,8,400,my 45 nm synthesis (P)\n"
            + "PE_INT,6,6,300,\"my synthesis, 6 bits (P)\"\n");
        var table = AreaTable.Load(file);
        var laws = table.Laws;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Entries, Has.Length.EqualTo(20));
            Assert.That(laws.PeInt(8, 8).Area.Value, Is.EqualTo(400));
            Assert.That(laws.PeInt(8, 8).Source, Is.EqualTo("my 45 nm synthesis (P)"));
            Assert.That(laws.PeInt(6, 6).Area.Value, Is.EqualTo(300));
            Assert.That(laws.PeInt(6, 6).Source, Is.EqualTo("my synthesis, 6 bits (P)"));
            Assert.That(laws.PeInt(4, 4).Area.Value, Is.EqualTo(191.6), "untouched rows stay");
            Assert.That(AreaTable.Default.Laws.PeInt(8, 8).Area.Value, Is.EqualTo(510.7), "the default is not changed");
        }
    }

    [Test]
    public void Load_LaterFilesWin_AndSramOverridesRefitTheLaw()
    {
        using var dir = new TempDir();
        var first = dir.File("a.csv", Header + "register,1,0,7,first (P)\n");
        var second = dir.File("b.csv", Header + "register,1,0,8,second (P)\nsram,8388608,128,3000000,my CACTI run (C)\n");
        var table = AreaTable.Load(first, second);
        Assert.That(table.Laws.RegisterBit.Area.Value, Is.EqualTo(8));
        Assert.That(table.Fits.Single().Points, Has.Length.EqualTo(3));
        Assert.That(table.Laws.Sram.Area(8388608).Area.Value, Is.EqualTo(3000000));
    }

    [Test]
    public void Load_MissingFile_SaysFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), "hwsim-no-such-area-table.csv");
        var e = Assert.Throws<InputException>(() => AreaTable.Load(path))!;
        Assert.That(e.Rule, Is.EqualTo("file not found"));
        Assert.That(e.File, Is.EqualTo(path));
    }

    [TestCase("pe_int,8,8,big,x (P)\n", "area_um2", "'big' is not a number")]
    [TestCase("pe_int,8,8,-3,x (P)\n", "area_um2", "must be positive")]
    [TestCase("pe_int,8,8,0,x (P)\n", "area_um2", "must be positive")]
    [TestCase("pe_int,8,8,NaN,x (P)\n", "area_um2", "is not a number")]
    [TestCase("pe_int,eight,8,500,x (P)\n", "bits_a", "not a whole number")]
    [TestCase("pe_int,8,-1,500,x (P)\n", "bits_b", "not a whole number")]
    [TestCase("pe_int,8,8,500,\n", "source", "needs its source")]
    [TestCase("adder,8,0,36,x (P)\n", "component", "unknown component 'adder'")]
    [TestCase("int_add,8,8,36,x (P)\n", "bits_b", "bits_b must be 0")]
    [TestCase("register,8,0,40,x (P)\n", "bits_a", "bits_a must be 1")]
    [TestCase("fp_add,8,0,400,x (P)\n", "bits_a", "16 or 32")]
    [TestCase("fp_mult,16,32,400,x (P)\n", "bits_b", "must equal bits_a")]
    [TestCase("sram,4096,0,2000,x (P)\n", "bits_b", "at least 1")]
    [TestCase("pe_int,5000,8,500,x (P)\n", "bits_a", "at most 4096")]
    public void Load_BadField_NamesFileLineAndField(string row, string field, string rule)
    {
        using var dir = new TempDir();
        var file = dir.File("bad.csv", "# comment\n" + Header + "register,1,0,6,ok (P)\n" + row);
        var e = Assert.Throws<InputException>(() => AreaTable.Load(file))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.File, Is.EqualTo(file));
            Assert.That(e.Location, Is.EqualTo("line 4"));
            Assert.That(e.Field, Is.EqualTo(field));
            Assert.That(e.Rule, Does.Contain(rule));
        }
    }

    [TestCase("component,bits,area_um2,source\npe_int,8,400,x\n", "line 1", "the header must be")]
    [TestCase("", "line 1", "no header line")]
    [TestCase(Header + "pe_int,8,8,400\n", "line 2", "has 4 fields, expected 5")]
    [TestCase(Header + "pe_int,8,8,400,a (P)\npe_int,8,8,410,b (P)\n", "line 3", "appears twice (first on line 2)")]
    public void Load_BadFile_NamesFileAndLine(string contents, string location, string rule)
    {
        using var dir = new TempDir();
        var file = dir.File("bad.csv", contents);
        var e = Assert.Throws<InputException>(() => AreaTable.Load(file))!;
        Assert.That(e.File, Is.EqualTo(file));
        Assert.That(e.Location, Is.EqualTo(location));
        Assert.That(e.Rule, Does.Contain(rule));
    }
}
