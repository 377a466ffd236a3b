using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class AreaCommandTests
{
    [Test]
    public void JsonTotalEqualsTheSumOfUnitsAndBuffers()
    {
        var r = CliRunner.Run("area", "--arch", "lowbit-default", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        var parts = root.GetProperty("units").EnumerateArray().Sum(u => u.GetProperty("area_um2").GetDouble())
                    + root.GetProperty("buffers").EnumerateArray().Sum(b => b.GetProperty("area_um2").GetDouble());
        // Same doubles summed in the same order as the report: exact.
        Assert.That(root.GetProperty("total_um2").GetDouble(), Is.EqualTo(parts));
        Assert.That(root.GetProperty("total_mm2").GetDouble(), Is.EqualTo(parts * 1e-6).Within(1e-12));
        Assert.That(root.GetProperty("units").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public void SevenNanometreIsTheStillmakerFactorOf45()
    {
        static double Total(string tech)
        {
            var r = CliRunner.Run("area", "--arch", "tpu-like", "--tech", tech, "--format", "json");
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            return JsonDocument.Parse(r.Output).RootElement.GetProperty("total_um2").GetDouble();
        }
        Assert.That(Total("7nm"), Is.EqualTo(0.059 * Total("45nm")).Within(1e-9).Percent);
    }

    [TestCase("--tech", "28nm", "no Stillmaker-Baas row for 28 nm")]
    [TestCase("--tech", "fast", "'fast' is not a node")]
    [TestCase("--flavor", "ulp", "must be hp or lp")]
    [TestCase("--area-table", "/nonexistent/area.csv", "file not found")]
    public void BadOptionsAreOneLineErrors(string option, string value, string message)
    {
        var r = CliRunner.Run("area", option, value);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Error, Does.Contain(message));
    }
}
