using System.Text.Json;
using HwSim.Tests.Support;
using HwSim.Workloads.Import.Csv;
using HwSim.Workloads.Zoo;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class WorkloadCommandTests
{
    [Test]
    public void TableShowsLayersAndTotals()
    {
        var r = CliRunner.Run("workload", "resnet18");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("layer2.0.downsample.0 (shortcut)").And.Contain("1,814,073,344").And.Contain("11,689,512"));
        Assert.That(r.Error, Is.Empty);
    }

    [Test]
    public void JsonHasSnakeCaseKeysAndTotals()
    {
        var r = CliRunner.Run("workload", "resnet18", "--wbits", "4", "--abits", "2", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        var totals = root.GetProperty("totals");
        var layers = root.GetProperty("layers");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("name").GetString(), Is.EqualTo("resnet18"));
            Assert.That(totals.GetProperty("macs").GetInt64(), Is.EqualTo(1_814_073_344L));
            Assert.That(totals.GetProperty("params").GetInt64(), Is.EqualTo(11_689_512L));
            Assert.That(totals.GetProperty("layers").GetInt32(), Is.EqualTo(21));
            // fp32 first/last: 32*32*(118,013,952 + 512,000); int4 x uint2 inner: 4*2*1,695,547,392.
            Assert.That(totals.GetProperty("bit_operations").GetInt64(), Is.EqualTo(32L * 32 * 118_525_952 + 4L * 2 * 1_695_547_392));
            Assert.That(layers.GetArrayLength(), Is.EqualTo(21));
            Assert.That(layers[0].GetProperty("role").GetString(), Is.EqualTo("first"));
            Assert.That(layers[0].GetProperty("weight_format").GetString(), Is.EqualTo("fp32"));
            Assert.That(layers[1].GetProperty("weight_format").GetString(), Is.EqualTo("int4"));
            Assert.That(layers[1].GetProperty("input_format").GetString(), Is.EqualTo("uint2"));
            Assert.That(layers[1].GetProperty("kind").GetString(), Is.EqualTo("conv"));
            Assert.That(layers[1].GetProperty("macs").GetInt64(), Is.EqualTo(115_605_504L));
            Assert.That(layers[20].GetProperty("role").GetString(), Is.EqualTo("last"));
        });
    }

    [Test]
    public void AnInfiniteSqnrIsWrittenAsExactInJson()
    {
        // The quantizer writes sqnr_db 'inf' for a layer whose output is bit-identical (its fp32 first layer); JSON has
        // no infinity, so the layer says output_exact instead (this printed a stack trace before).
        using var dir = new TempDir();
        var csv = dir.File("q.csv", """
            name,kind,n,c,h,w,k,r,s,stride,pad,groups,weight_format,input_format,sqnr_db
            conv1,conv,1,3,8,8,4,3,3,1,1,1,fp32,fp32,inf
            conv2,conv,1,4,8,8,4,3,3,1,1,1,int4,uint2,21.5
            """);
        var r = CliRunner.Run("workload", csv, "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var layers = doc.RootElement.GetProperty("layers");
        Assert.Multiple(() =>
        {
            Assert.That(layers[0].GetProperty("output_exact").GetBoolean(), Is.True);
            Assert.That(layers[0].GetProperty("statistics").TryGetProperty("output_sqnr_db", out _), Is.False);
            Assert.That(layers[1].GetProperty("statistics").GetProperty("output_sqnr_db").GetDouble(), Is.EqualTo(21.5));
            Assert.That(layers[1].TryGetProperty("output_exact", out _), Is.False);
        });
    }

    [Test]
    public void CsvOutputWrittenAtomicallyReadsBackEqual()
    {
        using var dir = new TempDir();
        var path = dir.File("r18.csv");
        var r = CliRunner.Run("workload", "resnet18", "--wbits", "1", "--abits", "1", "--real-downsample", "--format", "csv", "-o", path);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Is.Empty);
        Assert.That(Directory.GetFiles(dir.Path), Has.Length.EqualTo(1), "no temporary file left behind");
        var back = WorkloadCsv.Read(path);
        Assert.That(back.Layers.Count(l => l.Precision.Weight.Name == "binary"), Is.EqualTo(21 - 2 - 3));

        var again = CliRunner.Run("workload", path, "--format", "json");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(JsonDocument.Parse(again.Output).RootElement.GetProperty("totals").GetProperty("macs").GetInt64(), Is.EqualTo(1_814_073_344L));
    }

    [Test]
    public void NetworksListsTheZoo()
    {
        var r = CliRunner.Run("networks", "--format", "csv");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var lines = r.Output.Trim().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1 + NetworkZoo.Names.Length));
        Assert.That(lines, Has.Some.StartsWith("vgg16,16,15470264320,138357544,86704128,4096000,"));
    }

    [Test]
    public void HelpListsVerbsAndOptionsWithDefaults()
    {
        var root = CliRunner.Run("--help");
        Assert.That(root.ExitCode, Is.Zero);
        Assert.That(root.Output, Does.Contain("networks").And.Contain("workload"));
        var verb = CliRunner.Run("workload", "--help");
        Assert.That(verb.Output, Does.Contain("--wbits").And.Contain("--first-last").And.Contain("--real-downsample").And.Contain("--format"));
    }
}
