using HwSim.Simulator.Architecture;
using HwSim.Simulator.DotProduct;
using HwSim.Workloads.Formats;
using NUnit.Framework;

namespace HwSim.Tests.Simulator.Architecture;

/// <summary>The dotproduct kind's keys (lanes, format) and bit-serial bits_per_cycle in files: read, defaulted, written back, and rejected with the rule.</summary>
public sealed partial class ArchitectureYamlTests
{
    [Test]
    public void DotProductUnits_AndBitsPerCycle_ParseToTheirSpecs_AndDefault()
    {
        const string yaml = """
            version: 1
            name: dadn
            units:
              - { name: nfu, kind: dotproduct, rows: 1, cols: 256, lanes: 16, format: int16 }
              - { name: half, kind: dotproduct, rows: 2, cols: 4, lanes: 8, format: fp16 }
              - { name: plain, kind: DotProduct, rows: 3, cols: 3 }
              - { name: loom2, kind: bitserial, rows: 2, cols: 2, serial: both, bits_per_cycle: 2 }
              - { name: str4, kind: bitserial, rows: 2, cols: 2, bits_per_cycle: 4 }
            """;

        var arch = ArchitectureYaml.Parse(yaml, File);

        Assert.That(arch.Units, Is.EqualTo(new UnitSpec[]
        {
            new DotProductUnitSpec("nfu", 1, 256, 16, NumberFormat.Int(16)),
            new DotProductUnitSpec("half", 2, 4, 8, NumberFormat.Fp16),
            new DotProductUnitSpec("plain", 3, 3, 16, NumberFormat.Int(16)),
            new BitSerialUnitSpec("loom2", 2, 2, 16, SerialMode.Both, 8, bitsPerCycle: 2),
            new BitSerialUnitSpec("str4", 2, 2, 16, SerialMode.Activations, 8, bitsPerCycle: 4),
        }));
        Assert.That(ArchitectureYaml.Parse(ArchitectureYaml.ToYaml(arch), File), Is.EqualTo(arch));
        Assert.That(ArchitectureYaml.ToYaml(arch), Does.Contain("- { name: nfu, kind: dotproduct, rows: 1, cols: 256, lanes: 16, format: int16, drain: serial }")
            .And.Contain("serial: both, max_bits: 8, bits_per_cycle: 2, drain: serial }"));
    }

    [Test]
    public void BitsPerCycle_OtherThan1Or2Or4_ReportsTheSpecsRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, bits_per_cycle: 3 }\n", 4, "units[0].bits_per_cycle", "must be 1, 2 or 4, got 3");

    [Test]
    public void BitsPerCycle_NotAWholeNumber() =>
        AssertError(Head + "units:\n  - { name: a, kind: bitserial, rows: 4, cols: 4, bits_per_cycle: two }\n", 4, "units[0].bits_per_cycle", "'two' is not a whole number");

    [Test]
    public void BitsPerCycle_IsNotAKeyOfAnXnorUnit() =>
        AssertError(Head + "units:\n  - { name: a, kind: xnor, rows: 4, cols: 4, bits_per_cycle: 2 }\n", 4, "units[0].bits_per_cycle", "unknown key 'bits_per_cycle' for a xnor unit");

    [Test]
    public void DotProduct_FormatItCannotBeBuiltFor() =>
        AssertError(Head + "units:\n  - { name: a, kind: dotproduct, rows: 4, cols: 4, format: uint8 }\n", 4, "units[0].format", "a dotproduct unit is built for intB, fp16, bf16 or fp32");

    [Test]
    public void DotProduct_ZeroLanes_ReportsTheSpecsRule() =>
        AssertError(Head + "units:\n  - { name: a, kind: dotproduct, rows: 4, cols: 4, lanes: 0 }\n", 4, "units[0].lanes", "must be 1 to 4096, got 0");

    [Test]
    public void DotProduct_KeyOfAnotherKind_ListsItsOwnKeys() =>
        AssertError(Head + "units:\n  - { name: a, kind: dotproduct, rows: 4, cols: 4, serial: both }\n", 4, "units[0].serial",
            "unknown key 'serial' for a dotproduct unit", "allowed: name, kind, rows, cols, lanes, format");
}
