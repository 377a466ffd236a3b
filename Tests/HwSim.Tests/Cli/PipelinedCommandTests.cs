using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary><c>simulate</c> and <c>energy</c> on a layer-pipelined architecture: the pipeline's figures in text and JSON, and the assignment errors.</summary>
[TestFixture]
public sealed class PipelinedCommandTests
{
    private static string Cnv => Path.Combine(RepoPaths.Root, "examples", "cnv-w1a1", "cnv-w1a1.csv");

    [Test]
    public void Simulate_Json_HasThePipeline()
    {
        var r = CliRunner.Run("simulate", Cnv, "--arch", "finn-like", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var p = JsonDocument.Parse(r.Output).RootElement.GetProperty("pipeline");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p.GetProperty("complete").GetBoolean(), Is.True);
            Assert.That(p.GetProperty("bottleneck").GetString(), Is.EqualTo("fc6"));
            Assert.That(p.GetProperty("bottleneck_cycles").GetInt64(), Is.EqualTo(32_769));
            Assert.That(p.GetProperty("latency_cycles").GetInt64(), Is.EqualTo(223_065));
            Assert.That(p.GetProperty("fifo_bits").GetInt64(), Is.EqualTo(174));
            Assert.That(p.GetProperty("inferences_per_second").GetDouble(), Is.EqualTo(1e8 / 32_769).Within(1e-9).Percent);
            Assert.That(p.GetProperty("stages").GetArrayLength(), Is.EqualTo(9));
        }
    }

    [Test]
    public void Simulate_Text_ShowsThroughputBottleneckAndFifos()
    {
        var r = CliRunner.Run("simulate", Cnv, "--arch", "finn-like");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("layer pipeline").And.Contain("3051.7 inferences/s").And.Contain("fc6 (32,769 cycles").And.Contain("174 bits"));
    }

    [Test]
    public void Energy_PricesTheWaitingCycles_AndReportsSteadyStatePower()
    {
        var r = CliRunner.Run("energy", Cnv, "--arch", "finn-like", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var root = JsonDocument.Parse(r.Output).RootElement;
        var p = root.GetProperty("pipeline");
        var perInferenceJ = root.GetProperty("totals").GetProperty("energy_per_inference_uj").GetDouble() * 1e-6;
        Assert.That(p.GetProperty("average_power_w").GetDouble(), Is.EqualTo(perInferenceJ * 1e8 / 32_769).Within(1e-9).Percent);
    }

    [Test]
    public void Energy_Text_TakesThroughputAndPowerFromThePipelineOnly()
    {
        var r = CliRunner.Run("energy", Cnv, "--arch", "finn-like");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        // The per-inference table keeps energy and latency; throughput, power and TOPS are the pipeline's (stages overlap).
        Assert.That(r.Output.Split("average power").Length - 1, Is.EqualTo(1), r.Output);
        Assert.That(r.Output, Does.Contain("average power in steady state").And.Contain("3051.7 inferences/s"));
    }

    [Test]
    public void Sequential_Json_HasNoPipeline()
    {
        var r = CliRunner.Run("simulate", "alexnet", "--wbits", "4", "--abits", "4", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(JsonDocument.Parse(r.Output).RootElement.TryGetProperty("pipeline", out _), Is.False);
    }

    [Test]
    public void AnUnknownExecution_IsOneErrorNamingFileLineAndField()
    {
        using var dir = new TempDir();
        var yaml = dir.File("arch.yaml", "version: 1\nname: x\nexecution: dataflow\nunits: [{ name: a, kind: xnor, rows: 1, cols: 4 }]\n");
        var r = CliRunner.Run("simulate", "alexnet", "--arch", yaml);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.Error, Does.Contain($"{yaml}, line 3, field 'execution': unknown execution 'dataflow' (expected layer_sequential or layer_pipelined)"));
            Assert.That(r.Output, Is.Empty);
        }
    }

    [TestCase("simulate")]
    [TestCase("energy")]
    public void ALayerWithoutItsUnit_IsOneErrorNamingFileLayerFieldAndRule(string verb)
    {
        using var dir = new TempDir();
        var csv = dir.File("nounit.csv", "name,c,h,w,k,r,s,weight_format,input_format,unit\nc1,16,6,6,8,3,3,binary,binary,l1\nc2,8,4,4,8,3,3,binary,binary,\n");
        var r = CliRunner.Run(verb, csv, "--arch", "finn-like");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
            Assert.That(r.Error, Does.Contain($"{csv}, layer 'c2', field 'unit': architecture 'finn-like' runs layer_pipelined: every layer needs its own unit"));
            Assert.That(r.Error, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(r.Output, Is.Empty);
        }
    }
}
