using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// Simulator/README.md §4, "How the batch is tiled": VGG-16 at int8 on tpu-like (DDR3) at batch 1
/// and 256, with the fixed mapping and the mapper, run with the commands the section gives
/// (<c>hwsim energy</c> for the energy, <c>hwsim simulate --format json</c> for cycles, stalls and
/// DRAM bytes). Cycles and bytes are pinned exactly (totals over the batch; the section divides by
/// it); energy per inference to a relative 1e-9 (sums of doubles in a fixed order).
/// </summary>
public sealed class BatchTilingFiguresTests
{
    private const double Relative = 1e-9;

    private static string[] Args(string verb, string mapping, int batch) =>
        [verb, "vgg16", "--arch", "tpu-like", "--wbits", "8", "--abits", "8", "--first-last", "int8", "--batch", $"{batch}", "--mapping", mapping, "--format", "json", "-q"];

    private static JsonElement Totals(string verb, string mapping, int batch)
    {
        var r = CliRunner.Run(Args(verb, mapping, batch));
        Assert.That(r.ExitCode, Is.Zero, r.ToString);
        using var doc = JsonDocument.Parse(r.Output);
        return doc.RootElement.GetProperty("totals").Clone();
    }

    private static long Count(JsonElement totals, string action) =>
        totals.GetProperty("counts").EnumerateArray().Where(c => c.GetProperty("action").GetString() == action).Sum(c => c.GetProperty("count").GetInt64());

    // mapping, batch, energy per inference (uJ), cycles, stall cycles, DRAM bytes read, DRAM bytes written (whole batch)
    [TestCase("fixed", 1, 132_190.24342312707, 4_796_055L, 2_705_493L, 168_332_480L, 34_429_928L)]
    [TestCase("fixed", 256, 246_030.09615676384, 2_275_724_738L, 2_154_376_756L, 51_124_074_176L, 51_610_576_896L)]
    [TestCase("search", 1, 108_286.5463526266, 3_820_558L, 1_728_463L, 147_487_936L, 13_556_712L)]
    [TestCase("search", 256, 31_265.13198465706, 173_614_965L, 31_541_946L, 3_297_508_288L, 3_470_518_272L)]
    public void Vgg16OnTpuLike_IsTheSectionsTable(string mapping, int batch, double energyUj, long cycles, long stalls, long dramRead, long dramWritten)
    {
        var energy = Totals("energy", mapping, batch);
        var simulated = Totals("simulate", mapping, batch);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(energy.GetProperty("energy_per_inference_uj").GetDouble(), Is.EqualTo(energyUj).Within(Relative).Percent);
            Assert.That(energy.GetProperty("cycles").GetInt64(), Is.EqualTo(cycles), "energy and simulate run the same loop nests");
            Assert.That(simulated.GetProperty("cycles").GetInt64(), Is.EqualTo(cycles));
            Assert.That(simulated.GetProperty("stall_cycles").GetInt64(), Is.EqualTo(stalls));
            Assert.That(Count(simulated, "dram_read_byte"), Is.EqualTo(dramRead));
            Assert.That(Count(simulated, "dram_write_byte"), Is.EqualTo(dramWritten));
        }
    }

    [Test]
    public void TheMapperAtBatch256_WritesOnlyTheOutputs_AsAtBatch1()
    {
        // No partial sum leaves the chip: the bytes written per inference are batch 1's.
        var one = Count(Totals("simulate", "search", 1), "dram_write_byte");
        var many = Count(Totals("simulate", "search", 256), "dram_write_byte");
        Assert.That(many, Is.EqualTo(256 * one));
    }
}
