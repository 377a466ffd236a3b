using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Cli;

public class EnergyCommandTests
{
    private static JsonElement Energy(params string[] extra)
    {
        var r = CliRunner.Run(["energy", "resnet18", "--wbits", "4", "--abits", "2", "--format", "json", .. extra]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    [Test]
    public void TotalsEqualTheBreakdownAndTheLayers()
    {
        var root = Energy();
        var totals = root.GetProperty("totals");
        var total = totals.GetProperty("energy_pj").GetDouble();
        var b = totals.GetProperty("breakdown");
        var byComponent = b.GetProperty("compute_pj").GetDouble() + b.GetProperty("register_pj").GetDouble() + b.GetProperty("sram_pj").GetDouble()
                          + b.GetProperty("dram_pj").GetDouble() + b.GetProperty("leakage_pj").GetDouble();
        var byLayer = root.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("energy_pj").GetDouble());
        var byUnit = totals.GetProperty("by_unit").EnumerateArray().Sum(u => u.GetProperty("energy_pj").GetDouble());
        // Sums of the same terms in different orders: equal to floating-point rounding (relative 1e-12).
        Assert.Multiple(() =>
        {
            Assert.That(byComponent, Is.EqualTo(total).Within(1e-12 * total));
            Assert.That(byLayer, Is.EqualTo(total).Within(1e-12 * total));
            Assert.That(byUnit, Is.EqualTo(total).Within(1e-12 * total));
            Assert.That(b.GetProperty("sram_pj").GetDouble(), Is.EqualTo(b.GetProperty("sram_ifmap_pj").GetDouble() + b.GetProperty("sram_weight_pj").GetDouble() + b.GetProperty("sram_ofmap_pj").GetDouble()));
            Assert.That(totals.GetProperty("energy_per_inference_uj").GetDouble(), Is.EqualTo(total * 1e-6).Within(1e-9 * total));
            Assert.That(totals.GetProperty("tops_per_w").GetDouble(), Is.EqualTo(2.0 * 1_814_073_344 / (total * 1e-12) / 1e12).Within(1e-9).Percent);
        });
    }

    [Test]
    public void LowerPrecisionCostsLessComputeEnergy()
    {
        static double Compute(string bits) =>
            Energy2(bits).GetProperty("totals").GetProperty("breakdown").GetProperty("compute_pj").GetDouble();
        static JsonElement Energy2(string bits)
        {
            var r = CliRunner.Run("energy", "resnet18", "--wbits", bits, "--abits", bits, "--first-last", "same", "--arch", "loom-like", "--format", "json");
            Assert.That(r.ExitCode, Is.Zero, r.ToString());
            return JsonDocument.Parse(r.Output).RootElement.Clone();
        }
        Assert.That(Compute("2"), Is.LessThan(Compute("4")));
        Assert.That(Compute("4"), Is.LessThan(Compute("8")));
    }

    [Test]
    public void SevenNanometreScalesEveryOnChipComponentByTheSameFactor_AndLeavesDramAlone()
    {
        var at45 = Energy().GetProperty("totals").GetProperty("breakdown");
        var at7 = Energy("--tech", "7nm").GetProperty("totals").GetProperty("breakdown");
        // Stillmaker & Baas HP7 vs HP45, both at 0.9 V.
        var factor = (0.1776 * 0.81 - 0.09097 * 0.9 + 0.02447) / (1.018 * 0.81 - 0.3107 * 0.9 + 0.1539);
        double Pj(JsonElement b, string key) => b.GetProperty(key).GetDouble();
        Assert.Multiple(() =>
        {
            foreach (var key in new[] { "compute_pj", "register_pj", "sram_ifmap_pj", "sram_weight_pj", "sram_ofmap_pj" })
                Assert.That(Pj(at7, key) / Pj(at45, key), Is.EqualTo(factor).Within(1e-9), key);
            Assert.That(Pj(at45, "dram_pj"), Is.GreaterThan(0));
            Assert.That(Pj(at7, "dram_pj"), Is.EqualTo(Pj(at45, "dram_pj")).Within(1e-9).Percent, "DRAM is priced per device bit at any node (issue 13)");
        });
    }

    [Test]
    public void TableJsonListsHorowitzRowsWithSources()
    {
        var r = CliRunner.Run("table", "--format", "json");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        var rows = JsonDocument.Parse(r.Output).RootElement.EnumerateArray().ToList();
        var fp32Mult = rows.Single(x => x.GetProperty("action").GetString() == "multiply" && x.GetProperty("arithmetic").GetString() == "fp32");
        Assert.Multiple(() =>
        {
            Assert.That(fp32Mult.GetProperty("energy_pj").GetDouble(), Is.EqualTo(3.7));
            Assert.That(fp32Mult.GetProperty("source").GetString(), Does.Contain("Horowitz"));
            Assert.That(rows.All(x => x.GetProperty("source").GetString()!.Length > 0), Is.True, "every row has a source");
            Assert.That(rows.All(x => x.TryGetProperty("bits_a", out _) && x.TryGetProperty("bits_b", out _)), Is.True);
        });
    }

    [Test]
    public void BadEnergyOptionsAreOneLineErrors()
    {
        var r = CliRunner.Run("energy", "resnet18", "--dram", "sdram");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Error, Does.Contain("unknown DRAM type 'sdram'"));
        var t = CliRunner.Run("table", "--what", "everything");
        Assert.That(t.ExitCode, Is.EqualTo(2));
        Assert.That(t.Error, Does.Contain("--what"));
    }

    // Issue 13 item 2: an SRAM access outside the CACTI table is flagged, never silently priced:
    // bismo-like's 0.5 KiB ofmap buffer has 256 B halves of 256-bit words (8 words, no CACTI array).
    [Test]
    public void SramOutsideTheCactiTable_IsAWarningLine_AndAJsonField()
    {
        string[] args = ["energy", "alexnet", "--arch", "bismo-like", "--wbits", "2", "--abits", "2", "--first-last", "int8", "--quiet"];
        var text = CliRunner.Run(args);
        var json = CliRunner.Run([.. args, "--format", "json"]);
        var lowbit = CliRunner.Run("energy", "alexnet", "--wbits", "2", "--abits", "2", "--quiet", "--format", "json");
        Assert.That((text.ExitCode, json.ExitCode, lowbit.ExitCode), Is.EqualTo((0, 0, 0)), text + "\n" + json + "\n" + lowbit);
        var warnings = JsonDocument.Parse(json.Output).RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(warnings, Has.Count.EqualTo(1));
            Assert.That(warnings[0], Does.StartWith("SRAM ofmap buffer (one half of 512 B): 256 B x 256-bit words is outside the CACTI table"));
            Assert.That(text.Output.ReplaceLineEndings(" "), Does.Contain("warning: SRAM ofmap buffer (one half of 512 B)"));
            Assert.That(JsonDocument.Parse(lowbit.Output).RootElement.GetProperty("warnings").GetArrayLength(), Is.Zero, "lowbit-default's buffers are all inside the table");
        }
    }
}
