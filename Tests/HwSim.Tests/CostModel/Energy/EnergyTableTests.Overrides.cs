using NUnit.Framework;
using HwSim.CostModel.Energy;
using HwSim.Simulator.Counting;
using HwSim.Tests.Support;
using HwSim.Workloads;
using static HwSim.Tests.CostModel.Energy.EnergyTestContexts;

namespace HwSim.Tests.CostModel.Energy;

/// <summary>User override files: a row replaces the built-in one with the same key; bad files name the file, line and field.</summary>
public class EnergyTableOverrideTests
{
    private const string Header = "action,arithmetic,bits_a,bits_b,energy_pj,source,capacity_bytes,dram\n";

    [Test]
    public void ARowReplacesTheBuiltInOneAndTheLawFollows()
    {
        using var dir = new TempDir();
        var file = dir.File("mine.csv", Header + "multiply,integer,8,8,0.25,my synthesis run,,\n");
        var table = EnergyTable.Load(file);
        Assert.Multiple(() =>
        {
            Assert.That(table.Mult(8, 8), Is.EqualTo(0.25).Within(Exact));
            Assert.That(table.Mult(4, 4), Is.EqualTo(0.25 * 16 / 64).Within(Exact), "proportional below the (new) 8x8 point");
            Assert.That(table.Mult(32, 32), Is.EqualTo(3.1).Within(Exact), "other rows are kept");
            Assert.That(EnergyTable.Default.Mult(8, 8), Is.EqualTo(0.2).Within(Exact), "the default table is untouched");
            var row = table.Rows(At45nm).Single(r => r is { Action: EnergyAction.Multiply, Arithmetic: Arithmetic.Integer, BitsA: 8, BitsB: 8 });
            Assert.That(row.Origin, Is.EqualTo(RowOrigin.User));
            Assert.That(row.Source, Is.EqualTo("my synthesis run"));
        });
    }

    [Test]
    public void NewRowsAreAddedAndLaterFilesWin()
    {
        using var dir = new TempDir();
        var first = dir.File("a.csv", Header + "multiply,integer,4,2,0.02,synth A,,\nidle_pe_cycle,,,,0.001,leakage x clock period from synth A,,\n");
        var second = dir.File("b.csv", "source,action,energy_pj,bits_a,bits_b,arithmetic\nsynth B,multiply,0.03,4,2,int\n");
        var table = EnergyTable.Load(first, second);
        Assert.Multiple(() =>
        {
            Assert.That(table.Mult(4, 2), Is.EqualTo(0.03).Within(Exact));
            Assert.That(table.Mult(2, 4), Is.EqualTo(0.2 * 8 / 64).Within(Exact), "b_w x b_a is keyed in order: 2x4 still follows the law");
            Assert.That(table.Pj(ActionKey.Simple(PrimitiveAction.IdlePeCycle)), Is.EqualTo(0.001).Within(Exact), "leakage when a row gives it");
            Assert.That(table.Rows(At45nm).Count(r => r.Origin == RowOrigin.User), Is.EqualTo(2));
        });
    }

    [Test]
    public void UserSramPointsJoinTheFitAndBecomeAnchors()
    {
        using var dir = new TempDir();
        var file = dir.File("sram.csv", Header + "sram_read_word,,64,,50,my CACTI run 512 KB,524288,\nsram_read_word,,64,,11,my CACTI run 8 KB,8192,\n");
        var table = EnergyTable.Load(file);
        var read = table.Fits[0];
        Assert.Multiple(() =>
        {
            Assert.That(table.SramRead(524288, 64), Is.EqualTo(50).Within(Exact));
            Assert.That(table.SramRead(8192, 64), Is.EqualTo(11).Within(Exact), "replaces Horowitz's 8 KB point");
            Assert.That(read.Points, Has.Count.EqualTo(7));
            Assert.That(read.Points.Single(p => p.CapacityBytes == 524288).IsAnchor, Is.True);
        });
    }

