using System.Text.Json;
using HwSim.CostModel.Memory;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class TableSramCommandTests
{
    [Test]
    public void JsonIsOneObjectWithTheFourFiguresOfTheTable()
    {
        var r = CliRunner.Run("table", "--what", "sram", "--capacity-kb", "128", "--word-bits", "16", "--banks", "1", "--tech", "45nm", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var o = doc.RootElement;
        var row = SramTable.Default.Points.Single(p => p.CapacityBytes == 131072 && p.WordBits == 16 && p.Banks == 1).Figures;
        Assert.Multiple(() =>
        {
            Assert.That(o.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(o.GetProperty("read_pj").GetDouble(), Is.EqualTo(row.ReadPj));
            Assert.That(o.GetProperty("write_pj").GetDouble(), Is.EqualTo(row.WritePj));
            Assert.That(o.GetProperty("leakage_mw").GetDouble(), Is.EqualTo(row.LeakageMw));
            Assert.That(o.GetProperty("area_um2").GetDouble(), Is.EqualTo(row.AreaUm2));
            Assert.That(o.GetProperty("outside_table").GetBoolean(), Is.False);
            Assert.That(o.GetProperty("capacity_bytes").GetDouble(), Is.EqualTo(131072));
            Assert.That(o.GetProperty("grid_points").GetArrayLength(), Is.EqualTo(1));
            Assert.That(o.GetProperty("source").GetString(), Does.Contain("CACTI"));
        });
    }

    [Test]
    public void BanksDefaultToOneAndAnInterpolatedQueryListsItsCorners()
    {
        var r = CliRunner.Run("table", "--what", "sram", "--capacity-kb", "96", "--word-bits", "48", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        Assert.That(doc.RootElement.GetProperty("banks").GetInt32(), Is.EqualTo(1));
        Assert.That(doc.RootElement.GetProperty("grid_points").GetArrayLength(), Is.EqualTo(4));
        Assert.That(doc.RootElement.GetProperty("read_pj").GetDouble(), Is.EqualTo(SramTable.Default.Query(96 * 1024, 48, 1).Figures!.ReadPj));
    }

    [Test]
    public void OutsideTheTableIsAFlagWithNullFiguresNotAnError()
    {
        var r = CliRunner.Run("table", "--what", "sram", "--capacity-kb", "131072", "--word-bits", "64", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var o = doc.RootElement;
        Assert.That(o.GetProperty("outside_table").GetBoolean(), Is.True);
        Assert.That(o.GetProperty("read_pj").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(o.GetProperty("reason").GetString(), Does.Contain("outside the table's"));
    }

    [Test]
    public void TableFormatShowsTheFiguresAndTheSource()
    {
        var r = CliRunner.Run("table", "--what", "sram", "--capacity-kb", "128", "--word-bits", "16");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("pJ per access").And.Contain("CACTI 7").And.Contain("a grid point"));
    }

    [TestCase("--what sram --word-bits 16", "--capacity-kb", "is required")]
    [TestCase("--what sram --capacity-kb 128", "--word-bits", "is required")]
    [TestCase("--what sram --capacity-kb 0 --word-bits 16", "--capacity-kb", "positive")]
    [TestCase("--what sram --capacity-kb 128 --word-bits 0", "--word-bits", "at least 1")]
    [TestCase("--what sram --capacity-kb 128 --word-bits 16 --banks 0", "--banks", "at least 1")]
    [TestCase("--what sram --capacity-kb 128 --word-bits 16 --tech 7nm", "--tech", "45 nm only")]
    [TestCase("--what sram --capacity-kb 128 --word-bits 16 --vdd 0.8", "--vdd", "does not apply")]
    [TestCase("--what energy --capacity-kb 128", "--capacity-kb", "only to --what sram")]
    public void BadArgumentsAreOneLineAndExitTwo(string args, string field, string rule)
    {
        var r = CliRunner.Run(["table", .. args.Split(' ')]);
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), r.Error);
            Assert.That(r.Error, Does.Contain(field).And.Contain(rule));
            Assert.That(r.Output, Is.Empty);
        });
    }
}
