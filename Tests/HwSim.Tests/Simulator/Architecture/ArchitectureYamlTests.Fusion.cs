using HwSim.Simulator.Architecture;
using HwSim.Workloads;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>A fusion unit in architecture files: its key and default, the round trip, and each bad input as one error naming file, line, field and rule.</summary>
public sealed partial class ArchitectureYamlTests
{
    [Test]
    public void FusionUnit_ParsesWithItsKey_AndMaxBitsDefaultsTo8()
    {
        var arch = ArchitectureYaml.Parse(Head + "units:\n  - { name: a, kind: fusion, rows: 16, cols: 32, max_bits: 16 }\n  - { name: b, kind: fusion, rows: 2, cols: 3 }\n", File);
        Assert.That(arch.Units, Is.EqualTo(new UnitSpec[] { new FusionUnitSpec("a", 16, 32, 16), new FusionUnitSpec("b", 2, 3, 8) }));
    }

    [Test]
    public void BitFusionLike_RoundTripsThroughYaml()
    {
        var arch = Presets.Get("bitfusion-like");
        var yaml = ArchitectureYaml.ToYaml(arch);
        Assert.That(yaml, Does.Contain("kind: fusion").And.Contain("max_bits: 16"));
        Assert.That(ArchitectureYaml.Parse(yaml, File), Is.EqualTo(arch));
    }

    [TestCase(17)]
    [TestCase(1)]
    [TestCase(0)]
    public void MaxBitsOutsideTwoToSixteen_IsAnError(int bits) =>
        AssertError(Head + $"units:\n  - name: a\n    kind: fusion\n    rows: 2\n    cols: 2\n    max_bits: {bits}\n", 8, "units[0].max_bits", $"must be 2 to 16, got {bits}");

    [Test]
    public void KeyOfAnotherKind_IsUnknownForAFusionUnit() =>
        AssertError(Head + "units:\n  - { name: a, kind: fusion, rows: 4, cols: 4, lanes: 16 }\n", 4, "units[0].lanes", "unknown key 'lanes' for a fusion unit", "max_bits");

    [Test]
    public void UnsupportedLayers_SayWhy()
    {
        var unit = new FusionUnitSpec("bf", 4, 4, maxBits: 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(unit.Unsupported(OperandPrecision.Fp32), Does.Contain("needs a float unit"));
            Assert.That(unit.Unsupported(OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(8), 9)), Does.Contain("at most 8-bit").And.Contain("needs 16"));
            Assert.That(unit.Unsupported(OperandPrecision.For(NumberFormat.Int(8), NumberFormat.Binary, 9)), Is.Null);
            Assert.That((unit with { MaxBits = 16 }).Unsupported(OperandPrecision.For(NumberFormat.Int(16), NumberFormat.UInt(8), 9)), Is.Null);
        }
    }
}
