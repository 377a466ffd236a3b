using System.Globalization;
using System.Text.Json;
using HwSim.Tests.Support;
using NUnit.Framework;

namespace HwSim.Tests.Docs;

/// <summary>
/// docs/validation/eyeriss-alexnet.md: AlexNet's convolutions at batch 4, 16-bit (docs/validation/eyeriss-alexnet-conv.csv), on the
/// array preset eyeriss-like (fixed mapping and mapper) and the nest design eyeriss-rs (nest mapper), against the Eyeriss chip's
/// published 0.0029 DRAM accesses per MAC and 35 frames/s (Chen et al., JSSC 2017, abstract). Each row is what the doc's commands
/// print: DRAM accesses as 16-bit words (an array's DRAM bytes / 2, a nest design's DRAM reads, fills and updates), cycles of the
/// batch, frames/s at 200 MHz. Integers exact, ratios as printed (3 significant digits).
/// </summary>
public sealed class EyerissAlexNetFiguresTests
{
    private static readonly string Workload = Path.Combine(RepoPaths.Root, "docs", "validation", "eyeriss-alexnet-conv.csv");

    /// <summary>The chip's figures (JSSC 2017 abstract): DRAM accesses per MAC and frames per second, batch 4.</summary>
    private const double ChipAccessesPerMac = 0.0029, ChipFps = 35;

    /// <summary>Images per batch: the chip's N = 4, the workload's n column.</summary>
    private const int Batch = 4;

    /// <summary>The clock frames/s take for both models: eyeriss-like's clock_mhz (Simulator/Architecture/Presets.cs); eyeriss-rs has none.</summary>
    private const double ClockHz = 200e6;

    private static JsonElement Run(params string[] args)
    {
        var r = CliRunner.Run([.. args, "-f", "json", "-q"]);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        return JsonDocument.Parse(r.Output).RootElement.Clone();
    }

    private static string Row(string model, string mapping, long macs, long accesses, long cycles)
    {
        var perMac = (double)accesses / macs;
        var fps = Batch / (cycles / ClockHz);
        static string G3(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
        return $"| {model} | {mapping} | {accesses.ToString("N0", CultureInfo.InvariantCulture)} | {perMac.ToString("0.00000", CultureInfo.InvariantCulture)} | {G3(perMac / ChipAccessesPerMac)}x | {cycles.ToString("N0", CultureInfo.InvariantCulture)} | {fps.ToString("0.0", CultureInfo.InvariantCulture)} | {G3(fps / ChipFps)}x |";
    }

    private static string Array(string mapping, params string[] options)
    {
        var t = Run(["simulate", Workload, "--arch", "eyeriss-like", .. options]).GetProperty("totals");
        var bytes = t.GetProperty("counts").EnumerateArray().Where(c => c.GetProperty("action").GetString()!.StartsWith("dram", StringComparison.Ordinal)).Sum(c => c.GetProperty("count").GetInt64());
        return Row("eyeriss-like (array)", mapping, t.GetProperty("macs").GetInt64(), bytes / 2, t.GetProperty("cycles").GetInt64());
    }

    private static string Nest(string mapping, params string[] options)
    {
        var t = Run(["energy", Workload, "--arch", "eyeriss-rs", .. options]).GetProperty("totals");
        var dram = t.GetProperty("levels")[0];
        var accesses = dram.GetProperty("reads").GetInt64() + dram.GetProperty("fills").GetInt64() + dram.GetProperty("updates").GetInt64();
        return Row("eyeriss-rs (nest)", mapping, t.GetProperty("macs").GetInt64(), accesses, t.GetProperty("cycles").GetInt64());
    }

    [Test]
    public void DocTableIsTheCommandsFigures()
    {
        string[] rows =
        [
            Array("fixed (before the mapper)", "--mapping", "fixed"),
            Array("mapper, energy"),
            Array("mapper, EDP", "--objective", "edp"),
            Nest("nest mapper, energy"),
            Nest("nest mapper, EDP", "--objective", "edp"),
        ];
        TestContext.Out.WriteLine(string.Join("\n", rows));
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "validation", "eyeriss-alexnet.md")).ReplaceLineEndings("\n");
        foreach (var row in rows)
            Assert.That(doc, Does.Contain(row));
    }
}