    [Test]
    public void LoadWithoutFilesIsTheDefault() => Assert.That(EnergyTable.Load(), Is.SameAs(EnergyTable.Default));

    [Test]
    public void AMissingFileIsNamed()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "nope.csv");
        var e = Assert.Throws<InputException>(() => EnergyTable.Load(path))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Rule, Is.EqualTo("file not found"));
            Assert.That(e.File, Is.EqualTo(path));
        });
    }

    [TestCase("frobnicate,,,,1,src,,", 2, "action", "unknown action 'frobnicate'")]
    [TestCase("add,integer,8,,abc,src,,", 2, "energy_pj", "'abc' is not a number")]
    [TestCase("add,integer,8,,-0.5,src,,", 2, "energy_pj", "cannot be negative")]
    [TestCase("add,integer,8,,0.03,,,", 2, "source", "needs its source")]
    [TestCase("add,integer,8,,0.03,\"\",,", 2, "source", "needs its source")]
    [TestCase("multiply,integer,x,8,0.1,src,,", 2, "bits_a", "'x' is not a whole number")]
    [TestCase("multiply,integer,8,,0.1,src,,", 2, "bits_b", "is empty")]
    [TestCase("multiply,integer,0,8,0.1,src,,", 2, "bits_a", "at least 1")]
    [TestCase("multiply,fp17,16,16,1,src,,", 2, "arithmetic", "unknown arithmetic 'fp17'")]
    [TestCase("multiply,fp16,8,8,1,src,,", 2, "bits_a", "must be empty or 16")]
    [TestCase("multiply,integer,8,8,0,src,,", 2, "energy_pj", "more than 0")]
    [TestCase("register_read_bit,integer,1,,0.01,src,,", 2, "arithmetic", "has no arithmetic")]
    [TestCase("sram_read_word,,64,,5,src,,", 2, "capacity_bytes", "is empty")]
    [TestCase("add,integer,8,,0.03,src,1024,", 2, "capacity_bytes", "only SRAM rows")]
    [TestCase("dram_read_bit,,,,5,src,,ddr9", 2, "dram", "unknown DRAM type 'ddr9'")]
    [TestCase("dram_read_bit,,,,5,src,,", 2, "dram", "needs its type")]
    [TestCase("add,integer,8,,0.03,src\n", 2, null, "the row has 6 fields but the header has 8")]
    [TestCase("add,integer,8,,0.03,src,,\nadd,int,8,,0.04,other,,", 3, "action", "same key")]
    [TestCase("# a comment\n\nadd,integer,8,,0.03,src,,\nshift_accumulate,,,,0.1,src,,", 5, "bits_a", "is empty")]
    public void BadRowsNameFileLineAndField(string rows, int line, string? field, string rulePart)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.csv", Header + rows + "\n");
        var e = Assert.Throws<InputException>(() => EnergyTable.Load(path))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.File, Is.EqualTo(path));
            Assert.That(e.Location, Is.EqualTo($"line {line}"));
            Assert.That(e.Field, Is.EqualTo(field));
            Assert.That(e.Rule, Does.Contain(rulePart));
            Assert.That(e.Message, Does.StartWith(path));
        });
    }

    [TestCase("action,energy_pj,source,colour\n", "colour", "unknown column 'colour'")]
    [TestCase("action,energy_pj\n", "source", "missing column 'source'")]
    [TestCase("action,action,energy_pj,source\n", "action", "appears twice")]
    [TestCase("# only a comment\n", null, "no header line")]
    public void BadHeadersNameLineOne(string text, string? field, string rulePart)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.csv", text);
        var e = Assert.Throws<InputException>(() => EnergyTable.Load(path))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.File, Is.EqualTo(path));
            Assert.That(e.Location, Is.EqualTo("line 1"));
            Assert.That(e.Field, Is.EqualTo(field));
            Assert.That(e.Rule, Does.Contain(rulePart));
        });
    }
}
