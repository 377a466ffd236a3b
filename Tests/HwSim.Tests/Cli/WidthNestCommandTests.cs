using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

/// <summary>
/// <c>hwsim width --arch</c> a nest design: the baseline and each widened network are what <c>hwsim energy</c> prints for them on
/// the design (the same nest study); without a clock the latency ratio is the cycle ratio. docs/examples/nest/tiny_cnn.csv keeps
/// each run to seconds.
/// </summary>
public sealed class WidthNestCommandTests
{
    private static readonly string Tiny = Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "tiny_cnn.csv");

    private static JsonElement Json(CliResult r)
    {
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static JsonElement EnergyTotals(params string[] policy) =>
        Json(CliRunner.Run(["energy", Tiny, "--arch", "eyeriss-rs", .. policy, "-f", "json", "-q"])).GetProperty("totals");

    [Test]
    public void BaselineAndWidthOne_AreWhatEnergyPrints()
    {
        var root = Json(CliRunner.Run("width", Tiny, "--arch", "eyeriss-rs", "--wbits", "8", "--abits", "8", "--widths", "1,1.5", "-f", "json", "-q"));
        // The baseline is tiny_cnn as written (fp32 throughout); k = 1 is W8A8 with fp32 first/last, hwsim energy's default with --wbits.
        var fp32 = EnergyTotals();
        var w8a8 = EnergyTotals("--wbits", "8", "--abits", "8");
        var baseline = root.GetProperty("baseline_costs");
        var one = root.GetProperty("widths")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("architecture").GetString(), Is.EqualTo("eyeriss-rs"));
            Assert.That(baseline.GetProperty("cycles").GetInt64(), Is.EqualTo(fp32.GetProperty("cycles").GetInt64()));
            Assert.That(baseline.GetProperty("energy_pj").GetDouble(), Is.EqualTo(fp32.GetProperty("energy_pj").GetDouble()).Within(1e-12).Percent);
            Assert.That(one.GetProperty("macs").GetInt64(), Is.EqualTo(1_292_800L));
            Assert.That(one.GetProperty("cycles").GetInt64(), Is.EqualTo(w8a8.GetProperty("cycles").GetInt64()));
            Assert.That(one.GetProperty("energy_pj").GetDouble(), Is.EqualTo(w8a8.GetProperty("energy_pj").GetDouble()).Within(1e-12).Percent);
            Assert.That(one.GetProperty("latency_ratio").GetDouble(),
                Is.EqualTo((double)one.GetProperty("cycles").GetInt64() / baseline.GetProperty("cycles").GetInt64()), "no clock: the cycle ratio");
        }
    }

    [Test]
    public void Table_NamesBothAreasWhenTheFormatsDiffer()
    {
        var r = CliRunner.Run("width", Tiny, "--arch", "eyeriss-rs", "--wbits", "8", "--abits", "8", "--baseline", "int8", "--widths", "1", "-q");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Output, Does.Contain("for the baseline,").And.Contain("widened: eyeriss-rs's MACs and registers are sized for each network's formats"));
    }

    [Test]
    public void ANetworkTheDesignCannotRun_IsRefused() =>
        BadInputTests.AssertOneLineError(CliRunner.Run("width", Tiny, "--arch", Path.Combine(RepoPaths.Root, "docs", "examples", "nest", "stripes_like.yaml"), "--widths", "1,2", "-q"),
            "the fp32 baseline: layer 'conv1' does not run on stripes_like", "bit-serial");

    [Test]
    public void FixedMapping_IsRefused() =>
        BadInputTests.AssertOneLineError(CliRunner.Run("width", Tiny, "--arch", "eyeriss-rs", "--mapping", "fixed"), "--mapping", "no fixed schedule");
}
